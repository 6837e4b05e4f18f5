// The Class A pieces without sockets: the downlink frame against lora-packet, and the txpk plan
// (best gateway, tmst, RX1 / RX2 channel, too late).
import { describe, expect, it } from 'vitest'
import { buildDataDownlink } from '../../src/downlink/frame.js'
import { planClassA, rankGateways, scheduleClassA } from '../../src/downlink/class-a.js'
import { REGIONS } from '../../src/downlink/region.js'
import type { GatewayReception } from '../../src/ingest/types.js'
import { fCntMSBytes, lora } from '../lorawan/lora-packet-frames.js'

const nwkSKey = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const appSKey = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const keys = { nwkSKey, appSKey }

describe('buildDataDownlink', () => {
  for (const fCntDown of [0, 1, 7, 65_535, 65_536, 0x12345678]) {
    it(`matches lora-packet (unconfirmed, FPort 10, FCntDown ${fCntDown})`, () => {
      const payload = Buffer.from('1001010708', 'hex')
      const phy = buildDataDownlink({ devAddr: '26011001', fCntDown, confirmed: false, ack: false, fPending: false, fPort: 10, payload }, keys)
      const p = lora.fromWire(phy)
      expect(p.getMType()).toBe('Unconfirmed Data Down')
      expect(Buffer.from(p.DevAddr!).toString('hex')).toBe('26011001')
      expect(p.getFCnt()).toBe(fCntDown & 0xffff)
      expect(p.getFPort()).toBe(10)
      expect(lora.verifyMIC(p, nwkSKey, undefined, fCntMSBytes(fCntDown))).toBe(true)
      expect(lora.decrypt(p, appSKey, nwkSKey, fCntMSBytes(fCntDown)).toString('hex')).toBe(payload.toString('hex'))
      if (fCntDown < 65_536) {
        // Byte for byte what lora-packet builds.
        const ref = lora.fromFields({ MType: 'Unconfirmed Data Down', DevAddr: Buffer.from('26011001', 'hex'), FCtrl: { ADR: false, ACK: false, FPending: false }, FCnt: fCntDown, FPort: 10, payload }, appSKey, nwkSKey)
        expect(phy.toString('hex')).toBe(ref.getPHYPayload()!.toString('hex'))
      }
    })
  }

  it('sets ACK, FPending and confirmed; FPort 0 is encrypted with the NwkSKey; an empty ACK has no FPort', () => {
    const phy = buildDataDownlink({ devAddr: '26011001', fCntDown: 3, confirmed: true, ack: true, fPending: true, fPort: 0, payload: Buffer.from([0x06]) }, keys)
    const p = lora.fromWire(phy)
    expect(p.getMType()).toBe('Confirmed Data Down')
    expect(p.getFCtrlACK()).toBe(true)
    expect(p.getFCtrlFPending()).toBe(true)
    expect(lora.verifyMIC(p, nwkSKey)).toBe(true)
    expect(lora.decrypt(p, appSKey, nwkSKey).toString('hex')).toBe('06')
    const empty = buildDataDownlink({ devAddr: '26011001', fCntDown: 4, confirmed: false, ack: true, fPending: false, fPort: null, payload: Buffer.alloc(0) }, keys)
    expect(empty).toHaveLength(12)
    expect(lora.verifyMIC(lora.fromWire(empty), nwkSKey)).toBe(true)
  })

  it('refuses fields no frame can carry', () => {
    expect(() => buildDataDownlink({ devAddr: 'xyz', fCntDown: 0, confirmed: false, ack: false, fPending: false, fPort: 1, payload: Buffer.alloc(1) }, keys)).toThrow(RangeError)
    expect(() => buildDataDownlink({ devAddr: '26011001', fCntDown: 0, confirmed: false, ack: false, fPending: false, fPort: null, payload: Buffer.alloc(1) }, keys)).toThrow(/FPort/)
    expect(() => buildDataDownlink({ devAddr: '26011001', fCntDown: 0, confirmed: false, ack: false, fPending: false, fPort: 224, payload: Buffer.alloc(1) }, keys)).toThrow(/FPort/)
  })
})

const rx = (over: Partial<GatewayReception>): GatewayReception => ({ gatewayId: 'aa555a0000000001', tmst: 5_000_000, frequencyHz: 868_300_000, dataRate: 'SF9BW125', codingRate: '4/5', rssiDbm: -100, snrDb: 5, ...over })

