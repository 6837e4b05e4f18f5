// Configuration of `reeflink serve` and the other commands: embedded defaults, then a file
// (--config, YAML or JSON), then REEFLINK_* environment variables, then command-line flags.
// Validated with a JSON Schema; errors name the source and the field.
import { Ajv } from 'ajv'
import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { parseDevAddrPrefix } from '../lorawan/join-devaddr.js'

export interface ReeflinkConfig {
  /** Where the database and other state live. */
  dataDir: string
  /** SQLite file; default <dataDir>/reeflink.db. */
  database: string
  /** Address the HTTP, MQTT and UDP listeners bind to. Loopback by default: set 0.0.0.0 to accept gateways and clients from the network. */
  host: string
  http: {
    port: number
    publicUrl: string | null
    bodyLimitBytes: number
    /** SensorThings $top ceiling (collections stream, so this bounds work, not memory). */
    maxTop: number
    /** Time a SensorThings read may take, in ms (0: no limit); past it 503 STA_QUERY_TIMEOUT, or a page cut short with a nextLink. */
    queryTimeoutMs: number
    /** Largest SensorThings collection response, in bytes (0: no limit); pages end early with a nextLink (400 when they cannot). */
    maxResponseBytes: number
    /** Worker threads running the costly SensorThings reads ($filter, $orderby, $skip) so they never hold ingest (0: on the event loop). */
    readWorkers: number
    /** Per client address; requestsPerWindow 0 turns the general limit off. */
    rateLimit: { requestsPerWindow: number; windowMs: number; failedAuthPerWindow: number }
  }
  mqtt: {
    /** Run the embedded broker (aedes). */
    embedded: boolean
    port: number
    /** External broker to subscribe to (ChirpStack / The Things Stack integrations), e.g. mqtts://eu1.cloud.thethings.network:8883 */
    url: string | null
    username: string | null
    password: string | null
    maxMessageBytes: number
    /** Connected clients of the embedded broker; more get CONNACK 3 (server unavailable). */
    maxConnections: number
    /** TLS listener of the embedded broker (when tls.cert/tls.key are set); 0 = ephemeral, null = none. */
    tlsPort: number | null
  }
  udp: {
    enabled: boolean
    port: number
    /** Per gateway EUI: datagrams per second (burst of one second), and PUSH_DATA awaiting their ack. */
    maxDatagramsPerSecond: number
    maxInFlightPerGateway: number
  }
  /** PEM files; when both are set, HTTP is served over HTTPS and the broker gets a TLS listener. */
  tls: { cert: string | null; key: string | null }
  ingest: { maxBatch: number; synchronous: 'full' | 'normal'; dedupWindowMs: number }
  webhooks: { secret: string | null }
  auth: { adminKey: string | null }
  /** Class A downlinks to ABP devices through Semtech UDP gateways (docs/downlinks.md). */
  downlink: {
    enabled: boolean
    region: 'EU868'
    /** RX1 delay (s), as the devices are configured (RECEIVE_DELAY1, 1 s by default). */
    rx1DelayS: number
    rx1DrOffset: number
    /** RX2 channel; null = the region's default (EU868: 869.525 MHz, SF12BW125). */
    rx2FrequencyHz: number | null
    rx2DataRate: string | null
    /** auto: RX1 when the uplink's channel is known and its window has not passed, else RX2. */
    window: 'auto' | 'rx1' | 'rx2'
    /** txpk.powe (dBm); null = the region's default (EU868: 14). */
    powerDbm: number | null
    /** Transmissions of one queue item before it fails. */
    maxAttempts: number
  }
  /** OTAA joins answered by reeflink (docs/otaa.md). */
  otaa: {
    /** NetID in accepts and key derivation, 6 hex digits; 000000 = private network. */
    netId: string
    /** DevAddr range for allocated addresses ("00000000/7"); null = the NetID's own prefix. */
    devAddrPrefix: string | null
  }
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean | null }
}

