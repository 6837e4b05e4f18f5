// OTAA joins through a real `reeflink serve` (in-process startServer), a real SQLite store
// (keys encrypted at rest) and real UDP sockets: Join-requests built by lora-packet, the
// Join-accept in the PULL_RESP decrypted and authenticated by lora-packet, session keys derived
// by lora-packet, then data uplinks with those keys; replays, wrong keys, unknown devices,
// several gateways, and a restart.
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { checkDeviceKeys, checkFleet } from '../../src/ops/doctor.js'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest, type FleetManifest } from '../../src/provision/manifest.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { openDatabase } from '../../src/store/database.js'
import { KEK_ENV, readDeviceKey } from '../../src/store/key-encryption.js'
import { buildWithLoraPacket, lora } from '../lorawan/lora-packet-frames.js'
import { DownlinkGateway, type PullResp } from '../support/downlink-gateway.js'
import { CTD_DEVICE, ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'

const KEK_HEX = '6f'.repeat(32)
const APP_KEY = Buffer.from('8d4c2a1b0e9f7a6b5c4d3e2f1a0b9c8d', 'hex')
const JOIN_EUI = '70b3d57ed0000000'
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff])

let store: TestStore
let server: RunningServer
let gwNear: DownlinkGateway
let gwFar: DownlinkGateway
const logLines: string[] = []
let savedKek: string | undefined

/** The manifest with the example's CTD buoy turned into an OTAA device (its ABP session gone), validated. */
function ctdAsOtaa(manifest: FleetManifest, joinEui = JOIN_EUI, appKey = APP_KEY.toString('hex')) {
  const m = structuredClone(manifest) as FleetManifest
  const dev = m.devices!.find((d) => d.devEui === CTD_DEVICE)!
  delete dev.abp
  dev.otaa = { joinEui, appKey }
  const v = validateManifest(m)
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  return v
}

async function start(): Promise<void> {
  const config = loadConfig({
    env: {},
    flags: { database: store.path, http: { port: 0 }, mqtt: { embedded: false }, udp: { port: 0 }, ingest: { dedupWindowMs: 100 }, otaa: { devAddrPrefix: '26100000/16' }, log: { level: 'info' } },
  })
  const log = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) })
  server = await startServer(config, log)
  gwNear = new DownlinkGateway('aa555a0000000001', server.ports.udp!)
  gwFar = new DownlinkGateway('aa555a0000000002', server.ports.udp!)
  expect(await gwNear.pullData()).toBe(true)
  expect(await gwFar.pullData()).toBe(true)
}

async function stop(): Promise<void> {
  gwNear.close()
  gwFar.close()
  await server.close()
}

beforeAll(async () => {
  savedKek = process.env[KEK_ENV]
  process.env[KEK_ENV] = KEK_HEX
  store = provisionedStore()
  // The example's CTD buoy becomes an OTAA device: its ABP session must go.
  const v = ctdAsOtaa(store.manifest, JOIN_EUI.toUpperCase(), APP_KEY.toString('hex').toUpperCase())
  applyManifest(store.db, v.manifest, v.calibrations, Date.now(), Buffer.from(KEK_HEX, 'hex'))
  store.db.close()
  await start()
})
afterAll(async () => {
  await stop()
  store.cleanup()
  if (savedKek === undefined) delete process.env[KEK_ENV]
  else process.env[KEK_ENV] = savedKek
})

function joinRequest(devNonce: number, o: { appKey?: Buffer; devEui?: string } = {}): Buffer {
  return lora
    .fromFields({ MType: 'Join Request', AppEUI: Buffer.from(JOIN_EUI, 'hex'), DevEUI: Buffer.from(o.devEui ?? CTD_DEVICE, 'hex'), DevNonce: u16(devNonce) }, undefined, undefined, o.appKey ?? APP_KEY)
    .getPHYPayload()!
}

/** The accept lora-packet reads out of a PULL_RESP, with its MIC checked. */
function openAccept(resp: PullResp) {
  const phy = Buffer.from(resp.txpk.data, 'base64')
  const plain = lora.fromWire(lora.decryptJoinAccept(lora.fromWire(phy), APP_KEY))
  expect(plain.getMType()).toBe('Join Accept')
  expect(lora.verifyMIC(plain, undefined, APP_KEY)).toBe(true)
  return { phy, plain }
}

