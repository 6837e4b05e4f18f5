// `reeflink doctor`: checks a deployment's configuration, data directory, database, fleet and
// ports, and says what is wrong and what to do. Each check is a small function returning
// findings; the command prints them and fails when any is an error.
import { accessSync, constants, existsSync, statfsSync } from 'node:fs'
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import { request as httpsRequest } from 'node:https'
import type { ReeflinkConfig } from '../config/config.js'
import { MIGRATIONS } from '../store/migrations.js'
import { openDatabase, schemaVersion, type Db } from '../store/database.js'
import { KEK_ENV, parseKek, readDeviceKey } from '../store/key-encryption.js'

export type Severity = 'ok' | 'warning' | 'error'

export interface Finding {
  check: string
  severity: Severity
  message: string
}

const LOW_DISK_BYTES = 1024 ** 3

export function checkDataDir(config: ReeflinkConfig): Finding[] {
  const out: Finding[] = []
  if (!existsSync(config.dataDir)) {
    out.push({ check: 'data directory', severity: 'warning', message: `${config.dataDir} does not exist yet (reeflink serve or provision creates it)` })
    return out
  }
  try {
    accessSync(config.dataDir, constants.W_OK)
    out.push({ check: 'data directory', severity: 'ok', message: `${config.dataDir} is writable` })
  } catch {
    out.push({ check: 'data directory', severity: 'error', message: `${config.dataDir} is not writable by this user` })
  }
  const fs = statfsSync(config.dataDir)
  const free = fs.bavail * fs.bsize
  out.push({
    check: 'disk space',
    severity: free < LOW_DISK_BYTES ? 'warning' : 'ok',
    message: `${(free / 1024 ** 3).toFixed(1)} GiB free${free < LOW_DISK_BYTES ? ': ingest stops acknowledging when the disk is full' : ''}`,
  })
  return out
}

export function checkDatabase(db: Db): Finding[] {
  const out: Finding[] = []
  const version = schemaVersion(db)
  const latest = MIGRATIONS[MIGRATIONS.length - 1].version
  if (version === latest) out.push({ check: 'schema', severity: 'ok', message: `schema version ${version}` })
  else if (version < latest) out.push({ check: 'schema', severity: 'warning', message: `schema version ${version}: migrated to ${latest} when reeflink serve or provision next opens it` })
  else out.push({ check: 'schema', severity: 'error', message: `schema version ${version} is newer than this reeflink (${latest}): upgrade reeflink` })
  const mode = db.pragma('journal_mode', { simple: true })
  out.push({ check: 'journal', severity: mode === 'wal' ? 'ok' : 'warning', message: `journal_mode=${mode}` })
  const quick = db.pragma('quick_check', { simple: true })
  out.push({ check: 'integrity', severity: quick === 'ok' ? 'ok' : 'error', message: quick === 'ok' ? 'quick_check ok' : `quick_check: ${quick}` })
  return out
}

/** Device keys at rest: which devices' keys can be decrypted with the configured KEK. */
export function checkDeviceKeys(db: Db, kekText: string | undefined): Finding[] {
  const parsed = parseKek(kekText)
  if (!parsed.ok) return [{ check: 'device keys', severity: 'error', message: parsed.problem }]
  const kek = parsed.kek
  const rows = db.prepare('SELECT dev_eui, key_format, nwk_s_key, app_s_key FROM devices WHERE nwk_s_key IS NOT NULL OR app_s_key IS NOT NULL').all() as {
    dev_eui: string
    key_format: string
    nwk_s_key: Buffer | null
    app_s_key: Buffer | null
  }[]
  const out: Finding[] = []
  let plain = 0
  let encrypted = 0
  for (const r of rows) {
    if (r.key_format === 'plain') plain++
    else encrypted++
    for (const col of ['nwk_s_key', 'app_s_key'] as const) {
      const k = readDeviceKey(kek, r.key_format, r[col], r.dev_eui, col)
      if (k && !k.ok) out.push({ check: 'device keys', severity: 'error', message: `${r.dev_eui} ${col}: ${k.problem}; its frames are rejected until fixed (set the right ${KEK_ENV}, or re-provision)` })
    }
  }
  // OTAA AppKeys (migration 5): one that cannot be decrypted refuses every join of its device.
  const appKeys = db.prepare('SELECT d.dev_eui, o.key_format, o.app_key FROM otaa_devices o JOIN devices d ON d.id = o.device_id').all() as { dev_eui: string; key_format: string; app_key: Buffer }[]
  for (const r of appKeys) {
    const k = readDeviceKey(kek, r.key_format, r.app_key, r.dev_eui, 'app_key')
    if (k && !k.ok) out.push({ check: 'device keys', severity: 'error', message: `${r.dev_eui} app_key (OTAA): ${k.problem}; its joins are refused until fixed (set the right ${KEK_ENV}, or re-provision)` })
    if (r.key_format === 'plain' && kek) out.push({ check: 'device keys', severity: 'warning', message: `${r.dev_eui} OTAA AppKey stored plain: run reeflink provision again to encrypt it` })
  }
  if (rows.length) {
    const summary = `${encrypted} devices with keys encrypted (aes-256-gcm), ${plain} plain`
    if (plain && kek) out.push({ check: 'device keys', severity: 'warning', message: `${summary}: run reeflink provision again to encrypt the plain ones` })
    else if (plain && !kek) out.push({ check: 'device keys', severity: 'warning', message: `${summary}: set ${KEK_ENV} (openssl rand -hex 32) and re-provision to encrypt keys at rest` })
    else out.push({ check: 'device keys', severity: 'ok', message: summary })
  }
  return out
}

