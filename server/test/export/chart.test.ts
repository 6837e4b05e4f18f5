// Chart images: the decimation keeps spikes, the SVG has axes/ticks/labels and the right line,
// the PNG is a real PNG of the asked size (resvg).
import type { FastifyInstance } from 'fastify'
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decimateMinMax } from '../../src/export/index.js'
import { niceTicks, timeTicks } from '../../src/export/chart-ticks.js'
import { datastreamId, exportApp, filledStore, type FilledStore } from './support.js'

describe('min/max decimation', () => {
  const samples = Array.from({ length: 10_000 }, (_, i) => ({ t: i * 1000, v: i === 4321 ? 99 : i === 7000 ? -50 : Math.sin(i / 500) }))
  const cols = decimateMinMax(samples, { fromMs: 0, toMs: 10_000_000, width: 100, gapMs: 5000 })

  it('gives one column per pixel with the min and max of its samples', () => {
    expect(cols).toHaveLength(100)
    expect(cols[43]!.max).toBe(99)
    expect(cols[70]!.min).toBe(-50)
    expect(cols.every((c) => c.path.length <= 4)).toBe(true)
    expect(Math.max(...cols.map((c) => c.max))).toBe(99)
  })

  it('breaks the line across gaps and missing values', () => {
    const gappy = [...samples.slice(0, 3000), ...samples.slice(6000)]
    const g = decimateMinMax(gappy, { fromMs: 0, toMs: 10_000_000, width: 100, gapMs: 5000 })
    expect(g.filter((c) => c.breakBefore).map((c) => c.col)).toEqual([60])
    const withNull = decimateMinMax([{ t: 0, v: 1 }, { t: 1000, v: null }, { t: 2000, v: 2 }], { fromMs: 0, toMs: 3000, width: 3, gapMs: 5000 })
    expect(withNull.map((c) => c.breakBefore)).toEqual([false, true])
  })
})

describe('ticks', () => {
  it('are nice numbers and calendar times', () => {
    expect(niceTicks(24.1, 26.3, 5)).toEqual([24.5, 25, 25.5, 26])
    expect(timeTicks(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1), 6).map((t) => t.label)).toEqual(['2026-01', '2026-03', '2026-05', '2026-07', '2026-09', '2026-11'])
    expect(timeTicks(Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 2), 6).map((t) => t.label)[1]).toBe('03-01 06:00')
  })
})

describe('/api/chart', () => {
  let filled: FilledStore
  let app: FastifyInstance
  beforeAll(async () => {
    filled = await filledStore()
    app = await exportApp(filled)
  })
  afterAll(async () => {
    await app.close()
    await filled.close()
  })

  it('draws an SVG with title, axes and a line that keeps the spike', async () => {
    const id = datastreamId(filled, 'TEMP')
    const res = await app.inject(`/api/chart/${id}.svg?width=600&height=300`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8')
    const svg = res.body
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="600" height="300"/)
    expect(svg).toContain('MHXCOK01 · Lagoon station, Ouano (demo) · TEMP')
    expect(svg).toContain('TEMP (°C)')
    expect(svg).toContain('>03-01 06:00<')
    const d = /class="series" d="([^"]+)"/.exec(svg)![1]!
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]))
    expect(ys.length).toBeGreaterThanOrEqual(144)
    // The spike (31.5 °C against ~25 °C) is the topmost point, near the top of the plot area.
    expect(Math.min(...ys)).toBeLessThan(50)
    expect(ys.filter((y) => y < 100)).toHaveLength(1)
  })

  it('draws "no data" for an empty range and renders PNGs of the asked size', async () => {
    const id = datastreamId(filled, 'TEMP')
    const empty = await app.inject(`/api/chart/${id}.svg?from=2020-01-01&to=2020-02-01`)
    expect(empty.body).toContain('no data in this range')
    const png = await app.inject(`/api/chart/${id}.png?width=640&height=240`)
    expect(png.statusCode).toBe(200)
    expect(png.headers['content-type']).toBe('image/png')
    const b = png.rawPayload
    expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([640, 240])
    // Kept for a human look (test-artifacts/ is gitignored).
    const dir = new URL('../../../test-artifacts/export/', import.meta.url).pathname
    mkdirSync(dir, { recursive: true })
    writeFileSync(dir + 'chart-temp.png', b)
  })

  it('rejects bad sizes and formats with 400', async () => {
    expect((await app.inject('/api/chart/1.svg?width=10')).json().error.message).toMatch(/width must be >= 200/)
    expect((await app.inject('/api/chart/1.gif')).statusCode).toBe(400)
    expect((await app.inject('/api/chart/999.svg')).statusCode).toBe(404)
  })
})
