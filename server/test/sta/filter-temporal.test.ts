// FROST-Server's temporal $filter functions (before, after, meets, during, overlaps, starts,
// finishes), interval literals and intervals moved by durations, checked with the Observations
// and expected results of FROST's c03filtering/DateTimeTests: instants and half-open intervals
// around 07:00–08:00, on phenomenonTime, resultTime and validTime. Not in OGC 18-088 (FROST's
// extension, after the time functions proposed for the SensorThings API).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './fixture.js'
import { parseFilter } from '../../src/sta/filter/parse.js'
import { show } from '../../src/sta/filter/ast.js'

const t = (hhmm: string) => `2016-06-01T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00.000Z`
const i = (a: string, b: string) => `${t(a)}/${t(b)}`
const T7 = t('0700')
const I78 = i('0700', '0800')

// FROST's Observations 0–20: the result is the index; instants carry the same resultTime,
// intervals the same validTime.
const INSTANTS = ['0600', '0659', '0700', '0701', '0759', '0800', '0801', '0900']
const INTERVALS = [
  ['0600', '0659'], ['0600', '0700'], ['0600', '0701'], ['0700', '0800'], ['0701', '0759'], ['0759', '0900'], ['0800', '0900'], ['0801', '0900'],
  ['0659', '0801'], ['0700', '0759'], ['0700', '0801'], ['0659', '0800'], ['0701', '0800'],
]

let f: Fixture
let ds = 0

beforeAll(async () => {
  f = await makeFixture()
  const one = await f.get(`/v1.1/Datastreams(${f.ids.temp})?$expand=Sensor($select=id),ObservedProperty($select=id)`)
  const created = await f.send('POST', '/v1.1/Datastreams', {
    name: 'temporal', description: 'FROST DateTimeTests', observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
    unitOfMeasurement: { name: 'degree Celsius', symbol: '°C', definition: 'ucum:Cel' },
    Thing: { '@iot.id': f.ids.buoy }, Sensor: { '@iot.id': one.body.Sensor['@iot.id'] }, ObservedProperty: { '@iot.id': one.body.ObservedProperty['@iot.id'] },
  })
  expect(created.status).toBe(201)
  ds = created.body['@iot.id']
  let n = 0
  for (const x of INSTANTS) expect((await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { result: n++, phenomenonTime: t(x), resultTime: t(x) })).status).toBe(201)
  for (const [a, b] of INTERVALS) expect((await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { result: n++, phenomenonTime: i(a, b), resultTime: null, validTime: i(a, b) })).status).toBe(201)
})
afterAll(() => f.close())

async function results(filter: string): Promise<number[]> {
  const r = await f.get(`/v1.1/Datastreams(${ds})/Observations?$select=result&$top=1000&$filter=${encodeURIComponent(filter)}`)
  expect(r.status, `${filter}: ${r.text}`).toBe(200)
  return (r.body.value as { result: number }[]).map((o) => o.result).sort((a, b) => a - b)
}

async function status(filter: string): Promise<number> {
  return (await f.get(`/v1.1/Datastreams(${ds})/Observations?$filter=${encodeURIComponent(filter)}`)).status
}

type Sets = { rt7: number[]; vt7: number[]; pt7: number[]; rt78: number[]; vt78: number[]; pt78: number[] }

/** fn(property, value) (or fn(value, property) with `flip`) for each property and value. */
async function check(fn: string, s: Sets, flip = false): Promise<void> {
  const infix = ['lt', 'le', 'gt', 'ge'].includes(fn)
  const apply = (x: string, y: string) => (infix ? `${x} ${fn} ${y}` : `${fn}(${x},${y})`)
  const call = (p: string, v: string) => (flip ? apply(v, p) : apply(p, v))
  expect(await results(call('resultTime', T7)), call('resultTime', T7)).toEqual(s.rt7)
  expect(await results(call('validTime', T7)), call('validTime', T7)).toEqual(s.vt7)
  expect(await results(call('phenomenonTime', T7)), call('phenomenonTime', T7)).toEqual(s.pt7)
  expect(await results(call('resultTime', I78)), call('resultTime', I78)).toEqual(s.rt78)
  expect(await results(call('validTime', I78)), call('validTime', I78)).toEqual(s.vt78)
  expect(await results(call('phenomenonTime', I78)), call('phenomenonTime', I78)).toEqual(s.pt78)
}

const AFTER: Sets = { rt7: [3, 4, 5, 6, 7], vt7: [12, 13, 14, 15, 20], pt7: [3, 4, 5, 6, 7, 12, 13, 14, 15, 20], rt78: [5, 6, 7], vt78: [14, 15], pt78: [5, 6, 7, 14, 15] }
const BEFORE: Sets = { rt7: [0, 1], vt7: [8, 9], pt7: [0, 1, 8, 9], rt78: [0, 1], vt78: [8, 9], pt78: [0, 1, 8, 9] }

const LE: Sets = { rt7: [0, 1, 2], vt7: [8, 9], pt7: [0, 1, 2, 8, 9], rt78: [0, 1, 2], vt78: [8, 9, 10, 11, 17, 19], pt78: [0, 1, 2, 8, 9, 10, 11, 17, 19] }
const GE: Sets = {
  rt7: [2, 3, 4, 5, 6, 7], vt7: [11, 12, 13, 14, 15, 17, 18, 20], pt7: [2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 17, 18, 20],
  rt78: [5, 6, 7], vt78: [11, 13, 14, 15, 18, 20], pt78: [5, 6, 7, 11, 13, 14, 15, 18, 20],
}