export const DEFAULTS: ReeflinkConfig = {
  dataDir: './data',
  database: '',
  host: '127.0.0.1',
  http: { port: 8080, publicUrl: null, bodyLimitBytes: 1048576, maxTop: 1_000_000, queryTimeoutMs: 10_000, maxResponseBytes: 256 * 1024 * 1024, readWorkers: 2, rateLimit: { requestsPerWindow: 6000, windowMs: 60_000, failedAuthPerWindow: 20 } },
  mqtt: { embedded: true, port: 1883, url: null, username: null, password: null, maxMessageBytes: 65536, maxConnections: 1000, tlsPort: null },
  // Per-gateway flood limits. A real gateway forwards tens of datagrams a second; replays through
  // the simulator (and npm start's catch-up) send thousands, and a dropped datagram is an uplink
  // lost (Semtech UDP never resends), so the defaults stay far above both.
  udp: { enabled: true, port: 1700, maxDatagramsPerSecond: 50000, maxInFlightPerGateway: 10000 },
  tls: { cert: null, key: null },
  ingest: { maxBatch: 5000, synchronous: 'full', dedupWindowMs: 200 },
  webhooks: { secret: null },
  auth: { adminKey: null },
  downlink: { enabled: true, region: 'EU868', rx1DelayS: 1, rx1DrOffset: 0, rx2FrequencyHz: null, rx2DataRate: null, window: 'auto', powerDbm: null, maxAttempts: 5 },
  otaa: { netId: '000000', devAddrPrefix: null },
  log: { level: 'info', pretty: null },
}

const port = { type: 'integer', minimum: 0, maximum: 65535 }
const nullableString = { type: ['string', 'null'] }
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: { type: 'string', minLength: 1 },
    database: { type: 'string' },
    host: { type: 'string', minLength: 1 },
    http: {
      type: 'object',
      additionalProperties: false,
      properties: {
        port,
        publicUrl: nullableString,
        bodyLimitBytes: { type: 'integer', minimum: 1024 },
        maxTop: { type: 'integer', minimum: 1 },
        queryTimeoutMs: { type: 'integer', minimum: 0 },
        maxResponseBytes: { anyOf: [{ const: 0 }, { type: 'integer', minimum: 65536 }] },
        readWorkers: { type: 'integer', minimum: 0, maximum: 16 },
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          properties: {
            requestsPerWindow: { type: 'integer', minimum: 0 },
            windowMs: { type: 'integer', minimum: 1000, maximum: 86_400_000 },
            failedAuthPerWindow: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    mqtt: {
      type: 'object',
      additionalProperties: false,
      properties: {
        embedded: { type: 'boolean' },
        port,
        url: nullableString,
        username: nullableString,
        password: nullableString,
        maxMessageBytes: { type: 'integer', minimum: 256 },
        maxConnections: { type: 'integer', minimum: 1 },
        tlsPort: { anyOf: [port, { type: 'null' }] },
      },
    },
    udp: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, port, maxDatagramsPerSecond: { type: 'integer', minimum: 1 }, maxInFlightPerGateway: { type: 'integer', minimum: 1 } },
    },
    tls: { type: 'object', additionalProperties: false, properties: { cert: nullableString, key: nullableString } },
    ingest: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxBatch: { type: 'integer', minimum: 1, maximum: 100000 },
        synchronous: { enum: ['full', 'normal'] },
        dedupWindowMs: { type: 'integer', minimum: 0, maximum: 10000 },
      },
    },
    webhooks: { type: 'object', additionalProperties: false, properties: { secret: nullableString } },
    auth: { type: 'object', additionalProperties: false, properties: { adminKey: nullableString } },
    downlink: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        region: { enum: ['EU868'] },
        rx1DelayS: { type: 'integer', minimum: 1, maximum: 15 },
        rx1DrOffset: { type: 'integer', minimum: 0, maximum: 5 },
        rx2FrequencyHz: { type: ['integer', 'null'], minimum: 100_000_000, maximum: 1_000_000_000 },
        rx2DataRate: { type: ['string', 'null'], pattern: '^SF([7-9]|1[0-2])BW(125|250|500)$' },
        window: { enum: ['auto', 'rx1', 'rx2'] },
        powerDbm: { type: ['integer', 'null'], minimum: 0, maximum: 30 },
        maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
      },
    },
    otaa: {
      type: 'object',
      additionalProperties: false,
      properties: {
        netId: { type: 'string', pattern: '^[0-9A-Fa-f]{6}$' },
        devAddrPrefix: { anyOf: [{ type: 'string', pattern: '^[0-9A-Fa-f]{8}/([1-9]|[12][0-9]|3[01])$' }, { type: 'null' }] },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, pretty: { type: ['boolean', 'null'] } },
    },
  },
}
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)