export function checkFleet(db: Db, now = Date.now()): Finding[] {
  const out: Finding[] = []
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n
  const stations = n('SELECT count(*) AS n FROM things')
  const devices = n('SELECT count(*) AS n FROM devices')
  out.push({ check: 'fleet', severity: devices ? 'ok' : 'warning', message: devices ? `${stations} stations, ${devices} devices` : 'no devices: run reeflink provision <manifest>' })
  // OTAA devices (otaa_devices) have no session until their first join: not a problem.
  const missingKeys = db
    .prepare("SELECT dev_eui FROM devices WHERE activation = 'abp' AND (nwk_s_key IS NULL OR app_s_key IS NULL OR dev_addr IS NULL) AND id NOT IN (SELECT device_id FROM otaa_devices)")
    .all() as { dev_eui: string }[]
  for (const d of missingKeys) out.push({ check: 'fleet', severity: 'error', message: `ABP device ${d.dev_eui} has no session keys or DevAddr` })
  const uncalibrated = db
    .prepare(
      `SELECT d.dev_eui, c.channel, s.sensor_type, s.serial_number FROM device_channels c JOIN devices d ON d.id = c.device_id JOIN sensors s ON s.id = c.sensor_id
       WHERE c.channel <> 'battery' AND NOT EXISTS (SELECT 1 FROM calibrations k WHERE k.sensor_id = s.id AND k.valid_from <= ? AND (k.valid_until IS NULL OR k.valid_until > ?))`,
    )
    .all(now, now) as { dev_eui: string; channel: string; sensor_type: string; serial_number: string }[]
  for (const u of uncalibrated) {
    out.push({ check: 'calibration', severity: 'warning', message: `${u.dev_eui} ${u.channel} sensor ${u.sensor_type}/${u.serial_number} has no calibration valid now: its raw readings are stored uncalibrated` })
  }
  const silent = db.prepare('SELECT dev_eui, last_seen FROM devices WHERE last_seen IS NOT NULL AND last_seen < ?').all(now - 24 * 3600_000) as { dev_eui: string; last_seen: number }[]
  for (const s of silent) out.push({ check: 'activity', severity: 'warning', message: `${s.dev_eui} silent since ${new Date(s.last_seen).toISOString()}` })
  return out
}

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, host, () => s.close(() => resolve(true)))
  })
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4')
    s.once('error', () => resolve(false))
    s.bind(port, host, () => s.close(() => resolve(true)))
  })
}

async function reeflinkAnswers(config: ReeflinkConfig): Promise<boolean> {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  if (config.tls.cert && config.tls.key) {
    // Our own server on this machine: a liveness probe that sends nothing secret, so the
    // certificate (often issued for a public name) is not checked here.
    return new Promise((resolve) => {
      const req = httpsRequest({ host, port: config.http.port, path: '/health', rejectUnauthorized: false, timeout: 1000 }, (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => {
          try {
            resolve(res.statusCode === 200 && (JSON.parse(body) as { live?: boolean }).live === true)
          } catch {
            resolve(false)
          }
        })
      })
      req.on('error', () => resolve(false))
      req.on('timeout', () => req.destroy())
      req.end()
    })
  }
  try {
    const res = await fetch(`http://${host}:${config.http.port}/health`, { signal: AbortSignal.timeout(1000) })
    return res.ok && ((await res.json()) as { live?: boolean }).live === true
  } catch {
    return false
  }
}

export async function checkPorts(config: ReeflinkConfig): Promise<Finding[]> {
  const running = await reeflinkAnswers(config)
  const out: Finding[] = []
  const ports: [string, number, boolean, 'tcp' | 'udp'][] = [
    ['HTTP', config.http.port, true, 'tcp'],
    ['MQTT', config.mqtt.port, config.mqtt.embedded, 'tcp'],
    ['Semtech UDP', config.udp.port, config.udp.enabled, 'udp'],
  ]
  for (const [name, port, enabled, proto] of ports) {
    if (!enabled) continue
    const free = proto === 'tcp' ? await tcpFree(port, config.host) : await udpFree(port, config.host)
    if (free) out.push({ check: 'ports', severity: 'ok', message: `${name} ${proto}/${port} on ${config.host} is free` })
    else if (running) out.push({ check: 'ports', severity: 'ok', message: `${name} ${proto}/${port} is in use by a running reeflink (its /health answers)` })
    else out.push({ check: 'ports', severity: 'error', message: `${name} ${proto}/${port} on ${config.host} is taken by another program` })
  }
  return out
}

export async function runDoctor(config: ReeflinkConfig): Promise<Finding[]> {
  const findings: Finding[] = [{ check: 'configuration', severity: 'ok', message: `valid; database ${config.database}` }]
  findings.push(...checkDataDir(config))
  if (existsSync(config.database)) {
    let db: Db | null = null
    try {
      db = openDatabase(config.database, { readonly: true })
      findings.push(...checkDatabase(db), ...checkFleet(db), ...checkDeviceKeys(db, process.env[KEK_ENV]))
    } catch (e) {
      findings.push({ check: 'database', severity: 'error', message: (e as Error).message })
    } finally {
      db?.close()
    }
  } else {
    findings.push({ check: 'database', severity: 'warning', message: `${config.database} does not exist yet: reeflink provision creates it` })
  }
  findings.push(...(await checkPorts(config)))
  if (!config.webhooks.secret) findings.push({ check: 'webhooks', severity: 'ok', message: 'HTTP webhooks off (set REEFLINK_WEBHOOK_SECRET to accept The Things Stack / ChirpStack webhooks)' })
  return findings
}
