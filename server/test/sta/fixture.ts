// A real store for the SensorThings tests: a temp SQLite file provisioned from the example
// fleet manifest, plus observations (plain ingested rows, rows with details, MultiDatastream
// rows), and a fastify app with staPlugin at /v1.1.
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest } from '../../src/provision/manifest.js'
import { CredentialStore } from '../../src/auth/credentials.js'
import type { EntityEvents } from '../../src/events.js'
import { staPlugin } from '../../src/sta/index.js'
import { openDatabase, type Db } from '../../src/store/database.js'
import { packQcFlags } from '../../src/store/qc-flags.js'

const EXAMPLE = new URL('../../../docs/fleet.example.yaml', import.meta.url).pathname
export const T0 = Date.UTC(2024, 0, 1)
export const STEP = 600_000
export const N_TEMP = 300

export interface Fixture {
  app: FastifyInstance
  db: Db
  dir: string
  ids: { buoy: number; logger: number; temp: number; psal: number; loggerTemp: number; md: number; foi: number; detailObs: number; mdObs: number; flaggedObs: number }
  get: (url: string, headers?: Record<string, string>) => Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }>
  /** A request with the admin key unless `headers` says otherwise. */
  send: (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }>
  credentials: CredentialStore
  close: () => Promise<void>
}

export const ADMIN_KEY = 'test-admin-key-0123456789'
export const AUTH = { authorization: `Bearer ${ADMIN_KEY}` }

export async function makeFixture(opts: { maxTop?: number; defaultTop?: number; events?: EntityEvents; readAccess?: 'public' | 'authenticated'; mqttEndpoints?: string[] } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-sta-'))
  const db = openDatabase(join(dir, 'store.db'), { synchronous: 'normal' })
  const v = validateManifest(parse(readFileSync(EXAMPLE, 'utf8')))
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  applyManifest(db, v.manifest, v.calibrations, Date.UTC(2024, 0, 1))
  const one = (sql: string, ...a: unknown[]) => (db.prepare(sql).get(...a) as { id: number }).id
  const buoy = one("SELECT id FROM things WHERE station_code = 'MHXCOK01'")
  const logger = one("SELECT id FROM things WHERE station_code = 'NCSLOPE1'")
  const temp = one("SELECT id FROM datastreams WHERE thing_id = ? AND quantity = 'TEMP'", buoy)
  const psal = one("SELECT id FROM datastreams WHERE thing_id = ? AND quantity = 'PSAL'", buoy)
  const loggerTemp = one("SELECT id FROM datastreams WHERE thing_id = ? AND quantity = 'TEMP'", logger)
  const md = one('SELECT id FROM multi_datastreams')
  const foi = one('SELECT feature_id AS id FROM datastreams WHERE id = ?', temp)
  const cal = one("SELECT id FROM calibrations WHERE record_key = '37-0101-T-2024'")
  const device = one("SELECT id FROM devices WHERE dev_eui = '70b3d57ed0000101'")
  const uplink = Number(
    db
      .prepare("INSERT INTO uplinks (device_id, session, fcnt, f_port, received_at, source, receptions) VALUES (?, 0, 1, 2, ?, 'udp', ?)")
      .run(device, T0, JSON.stringify([{ gatewayId: 'gw-ouano', rssi: -97, snr: 7.5 }])).lastInsertRowid,
  )
  const ins = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s, calibration_id, uplink_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  let flaggedObs = 0
  db.transaction(() => {
    for (let k = 0; k < N_TEMP; k++) {
      const qc = k === 150 ? packQcFlags({ aggregate: 4, gross_range: 1, spike: 4 }) : 0
      const id = Number(ins.run(temp, T0 + k * STEP, 25 + k / 100, 500_000 + k, qc, 60, cal, uplink).lastInsertRowid)
      if (k === 150) flaggedObs = id
    }
    for (let k = 0; k < 50; k++) ins.run(psal, T0 + k * STEP, 35 + k / 1000, null, null, null, null, null)
    for (let k = 0; k < 20; k++) ins.run(loggerTemp, T0 + k * 3_600_000, 21 + k / 10, 400_000 + k, 0, 30, null, null)
    db.prepare("UPDATE datastreams SET phenomenon_time_start = ?, phenomenon_time_end = ?, result_time_start = ?, result_time_end = ? WHERE id = ?").run(T0, T0 + (N_TEMP - 1) * STEP, T0 + 60_000, T0 + (N_TEMP - 1) * STEP + 60_000, temp)
  })()
  // An observation with every optional field, and one MultiDatastream observation.
  const detailObs = Number(ins.run(loggerTemp, Date.UTC(2024, 5, 1), 22.5, null, null, null, null, null).lastInsertRowid)
  db.prepare('INSERT INTO observation_details (observation_id, phenomenon_time_end, result_time, feature_id, parameters, valid_time_start, valid_time_end) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    detailObs,
    Date.UTC(2024, 5, 1, 1),
    Date.UTC(2024, 5, 2),
    foi,
    JSON.stringify({ method: 'bottle sample', depth_m: 44 }),
    Date.UTC(2024, 5, 1),
    Date.UTC(2024, 6, 1),
  )
  const mdObs = Number(ins.run(null, Date.UTC(2024, 0, 2), null, null, null, null, null, null).lastInsertRowid)
  db.prepare('INSERT INTO observation_details (observation_id, multi_datastream_id, result_json) VALUES (?, ?, ?)').run(mdObs, md, JSON.stringify([25.1, 5.3, 10.2, 35.1, 10.1]))

  const app = Fastify()
  const credentials = new CredentialStore(db, { adminKey: ADMIN_KEY })
  await app.register(staPlugin, { prefix: '/v1.1', db, credentials, ...opts })
  await app.ready()
  return {
    app,
    db,
    dir,
    ids: { buoy, logger, temp, psal, loggerTemp, md, foi, detailObs, mdObs, flaggedObs },
    async get(url, headers = {}) {
      const r = await app.inject({ method: 'GET', url, headers })
      let body: unknown = null
      try {
        body = JSON.parse(r.body)
      } catch {
        body = null
      }
      return { status: r.statusCode, body, text: r.body, headers: r.headers }
    },
    credentials,
    async send(method, url, body, headers = AUTH) {
      const isText = typeof body === 'string'
      const r = await app.inject({ method, url, headers: { ...(body === undefined || isText ? {} : { 'content-type': 'application/json' }), ...headers }, payload: body === undefined ? undefined : isText ? body : JSON.stringify(body) })
      let parsed: unknown = null
      try {
        parsed = JSON.parse(r.body)
      } catch {
        parsed = null
      }
      return { status: r.statusCode, body: parsed, text: r.body, headers: r.headers }
    },
    async close() {
      await app.close()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
