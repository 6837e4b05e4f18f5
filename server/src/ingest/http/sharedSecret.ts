// The shared secret webhooks must present. The Things Stack webhooks send any extra headers you
// configure; ChirpStack's HTTP integration sends the headers set on it. Accepted in
// `Authorization: Bearer <secret>`, `X-Reeflink-Secret: <secret>`, or one configurable header.
// Compared through SHA-256 digests with timingSafeEqual: constant time, whatever the lengths.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export const SECRET_HEADER = 'x-reeflink-secret'

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

export class SharedSecret {
  private readonly expected: Buffer
  private readonly extraHeader: string | undefined

  constructor(secret: string, extraHeader?: string) {
    if (secret.length === 0) throw new Error('ingest webhooks: the shared secret must not be empty')
    this.expected = digest(secret)
    this.extraHeader = extraHeader?.toLowerCase()
  }

  /** True when any accepted header carries the secret. Every candidate is compared, so timing says nothing. */
  matches(headers: IncomingHttpHeaders): boolean {
    const candidates: string[] = []
    const auth = headers.authorization
    if (typeof auth === 'string' && /^Bearer /i.test(auth)) candidates.push(auth.slice(7).trim())
    for (const name of [SECRET_HEADER, this.extraHeader]) {
      if (name === undefined) continue
      const value = headers[name]
      if (typeof value === 'string') candidates.push(value)
    }
    let ok = false
    for (const candidate of candidates) ok = timingSafeEqual(digest(candidate), this.expected) || ok
    return ok
  }
}