describe('req/request-data/filter: comparisons of instants and intervals (FROST DateTimeTests 01–04)', () => {
  it('lt is before, gt is after; le / ge compare both ends', async () => {
    await check('lt', BEFORE)
    await check('lt', AFTER, true)
    await check('gt', AFTER)
    await check('gt', BEFORE, true)
    await check('le', LE)
    await check('le', GE, true)
    await check('ge', GE)
    await check('ge', LE, true)
  })
})

describe('req/request-data/filter: temporal functions (FROST extension)', () => {
  it('parses interval literals start/end', () => {
    expect(show(parseFilter(`during(phenomenonTime, ${I78})`))).toBe(`during(phenomenonTime, ${I78})`)
    expect(() => parseFilter(`phenomenonTime eq ${i('0800', '0700')}`)).toThrow(/ends before it starts/)
  })
  it('before / after: entirely before or after (intervals half open)', async () => {
    await check('before', BEFORE)
    await check('before', AFTER, true)
    await check('after', AFTER)
    await check('after', BEFORE, true)
  })
  it('meets: one ends where the other starts', async () => {
    const s: Sets = { rt7: [2], vt7: [9, 11, 17, 18], pt7: [2, 9, 11, 17, 18], rt78: [2, 5], vt78: [9, 14], pt78: [2, 5, 9, 14] }
    await check('meets', s)
    await check('meets', s, true)
  })
  it('during: inside an interval; the second argument must be an interval', async () => {
    for (const p of ['resultTime', 'validTime', 'phenomenonTime']) expect(await status(`during(${p},${T7})`)).toBe(400)
    expect(await status(`during(${T7},resultTime)`)).toBe(400)
    expect(await status(`during(${I78},resultTime)`)).toBe(400)
    expect(await results(`during(resultTime,${I78})`)).toEqual([2, 3, 4])
    expect(await results(`during(validTime,${I78})`)).toEqual([11, 12, 17, 20])
    expect(await results(`during(phenomenonTime,${I78})`)).toEqual([2, 3, 4, 11, 12, 17, 20])
    expect(await results(`during(${T7},validTime)`)).toEqual([10, 11, 16, 17, 18, 19])
    expect(await results(`during(${T7},phenomenonTime)`)).toEqual([10, 11, 16, 17, 18, 19])
    expect(await results(`during(${I78},validTime)`)).toEqual([11, 16, 18, 19])
    expect(await results(`during(${I78},phenomenonTime)`)).toEqual([11, 16, 18, 19])
  })
  it('overlaps: share a moment', async () => {
    const s: Sets = { rt7: [2], vt7: [10, 11, 16, 17, 18, 19], pt7: [2, 10, 11, 16, 17, 18, 19], rt78: [2, 3, 4], vt78: [10, 11, 12, 13, 16, 17, 18, 19, 20], pt78: [2, 3, 4, 10, 11, 12, 13, 16, 17, 18, 19, 20] }
    await check('overlaps', s)
    await check('overlaps', s, true)
  })
  it('starts / finishes: same start / same end', async () => {
    const st: Sets = { rt7: [2], vt7: [11, 17, 18], pt7: [2, 11, 17, 18], rt78: [2], vt78: [11, 17, 18], pt78: [2, 11, 17, 18] }
    await check('starts', st)
    await check('starts', st, true)
    const fi: Sets = { rt7: [2], vt7: [9], pt7: [2, 9], rt78: [5], vt78: [11, 19, 20], pt78: [5, 11, 19, 20] }
    await check('finishes', fi)
    await check('finishes', fi, true)
  })
  it('an interval plus or minus a duration moves both ends (FROST test14Durations)', async () => {
    expect(await results(`validTime add duration'PT1H' gt ${t('0900')}`)).toEqual([15])
    expect(await results(`phenomenonTime add duration'PT1H' gt ${t('0900')}`)).toEqual([6, 7, 15])
    expect(await results(`resultTime lt ${i('0600', '0700')} add duration'PT1H'`)).toEqual([0, 1])
    expect(await results(`phenomenonTime gt ${i('0800', '0900')} sub duration'PT1H'`)).toEqual([5, 6, 7, 14, 15])
    expect(await results(`phenomenonTime sub ${t('0800')} eq duration'PT1H'`)).toEqual([7])
  })
  it('work on Datastream phenomenonTime and through paths, and compile to bound parameters', async () => {
    const r = await f.get(`/v1.1/Datastreams?$select=id&$filter=${encodeURIComponent(`during(phenomenonTime, ${i('0500', '1000')})`)}`)
    expect(r.status).toBe(200)
    expect(r.body.value.map((d: { '@iot.id': number }) => d['@iot.id'])).toEqual([ds])
    const things = await f.get(`/v1.1/Things?$select=id&$filter=${encodeURIComponent(`Datastreams/any(d: overlaps(d/phenomenonTime, ${T7}))`)}`)
    expect(things.body.value.map((x: { '@iot.id': number }) => x['@iot.id'])).toEqual([f.ids.buoy])
    expect(await status(`before(name, ${T7})`)).toBe(400)
    expect(await status(`before(phenomenonTime)`)).toBe(400)
  })
})
