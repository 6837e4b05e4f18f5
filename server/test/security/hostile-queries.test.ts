// Hostile query strings against a real server: SQL fragments, quotes, comments, UNION, ATTACH,
// PRAGMA, load_extension, unicode look-alikes and control characters in $filter, $orderby,
// $select, $expand and JSON paths. Every answer is a 2xx or a 4xx (never a 5xx), the database is
// byte-for-byte unchanged, and no file appears (ATTACH would create one).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { provisionedStore, type TestStore } from '../support/fleet.js'

let store: TestStore
let server: RunningServer
beforeAll(async () => {
  store = provisionedStore()
  store.db.pragma('wal_checkpoint(TRUNCATE)')
  store.db.close()
  const config = loadConfig({ env: {}, flags: { database: store.path, http: { port: 0, rateLimit: { requestsPerWindow: 0, windowMs: 60_000, failedAuthPerWindow: 20 } }, mqtt: { embedded: false }, udp: { enabled: false }, log: { level: 'silent' } } })
  server = await startServer(config, pino({ level: 'silent' }))
})
afterAll(async () => {
  await server.close()
  store.cleanup()
})

const SQL = [
  "'",
  "''",
  "1'; DROP TABLE things; --",
  "x') OR 1=1 --",
  "1 OR 1=1",
  "1; DELETE FROM observations",
  "name eq 'a' UNION SELECT sql FROM sqlite_master --",
  "') UNION ALL SELECT 1,2,3,4,5 --",
  "ATTACH DATABASE 'pwned-attach.db' AS p",
  "'; ATTACH 'pwned-attach.db' AS p; --",
  "PRAGMA writable_schema=1",
  "'; PRAGMA journal_mode=DELETE; --",
  "load_extension('/tmp/pwned')",
  "substringof(load_extension('x'),name)",
  "name eq load_extension('x')",
  "/* comment */ name eq 'a'",
  "name eq 'a' -- trailing",
  "name eq 'a\u0000b'",
  "name eq '\u02bc OR 1=1 --'", // modifier-letter apostrophe
  "name eq '\uff07 OR 1=1 --'", // fullwidth apostrophe
  "name eq 'a' \u0430nd 1 eq 1", // Cyrillic a
  "name eq '\ud800'",
  "name eq '%' or name eq '_'",
  "properties/station_code') = 1 OR ('1' = '1",
  "properties/$.x eq 1",
  "properties/\"]')) OR 1=1 --",
  "properties/a'b eq 1",
  "properties/../../etc eq 1",
  "properties/" + 'a/'.repeat(300) + 'b eq 1',
  '('.repeat(2000) + "name eq 'a'" + ')'.repeat(2000),
  "name eq '" + 'x'.repeat(100_000) + "'",
  "st_within(location, geography'POLYGON((0 0, 1 1, 0 0))') or 1 eq 1",
  "geo.distance(location, geography'POINT(0 0); DROP TABLE things') lt 1",
  "sqlite_version() eq '3'",
  "randomblob(1000000000) eq 1",
  "zeroblob(2000000000) eq 1",
  "length(name) gt 0 and 1 eq 1",
]
const ORDER = ["name; DROP TABLE things", "name desc, (SELECT 1)", "1", "id desc --", "properties/a') DESC --", "sqlite_master", "name asc asc", "randomblob(1e9)"]
const SELECT = ["id,(SELECT sql FROM sqlite_master)", "*", "id;DROP TABLE things", "properties/x')--", "name,name,name", "@iot.id", "'"]
const EXPAND = [
  "Datastreams($filter=1'; DROP TABLE things; --)",
  "Datastreams/Observations($select=(SELECT 1))",
  'Datastreams(' + '$expand=Thing('.repeat(50) + ')'.repeat(51),
  "Datastreams($orderby=name;DROP TABLE x)",
  "Locations,Locations,Locations",
  "Things; ATTACH 'pwned-attach.db' AS p",
  "Datastreams($top=-1)",
  "Datastreams($top=99999999999999999999)",
]
const OTHER = [
  ['$top', "1; DROP TABLE things"],
  ['$top', '-1'],
  ['$top', '1e309'],
  ['$skip', "0 UNION SELECT 1"],
  ['$skip', '-5'],
  ['$count', "true; DROP TABLE things"],
  ['$resultFormat', "dataArray'--"],
]

function snapshot() {
  const hash = createHash('sha256')
  for (const f of [store.path, `${store.path}-wal`]) if (existsSync(f)) hash.update(readFileSync(f))
  return { db: hash.digest('hex'), dir: readdirSync(store.dir).sort(), cwd: readdirSync(process.cwd()).sort(), tmp: readdirSync(tmpdir()).filter((n) => n.includes('pwned')) }
}

describe('hostile queries', () => {
  it('never 5xx, never change the database, never create a file', async () => {
    const before = snapshot()
    const urls: string[] = []
    const q = (path: string, params: [string, string][]) => `${path}?${new URLSearchParams(params).toString()}`
    for (const entity of ['Things', 'Datastreams', 'Observations', 'Locations', 'Sensors']) {
      for (const f of SQL) urls.push(q(`/v1.1/${entity}`, [['$filter', f]]))
      for (const o of ORDER) urls.push(q(`/v1.1/${entity}`, [['$orderby', o]]))
      for (const s of SELECT) urls.push(q(`/v1.1/${entity}`, [['$select', s]]))
      for (const o of OTHER) urls.push(q(`/v1.1/${entity}`, [o as [string, string]]))
    }
    for (const e of EXPAND) urls.push(q('/v1.1/Things', [['$expand', e]]))
    for (const f of SQL.slice(0, 10)) urls.push(`/v1.1/Things(${encodeURIComponent(f)})`, `/v1.1/Things(1)/properties/${encodeURIComponent(f)}`, `/v1.1/${encodeURIComponent(f)}`)
    urls.push('/v1.1/Things(1)/properties/station_code/$value', '/v1.1/Things(1%20OR%201=1)', "/v1.1/Things('1')")
    const statuses = new Map<number, number>()
    const fivexx: string[] = []
    for (const url of urls) {
      const res = await fetch(`${server.urls.http}${url}`)
      await res.arrayBuffer()
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      if (res.status >= 500) fivexx.push(`${res.status} ${decodeURIComponent(url).slice(0, 160)}`)
    }
    expect(fivexx).toEqual([])
    // The corpus is mostly refused, and the refusals are client errors.
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true)
    expect(statuses.get(400) ?? 0).toBeGreaterThan(urls.length / 3)
    // Still serving the intended reads.
    expect((await fetch(`${server.urls.http}/v1.1/Things`)).status).toBe(200)
    expect(snapshot()).toEqual(before)
  }, 120_000)
})
