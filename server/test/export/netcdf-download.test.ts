// OceanSITES NetCDF downloads: every file is checked with Debian's ncdump (header and data),
// read back with the project's reader and with netcdfjs, and replayed the way the simulator does.
import { readTimeSeries } from '@reeflink/simulator/netcdf'
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { NetCDFReader } from 'netcdfjs'
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

const flagOf = (qc: number | null) => toOceanSitesFlag(aggregateOf(qc) as QartodFlag)

async function download(url: string): Promise<{ bytes: Buffer; path: string; headers: Record<string, unknown> }> {
  const res = await app.inject(url)
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
  const path = join(filled.store.dir, `download-${Math.random().toString(36).slice(2)}.nc`)
  writeFileSync(path, res.rawPayload)
  return { bytes: res.rawPayload, path, headers: res.headers }
}

const ncdump = (...args: string[]) => execFileSync('ncdump', args, { encoding: 'utf8' })

describe('OceanSITES NetCDF of a datastream', () => {
  it('has the CF / OceanSITES 1.4 / ACDD header, checked by ncdump', async () => {
    const id = datastreamId(filled, 'TEMP')
    const { path, headers, bytes } = await download(`/api/download/datastreams/${id}.nc`)
    expect(headers['content-type']).toBe('application/x-netcdf')
    expect(Number(headers['content-length'])).toBe(bytes.length)
    expect(headers['content-disposition']).toMatch(/filename="OS_MHXCOK01_20260301-20260301_R_TEMP\.nc"/)
    const h = ncdump('-h', path)
    expect(h).toMatch(/TIME = UNLIMITED ; \/\/ \(144 currently\)/)
    expect(h).toMatch(/double TIME\(TIME\) ;/)
    expect(h).toContain('TIME:units = "days since 1950-01-01T00:00:00Z" ;')
    expect(h).toMatch(/float TEMP\(TIME, DEPTH\) ;/)
    expect(h).toContain('TEMP:standard_name = "sea_water_temperature" ;')
    expect(h).toContain('TEMP:units = "degree_Celsius" ;')
    expect(h).toContain('TEMP:_FillValue = 99999.f ;')
    expect(h).toContain('TEMP:DM_indicator = "R" ;')
    expect(h).toContain('TEMP:ancillary_variables = "TEMP_QC" ;')
    expect(h).toMatch(/byte TEMP_QC\(TIME, DEPTH\) ;/)
    expect(h).toContain('TEMP_QC:_FillValue = -128b ;')
    expect(h).toContain('TEMP_QC:flag_values = 0b, 1b, 2b, 3b, 4b, 5b, 6b, 7b, 8b, 9b ;')
    expect(h).toContain('TEMP_QC:flag_meanings = "no_qc_performed good_data probably_good_data bad_data_that_are_potentially_correctable bad_data value_changed not_used nominal_value interpolated_value missing_value" ;')
    expect(h).not.toMatch(/\bPSAL\b/)
    for (const attr of [
      ':Conventions = "CF-1.6 OceanSITES-1.4 ACDD-1.3" ;',
      ':data_type = "OceanSITES time-series data" ;',
      ':format_version = "1.4" ;',
      ':platform_code = "MHXCOK01" ;',
      ':site_code = "MHXCOK01" ;',
      ':data_mode = "R" ;',
      ':featureType = "timeSeries" ;',
      ':geospatial_lat_min = -21.85f ;',
      ':geospatial_lon_max = 165.82f ;',
      ':geospatial_vertical_min = 8.f ;',
      ':time_coverage_start = "2026-03-01T00:00:00Z" ;',
      ':time_coverage_end = "2026-03-01T23:50:00Z" ;',
      ':citation = "reeflink demo data, derived from the ReefTEMPS station layout. Not real measurements." ;',
      ':doi = "10.0000/reeflink.demo" ;',
      ':license = "CC-BY-4.0" ;',
      ':network = "ReefTEMPS-demo" ;',
    ]) {
      expect(h).toContain(attr)
    }
    expect(h).toMatch(/:title = "ReefTEMPS-demo station MHXCOK01 \(Lagoon station, Ouano \(demo\)\): TEMP" ;/)
  })

  it('holds the stored values and flags: ncdump data, readTimeSeries and netcdfjs agree', async () => {
    const id = datastreamId(filled, 'TEMP')
    const { path, bytes } = await download(`/api/download/datastreams/${id}.nc`)
    const stored = storedObservations(filled, id)

    const series = readTimeSeries(bytes)
    expect(Array.from(series.timesMs)).toEqual(filled.times)
    const temp = series.parameters.TEMP!.levels[0]!
    expect(Array.from(temp.values)).toEqual(stored.map((o) => Math.fround(o.v!)))
    expect(Array.from(temp.qc!)).toEqual(stored.map((o) => flagOf(o.qc)))
    expect(temp.qc![filled.spikeIndex]).toBeGreaterThanOrEqual(3)
    expect(series.station).toMatchObject({ platformCode: 'MHXCOK01', latitude: -21.85, longitude: 165.82, nominalDepthM: 8 })

    const nc = new NetCDFReader(bytes)
    expect(nc.getDataVariable('TEMP').flat()).toHaveLength(144)
    expect((nc.getDataVariable('TIME') as number[])[1]).toBeCloseTo(27818 + 600 / 86400, 9) // 2026-03-01 is day 27818 since 1950-01-01

    const dump = ncdump('-v', 'TEMP_QC', path)
    const flags = /TEMP_QC =\s*([\d,\s]+);/.exec(dump)![1]!.split(',').map((s) => Number(s.trim()))
    expect(flags).toEqual(stored.map((o) => flagOf(o.qc)))
    const times = ncdump('-t', '-v', 'TIME', path)
    expect(times).toContain('"2026-03-01", "2026-03-01 00:10", "2026-03-01 00:20"')
  })

  it('leaves out flagged values with qc=good, and writes an empty range as a valid file', async () => {
    const id = datastreamId(filled, 'TEMP')
    const good = readTimeSeries((await download(`/api/download/datastreams/${id}.nc?qc=good`)).bytes)
    expect(good.timesMs).toHaveLength(storedObservations(filled, id).filter((o) => flagOf(o.qc) === 1).length)
    expect(Array.from(good.timesMs)).not.toContain(filled.times[filled.spikeIndex])
    expect(new Set(good.parameters.TEMP!.levels[0]!.qc)).toEqual(new Set([1]))

    const empty = await download(`/api/download/datastreams/${id}.nc?from=2020-01-01&to=2020-01-02`)
    expect(ncdump('-h', empty.path)).toMatch(/TIME = UNLIMITED ; \/\/ \(0 currently\)/)
    expect(readTimeSeries(empty.bytes).timesMs).toHaveLength(0)
  })

  it('refuses quantities OceanSITES has no variable for', async () => {
    const res = await app.inject(`/api/download/datastreams/${datastreamId(filled, 'BATT')}.nc`)
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'EXPORT_NOT_NETCDF' })
  })
})

