// Builds codecs/vectors/golden.json (and its TypeScript twin golden.ts for the DeviceScript VM)
// from the cases below, with the hex the codec produces today. Run `npm run vectors -w codecs`
// only when the format changes on purpose: the vectors are the spec, reviewed like code.
// Without --write it checks that the committed files are current (exit 1 otherwise).
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  decodeUplink,
  encodeDownlink,
  encodeMeasurements,
  encodeUplink,
  toHex,
  type ConfigAck,
  type ConfigDownlink,
  type MeasurementSample,
  type StatusMessage,
} from '../src/index.js'
import { realisticSeries } from '../test/support/series.js'
import type { GoldenVector } from '../vectors/types.js'

const regular = (n: number, intervalS: number, newestAgeS: number, f: (k: number) => MeasurementSample): MeasurementSample[] =>
  Array.from({ length: n }, (_, k) => ({ ...f(k), ageS: newestAgeS + (n - 1 - k) * intervalS }))

const measurementCases: { name: string; budget: number; samples: MeasurementSample[] }[] = [
  { name: 'temperature only, one sample', budget: 51, samples: [{ ageS: 12, temperatureRaw: 123456 }] },
  {
    name: 'three channels, six 10-minute samples',
    budget: 51,
    samples: regular(6, 600, 5, (k) => ({ ageS: 0, temperatureRaw: 120000 + 37 * k, pressureRaw: 5100 + 11 * k, conductivityRaw: 132500 + 24 * k })),
  },
  { name: 'realistic lagoon series, SF12 51-byte budget', budget: 51, samples: realisticSeries({ count: 40, seed: 7 }) },
  { name: 'realistic lagoon series, 115-byte budget', budget: 115, samples: realisticSeries({ count: 80, seed: 8 }) },
  { name: 'spiky series uses escapes', budget: 51, samples: realisticSeries({ count: 40, seed: 9, spikeProbability: 0.2 }) },
  {
    name: 'week-old store-and-forward backlog, irregular ages',
    budget: 115,
    samples: [604800, 604200, 603600, 590000, 589400, 100, 0].map((ageS, k) => ({ ageS, temperatureRaw: 118000 + 5 * k, pressureRaw: 4000 - 3 * k })),
  },
  {
    name: 'temperature sensor failed: pressure and conductivity only',
    budget: 51,
    samples: regular(5, 600, 0, (k) => ({ ageS: 0, pressureRaw: 5200 - 9 * k, conductivityRaw: 131000 + 2 * k })),
  },
  {
    name: 'channel set changes: frame stops before the odd sample',
    budget: 222,
    samples: [
      { ageS: 1800, temperatureRaw: 100000, pressureRaw: 6000 },
      { ageS: 1200, temperatureRaw: 100010, pressureRaw: 6001 },
      { ageS: 600, temperatureRaw: 100020 },
    ],
  },
  { name: 'extreme raw values', budget: 51, samples: [{ ageS: 0xffffff, temperatureRaw: 0, pressureRaw: 0xffffff, conductivityRaw: 1 }, { ageS: 0, temperatureRaw: 0xffffff, pressureRaw: 0, conductivityRaw: 0xfffffe }] },
]

const status: StatusMessage = {
  type: 'status',
  batteryMv: 3712,
  firmwareVersion: '1.2.3',
  resetCause: 'deep_sleep_wake',
  uptimeS: 86400,
  queueDepth: 17,
  droppedSamples: 0,
  sensorFaults: [],
  uplinksSent: 1042,
  downlinksReceived: 3,
  lastRssiDbm: -117,
  lastSnrDb: -7.25,
  airtimeLast24hMs: 27890,
  sampleIntervalS: 600,
}
const statusFaulty: StatusMessage = { ...status, resetCause: 'watchdog', sensorFaults: ['pressure', 'battery'], droppedSamples: 70000, queueDepth: 1008 }
const ack: ConfigAck = { type: 'configAck', seq: 42, results: [{ command: 'setInterval', result: 'ok' }, { command: 'setBatch', result: 'invalid_argument' }] }
const downlinks: { name: string; message: ConfigDownlink }[] = [
  { name: 'set interval to 5 minutes', message: { type: 'config', seq: 1, commands: [{ command: 'setInterval', intervalS: 300 }] } },
  {
    name: 'every command',
    message: {
      type: 'config',
      seq: 200,
      commands: [
        { command: 'setInterval', intervalS: 1800 },
        { command: 'setBatch', samplesPerUplink: 12, maxPayloadBytes: 51 },
        { command: 'requestStatus' },
        { command: 'clearQueue' },
        { command: 'reboot' },
      ],
    },
  },
]

