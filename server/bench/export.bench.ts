/**
 * Downloads and charts over a store of 1 M observations (one station, TEMP 400 k rows + PSAL,
 * CNDC, PRES 200 k each, 10-minute times), through a real fastify port and an HTTP client that
 * discards the body. Reported: rows/s against the raw limit of the same machine — iterating the
 * same rows with better-sqlite3 and doing nothing with them — and the peak RSS growth while a
 * download runs (it must stay flat: the rows are streamed, never held).
 */
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportPlugin } from '../src/export/index.js'
import { openDatabase, type Db } from '../src/store/database.js'

import type { BenchRow } from './support.js'

const START = Date.UTC(2018, 0, 1)
const STEP = 600_000
const SIZES: [string, string, number][] = [
  ['TEMP', '{"name":"degree Celsius","symbol":"°C"}', 400_000],
  ['PSAL', '{"name":"practical salinity unit","symbol":"PSU"}', 200_000],
  ['CNDC', '{"name":"siemens per metre","symbol":"S/m"}', 200_000],
  ['PRES', '{"name":"decibar","symbol":"dbar"}', 200_000],
]

function fill(db: Db): Record<string, number> {
  db.exec(`INSERT INTO things (id, name, properties, station_code) VALUES (1, 'Bench station', '{"depth_m":10,"network_name":"bench"}', 'BENCH01');
    INSERT INTO locations (id, name, location) VALUES (1, 'BENCH01', '{"type":"Point","coordinates":[166.2,-22.3]}');
    INSERT INTO thing_locations VALUES (1, 1);
    INSERT INTO sensors (id, name) VALUES (1, 'bench CTD');
    INSERT INTO observed_properties (id, name, definition) VALUES (1, 'x', 'x');`)
  const ids: Record<string, number> = {}
  const ds = db.prepare(`INSERT INTO datastreams (name, observation_type, unit_of_measurement, thing_id, sensor_id, observed_property_id, quantity, phenomenon_time_start, phenomenon_time_end) VALUES (?, 'OM_Measurement', ?, 1, 1, 1, ?, ?, ?)`)
  const obs = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc) VALUES (?, ?, ?, ?, ?)')
  db.transaction(() => {
    for (const [q, unit, n] of SIZES) {
      const id = Number(ds.run(`BENCH01 ${q}`, unit, q, START, START + (n - 1) * STEP).lastInsertRowid)
      ids[q] = id
      for (let i = 0; i < n; i++) obs.run(id, START + i * STEP, 25 + Math.sin(i / 72) + (i % 997 === 0 ? 5 : 0), 120000 + i, i % 997 === 0 ? 0x000003 : 0)
    }
  })()
  return ids
}

/** The second of two downloads (the first warms the JIT and SQLite's page cache). */
async function download(base: string, url: string): Promise<{ ms: number; bytes: number; peakRssMb: number }> {
  await downloadOnce(base, url)
  return downloadOnce(base, url)
}

/** Downloads url, discarding the body; samples RSS meanwhile. */
function downloadOnce(base: string, url: string): Promise<{ ms: number; bytes: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const rss0 = process.memoryUsage().rss
    let peak = rss0
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const t0 = performance.now()
    let bytes = 0
    request(base + url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`))
      res.on('data', (c: Buffer) => (bytes += c.length))
      res.on('end', () => {
        clearInterval(timer)
        resolve({ ms: performance.now() - t0, bytes, peakRssMb: (peak - rss0) / 2 ** 20 })
      })
    })
      .on('error', reject)
      .end()
  })
}

function rawIterate(path: string, id: number): number {
  const db = new Database(path, { readonly: true })
  const t0 = performance.now()
  let n = 0
  for (const _ of db.prepare('SELECT phenomenon_time AS t, result AS v, raw, qc FROM observations WHERE datastream_id = ? ORDER BY phenomenon_time').iterate(id)) n++
  const ms = performance.now() - t0
  db.close()
  return n / (ms / 1000)
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-export-bench-'))
  const path = join(dir, 'bench.db')
  const db = openDatabase(path, { synchronous: 'normal' })
  const rows: BenchRow[] = []
  try {
    const ids = fill(db)
    const app = Fastify({ logger: false })
    await app.register(exportPlugin, { db })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const temp = ids.TEMP!
    const tempRows = SIZES[0]![2]
    const raw = rawIterate(path, temp)
    rows.push({ name: 'export: raw better-sqlite3 iterate (limit)', value: raw, unit: 'rows/s' })

    const csv = await download(base, `/api/download/datastreams/${temp}.csv`)
    rows.push({ name: 'export: datastream CSV, 400k rows', value: tempRows / (csv.ms / 1000), unit: 'rows/s', baseline: raw, ratio: tempRows / (csv.ms / 1000) / raw })
    rows.push({ name: 'export: datastream CSV, peak RSS growth', value: csv.peakRssMb, unit: 'MB' })

    const nc = await download(base, `/api/download/datastreams/${temp}.nc`)
    rows.push({ name: 'export: datastream NetCDF, 400k rows (count + stream)', value: tempRows / (nc.ms / 1000), unit: 'rows/s', baseline: raw, ratio: tempRows / (nc.ms / 1000) / raw })
    rows.push({ name: 'export: datastream NetCDF, peak RSS growth', value: nc.peakRssMb, unit: 'MB' })

    const total = SIZES.reduce((s, x) => s + x[2], 0)
    const stationNc = await download(base, '/api/download/stations/BENCH01.nc')
    rows.push({ name: 'export: station NetCDF, 1M observations (merge twice)', value: total / (stationNc.ms / 1000), unit: 'obs/s', baseline: raw, ratio: total / (stationNc.ms / 1000) / raw })
    rows.push({ name: 'export: station NetCDF, peak RSS growth', value: stationNc.peakRssMb, unit: 'MB' })
    const stationCsv = await download(base, '/api/download/stations/BENCH01.csv')
    rows.push({ name: 'export: station CSV, 1M observations', value: total / (stationCsv.ms / 1000), unit: 'obs/s', baseline: raw, ratio: total / (stationCsv.ms / 1000) / raw })

    const year = `from=${new Date(START).toISOString()}&to=${new Date(START + 365 * 86_400_000).toISOString()}`
    const series = await download(base, `/api/series/${temp}.json?${year}`)
    rows.push({ name: 'export: portal series JSON, a year of 10-min data (52 560 points)', value: series.ms, unit: 'ms' })
    rows.push({ name: 'export: portal series JSON, bytes per point', value: series.bytes / 52_560, unit: 'B' })

    const svg = await download(base, `/api/chart/${temp}.svg`)
    rows.push({ name: 'export: chart SVG of 400k points (800 px)', value: svg.ms, unit: 'ms' })
    const png = await download(base, `/api/chart/${temp}.png`)
    rows.push({ name: 'export: chart PNG of 400k points (800 px)', value: png.ms, unit: 'ms' })
    const pngYear = await download(base, `/api/chart/${temp}.png?${year}`)
    rows.push({ name: 'export: chart PNG of a year (52 560 points)', value: pngYear.ms, unit: 'ms' })
    await app.close()
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}
