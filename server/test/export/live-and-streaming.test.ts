// Over a real port: the live feed pushes newly ingested observations, and a download in progress
// neither blocks ingest (it reads its own snapshot connection) nor sees rows committed after it began.
import type { FastifyInstance } from 'fastify'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ctdUplink, datastreamId, exportApp, filledStore, START, STEP_MS, type FilledStore } from './support.js'

let filled: FilledStore
let app: FastifyInstance
let base: string
beforeAll(async () => {
  filled = await filledStore(120) // 1440 samples: the station CSV is larger than the stream buffers
  app = await exportApp(filled)
  await app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await app.close()
  await filled.close()
})

function open(path: string): Promise<import('node:http').IncomingMessage> {
  return new Promise((resolve, reject) => request(base + path, resolve).on('error', reject).end())
}

function nextChunk(res: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve) => res.once('data', (c: Buffer) => resolve(c.toString('utf8'))))
}

describe('live feed (server-sent events)', () => {
  it('streams observations of a new uplink, only for the datastreams asked', async () => {
    const temp = datastreamId(filled, 'TEMP')
    const res = await open(`/api/live?datastreams=${temp}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    res.setEncoding('utf8')
    expect(await nextChunk(res)).toContain(': connected')
    let text = ''
    const got = new Promise<void>((resolve) => res.on('data', (c: string) => ((text += c), text.includes('\n\n') && resolve())))
    const first = filled.times.length
    await filled.ingest.submit([ctdUplink(filled.store, first, 3, filled.nextFCnt++, -1)])
    await got
    res.destroy()
    const events = text.split('\n\n').filter((e) => e.startsWith('event: observations'))
    const messages = events.map((e) => JSON.parse(e.split('\ndata: ')[1]!))
    expect(new Set(messages.map((m) => m.datastream))).toEqual(new Set([temp]))
    const created = messages.flatMap((m) => m.observations).filter((o: number[]) => o[0]! >= START + first * STEP_MS)
    expect(created.map((o: number[]) => o[0])).toEqual([0, 1, 2].map((k) => START + (first + k) * STEP_MS))
    expect(created[0][1]).toBeCloseTo(25 + 0.6 * Math.sin((2 * Math.PI * first * STEP_MS) / 86_400_000) + 0.002 * first, 2)
  })

  it('rejects a malformed datastream list', async () => {
    const res = await app.inject('/api/live?datastreams=1,x')
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toMatch(/not a comma-separated list/)
  })
})

describe('a download in progress', () => {
  it('does not block ingest and keeps the snapshot it started with', async () => {
    const temp = datastreamId(filled, 'TEMP')
    // 200 000 older rows (a ~10 MB CSV, far more than the socket and stream buffers hold).
    const insert = filled.store.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, qc) VALUES (?, ?, ?, 0)')
    filled.store.db.transaction(() => {
      for (let i = 0; i < 200_000; i++) insert.run(temp, START - (200_000 - i) * 60_000, 24 + (i % 100) / 100)
    })()
    const { n, last } = filled.store.db.prepare('SELECT count(*) AS n, max(phenomenon_time) AS last FROM observations WHERE datastream_id = ?').get(temp) as { n: number; last: number }
    const res = await open(`/api/download/datastreams/${temp}.csv?from=2025-01-01&to=2027-01-01`)
    expect(res.statusCode).toBe(200)
    res.pause()
    res.setEncoding('utf8')
    // With the response paused mid-file (its cursor open), ingest commits on the main connection.
    const firstNew = (last - START) / STEP_MS + 1
    await filled.ingest.submit([ctdUplink(filled.store, firstNew, 6, filled.nextFCnt++, -1)])
    expect((filled.store.db.prepare('SELECT count(*) AS n FROM observations WHERE datastream_id = ?').get(temp) as { n: number }).n).toBe(n + 6)
    let body = ''
    await new Promise<void>((resolve) => {
      res.on('data', (c: string) => (body += c))
      res.on('end', resolve)
      res.resume()
    })
    const rows = body.trim().split('\r\n').slice(1)
    expect(rows.length).toBe(n)
    expect(rows.at(-1)!.startsWith(new Date(last).toISOString())).toBe(true)
  })
})