/** Environment variable → config path and type. Documented in docs/configuration.md. */
export const ENVIRONMENT: Record<string, { path: string; type: 'string' | 'integer' | 'boolean' }> = {
  REEFLINK_DATA_DIR: { path: 'dataDir', type: 'string' },
  REEFLINK_DATABASE: { path: 'database', type: 'string' },
  REEFLINK_HOST: { path: 'host', type: 'string' },
  REEFLINK_HTTP_PORT: { path: 'http.port', type: 'integer' },
  REEFLINK_PUBLIC_URL: { path: 'http.publicUrl', type: 'string' },
  REEFLINK_MQTT_EMBEDDED: { path: 'mqtt.embedded', type: 'boolean' },
  REEFLINK_MQTT_PORT: { path: 'mqtt.port', type: 'integer' },
  REEFLINK_MQTT_URL: { path: 'mqtt.url', type: 'string' },
  REEFLINK_MQTT_USERNAME: { path: 'mqtt.username', type: 'string' },
  REEFLINK_MQTT_PASSWORD: { path: 'mqtt.password', type: 'string' },
  REEFLINK_UDP_ENABLED: { path: 'udp.enabled', type: 'boolean' },
  REEFLINK_UDP_PORT: { path: 'udp.port', type: 'integer' },
  REEFLINK_RATE_LIMIT: { path: 'http.rateLimit.requestsPerWindow', type: 'integer' },
  REEFLINK_QUERY_TIMEOUT_MS: { path: 'http.queryTimeoutMs', type: 'integer' },
  REEFLINK_MAX_RESPONSE_BYTES: { path: 'http.maxResponseBytes', type: 'integer' },
  REEFLINK_READ_WORKERS: { path: 'http.readWorkers', type: 'integer' },
  REEFLINK_MQTT_MAX_CONNECTIONS: { path: 'mqtt.maxConnections', type: 'integer' },
  REEFLINK_MQTT_TLS_PORT: { path: 'mqtt.tlsPort', type: 'integer' },
  REEFLINK_TLS_CERT: { path: 'tls.cert', type: 'string' },
  REEFLINK_TLS_KEY: { path: 'tls.key', type: 'string' },
  REEFLINK_SYNCHRONOUS: { path: 'ingest.synchronous', type: 'string' },
  REEFLINK_WEBHOOK_SECRET: { path: 'webhooks.secret', type: 'string' },
  REEFLINK_ADMIN_KEY: { path: 'auth.adminKey', type: 'string' },
  REEFLINK_DOWNLINK_ENABLED: { path: 'downlink.enabled', type: 'boolean' },
  REEFLINK_OTAA_NET_ID: { path: 'otaa.netId', type: 'string' },
  REEFLINK_OTAA_DEVADDR_PREFIX: { path: 'otaa.devAddrPrefix', type: 'string' },
  REEFLINK_LOG_LEVEL: { path: 'log.level', type: 'string' },
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

type Layer = Record<string, unknown>

function setPath(target: Layer, path: string, value: unknown): void {
  const parts = path.split('.')
  let o = target
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Layer
  o[parts[parts.length - 1]] = value
}

function merge(base: Layer, over: Layer): Layer {
  const out: Layer = { ...base }
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object' ? merge(base[k] as Layer, v as Layer) : v
  }
  return out
}

