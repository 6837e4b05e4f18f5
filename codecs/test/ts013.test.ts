// The TS013 payload formatter file, as a network server runs it: evaluated alone in a fresh
// node:vm context (no require, no Buffer, no ES2015 library), checked against its YAML examples.
import { parse as parseJs } from 'acorn'
import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { buildCodecJs, buildCodecYaml, JS_PATH, YAML_PATH } from '../scripts/build-ts013.js'

const js = readFileSync(JS_PATH, 'utf8')
const examples = parseYaml(readFileSync(YAML_PATH, 'utf8'))

/** A context with only ES5.1 built-ins: later library APIs are removed before the codec loads. */
function es5Context(): vm.Context {
  const ctx = vm.createContext({})
  vm.runInContext(
    `['Map','Set','WeakMap','WeakSet','Symbol','Promise','Proxy','Reflect','Uint8Array','DataView','ArrayBuffer','BigInt'].forEach(function (k) { delete this[k]; }, this);
     delete Object.assign; delete Object.entries; delete Object.values; delete Array.from; delete Array.of;
     delete Array.prototype.fill; delete Array.prototype.find; delete Array.prototype.includes;
     delete String.prototype.padStart; delete String.prototype.startsWith; delete String.prototype.repeat;
     delete Math.imul; delete Math.log2; delete Math.trunc; delete Number.isInteger; delete Number.isFinite;`,
    ctx,
  )
  vm.runInContext(js, ctx, { filename: 'reeflink-codec.js' })
  return ctx
}

describe('dist/reeflink-codec.js (TS013 payload formatter)', () => {
  it('is current with the source and the golden vectors', async () => {
    expect(js).toBe(await buildCodecJs())
    expect(readFileSync(YAML_PATH, 'utf8')).toBe(buildCodecYaml(JSON.parse(readFileSync(new URL('../vectors/golden.json', import.meta.url), 'utf8'))))
  })

  it('is ES5.1 syntax with no imports', () => {
    expect(() => parseJs(js, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow()
    expect(js).not.toMatch(/\brequire\s*\(|\bimport\b|\bexport\b/)
  })

  it('exposes the four TS013 functions as globals', () => {
    const ctx = es5Context()
    for (const f of ['decodeUplink', 'encodeDownlink', 'decodeDownlink', 'normalizeUplink']) expect(typeof ctx[f]).toBe('function')
  })

  const ctx = es5Context()
  // Results cross the vm boundary; JSON makes them plain objects of this realm.
  const call = (f: string, input: unknown) => JSON.parse(JSON.stringify(ctx[f](vm.runInContext(`(${JSON.stringify(input)})`, ctx))))

  for (const ex of examples.uplinkDecoder.examples) {
    it(`decodeUplink: ${ex.description}`, () => expect(call('decodeUplink', ex.input)).toEqual(ex.output))
  }
  for (const ex of examples.downlinkEncoder.examples) {
    it(`encodeDownlink: ${ex.description}`, () => expect(call('encodeDownlink', ex.input)).toEqual(ex.output))
  }
  for (const ex of examples.downlinkDecoder.examples) {
    it(`decodeDownlink: ${ex.description}`, () => expect(call('decodeDownlink', ex.input)).toEqual(ex.output))
  }

  it('error outputs carry the golden error code', () => {
    const errors = examples.uplinkDecoder.examples.filter((e: any) => e.output.errors?.length)
    expect(errors.length).toBeGreaterThan(5)
    for (const e of errors) expect(e.output.errors[0]).toMatch(/^[a-z_]+: .+\(byte \d+\)$/)
  })

  it('timestamps samples from recvTime and normalizes them', () => {
    const ex = examples.uplinkDecoder.examples.find((e: any) => e.input.fPort === 1 && e.output.data?.samples?.length > 3)
    const out = vm.runInContext(`decodeUplink({ fPort: ${ex.input.fPort}, bytes: ${JSON.stringify(ex.input.bytes)}, recvTime: new Date('2026-03-01T12:00:00Z') })`, ctx)
    const last = out.data.samples[out.data.samples.length - 1]
    expect(last.time).toBe(new Date(Date.parse('2026-03-01T12:00:00Z') - last.ageS * 1000).toISOString())
    const norm = JSON.parse(JSON.stringify(ctx.normalizeUplink({ data: out.data })))
    expect(norm.data).toHaveLength(out.data.samples.length)
    expect(norm.data[0]).toEqual({ time: out.data.samples[0].time })
    expect(norm.warnings[0]).toMatch(/raw sensor counts/)
  })

  it('reports bad downlink input as errors, not exceptions', () => {
    expect(call('encodeDownlink', { data: { seq: 1, commands: [{ command: 'setInterval', intervalS: 1 }] } }).errors[0]).toMatch(/^out_of_range: .*commands\[0\]\.intervalS/)
    expect(call('encodeDownlink', { data: null }).errors[0]).toMatch(/^invalid_input/)
    expect(call('decodeUplink', { fPort: 1, bytes: [] }).errors[0]).toMatch(/^truncated/)
  })
})