describe('OceanSITES NetCDF of a station', () => {
  it('has TEMP, PSAL, CNDC and PRES on one TIME axis, and replays like a recorded buoy file', async () => {
    const { bytes, path } = await download('/api/download/stations/MHXCOK01.nc')
    const h = ncdump('-h', path)
    for (const v of ['TEMP', 'PSAL', 'CNDC', 'PRES']) {
      expect(h).toMatch(new RegExp(`float ${v}\\(TIME, DEPTH\\) ;`))
      expect(h).toMatch(new RegExp(`byte ${v}_QC\\(TIME, DEPTH\\) ;`))
    }
    expect(h).toContain('CNDC:units = "S m-1" ;')
    expect(h).toContain('PRES:units = "decibar" ;')
    expect(h).toContain('PSAL:units = "1" ;')
    expect(h).toContain('OS_MHXCOK01_20260301-20260301_R_CTD')

    const series = readTimeSeries(bytes)
    for (const q of ['TEMP', 'PSAL', 'CNDC', 'PRES'] as const) {
      const stored = storedObservations(filled, datastreamId(filled, q))
      expect(Array.from(series.parameters[q]!.levels[0]!.values), q).toEqual(stored.map((o) => Math.fround(o.v!)))
      expect(Array.from(series.parameters[q]!.levels[0]!.qc!), q).toEqual(stored.map((o) => flagOf(o.qc)))
    }
    // What the simulator's replay reads (skipBadRecords): the flagged spike is not replayed as a value.
    const replay = readTimeSeries(bytes, { skipBadRecords: true })
    const at = Array.from(replay.timesMs).indexOf(filled.times[filled.spikeIndex]!)
    if (at >= 0) expect(replay.parameters.TEMP!.levels[0]!.values[at]).toBeNaN()
    expect(replay.parameters.TEMP!.levels[0]!.values.filter((v) => v > 30)).toHaveLength(0)
    expect(replay.timesMs.length).toBeGreaterThan(140)
  })
})
