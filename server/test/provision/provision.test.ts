import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { loadManifest, validateManifest } from '../../src/provision/manifest.js'
import { openDatabase, type Db } from '../../src/store/database.js'

const EXAMPLE = new URL('../../../docs/fleet.example.yaml', import.meta.url).pathname
const example = () => parse(readFileSync(EXAMPLE, 'utf8'))

let dir: string
let db: Db
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reeflink-provision-'))
  db = openDatabase(join(dir, 'store.db'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

function provision(doc: unknown, now = Date.UTC(2026, 0, 1)) {
  const v = validateManifest(doc)
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  return applyManifest(db, v.manifest, v.calibrations, now)
}

const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

describe('fleet manifest validation', () => {
  it('accepts the shipped example', () => {
    expect(loadManifest(EXAMPLE)).toMatchObject({ ok: true })
  })

  it.each([
    [(m: any) => (m.devices[0].abp.nwkSKey = 'zz'), 'devices[0].abp.nwkSKey', /hexadecimal/],
    [(m: any) => (m.devices[0].station = 'NOPE'), 'devices[0].station', /unknown station NOPE/],
    [(m: any) => (m.stations[0].latitude = 95), 'stations[0].latitude', /<= 90/],
    [(m: any) => delete m.stations[1].depthM, 'stations[1].depthM', /required/],
    [(m: any) => (m.stations[0].colour = 'blue'), 'stations[0].colour', /not a known field/],
    [(m: any) => (m.devices[1].abp = m.devices[0].abp), 'devices[1]', /exactly one of abp, otaa or networkServer/],
    [(m: any) => delete m.calibrations[0].model.coefficients.a1, 'calibrations[0].model.coefficients.a1', /.+/],
    [(m: any) => (m.calibrations[3].validFrom = '2024-13-45'), 'calibrations[3].validFrom', /not a valid date/],
    [
      (m: any) => m.calibrations.push({ ...m.calibrations[0], id: 'overlapping', validFrom: '2024-06-01' }),
      'calibrations[4].validFrom',
      /overlapping starts .* before 37-0101-T-2024/,
    ],
  ])('names the bad field %#', (mutate, path, message) => {
    const m = example()
    mutate(m)
    const v = validateManifest(m)
    expect(v.ok).toBe(false)
    if (v.ok) return
    const p = v.problems.find((x) => x.path.startsWith(path))
    expect(p, JSON.stringify(v.problems)).toBeDefined()
    expect(p!.message).toMatch(message)
  })

  it('never echoes key material in problems', () => {
    const m = example()
    m.devices[0].abp.appSKey = 'secretsecretsecretsecretsecretXX'
    const v = validateManifest(m)
    expect(JSON.stringify(v)).not.toContain('secretsecret')
  })
})

describe('reeflink provision', () => {
  it('creates the SensorThings entities of every station and device', () => {
    const summary = provision(example())
    expect(summary.stations).toBe(2)
    expect(count('things')).toBe(2)
    expect(count('locations')).toBe(2)
    expect(count('features_of_interest')).toBe(2)
    expect(count('observed_properties')).toBe(6)
    // CTD buoy: TEMP, CNDC, PRES, PSAL, DEPTH, BATT; temperature logger: TEMP, BATT.
    expect(count('datastreams')).toBe(8)
    expect(count('multi_datastreams')).toBe(1)
    expect(count('devices')).toBe(2)
    expect(count('calibrations')).toBe(4)
    const ds = db.prepare("SELECT d.name, d.unit_of_measurement FROM datastreams d JOIN things t ON t.id = d.thing_id WHERE t.station_code = 'MHXCOK01' AND d.quantity = 'PSAL'").get() as any
    expect(JSON.parse(ds.unit_of_measurement)).toMatchObject({ symbol: 'PSU' })
    const qc = db.prepare("SELECT count(*) AS n FROM qc_configs").get() as any
    expect(qc.n).toBe(4) // TEMP, PSAL, PRES of the buoy; TEMP of the logger
  })

  it('is idempotent: running it twice changes nothing', () => {
    provision(example())
    const before = db.prepare('SELECT * FROM datastreams ORDER BY id').all()
    const again = provision(example())
    for (const [table, c] of Object.entries(again.changes)) {
      expect({ table, created: c.created, updated: c.updated }).toEqual({ table, created: 0, updated: 0 })
    }
    expect(db.prepare('SELECT * FROM datastreams ORDER BY id').all()).toEqual(before)
    expect(count('historical_locations')).toBe(2)
  })

  it('updates a changed field, and a moved station gets a new Location and a HistoricalLocation', () => {
    provision(example())
    const m = example()
    m.stations[0].name = 'Renamed lagoon station'
    m.stations[0].latitude = -21.9
    const summary = provision(m, Date.UTC(2026, 5, 1))
    expect(summary.changes.things).toMatchObject({ updated: 1, created: 0 })
    expect((db.prepare("SELECT name FROM things WHERE station_code = 'MHXCOK01'").get() as any).name).toBe('Renamed lagoon station')
    expect(count('historical_locations')).toBe(3)
    const loc = db.prepare("SELECT l.location FROM locations l JOIN thing_locations tl ON tl.location_id = l.id JOIN things t ON t.id = tl.thing_id WHERE t.station_code = 'MHXCOK01'").get() as any
    expect(JSON.parse(loc.location).coordinates).toEqual([165.82, -21.9])
  })

  it('stores device keys, and the summary carries none', () => {
    const summary = provision(example())
    const row = db.prepare("SELECT nwk_s_key FROM devices WHERE dev_eui = '70b3d57ed0000101'").get() as any
    expect(Buffer.from(row.nwk_s_key).toString('hex')).toBe('2b7e151628aed2a6abf7158809cf4f3c')
    expect(JSON.stringify(summary)).not.toMatch(/2b7e1516|00010203/)
  })
})
