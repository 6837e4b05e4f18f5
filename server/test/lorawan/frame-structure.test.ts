import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkFrameStructure, readUplinkFrame, type LorawanRejectionCode } from '../../src/lorawan/index.js'
import { lora } from './lora-packet-frames.js'
import { OTHER_FRAMES, UNSUPPORTED_FRAMES, UPLINK_VECTORS } from './vectors.js'

const KNOWN_CODES: LorawanRejectionCode[] = ['malformed', 'unsupported_major', 'unsupported_mtype']
const h = (s: string): Buffer => Buffer.from(s, 'hex')

describe('published uplinks are read field by field', () => {
  for (const v of UPLINK_VECTORS) {
    it(v.name, () => {
      const read = readUplinkFrame(h(v.phy))
      if (!read.ok || read.value.kind !== 'data-up') throw new Error(`not accepted: ${JSON.stringify(read)}`)
      const f = read.value
      expect(f.devAddr).toBe(v.devAddr)
      expect(f.fCnt16).toBe(v.fCnt & 0xffff)
      expect(f.confirmed).toBe(v.confirmed)
      expect(f.fCtrl.adr).toBe(v.adr)
      expect(f.fCtrl.ack).toBe(v.ack)
      expect(f.fPort).toBe(v.fPort)
      expect(f.fOpts.toString('hex')).toBe(v.fOpts)
      expect(f.mic.toString('hex')).toBe(v.mic)
      expect(Buffer.concat([f.micInput, f.mic]).toString('hex')).toBe(v.phy)
    })
  }

  it('reads FOpts of lora-packet GitHub issue #18 (no keys published)', () => {
    // anthonykirby/lora-packet __tests__/fopts_test.ts "should parse packet #1"
    const read = readUplinkFrame(h('4084412505a3010009110308b33750f504d4b86a'))
    if (!read.ok || read.value.kind !== 'data-up') throw new Error('not accepted')
    expect(read.value).toMatchObject({ devAddr: '05254184', fCnt16: 1, fPort: 8, fCtrl: { adr: true, ack: true } })
    expect(read.value.fOpts.toString('hex')).toBe('091103')
  })
})

describe('join requests are recognised as their own kind', () => {
  for (const v of OTHER_FRAMES) {
    it(v.name, () => {
      const read = readUplinkFrame(h(v.phy))
      expect(read).toEqual({ ok: true, value: { kind: 'join-request', joinEui: v.joinEui, devEui: v.devEui, devNonce: v.devNonce } })
    })
  }

  it('a join request of the wrong length is malformed, naming both lengths', () => {
    const r = checkFrameStructure(h(OTHER_FRAMES[0].phy + '00'))
    expect(r).toMatchObject({ ok: false, error: { code: 'malformed', problem: 'join_request_length' } })
    if (!r.ok) expect(r.error.message).toMatch(/24 bytes.*23/)
  })
})

describe('frames that are not uplink data are rejected with their reason', () => {
  for (const v of UNSUPPORTED_FRAMES) {
    it(v.name, () => {
      expect(checkFrameStructure(h(v.phy))).toMatchObject({ ok: false, error: { code: v.code } })
    })
  }

  it('names the message type', () => {
    const r = checkFrameStructure(h('60f17dbe4920020001f9d65d27'))
    if (r.ok) throw new Error('accepted a downlink')
    expect(r.error.message).toContain('unconfirmed data down')
  })
})

