// Nothing PUBACKed is lost: `reeflink serve` is SIGKILLed repeatedly while mqtt.js clients publish
// ChirpStack uplink events at QoS 1 to the embedded broker; every uplink that got its PUBACK must
// be stored, none twice, and the database must pass PRAGMA integrity_check.
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/store/database.js'
import { provisionedStore, type TestStore } from '../support/fleet.js'
import { chirpstackUplink, CS_TOPIC, LOGGER_EUI, serve } from './support.js'

const ADMIN = 'reliability-admin-key-0123456789abcdef'
const CYCLES = 4
const CLIENTS = 6

let store: TestStore
beforeAll(() => {
  store = provisionedStore()
  store.db.close()
})
afterAll(() => store.cleanup())

function connect(port: number): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username: 'admin', password: ADMIN, reconnectPeriod: 0, connectTimeout: 5000, clean: true })
    c.once('connect', () => resolve(c))
    c.once('error', reject)
  })
}

/** Publishes at QoS 1; true once PUBACKed, false when the connection died first (bounded wait). */
function publish(c: mqtt.MqttClient, n: number): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer)
      c.off('close', onClose)
      resolve(ok)
    }
    const onClose = () => finish(false)
    const timer = setTimeout(() => finish(false), 3000)
    c.once('close', onClose)
    c.publish(CS_TOPIC, chirpstackUplink(n), { qos: 1 }, (err) => finish(!err))
  })
}

describe('crash safety over MQTT', () => {
  it('keeps every PUBACKed uplink across repeated SIGKILLs, stores none twice, and stays intact', async () => {
    const acked = new Set<number>()
    const sent = new Set<number>()
    let fCnt = 0
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await serve(store.path, { REEFLINK_ADMIN_KEY: ADMIN })
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(server.ports.mqtt!)))
      let running = true
      const senders = clients.map(async (c) => {
        while (running && c.connected) {
          const n = ++fCnt
          sent.add(n)
          if (await publish(c, n)) acked.add(n)
        }
      })
      await new Promise((r) => setTimeout(r, 400 + 300 * cycle))
      server.child.kill('SIGKILL')
      await server.exited
      running = false
      await Promise.all(senders)
      for (const c of clients) c.end(true)
    }
    expect(acked.size).toBeGreaterThan(50)

    // Resending uplinks already stored (a client that never saw the PUBACK does that) changes nothing.
    const again = await serve(store.path, { REEFLINK_ADMIN_KEY: ADMIN })
    const c = await connect(again.ports.mqtt!)
    for (const n of [...acked].slice(0, 5)) expect(await publish(c, n)).toBe(true)
    c.end(true)
    again.child.kill('SIGTERM')
    expect(await again.exited).toBe(0)

    const db = openDatabase(store.path)
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const device = (db.prepare('SELECT id FROM devices WHERE dev_eui = ?').get(LOGGER_EUI) as { id: number }).id
      const rows = db.prepare('SELECT fcnt FROM uplinks WHERE device_id = ?').all(device) as { fcnt: number }[]
      const stored = new Set(rows.map((r) => r.fcnt))
      expect(rows.length).toBe(stored.size) // none twice
      expect([...acked].filter((n) => !stored.has(n))).toEqual([])
      expect(stored.size).toBeLessThanOrEqual(sent.size)
      // Every stored uplink has all of its 6 temperature samples.
      const perUplink = db.prepare('SELECT uplink_id, count(*) AS n FROM observations GROUP BY uplink_id HAVING n <> 6').all()
      expect(perUplink).toEqual([])
    } finally {
      db.close()
    }
  }, 120_000)
})