const db = () => server.db
const reasons = () => db().prepare('SELECT reason FROM rejected_uplinks ORDER BY id').all().map((r: any) => r.reason as string)
const deviceRow = () => db().prepare('SELECT id, dev_addr, nwk_s_key, app_s_key, key_format, fcnt_up, session FROM devices WHERE dev_eui = ?').get(CTD_DEVICE) as any
const otaaRow = () => db().prepare('SELECT * FROM otaa_devices').get() as any
const pullResps = () => gwNear.pullResps.length + gwFar.pullResps.length

function storedKeys() {
  const kek = Buffer.from(KEK_HEX, 'hex')
  const row = deviceRow()
  const nwk = readDeviceKey(kek, row.key_format, row.nwk_s_key, CTD_DEVICE, 'nwk_s_key')
  const app = readDeviceKey(kek, row.key_format, row.app_s_key, CTD_DEVICE, 'app_s_key')
  if (!nwk?.ok || !app?.ok) throw new Error('session keys unreadable')
  return { devAddr: row.dev_addr as string, nwkSKey: nwk.key, appSKey: app.key }
}

let session: { devAddr: string; nwkSKey: Buffer; appSKey: Buffer; fCnt: number }
const T0 = Date.now()

function dataUplink(fCnt: number, temperature = 25): Buffer {
  const payload = measurementPayload(ctdRawSamples(store, [{ ageS: 0, temperature_degC: temperature, pressure_dbar: 8.3, conductivity_S_m: 5.3 }], T0 + fCnt * 1000))
  return buildWithLoraPacket({ devAddr: Buffer.from(session.devAddr, 'hex'), fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: session.nwkSKey, appSKey: session.appSKey })
}

