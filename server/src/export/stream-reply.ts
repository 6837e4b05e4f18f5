// Sending a generator as a streamed response whose database session ends with it: on the last
// row, on an error, or when the client goes away — whichever comes first.
import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import type { ReadSession } from './read-connection.js'

export function sendStream(
  reply: FastifyReply,
  session: ReadSession,
  pieces: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  headers: Record<string, string | number>,
): FastifyReply {
  const released = () => session.release()
  reply.raw.once('close', released)
  async function* guarded() {
    try {
      yield* pieces
    } finally {
      released()
    }
  }
  reply.headers(headers)
  return reply.send(Readable.from(guarded(), { objectMode: false, highWaterMark: 64 * 1024 }))
}

/** attachment; filename=… with an ASCII fallback and the RFC 5987 form. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}
