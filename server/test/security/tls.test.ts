// TLS when tls.cert / tls.key are configured: HTTPS for the API and an MQTT-over-TLS listener on
// the embedded broker, checked with a self-signed certificate made by openssl at test time.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { checkPorts } from '../../src/ops/doctor.js'
import { provisionedStore, type TestStore } from '../support/fleet.js'

let opensslAvailable = true
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' })
} catch {
  opensslAvailable = false
}

let store: TestStore
let server: RunningServer
let dir: string
let ca: Buffer
beforeAll(async () => {
  if (!opensslAvailable) return
  dir = mkdtempSync(join(tmpdir(), 'reeflink-tls-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' })
  ca = readFileSync(join(dir, 'cert.pem'))
  store = provisionedStore()
  store.db.close()
  const config = loadConfig({
    env: {},
    flags: { database: store.path, http: { port: 0 }, mqtt: { port: 0, tlsPort: 0 }, udp: { enabled: false }, tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }, log: { level: 'silent' } },
  })
  server = await startServer(config, pino({ level: 'silent' }))
})
afterAll(async () => {
  await server?.close()
  store?.cleanup()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function httpsGet(url: string, trust: Buffer | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: trust, rejectUnauthorized: true }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe.skipIf(!opensslAvailable)('TLS', () => {
  it('serves the API over HTTPS only, and its URLs say https', async () => {
    expect(server.urls.http).toMatch(/^https:\/\//)
    const res = await httpsGet(`https://127.0.0.1:${server.ports.http}/v1.1`, ca)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).value[0].url).toMatch(/^https:\/\//)
    expect(res.body).toContain(`mqtts://127.0.0.1:${server.ports.mqtts}`)
    // Plain HTTP on the same port gets no API answer.
    const plain = await fetch(`http://127.0.0.1:${server.ports.http}/v1.1`).then((r) => r.status).catch(() => 'refused')
    expect(plain).not.toBe(200)
    // A client that does not trust the certificate is refused by its own TLS check.
    await expect(httpsGet(`https://127.0.0.1:${server.ports.http}/v1.1`, undefined)).rejects.toThrow(/self.signed|certificate/i)
  })

  it('accepts MQTT over TLS on the broker, with the same rules as the plain listener', async () => {
    expect(server.ports.mqtts).toBeGreaterThan(0)
    expect(server.urls.mqtts).toMatch(/^mqtts:\/\//)
    const client = mqtt.connect(`mqtts://127.0.0.1:${server.ports.mqtts}`, { ca, reconnectPeriod: 0, connectTimeout: 5000 })
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', reject)
    })
    const subscribe = (topic: string) =>
      new Promise<number>((resolve) => client.subscribe(topic, { qos: 0 }, (err, granted) => resolve(err ? 128 : (granted?.[0]?.qos ?? -1))))
    try {
      expect(await subscribe('v1.1/Things')).toBe(0)
      // The ACL applies: ingest topics need the write role.
      expect(await subscribe('application/#')).toBe(128)
    } finally {
      client.end(true)
    }
    // One left connected: the server's close (afterAll) must still finish.
    const lingering = mqtt.connect(`mqtts://127.0.0.1:${server.ports.mqtts}`, { ca, reconnectPeriod: 0 })
    await new Promise<void>((resolve, reject) => {
      lingering.once('connect', () => resolve())
      lingering.once('error', reject)
    })
  })
})

describe.skipIf(!opensslAvailable)('reeflink doctor with TLS', () => {
  it('recognises the running reeflink on its HTTPS port', async () => {
    const config = loadConfig({
      env: {},
      flags: { database: store.path, http: { port: server.ports.http }, mqtt: { embedded: false }, udp: { enabled: false }, tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } },
    })
    const findings = await checkPorts(config)
    expect(findings).toEqual([expect.objectContaining({ severity: 'ok', message: expect.stringContaining('in use by a running reeflink') })])
  })
})

describe('TLS configuration', () => {
  it('needs both files, and names a missing one when the server starts', async () => {
    expect(() => loadConfig({ env: {}, flags: { tls: { cert: '/nonexistent/cert.pem' } } })).toThrow(ConfigError)
    const s = provisionedStore()
    s.db.close()
    try {
      const config = loadConfig({ env: {}, flags: { database: s.path, http: { port: 0 }, mqtt: { port: 0 }, udp: { enabled: false }, tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } } })
      await expect(startServer(config, pino({ level: 'silent' }))).rejects.toThrow(/tls\.cert \/nonexistent\/cert\.pem/)
    } finally {
      s.cleanup()
    }
  })
})