describe('OTAA joins', () => {
  it('provisions the AppKey encrypted at rest and drops the old ABP session', () => {
    const o = otaaRow()
    expect(o.key_format).toBe('aes-256-gcm')
    expect(o.app_key.subarray(0, 3).toString()).toBe('RK1')
    expect(o.app_key.includes(APP_KEY)).toBe(false)
    expect(o).toMatchObject({ join_eui: JOIN_EUI, last_dev_nonce: null, join_nonce: 0, joins: 0 })
    expect(deviceRow()).toMatchObject({ dev_addr: null, nwk_s_key: null, app_s_key: null })
  })

  it('answers a Join-request heard by two gateways with one accept, through the better one, in RX1 at tmst + 5 s', async () => {
    const phy = joinRequest(1)
    expect(lora.verifyMIC(lora.fromWire(phy), undefined, APP_KEY)).toBe(true)
    const [a, b] = await Promise.all([
      gwFar.push(phy, { tmst: 40_000_000, freq: 868.3, datr: 'SF10BW125', rssi: -118, lsnr: -7 }),
      gwNear.push(phy, { tmst: 70_000_000, freq: 868.3, datr: 'SF10BW125', rssi: -80, lsnr: 9 }),
    ])
    expect(a && b).toBe(true)
    const resp = await gwNear.pullResp(0, 3000)
    expect(resp).not.toBeNull()
    await new Promise((r) => setTimeout(r, 400)) // nothing else may come
    expect(gwFar.pullResps).toHaveLength(0)
    expect(gwNear.pullResps).toHaveLength(1)
    expect(resp!.txpk).toMatchObject({ imme: false, tmst: 75_000_000, freq: 868.3, datr: 'SF10BW125', modu: 'LORA', ipol: true })

    const { plain } = openAccept(resp!)
    expect(plain.AppNonce!.toString('hex')).toBe('000001') // JoinNonce starts at 1
    expect(plain.NetID!.toString('hex')).toBe('000000')
    expect(plain.DLSettings![0]).toBe(0x00) // RX1DROffset 0, RX2 DR0 (EU868 default)
    expect(plain.RxDelay![0]).toBe(1)
    expect(plain.CFList!.length).toBe(0)
    const devAddr = plain.DevAddr!.toString('hex')
    expect(devAddr.startsWith('2610')).toBe(true)

    // lora-packet derives the keys the server stored (encrypted) for the new session.
    const keys = lora.generateSessionKeys(APP_KEY, plain.NetID!, plain.AppNonce!, u16(1))
    const stored = storedKeys()
    expect(stored.devAddr).toBe(devAddr)
    expect(stored.nwkSKey.equals(keys.NwkSKey)).toBe(true)
    expect(stored.appSKey.equals(keys.AppSKey)).toBe(true)
    expect(deviceRow()).toMatchObject({ key_format: 'aes-256-gcm', fcnt_up: null, session: 1 })
    expect(otaaRow()).toMatchObject({ last_dev_nonce: 1, join_nonce: 1, joins: 1 })
    expect(server.ingest.counts.joins).toBe(1)
    session = { devAddr, nwkSKey: keys.NwkSKey, appSKey: keys.AppSKey, fCnt: 0 }
  })

  it('accepts the joined device’s next data uplinks at once and stores their observations', async () => {
    expect(await gwNear.push(dataUplink(0, 24.5))).toBe(true)
    expect(await gwNear.push(dataUplink(1, 24.75))).toBe(true)
    const rows = db()
      .prepare("SELECT u.fcnt, o.result FROM uplinks u JOIN observations o ON o.uplink_id = u.id JOIN datastreams d ON d.id = o.datastream_id WHERE d.quantity = 'TEMP' AND u.device_id = ? ORDER BY u.fcnt")
      .all(deviceRow().id) as { fcnt: number; result: number }[]
    expect(rows.map((r) => r.fcnt)).toEqual([0, 1])
    expect(rows[0]!.result).toBeCloseTo(24.5, 3)
    expect(rows[1]!.result).toBeCloseTo(24.75, 3)
    expect(deviceRow().fcnt_up).toBe(1)
    expect(reasons()).toEqual([])
    session.fCnt = 1
  })

  it('rejects a DevNonce that is not above the last one (join_replay), counted, logged without keys', async () => {
    expect(await gwNear.push(joinRequest(0), { tmst: 90_000_000 })).toBe(true)
    expect(reasons()).toEqual(['join_replay'])
    expect(server.ingest.counts.rejected.join_replay).toBe(1)
    const line = logLines.find((l) => l.includes('DevNonce not above'))
    expect(line).toBeDefined()
    expect(JSON.parse(line!)).toMatchObject({ devEui: CTD_DEVICE, devNonce: 0, lastDevNonce: 1 })
    expect(otaaRow()).toMatchObject({ last_dev_nonce: 1, join_nonce: 1 })
  })

  it('rejects a Join-request whose MIC fails with the AppKey (mic_invalid), and unknown devices (unknown_device)', async () => {
    expect(await gwNear.push(joinRequest(7, { appKey: Buffer.alloc(16, 0x42) }), { tmst: 91_000_000 })).toBe(true)
    expect(await gwNear.push(joinRequest(7, { devEui: '0102030405060708' }), { tmst: 92_000_000 })).toBe(true)
    expect(reasons().slice(1)).toEqual(['mic_invalid', 'unknown_device'])
    expect(server.ingest.counts.rejected).toMatchObject({ mic_invalid: 1, unknown_device: 1 })
    const detail = db().prepare("SELECT detail FROM rejected_uplinks WHERE reason = 'unknown_device'").get() as { detail: string }
    expect(detail.detail).toContain('0102030405060708')
    await new Promise((r) => setTimeout(r, 300))
    expect(pullResps()).toBe(1) // nothing answered
    expect(otaaRow()).toMatchObject({ last_dev_nonce: 1, join_nonce: 1 })
  })

  it('keeps the session, DevNonce and JoinNonce across a restart; a rejoin gets JoinNonce 2 and resets the counters', async () => {
    await stop()
    await start()
    // The session survives: the next data uplink is accepted.
    expect(await gwNear.push(dataUplink(2, 25.25))).toBe(true)
    expect(deviceRow().fcnt_up).toBe(2)
    // The very first Join-request again (the restart emptied the de-duplicator's memory): a replay.
    expect(await gwNear.push(joinRequest(1), { tmst: 93_000_000 })).toBe(true)
    expect(reasons().at(-1)).toBe('join_replay')

    expect(await gwNear.push(joinRequest(2), { tmst: 100_000_000, freq: 868.5, datr: 'SF7BW125' })).toBe(true)
    const resp = await gwNear.pullResp(0, 3000)
    expect(resp!.txpk).toMatchObject({ tmst: 105_000_000, freq: 868.5, datr: 'SF7BW125' })
    const { plain } = openAccept(resp!)
    expect(plain.AppNonce!.toString('hex')).toBe('000002')
    const keys = lora.generateSessionKeys(APP_KEY, plain.NetID!, plain.AppNonce!, u16(2))
    expect(storedKeys().nwkSKey.equals(keys.NwkSKey)).toBe(true)
    expect(deviceRow()).toMatchObject({ fcnt_up: null, session: 2 })
    expect(otaaRow()).toMatchObject({ last_dev_nonce: 2, join_nonce: 2, joins: 2 })
    // The new session counts from 0 again; a frame of the old session no longer verifies.
    const old = dataUplink(3)
    session = { devAddr: plain.DevAddr!.toString('hex'), nwkSKey: keys.NwkSKey, appSKey: keys.AppSKey, fCnt: 0 }
    expect(await gwNear.push(dataUplink(0, 26))).toBe(true)
    expect(deviceRow()).toMatchObject({ fcnt_up: 0, session: 2 })
    expect(await gwNear.push(old)).toBe(true)
    expect(reasons().at(-1)).toBe('mic_invalid')
  })

  it('re-provisioning an OTAA device keeps its joined session and join state', () => {
    const before = deviceRow()
    const v = ctdAsOtaa(store.manifest)
    const other = openDatabase(store.path)
    try {
      const summary = applyManifest(other, v.manifest, v.calibrations, Date.now(), Buffer.from(KEK_HEX, 'hex'))
      expect(summary.changes.otaa_devices).toMatchObject({ created: 0, updated: 0 })
    } finally {
      other.close()
    }
    expect(deviceRow()).toEqual(before)
    expect(otaaRow()).toMatchObject({ last_dev_nonce: 2, join_nonce: 2 })
  })

  it('never writes a key into the log', () => {
    const text = logLines.join('\n').toLowerCase()
    expect(text).toContain('otaa join accepted')
    for (const k of [APP_KEY, session.nwkSKey, session.appSKey]) {
      expect(text).not.toContain(k.toString('hex'))
      expect(text).not.toContain(k.toString('base64').toLowerCase())
    }
  })
})