const errorCases: GoldenVector[] = [
  { name: 'unknown fPort', direction: 'uplink', fPort: 99, hex: '10', error: { code: 'unknown_fport', offset: 0 } },
  { name: 'unsupported version', direction: 'uplink', fPort: 1, hex: '2101000000', error: { code: 'unsupported_version', offset: 0 } },
  { name: 'empty measurement frame', direction: 'uplink', fPort: 1, hex: '', error: { code: 'truncated', offset: 0 } },
  { name: 'measurement header only', direction: 'uplink', fPort: 1, hex: '11', error: { code: 'truncated', offset: 1 } },
  { name: 'reserved channel bit', direction: 'uplink', fPort: 1, hex: '1901', error: { code: 'reserved_bits', offset: 0 } },
  { name: 'zero samples', direction: 'uplink', fPort: 1, hex: '1100', error: { code: 'invalid_value', offset: 1 } },
  { name: 'reference length above 24 bits', direction: 'uplink', fPort: 1, hex: '1102ff', error: { code: 'invalid_value', offset: 2 } },
  { name: 'measurement frame cut short', direction: 'uplink', fPort: 1, hex: '110260', error: { code: 'truncated', offset: 2 } },
  { name: 'status too short', direction: 'uplink', fPort: 2, hex: '100e80', error: { code: 'truncated', offset: 3 } },
  { name: 'unknown reset cause', direction: 'uplink', fPort: 2, hex: '100e80010203' + '09' + '00'.repeat(26), error: { code: 'invalid_value', offset: 6 } },
  { name: 'ack with odd length', direction: 'uplink', fPort: 3, hex: '102a0100ff', error: { code: 'truncated', offset: 5 } },
  { name: 'downlink unknown command', direction: 'downlink', fPort: 10, hex: '1001' + '7f', error: { code: 'unknown_command', offset: 2 } },
  { name: 'downlink setInterval without argument', direction: 'downlink', fPort: 10, hex: '100101', error: { code: 'truncated', offset: 3 } },
  { name: 'downlink interval below minimum', direction: 'downlink', fPort: 10, hex: '1001010005', error: { code: 'invalid_value', offset: 3 } },
  { name: 'downlink on a wrong fPort', direction: 'downlink', fPort: 1, hex: '100103', error: { code: 'unknown_fport', offset: 0 } },
]

function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`)
  return r.value
}

export function buildVectors(): GoldenVector[] {
  const out: GoldenVector[] = []
  for (const c of measurementCases) {
    const enc = must(encodeMeasurements(c.samples, c.budget), c.name)
    const message = must(decodeUplink(enc.bytes, 1), c.name)
    out.push({ name: c.name, direction: 'uplink', fPort: 1, hex: toHex(enc.bytes), message, budget: c.budget, samples: c.samples, consumed: enc.consumed })
  }
  for (const [name, m] of [['status, healthy', status], ['status, faults and overflow', statusFaulty], ['configuration acknowledgement', ack]] as const) {
    const f = must(encodeUplink(m), name)
    out.push({ name, direction: 'uplink', fPort: f.fPort, hex: toHex(f.bytes), message: m })
  }
  for (const d of downlinks) {
    const f = must(encodeDownlink(d.message), d.name)
    out.push({ name: d.name, direction: 'downlink', fPort: f.fPort, hex: toHex(f.bytes), message: d.message })
  }
  return out.concat(errorCases)
}

const jsonPath = fileURLToPath(new URL('../vectors/golden.json', import.meta.url))
const tsPath = fileURLToPath(new URL('../vectors/golden.ts', import.meta.url))

export function renderJson(v: GoldenVector[]): string {
  return JSON.stringify(v, null, 1) + '\n'
}

export function renderTs(v: GoldenVector[]): string {
  return (
    '// Generated from golden.json by codecs/scripts/golden-vectors.ts: do not edit.\n' +
    '// A TypeScript module because the DeviceScript VM cannot read JSON files.\n' +
    "import { GoldenVector } from './types.js'\n\n" +
    'export const GOLDEN_VECTORS: GoldenVector[] = ' +
    JSON.stringify(v) +
    '\n'
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const v = buildVectors()
  if (process.argv.includes('--write')) {
    writeFileSync(jsonPath, renderJson(v))
    writeFileSync(tsPath, renderTs(v))
    console.log(`wrote ${v.length} vectors`)
  } else {
    const stale = readFileSync(jsonPath, 'utf8') !== renderJson(v) || readFileSync(tsPath, 'utf8') !== renderTs(v)
    console.log(stale ? 'golden vectors are stale: run npm run vectors -w codecs' : `${v.length} golden vectors are current`)
    process.exit(stale ? 1 : 0)
  }
}
