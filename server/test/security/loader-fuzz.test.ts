// Property tests of the two loaders that read operator input: whatever the configuration layers
// (file, environment, flags) or the fleet manifest hold, they answer with a configuration or with
// typed problems (ConfigError / { ok: false, problems }) — never another exception.
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, DEFAULTS, ENVIRONMENT, loadConfig } from '../../src/config/config.js'
import { loadManifest, validateManifest } from '../../src/provision/manifest.js'
import { EXAMPLE_MANIFEST } from '../support/fleet.js'

const dir = mkdtempSync(join(tmpdir(), 'reeflink-fuzz-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Values of every JSON type, biased towards the ones the schema expects. */
const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }))
const key = fc.oneof(fc.constantFrom(...Object.keys(DEFAULTS), 'http', 'mqtt', 'tls', '__proto__', 'constructor'), fc.string({ maxLength: 12 }))
const layer = fc.dictionary(key, fc.oneof(value, fc.dictionary(fc.oneof(fc.constantFrom('port', 'maxTop', 'rateLimit', 'cert', 'key', 'maxConnections', 'requestsPerWindow', 'embedded'), fc.string({ maxLength: 8 })), value, { maxKeys: 4 })), { maxKeys: 6 })
const env = fc.dictionary(fc.constantFrom(...Object.keys(ENVIRONMENT)), fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('true', 'no', '', ' ', '1e3', '-1', '99999999999999999999')), { maxKeys: 5 })

function expectTyped(run: () => unknown): void {
  try {
    run()
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    expect(e.problems.length).toBeGreaterThan(0)
    for (const p of e.problems) expect(typeof p).toBe('string')
  }
}

describe('configuration loader', () => {
  it('returns a configuration or throws ConfigError, for any environment and flags', () => {
    fc.assert(
      fc.property(env, layer, (e, flags) => {
        expectTyped(() => loadConfig({ env: e, flags, cwd: dir }))
      }),
      { numRuns: 400 },
    )
  })

  it('does the same for any configuration file, YAML or JSON, and for text that is neither', () => {
    let i = 0
    fc.assert(
      fc.property(fc.oneof(layer.map((l) => ({ text: JSON.stringify(l), ext: 'json' })), layer.map((l) => ({ text: stringify(l), ext: 'yaml' })), fc.string().map((t) => ({ text: t, ext: 'yaml' })), fc.string().map((t) => ({ text: t, ext: 'json' }))), (f) => {
        const path = join(dir, `c${i++}.${f.ext}`)
        writeFileSync(path, f.text)
        expectTyped(() => loadConfig({ file: path, env: {}, cwd: dir }))
      }),
      { numRuns: 300 },
    )
    expectTyped(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }))
  })
})

const example = parse(readFileSync(EXAMPLE_MANIFEST, 'utf8'))

/** Sets a value at a random path of the example manifest (existing branches or new keys). */
function mutate(doc: unknown, path: (string | number)[], v: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>
  let o: Record<string | number, unknown> = copy
  for (let i = 0; i < path.length - 1; i++) {
    const next = o[path[i]]
    if (next === null || typeof next !== 'object') {
      o[path[i]] = v
      return copy
    }
    o = next as Record<string | number, unknown>
  }
  if (path.length) o[path[path.length - 1]] = v
  return copy
}

const segment = fc.oneof(fc.constantFrom('stations', 'devices', 'calibrations', 'qc', 'network', 'abp', 'sensors', 'temperature', 'devEui', 'devAddr', 'nwkSKey', 'station', 'validFrom', 'model', 'config', 'code', 'latitude'), fc.nat({ max: 3 }), fc.string({ maxLength: 6 }))

function expectResult(r: ReturnType<typeof validateManifest>): void {
  if (r.ok) return
  expect(r.problems.length).toBeGreaterThan(0)
  for (const p of r.problems) {
    expect(typeof p.path).toBe('string')
    expect(typeof p.message).toBe('string')
  }
}

describe('fleet manifest loader', () => {
  it('answers with a manifest or typed problems for any document', () => {
    fc.assert(
      fc.property(fc.anything(), (doc) => {
        expectResult(validateManifest(doc))
      }),
      { numRuns: 300 },
    )
  })

  it('answers with a manifest or typed problems for any mutation of the example', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.oneof(value, fc.anything()), (path, v) => {
        expectResult(validateManifest(mutate(example, path, v)))
      }),
      { numRuns: 1000 },
    )
  })

  it('reads any file text as a problem, not an exception', () => {
    let i = 0
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('yaml', 'json'), (text, ext) => {
        const path = join(dir, `m${i++}.${ext}`)
        writeFileSync(path, text)
        expectResult(loadManifest(path))
      }),
      { numRuns: 200 },
    )
  })
})