describe('planClassA', () => {
  const all = () => true
  const now = 1_000_000

  it('answers in RX1 on the uplink channel and data rate, tmst + 1 s, ipol, not immediate', () => {
    const p = planClassA({ receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(20), all, { now: () => now + 250 })
    expect(p).toMatchObject({ ok: true, window: 'rx1', gatewayId: 'aa555a0000000001', txpk: { imme: false, tmst: 6_000_000, freq: 868.3, datr: 'SF9BW125', codr: '4/5', ipol: true, powe: 14, modu: 'LORA', size: 20 } })
  })

  it('picks the gateway with the best SNR, then RSSI, among those with a downlink route and a tmst', () => {
    const receptions = [rx({ gatewayId: 'a', snrDb: 2 }), rx({ gatewayId: 'b', snrDb: 9, rssiDbm: -110 }), rx({ gatewayId: 'c', snrDb: 9, rssiDbm: -90 }), rx({ gatewayId: 'd', snrDb: 20, tmst: undefined }), rx({ gatewayId: 'e', snrDb: 30 })]
    expect(rankGateways(receptions, (id) => id !== 'e').map((r) => r.gatewayId)).toEqual(['c', 'b', 'a'])
    expect(planClassA({ receptions, receivedAtMs: now }, Buffer.alloc(1), (id) => id !== 'e', { now: () => now })).toMatchObject({ ok: true, gatewayId: 'c' })
    expect(planClassA({ receptions, receivedAtMs: now }, Buffer.alloc(1), () => false, { now: () => now })).toMatchObject({ ok: false, error: { code: 'no-gateway' } })
  })

  it('wraps tmst at 32 bits and follows rx1DelayS (5 s for join accepts)', () => {
    const p = planClassA({ receptions: [rx({ tmst: 0xffffffff - 100 })], receivedAtMs: now }, Buffer.alloc(1), all, { rx1DelayS: 5, now: () => now + 300 })
    expect(p.ok && p.txpk.tmst).toBe((0xffffffff - 100 + 5_000_000) >>> 0)
  })

  it('falls back to RX2 (869.525 MHz SF12, tmst + 2 s) when RX1 is unusable or has passed; too late after RX2', () => {
    const rx2 = { ok: true, window: 'rx2', txpk: { tmst: 7_000_000, freq: 869.525, datr: 'SF12BW125' } }
    expect(planClassA({ receptions: [rx({ dataRate: undefined })], receivedAtMs: now }, Buffer.alloc(1), all, { now: () => now })).toMatchObject(rx2)
    expect(planClassA({ receptions: [rx({ dataRate: 'SF9BW500' })], receivedAtMs: now }, Buffer.alloc(1), all, { now: () => now })).toMatchObject(rx2)
    expect(planClassA({ receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(1), all, { now: () => now + 990 })).toMatchObject(rx2)
    expect(planClassA({ receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(1), all, { now: () => now + 1990 })).toMatchObject({ ok: false, error: { code: 'too-late' } })
    expect(planClassA({ receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(1), all, { window: 'rx2', now: () => now })).toMatchObject(rx2)
    expect(planClassA({ receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(1), all, { rx2: { frequencyHz: 869_525_000, dataRate: 'SF9BW125' }, window: 'rx2', now: () => now })).toMatchObject({ txpk: { datr: 'SF9BW125' } })
    expect(planClassA({ receptions: [rx({ frequencyHz: undefined })], receivedAtMs: now }, Buffer.alloc(1), all, { window: 'rx1', now: () => now })).toMatchObject({ ok: false, error: { code: 'no-rx1-parameters' } })
  })

  it('applies RX1DROffset from the region table', () => {
    expect(REGIONS.EU868.rx1DataRate(5, 2)).toBe(3)
    expect(planClassA({ receptions: [rx({ dataRate: 'SF7BW125' })], receivedAtMs: now }, Buffer.alloc(1), all, { rx1DrOffset: 2, now: () => now })).toMatchObject({ txpk: { datr: 'SF9BW125' } })
  })

  it('scheduleClassA sends the plan and returns the PULL_RESP token, or send-failed', async () => {
    const sent: unknown[] = []
    const ok = await scheduleClassA({ canSendTo: () => true, sendDownlink: async (_g, txpk) => (sent.push(txpk), { ok: true, token: 42 }) }, { receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(3), { now: () => now })
    expect(ok).toMatchObject({ ok: true, token: 42, window: 'rx1' })
    expect(sent).toHaveLength(1)
    const bad = await scheduleClassA({ canSendTo: () => true, sendDownlink: async () => ({ ok: false, error: { code: 'send-failed', detail: 'EHOSTUNREACH' } }) }, { receptions: [rx({})], receivedAtMs: now }, Buffer.alloc(3), { now: () => now })
    expect(bad).toMatchObject({ ok: false, error: { code: 'send-failed' } })
  })
})