describe('OTAA provisioning seen by reeflink doctor', () => {
  it('an OTAA device without a session yet is fine; an AppKey the KEK cannot open is an error', () => {
    const base = provisionedStore()
    try {
      const v = ctdAsOtaa(base.manifest)
      applyManifest(base.db, v.manifest, v.calibrations, Date.now(), Buffer.from(KEK_HEX, 'hex'))
      expect(checkFleet(base.db).filter((f) => f.severity === 'error')).toEqual([])
      expect(checkDeviceKeys(base.db, KEK_HEX).filter((f) => f.severity === 'error')).toEqual([])
      const wrong = checkDeviceKeys(base.db, 'ab'.repeat(32)).filter((f) => f.severity === 'error')
      expect(wrong.map((f) => f.message).join('\n')).toMatch(/70b3d57ed0000101 app_key \(OTAA\)/)
      expect(JSON.stringify(wrong)).not.toContain(APP_KEY.toString('hex'))
    } finally {
      base.cleanup()
    }
  })
})

describe('OTAA manifest validation', () => {
  it('names the bad path and never echoes a key', () => {
    const base = provisionedStore()
    try {
      const m = structuredClone(base.manifest) as any
      m.devices[0].otaa = { joinEui: JOIN_EUI, appKey: 'zz' + '00'.repeat(15) }
      delete m.devices[0].abp
      m.devices[1].otaa = { joinEui: JOIN_EUI }
      const v = validateManifest(m)
      expect(v.ok).toBe(false)
      if (v.ok) return
      expect(v.problems).toContainEqual({ path: 'devices[0].otaa.appKey', message: 'must be hexadecimal of the right length' })
      expect(v.problems).toContainEqual({ path: 'devices[1].otaa.appKey', message: 'is required' })
      expect(JSON.stringify(v.problems)).not.toContain('zz00')
      const both = structuredClone(base.manifest) as any
      both.devices[0].otaa = { joinEui: JOIN_EUI, appKey: '00'.repeat(16) }
      const w = validateManifest(both)
      expect(w.ok === false && w.problems).toContainEqual({ path: 'devices[0]', message: 'needs exactly one of abp, otaa or networkServer' })
      const clash = structuredClone(base.manifest) as any
      clash.devices[1].otaa = { joinEui: JOIN_EUI, appKey: '00'.repeat(16), devAddr: clash.devices[0].abp.devAddr }
      delete clash.devices[1].abp
      delete clash.devices[1].networkServer
      const x = validateManifest(clash)
      expect(x.ok === false && x.problems.map((p) => p.path)).toContain('devices[1].otaa.devAddr')
    } finally {
      base.cleanup()
    }
  })
})
