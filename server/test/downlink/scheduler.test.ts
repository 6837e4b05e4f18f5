// Class A downlinks through a real `reeflink serve` (in-process startServer), a real SQLite
// store and real UDP sockets: the admin route queues, an uplink triggers the PULL_RESP, the
// test gateway checks timing and channel, lora-packet checks the frame.
import { encodeConfigAck, encodeDownlink } from '@reeflink/codecs'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildProgram } from '../../src/cli/main.js'
import { loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { openDatabase } from '../../src/store/database.js'
import { buildWithLoraPacket, lora } from '../lorawan/lora-packet-frames.js'
import { DownlinkGateway } from '../support/downlink-gateway.js'
import { CTD_DEVICE, LOGGER_DEVICE, provisionedStore, statusPayload, type TestStore } from '../support/fleet.js'

const ADMIN = 'test-admin-key-0123456789'
const nwkSKey = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const appSKey = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const auth = { authorization: `Bearer ${ADMIN}` }

let store: TestStore
let server: RunningServer
let gw: DownlinkGateway
let fCnt = 0

async function start(): Promise<void> {
  const config = loadConfig({ env: {}, flags: { database: store.path, http: { port: 0 }, mqtt: { embedded: false }, udp: { port: 0 }, auth: { adminKey: ADMIN }, log: { level: 'silent' } } })
  server = await startServer(config, pino({ level: 'silent' }))
  gw = new DownlinkGateway('aa555a0000000001', server.ports.udp!)
  expect(await gw.pullData()).toBe(true)
}

beforeAll(async () => {
  store = provisionedStore()
  store.db.close()
  await start()
})
afterAll(async () => {
  gw.close()
  await server.close()
  store.cleanup()
})

function uplink(o: { confirmed?: boolean; ack?: boolean; fPort?: number; payload?: Buffer; devAddr?: string } = {}): Buffer {
  fCnt++
  return buildWithLoraPacket({
    devAddr: Buffer.from(o.devAddr ?? '26011001', 'hex'),
    fCnt,
    confirmed: o.confirmed ?? false,
    adr: false,
    adrAckReq: false,
    ack: o.ack ?? false,
    fOpts: Buffer.alloc(0),
    fPort: o.fPort ?? 2,
    payload: o.payload ?? statusPayload(),
    nwkSKey,
    appSKey,
  })
}

async function enqueue(body: unknown, devEui = CTD_DEVICE) {
  return server.http.inject({ method: 'POST', url: `/api/devices/${devEui}/downlinks`, headers: auth, payload: body as object })
}

async function items(): Promise<any[]> {
  const r = await server.http.inject({ method: 'GET', url: `/api/devices/${CTD_DEVICE}/downlinks`, headers: auth })
  return r.json().items
}

function decodeDown(phy: Buffer, fCntDown: number) {
  const p = lora.fromWire(phy)
  const msb = Buffer.alloc(2)
  msb.writeUInt16LE(fCntDown >>> 16)
  return {
    p,
    mType: p.getMType(),
    fCnt: p.getFCnt(),
    fPort: p.getFPort(),
    ack: p.getFCtrlACK(),
    fPending: p.getFCtrlFPending(),
    micOk: lora.verifyMIC(p, nwkSKey, undefined, msb),
    payload: p.FRMPayload && p.FRMPayload.length ? lora.decrypt(p, appSKey, nwkSKey, msb) : Buffer.alloc(0),
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('downlink admin API', () => {
  it('needs credentials: 401 without, for queueing and listing', async () => {
    const post = await server.http.inject({ method: 'POST', url: `/api/devices/${CTD_DEVICE}/downlinks`, payload: { fPort: 5, payloadHex: '01' } })
    expect(post.statusCode).toBe(401)
    expect(post.json().code).toBe('AUTH_REQUIRED')
    expect((await server.http.inject({ method: 'GET', url: `/api/devices/${CTD_DEVICE}/downlinks` })).statusCode).toBe(401)
    expect((await server.http.inject({ method: 'POST', url: `/api/devices/${CTD_DEVICE}/downlinks`, headers: { authorization: 'Bearer wrong' }, payload: {} })).statusCode).toBe(401)
  })

  it('refuses bad input with a 4xx naming the field', async () => {
    const cases: [unknown, number, string, string?][] = [
      [{ fPort: 0, payloadHex: '01' }, 400, 'DOWNLINK_INVALID', 'fPort'],
      [{ fPort: 224, payloadHex: '01' }, 400, 'DOWNLINK_INVALID', 'fPort'],
      [{ fPort: 5, payloadHex: 'zz' }, 400, 'DOWNLINK_INVALID', 'payloadHex'],
      [{ fPort: 5, payloadHex: '00'.repeat(243) }, 400, 'DOWNLINK_INVALID', 'payloadHex'],
      [{ config: { intervalS: 5 } }, 400, 'DOWNLINK_INVALID', 'config.intervalS'],
      [{ config: { colour: 'red' } }, 400, 'DOWNLINK_INVALID', 'config.colour'],
      [{ config: {} }, 400, 'DOWNLINK_INVALID', 'config'],
      [{ fPort: 5, payloadHex: '01', config: { reboot: true } }, 400, 'DOWNLINK_INVALID', 'config'],
      [{}, 400, 'DOWNLINK_INVALID', 'body'],
      [{ fPort: 5, payloadHex: '01', confirmed: 'yes' }, 400, 'DOWNLINK_INVALID', 'confirmed'],
    ]
    for (const [body, status, code, field] of cases) {
      const r = await enqueue(body)
      expect(r.statusCode, JSON.stringify(body)).toBe(status)
      expect(r.json(), JSON.stringify(body)).toMatchObject({ code, ...(field ? { field } : {}) })
    }
    expect((await enqueue({ fPort: 5, payloadHex: '01' }, '0000000000000000')).json()).toMatchObject({ statusCode: 404, code: 'DEVICE_NOT_FOUND' })
    expect((await enqueue({ fPort: 5, payloadHex: '01' }, LOGGER_DEVICE)).json()).toMatchObject({ statusCode: 409, code: 'DOWNLINK_UNSUPPORTED' })
    expect((await enqueue({ fPort: 5, payloadHex: '01' }, 'nothex')).statusCode).toBe(400)
    expect(await items()).toEqual([])
  })
})

describe('Class A scheduling', () => {
  it('queue → uplink → PULL_RESP in RX1 (tmst + 1 s, same channel and DR) with a frame lora-packet decrypts', async () => {
    const q = await enqueue({ config: { intervalS: 300 } })
    expect(q.statusCode).toBe(201)
    const item = q.json().item
    expect(item).toMatchObject({ state: 'pending', fPort: 10, config: { seq: 1, commands: [{ command: 'setInterval', intervalS: 300 }] } })
    expect(JSON.stringify(q.json())).not.toContain(nwkSKey.toString('hex'))
    expect(JSON.stringify(q.json())).not.toContain(appSKey.toString('hex'))

    expect(await gw.push(uplink(), { tmst: 4_000_000_000, freq: 868.5, datr: 'SF9BW125' })).toBe(true)
    const resp = await gw.pullResp(0)
    expect(resp).not.toBeNull()
    expect(resp!.txpk).toMatchObject({ imme: false, tmst: (4_000_000_000 + 1_000_000) >>> 0, freq: 868.5, datr: 'SF9BW125', codr: '4/5', ipol: true, modu: 'LORA', powe: 14 })
    const d = decodeDown(Buffer.from(resp!.txpk.data, 'base64'), 0)
    expect(d).toMatchObject({ mType: 'Unconfirmed Data Down', fCnt: 0, fPort: 10, ack: false, fPending: false, micOk: true })
    const enc = encodeDownlink({ type: 'config', seq: 1, commands: [{ command: 'setInterval', intervalS: 300 }] })
    expect(enc.ok && d.payload.toString('hex')).toBe(Buffer.from(enc.ok ? enc.value.bytes : []).toString('hex'))
    await sleep(50)
    expect((await items())[0]).toMatchObject({ id: item.id, state: 'sent', fCntDown: 0, attempts: 1, gatewayId: 'aa555a0000000001' })
  })

  it('the configAck uplink (fPort 3) marks the configuration acked', async () => {
    const ack = encodeConfigAck({ type: 'configAck', seq: 1, results: [{ command: 'setInterval', result: 'ok' }] })
    expect(await gw.push(uplink({ fPort: 3, payload: Buffer.from(ack.ok ? ack.value : []) }))).toBe(true)
    await sleep(300)
    expect((await items())[0]).toMatchObject({ state: 'acked' })
    expect(gw.pullResps).toHaveLength(1) // nothing pending, nothing to ACK
  })

  it('FCntDown increments; FPending says more wait; a TX_ACK error puts the item back and the next uplink retries it', async () => {
    await enqueue({ fPort: 20, payloadHex: 'aa' })
    await enqueue({ fPort: 21, payloadHex: 'bb' })
    gw.txAckError = 'TOO_LATE'
    await gw.push(uplink())
    const first = decodeDown(Buffer.from((await gw.pullResp(1))!.txpk.data, 'base64'), 1)
    expect(first).toMatchObject({ fCnt: 1, fPort: 20, fPending: true, micOk: true })
    expect(first.payload.toString('hex')).toBe('aa')
    await sleep(100)
    const after = await items()
    expect(after.find((i) => i.fPort === 20)).toMatchObject({ state: 'pending', reason: 'TX_ACK TOO_LATE', attempts: 1 })
    const metrics = (await server.http.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="tx_ack_error",detail="TOO_LATE"\} 1$/m)

    gw.txAckError = null
    await gw.push(uplink())
    const retry = decodeDown(Buffer.from((await gw.pullResp(2))!.txpk.data, 'base64'), 2)
    expect(retry).toMatchObject({ fCnt: 2, fPort: 20, fPending: true, micOk: true }) // a new counter, never reused
    await gw.push(uplink())
    const second = decodeDown(Buffer.from((await gw.pullResp(3))!.txpk.data, 'base64'), 3)
    expect(second).toMatchObject({ fCnt: 3, fPort: 21, fPending: false, micOk: true })
    await sleep(100)
    expect((await items()).filter((i) => i.fPort === 20 || i.fPort === 21).map((i) => [i.fPort, i.state, i.attempts])).toEqual([
      [21, 'sent', 1],
      [20, 'sent', 2],
    ])
  })

  it('a confirmed uplink with nothing queued gets an empty ACK; a confirmed downlink is acked by the ACK bit', async () => {
    await gw.push(uplink({ confirmed: true }))
    const ackOnly = decodeDown(Buffer.from((await gw.pullResp(4))!.txpk.data, 'base64'), 4)
    expect(ackOnly).toMatchObject({ fCnt: 4, fPort: null, ack: true, micOk: true })

    const q = await enqueue({ fPort: 22, payloadHex: 'cc', confirmed: true })
    await gw.push(uplink())
    expect(decodeDown(Buffer.from((await gw.pullResp(5))!.txpk.data, 'base64'), 5)).toMatchObject({ mType: 'Confirmed Data Down', fCnt: 5, fPort: 22 })
    await sleep(50)
    await gw.push(uplink({ ack: true }))
    await sleep(300)
    expect((await items()).find((i) => i.id === q.json().item.id)).toMatchObject({ state: 'acked' })
    expect(gw.pullResps).toHaveLength(6)
  })

  it('sends nothing for unknown devices, nor through a gateway that never sent PULL_DATA', async () => {
    const before = gw.pullResps.length
    await gw.push(uplink({ devAddr: '26019999', confirmed: true }))
    const silent = new DownlinkGateway('aa555a0000000002', server.ports.udp!)
    await enqueue({ fPort: 23, payloadHex: 'dd' })
    expect(await silent.push(uplink())).toBe(true)
    await sleep(500)
    expect(gw.pullResps.length).toBe(before)
    expect(silent.pullResps).toHaveLength(0)
    expect((await items()).find((i) => i.fPort === 23)).toMatchObject({ state: 'pending' })
    silent.close()
    const metrics = (await server.http.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="not_sent",detail="no-gateway"\} 1$/m)
  })

  it('FCntDown survives a restart; the CLI queues into the same store', async () => {
    gw.close()
    await server.close()
    const db = openDatabase(store.path)
    expect(db.prepare('SELECT next_fcnt_down FROM downlink_counters').get()).toEqual({ next_fcnt_down: 6 })
    db.close()

    const out: string[] = []
    const log = console.log
    console.log = (s: string) => out.push(s)
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'reeflink', 'downlink', CTD_DEVICE, '--interval', '600', '--database', store.path])
    } finally {
      console.log = log
    }
    expect(out.join('\n')).toMatch(/queued #\d+ pending fPort 10 config seq 2: setInterval 600 s/)

    await start()
    await gw.push(uplink())
    const d = decodeDown(Buffer.from((await gw.pullResp(0))!.txpk.data, 'base64'), 6)
    expect(d).toMatchObject({ fCnt: 6, fPort: 23, fPending: true, micOk: true })
    await gw.push(uplink())
    const c = decodeDown(Buffer.from((await gw.pullResp(1))!.txpk.data, 'base64'), 7)
    expect(c).toMatchObject({ fCnt: 7, fPort: 10, micOk: true })
    const enc = encodeDownlink({ type: 'config', seq: 2, commands: [{ command: 'setInterval', intervalS: 600 }] })
    expect(c.payload.toString('hex')).toBe(Buffer.from(enc.ok ? enc.value.bytes : []).toString('hex'))
  })
})
