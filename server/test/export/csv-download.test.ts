// CSV downloads against a real SQLite store filled through the ingest pipeline, over fastify inject.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toOceanSitesFlag, type QartodFlag } from '../../src/science/index.js'
import { aggregateOf } from '../../src/store/qc-flags.js'
import { datastreamId, exportApp, filledStore, storedObservations, type FilledStore } from './support.js'

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

const lines = (body: string) => body.replace(/\r\n$/, '').split('\r\n')
const flagOf = (qc: number | null) => toOceanSitesFlag(aggregateOf(qc) as QartodFlag)

describe('CSV download of a datastream', () => {
  it('has one row per observation: ISO time, value, unit, OceanSITES QC flag', async () => {
    const id = datastreamId(filled, 'TEMP')
    const res = await app.inject(`/api/download/datastreams/${id}.csv`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="MHXCOK01_TEMP_20260301T000000Z_20260301T235000Z\.csv"/)
    const [header, ...rows] = lines(res.body)
    expect(header).toBe('time,value,unit,qc_flag')
    const stored = storedObservations(filled, id)
    expect(rows).toHaveLength(filled.times.length)
    rows.forEach((row, i) => {
      const [time, value, unit, flag] = row.split(',')
      expect(time).toBe(new Date(filled.times[i]!).toISOString())
      expect(Number(value)).toBe(stored[i]!.v)
      expect(unit).toBe('°C')
      expect(Number(flag)).toBe(flagOf(stored[i]!.qc))
    })
    // The spike is flagged (QARTOD suspect/fail → OceanSITES 3/4), ordinary samples are good.
    expect(Number(rows[filled.spikeIndex]!.split(',')[3])).toBeGreaterThanOrEqual(3)
    expect(rows.filter((r) => r.endsWith(',1')).length).toBeGreaterThan(rows.length * 0.9)
  })

  it('cuts the half-open range [from, to) and adds raw readings and a BOM on request', async () => {
    const id = datastreamId(filled, 'TEMP')
    const from = new Date(filled.times[10]!).toISOString()
    const to = new Date(filled.times[20]!).toISOString()
    const res = await app.inject(`/api/download/datastreams/${id}.csv?from=${from}&to=${to}&raw=true&excel=true`)
    expect(res.statusCode).toBe(200)
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const [header, ...rows] = lines(res.body.replace(/^\uFEFF/, ''))
    expect(header).toBe('time,value,unit,qc_flag,raw')
    expect(rows).toHaveLength(10)
    const stored = storedObservations(filled, id).slice(10, 20)
    rows.forEach((r, i) => expect(Number(r.split(',')[4])).toBe(stored[i]!.raw))
    expect(rows[0]!.startsWith(from)).toBe(true)
  })

  it('keeps only good data with qc=good', async () => {
    const id = datastreamId(filled, 'TEMP')
    const all = lines((await app.inject(`/api/download/datastreams/${id}.csv`)).body).slice(1)
    const good = lines((await app.inject(`/api/download/datastreams/${id}.csv?qc=good`)).body).slice(1)
    expect(good).toEqual(all.filter((r) => r.endsWith(',1')))
    expect(good.length).toBeLessThan(all.length)
    expect(good.some((r) => r.startsWith(new Date(filled.times[filled.spikeIndex]!).toISOString()))).toBe(false)
  })
})

describe('CSV download of a station', () => {
  it('has one row per time and, per quantity, value and flag columns', async () => {
    const res = await app.inject('/api/download/stations/MHXCOK01.csv?raw=true')
    expect(res.statusCode).toBe(200)
    const [header, ...rows] = lines(res.body)
    expect(header).toBe('time,TEMP (°C),TEMP_QC,TEMP_raw,PSAL (PSU),PSAL_QC,PSAL_raw,CNDC (S/m),CNDC_QC,CNDC_raw,PRES (dbar),PRES_QC,PRES_raw,DEPTH (m),DEPTH_QC,DEPTH_raw,BATT (V),BATT_QC,BATT_raw')
    expect(rows).toHaveLength(filled.times.length)
    const temp = storedObservations(filled, datastreamId(filled, 'TEMP'))
    const psal = storedObservations(filled, datastreamId(filled, 'PSAL'))
    rows.forEach((r, i) => {
      const cells = r.split(',')
      expect(cells[0]).toBe(new Date(filled.times[i]!).toISOString())
      expect(Number(cells[1])).toBe(temp[i]!.v)
      expect(Number(cells[3])).toBe(temp[i]!.raw)
      expect(Number(cells[4])).toBe(psal[i]!.v)
      expect(cells[6]).toBe('') // derived: no raw reading
      expect(cells.slice(16)).toEqual(['', '', '']) // no battery samples at these times
    })
  })
})

describe('download errors are 4xx with a reason', () => {
  it.each([
    ['/api/download/datastreams/1.csv?from=yesterday', 400, 'EXPORT_BAD_TIME', /from="yesterday" is not an ISO 8601/],
    ['/api/download/datastreams/1.csv?from=2026-03-02&to=2026-03-01', 400, 'EXPORT_BAD_RANGE', /before from/],
    ['/api/download/datastreams/1.xls', 400, 'EXPORT_BAD_PARAMETER', /format \.xls is not one of \.csv, \.nc/],
    ['/api/download/datastreams/abc.csv', 400, 'EXPORT_BAD_PARAMETER', /is not <datastream id>/],
    ['/api/download/datastreams/9999.csv', 404, 'EXPORT_DATASTREAM_NOT_FOUND', /no Datastream with id 9999/],
    ['/api/download/stations/NOPE.csv', 404, 'EXPORT_STATION_NOT_FOUND', /no station with code "NOPE"/],
    ['/api/download/datastreams/1.csv?qc=maybe', 400, 'EXPORT_BAD_PARAMETER', /querystring\/qc must be equal to one of the allowed values/],
    ['/api/download/datastreams/1.csv?raw=perhaps', 400, 'EXPORT_BAD_PARAMETER', /querystring\/raw must be boolean/],
  ])('%s → %i %s', async (url, status, code, message) => {
    const res = await app.inject(url)
    expect(res.statusCode).toBe(status)
    expect(res.json().error.code).toBe(code)
    expect(res.json().error.message).toMatch(message)
  })
})