function convert(name: string, raw: string, type: 'string' | 'integer' | 'boolean', problems: string[]): unknown {
  if (type === 'string') return raw
  if (type === 'integer') {
    if (!/^-?\d+$/.test(raw.trim())) problems.push(`${name}: "${raw}" is not an integer`)
    return Number(raw)
  }
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  problems.push(`${name}: "${raw}" is not a boolean (true/false)`)
  return raw
}

function readConfigFile(path: string): Layer {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError([`--config ${path}: ${(e as Error).message}`])
  }
  try {
    const doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the top level must be a mapping')
    return doc as Layer
  } catch (e) {
    throw new ConfigError([`--config ${path}: ${(e as Error).message}`])
  }
}

function check(layer: Layer, source: string): string[] {
  if (validate(layer)) return []
  return (validate.errors ?? []).map((e) => {
    const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.')
    const extra = e.keyword === 'additionalProperties' ? ` ${(e.params as { additionalProperty: string }).additionalProperty}: unknown setting` : ''
    return `${source}${field ? ` ${field}` : ''}:${extra || ` ${e.message}`}`
  })
}

/**
 * Resolves the configuration. `flags` are already in config shape (the CLI maps its options to
 * paths). Secrets in the result must never be logged: use redactConfig() for display.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; flags?: Layer; cwd?: string } = {}): ReeflinkConfig {
  const problems: string[] = []
  const layers: [string, Layer][] = []
  if (options.file) layers.push([`--config ${options.file}`, readConfigFile(options.file)])
  const envLayer: Layer = {}
  for (const [name, spec] of Object.entries(ENVIRONMENT)) {
    const raw = (options.env ?? process.env)[name]
    if (raw !== undefined && raw !== '') setPath(envLayer, spec.path, convert(name, raw, spec.type, problems))
  }
  layers.push(['environment', envLayer])
  if (options.flags) layers.push(['command line', options.flags])
  let merged: Layer = DEFAULTS as unknown as Layer
  for (const [source, layer] of layers) {
    problems.push(...check(layer, source))
    merged = merge(merged, layer)
  }
  const tls = (merged.tls ?? {}) as { cert?: unknown; key?: unknown }
  if (!tls.cert !== !tls.key) problems.push('tls: set both tls.cert and tls.key (PEM files), or neither')
  const prefix = (merged.otaa as { devAddrPrefix?: unknown } | undefined)?.devAddrPrefix
  if (typeof prefix === 'string') {
    const p = parseDevAddrPrefix(prefix)
    if (!p.ok) problems.push(`otaa.devAddrPrefix: ${p.problem}`)
  }
  if (problems.length) throw new ConfigError(problems)
  const config = merged as unknown as ReeflinkConfig
  const cwd = options.cwd ?? process.cwd()
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(cwd, config.dataDir)
  if (config.tls.cert && config.tls.key) config.tls = { cert: resolve(cwd, config.tls.cert), key: resolve(cwd, config.tls.key) }
  config.database = config.database ? (isAbsolute(config.database) ? config.database : resolve(cwd, config.database)) : join(config.dataDir, 'reeflink.db')
  return config
}

/** The configuration with secrets replaced, for logs and `reeflink doctor`. */
export function redactConfig(c: ReeflinkConfig): ReeflinkConfig {
  const hide = (v: string | null) => (v ? '(set)' : null)
  return {
    ...c,
    mqtt: { ...c.mqtt, password: hide(c.mqtt.password) },
    webhooks: { secret: hide(c.webhooks.secret) },
    auth: { adminKey: hide(c.auth.adminKey) },
  }
}