describe('frames lora-packet parses leniently are malformed here', () => {
  const cases: { name: string; phy: string; problem: string; says: RegExp }[] = [
    { name: 'empty', phy: '', problem: 'too_short', says: /empty/ },
    { name: 'MHDR only', phy: '40', problem: 'too_short', says: /1 bytes.*12/ },
    // lora-packet takes the MIC from header bytes here
    { name: '8-byte "data frame"', phy: '40f17dbe49000200', problem: 'too_short', says: /8 bytes.*12/ },
    { name: '11 bytes', phy: '40f17dbe4900020001aabb', problem: 'too_short', says: /11 bytes/ },
    // FCtrl 0x0f: 15 bytes of FOpts claimed, frame has none
    { name: 'FOptsLen past the end', phy: '40f17dbe490f020001954378762b11ff0d', problem: 'fopts_overflow', says: /FOptsLen 15.*22-byte FHDR.*12 bytes/ },
    { name: 'FOptsLen one past the end', phy: '40f17dbe4901020012345678', problem: 'fopts_overflow', says: /FOptsLen 1.*8-byte FHDR.*7 bytes/ },
    { name: 'FPort 0 with FOpts', phy: '40f17dbe49010200020002aabbccdd', problem: 'fport_zero_with_fopts', says: /FPort 0 with 1 bytes of FOpts/ },
    { name: 'over 255 bytes', phy: '40f17dbe4900020001' + '00'.repeat(243) + '2b11ff0d', problem: 'too_long', says: /256 bytes.*255/ },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const r = checkFrameStructure(h(c.phy))
      if (r.ok) throw new Error('accepted')
      expect(r.error).toMatchObject({ code: 'malformed', problem: c.problem })
      expect(r.error.message).toMatch(c.says)
    })
  }

  it('MHDR major 1 is unsupported even on a data frame', () => {
    expect(checkFrameStructure(h('41f17dbe4900020001954378762b11ff0d'))).toMatchObject({ ok: false, error: { code: 'unsupported_major' } })
  })

  it('exact boundaries are accepted: 12 bytes, FHDR filling the MACPayload, 255 bytes', () => {
    expect(checkFrameStructure(h('40f17dbe4900020012345678'))).toEqual({
      ok: true,
      value: { kind: 'data-up', confirmed: false, fOptsLength: 0, hasFPort: false },
    })
    expect(checkFrameStructure(h('80f17dbe49020200020312345678'))).toEqual({
      ok: true,
      value: { kind: 'data-up', confirmed: true, fOptsLength: 2, hasFPort: false },
    })
    expect(checkFrameStructure(h('40f17dbe4900020001' + '00'.repeat(242) + '2b11ff0d')).ok).toBe(true)
  })

  it('FPort 0 without FOpts and FOpts without FPort 0 are fine', () => {
    expect(checkFrameStructure(h('40d4c3b2a1001000002712a3f9c9')).ok).toBe(true)
    expect(checkFrameStructure(h('40f17dbe4901020002010012345678')).ok).toBe(true)
  })
})

describe('random bytes never throw, and accepted frames read as lora-packet reads them', () => {
  const check = (bytes: Uint8Array): void => {
    const phy = Buffer.from(bytes)
    const read = readUplinkFrame(phy)
    if (!read.ok) {
      expect(KNOWN_CODES).toContain(read.error.code)
      expect(read.error.message.length).toBeGreaterThan(0)
      return
    }
    const ours = read.value
    const theirs = lora.fromWire(phy)
    if (ours.kind === 'join-request') {
      expect(theirs.getMType()).toBe('Join Request')
      expect(ours.devEui).toBe(theirs.DevEUI?.toString('hex'))
      expect(ours.joinEui).toBe(theirs.AppEUI?.toString('hex'))
      return
    }
    expect(theirs.getMType()).toBe(ours.confirmed ? 'Confirmed Data Up' : 'Unconfirmed Data Up')
    expect(ours.devAddr).toBe(theirs.DevAddr?.toString('hex'))
    expect(ours.fCnt16).toBe(theirs.getFCnt())
    expect(ours.fCtrl).toEqual({
      adr: theirs.getFCtrlADR(),
      adrAckReq: theirs.getFCtrlADRACKReq(),
      ack: theirs.getFCtrlACK(),
      classB: theirs.getFCtrlFPending(), // the same bit: FPending on downlinks, Class B on uplinks
    })
    expect(ours.fOpts.equals(theirs.FOpts as Buffer)).toBe(true)
    expect(ours.fPort).toBe(theirs.getFPort())
    expect(ours.frmPayload.equals(theirs.FRMPayload as Buffer)).toBe(true)
    expect(ours.mic.equals(theirs.MIC as Buffer)).toBe(true)
  }

  it('any bytes, 0..300 long', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300, size: 'max' }), check), { numRuns: 3000 })
  })

  it('bytes that start like a LoRaWAN R1 uplink (data up or join request)', () => {
    const mhdr = fc.constantFrom(0x40, 0x80, 0x00, 0x5c, 0x9c)
    fc.assert(
      fc.property(mhdr, fc.uint8Array({ maxLength: 40, size: 'max' }), (m, rest) => check(Uint8Array.of(m, ...rest))),
      { numRuns: 5000 },
    )
  })
})
