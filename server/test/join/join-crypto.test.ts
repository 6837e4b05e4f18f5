// OTAA cryptography and DevAddr ranges, checked against lora-packet 0.9.3 (an independent
// implementation on pure-JS AES) and against the NetID table of the Backend Interfaces spec.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildJoinAccept, deriveSessionKeys, joinRequestMicValid } from '../../src/lorawan/join-crypto.js'
import { formatDevAddrPrefix, inPrefix, netIdPrefix, parseDevAddrPrefix, pickDevAddr } from '../../src/lorawan/join-devaddr.js'
import { lora } from '../lorawan/lora-packet-frames.js'

const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff])
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff])
const key = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a))
const eui = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a))

function loraJoinRequest(appKey: Buffer, joinEui: Buffer, devEui: Buffer, devNonce: number): Buffer {
  return lora.fromFields({ MType: 'Join Request', AppEUI: joinEui, DevEUI: devEui, DevNonce: u16(devNonce) }, undefined, undefined, appKey).getPHYPayload()!
}

describe('join cryptography against lora-packet', () => {
  it('verifies the MIC of Join-requests lora-packet builds, and only with their AppKey', () => {
    fc.assert(
      fc.property(key, key, eui, eui, fc.integer({ min: 0, max: 0xffff }), (appKey, other, joinEui, devEui, devNonce) => {
        const phy = loraJoinRequest(appKey, joinEui, devEui, devNonce)
        expect(phy.length).toBe(23)
        expect(joinRequestMicValid(phy, appKey)).toBe(true)
        if (!other.equals(appKey)) expect(joinRequestMicValid(phy, other)).toBe(false)
        const flipped = Buffer.from(phy)
        flipped[17] ^= 1
        expect(joinRequestMicValid(flipped, appKey)).toBe(false)
      }),
      { numRuns: 50 },
    )
  })

  it('builds Join-accepts lora-packet decrypts and authenticates, with the fields given', () => {
    fc.assert(
      fc.property(
        key,
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)), { nil: undefined }),
        (appKey, joinNonce, netId, addr, rx1DrOffset, rx2DataRate, rxDelayS, cfList) => {
          const devAddr = addr.toString(16).padStart(8, '0')
          const phy = buildJoinAccept(appKey, { joinNonce, netId, devAddr, rx1DrOffset, rx2DataRate, rxDelayS, ...(cfList ? { cfList } : {}) })
          expect(phy.length).toBe(cfList ? 33 : 17)
          const plain = lora.fromWire(lora.decryptJoinAccept(lora.fromWire(phy), appKey))
          expect(plain.getMType()).toBe('Join Accept')
          expect(lora.verifyMIC(plain, undefined, appKey)).toBe(true)
          expect(plain.AppNonce!.toString('hex')).toBe(u24(joinNonce).toString('hex'))
          expect(plain.NetID!.toString('hex')).toBe(u24(netId).toString('hex'))
          expect(plain.DevAddr!.toString('hex')).toBe(devAddr)
          expect(plain.DLSettings![0]).toBe((rx1DrOffset << 4) | rx2DataRate)
          expect(plain.RxDelay![0]).toBe(rxDelayS)
          expect(plain.CFList!.toString('hex')).toBe(cfList ? cfList.toString('hex') : '')
        },
      ),
      { numRuns: 50 },
    )
  })

  it('derives the 1.0.x session keys lora-packet derives', () => {
    fc.assert(
      fc.property(key, fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffff }), (appKey, joinNonce, netId, devNonce) => {
        const ours = deriveSessionKeys(appKey, joinNonce, netId, devNonce)
        const theirs = lora.generateSessionKeys(appKey, u24(netId), u24(joinNonce), u16(devNonce))
        expect(ours.nwkSKey.toString('hex')).toBe(theirs.NwkSKey.toString('hex'))
        expect(ours.appSKey.toString('hex')).toBe(theirs.AppSKey.toString('hex'))
      }),
      { numRuns: 50 },
    )
  })

  it('refuses out-of-range accept fields with a RangeError that names the field', () => {
    const appKey = Buffer.alloc(16, 1)
    const ok = { joinNonce: 1, netId: 0, devAddr: '01020304', rx1DrOffset: 0, rx2DataRate: 0, rxDelayS: 1 }
    expect(() => buildJoinAccept(appKey, { ...ok, joinNonce: 0x1000000 })).toThrow(/joinNonce/)
    expect(() => buildJoinAccept(appKey, { ...ok, devAddr: 'xyz' })).toThrow(/devAddr/)
    expect(() => buildJoinAccept(appKey, { ...ok, cfList: Buffer.alloc(3) })).toThrow(/cfList/)
  })
})

describe('NetID and DevAddr prefixes', () => {
  it('gives each NetID type its prefix (Backend Interfaces 1.0 §13)', () => {
    expect(formatDevAddrPrefix(netIdPrefix(0x000000))).toBe('00000000/7')
    expect(formatDevAddrPrefix(netIdPrefix(0x000013))).toBe('26000000/7') // The Things Network
    expect(formatDevAddrPrefix(netIdPrefix(0x600000 | 0x0b))).toBe('e02c0000/14') // type 3, NwkID 11
    expect(formatDevAddrPrefix(netIdPrefix(0xe00000 | 0x1ffff))).toBe('feffff80/25') // type 7
  })

  it('parses prefixes and refuses free bits that are set', () => {
    expect(parseDevAddrPrefix('26011000/20')).toEqual({ ok: true, prefix: { base: 0x26011000, bits: 20 } })
    expect(parseDevAddrPrefix('26011001/20').ok).toBe(false)
    expect(parseDevAddrPrefix('260110/20').ok).toBe(false)
    expect(parseDevAddrPrefix('26000000/32').ok).toBe(false)
  })

  it('picks a free address inside the prefix, or none when everything is taken', () => {
    const p = { base: 0x26011000, bits: 30 } // 4 addresses
    const taken = new Set(['26011000', '26011001', '26011003'])
    for (let i = 0; i < 20; i++) expect(pickDevAddr(p, (a) => taken.has(a))).toBe('26011002')
    taken.add('26011002')
    expect(pickDevAddr(p, (a) => taken.has(a))).toBeNull()
    const any = pickDevAddr(netIdPrefix(0), () => false)!
    expect(inPrefix(any, netIdPrefix(0))).toBe(true)
  })
})
