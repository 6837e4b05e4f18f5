// Large pages are read in keyset chunks (read/fetch.ts planRows) and lean Observation rows leave
// out the columns the details join would fill (read/plan.ts): both must give exactly the rows
// and bytes of one plain statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, T0, type Fixture } from './fixture.js'
import { entity } from '../../src/sta/model.js'
import { parseQueryOptions } from '../../src/sta/query-options.js'
import { planQuery, planRows } from '../../src/sta/read.js'
import { sqlOf } from '../../src/sta/lean.js'
import { registerStaFunctions } from '../../src/sta/geo-sql.js'
import { encodeSkiptoken } from '../../src/sta/query-options.js'
import Database from 'better-sqlite3'
import { bigStore } from './big-store.js'

let f: Fixture
const N = 10_000

beforeAll(async () => {
  f = await makeFixture({ maxTop: 50_000 })
  const ins = f.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, NULL, 0, 60)')
  // Pairs of equal times, so that the id breaks ties across chunk boundaries.
  f.db.transaction(() => {
    for (let k = 0; k < N; k++) ins.run(f.ids.psal, T0 + 86_400_000 + Math.floor(k / 2) * 60_000, k % 97)
  })()
})
afterAll(() => f.close())

const ids = (body: { value: { '@iot.id': number }[] }) => body.value.map((o) => o['@iot.id'])

describe('req/request-data: large pages', () => {
  it('keyset chunks give the rows of one statement, in both directions and after $skip', async () => {
    const rows = f.db.prepare('SELECT id, phenomenon_time AS t FROM observations WHERE datastream_id = ? ORDER BY phenomenon_time, id').all(f.ids.psal) as { id: number; t: number }[]
    const asc = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=9000&$skip=7&$select=id`)
    expect(ids(asc.body)).toEqual(rows.slice(7, 9007).map((r) => r.id))
    expect(asc.body['@iot.nextLink']).toContain('$skiptoken=')
    const desc = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=20000&$orderby=phenomenonTime desc&$select=id`)
    expect(ids(desc.body)).toEqual(rows.map((r) => r.id).reverse())
    // Without a keyset order (result is not a key): one stepped statement, same rows.
    const byResult = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=9000&$orderby=result,id&$select=id`)
    const want = (f.db.prepare('SELECT id FROM observations WHERE datastream_id = ? ORDER BY result, id LIMIT 9000').all(f.ids.psal) as { id: number }[]).map((r) => r.id)
    expect(ids(byResult.body)).toEqual(want)
  })
  it('a dataArray over several chunks has every row once, with its count', async () => {
    const r = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$resultFormat=dataArray&$top=50000`)
    expect(r.status).toBe(200)
    const group = r.body.value[0]
    expect(group.components).toEqual(['id', 'phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters'])
    expect(group.dataArray).toHaveLength(N + 50)
    expect(group['dataArray@iot.count']).toBe(N + 50)
    expect(new Set(group.dataArray.map((x: unknown[]) => x[0])).size).toBe(N + 50)
  })
  it('each keyset chunk (and $skiptoken page) of a time-filtered read starts where the last ended: no rescans', () => {
    // A store like the bench's (big-store.ts: eight Datastreams, ANALYZE: with its statistics
    // SQLite chose the $filter's lower bound over the keyset's when the filter came first in the
    // WHERE, and each chunk walked the range again from its start). The query time limit's term
    // calls reeflink_deadline once per 1 021 ids walked: counted on a private connection, it
    // tells how many index entries the chunks visited.
    const per = 60_000
    const t0 = Date.UTC(2020, 0, 1)
    const big = bigStore('reeflink-sta-rescan-', per * 8, t0)
    const conn = new Database(big.db.name, { readonly: true })
    try {
      registerStaFunctions(conn)
      let calls = 0
      conn.function('reeflink_deadline', { deterministic: false, directOnly: true }, (_id: unknown) => {
        calls++
        return 1
      })
      const ctx = { conn, base: 'http://x/v1.1', defaultTop: 100, maxTop: 1_000_000, timed: true }
      const e = entity('Observation')
      const ds = big.series[0]
      const scope = { sql: 'e.datastream_id = @ds', params: { ds } }
      // The second half of the series, as a chart asks for it (both bounds).
      const filter = `phenomenonTime ge ${new Date(t0 + (per / 2) * 600_000).toISOString()} and phenomenonTime lt ${new Date(t0 + per * 600_000).toISOString()}`
      const plan = planQuery(ctx, e, parseQueryOptions(e, { $filter: filter, $select: 'id' }), scope)
      const rows = [...planRows(ctx, plan, { ...plan.params, ds, limit: 1_000_000, offset: 0 })]
      expect(rows).toHaveLength(per / 2)
      // Eight chunks: about one call per 1 021 rows (rescanning from the filter's bound: 89).
      expect(calls).toBeLessThanOrEqual(Math.ceil(rows.length / 1021) + 2)
      // A nextLink page deep in the range walks its own rows only.
      const last = rows[rows.length - 150]
      calls = 0
      const page = planQuery(ctx, e, parseQueryOptions(e, { $filter: filter, $select: 'id', $skiptoken: encodeSkiptoken([last[1], last[0]]) }), scope)
      expect([...planRows(ctx, page, { ...page.params, ds, limit: 1000, offset: 0 })]).toHaveLength(149)
      expect(calls).toBeLessThanOrEqual(1)
    } finally {
      conn.close()
      big.cleanup()
    }
  })

  it('lean Observation SQL leaves out the details columns, and serialises as the joined SQL does', async () => {
    const e = entity('Observation')
    const o = parseQueryOptions(e, {})
    const plan = planQuery({ conn: f.db, base: 'http://x/v1.1', defaultTop: 100, maxTop: 1000 }, e, o, { sql: 'e.datastream_id = @ds', params: { ds: f.ids.psal } })
    const params = { ...plan.params, ds: f.ids.psal, limit: 5, offset: 0 }
    expect(sqlOf(f.db, plan, params)).not.toContain('NULL AS c')
    expect(sqlOf(f.db, plan, params)).not.toContain('observation_details')
    const lean = [...planRows({ conn: f.db, base: 'http://x/v1.1', defaultTop: 100, maxTop: 1000 }, plan, params)]
    const joined = f.db.prepare(plan.sql).raw(true).all(params) as unknown[][]
    expect(lean.map((r) => r.length)[0]).toBeLessThan(joined[0].length)
    // The columns it leaves out are NULL in the joined rows.
    for (let i = 0; i < joined.length; i++) expect(joined[i].slice(lean[i].length).every((v) => v === null)).toBe(true)
    expect(joined.map((r) => r.slice(0, lean[0].length))).toEqual(lean)
    const a = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=5`)
    const b = await f.get(`/v1.1/Observations?$top=5&$filter=Datastream/id eq ${f.ids.psal}`)
    expect(a.body.value).toEqual(b.body.value)
  })
})
