import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_FCNT, processDataFrame, type DeviceSession, type LorawanRejectionCode } from '../../src/lorawan/index.js'
import { frameSpec } from './arbitraries.js'
import { buildWithLoraPacket, type FrameSpec } from './lora-packet-frames.js'
import { OTHER_FRAMES, UPLINK_VECTORS, type UplinkVector } from './vectors.js'

const h = (s: string): Buffer => Buffer.from(s, 'hex')

function sessionFor(v: UplinkVector, lastFCntUp: number | null): DeviceSession {
  return { devAddr: v.devAddr, nwkSKey: h(v.nwkSKey), appSKey: h(v.appSKey ?? '00'.repeat(16)), lastFCntUp }
}

function byName(part: string): UplinkVector {
  const v = UPLINK_VECTORS.find((x) => x.name.includes(part))
  if (v === undefined) throw new Error(`no vector ${part}`)
  return v
}

describe('published uplinks are accepted with every field', () => {
  for (const v of UPLINK_VECTORS) {
    it(v.name, () => {
      const last = v.fCnt === 0 ? null : v.fCnt - 1
      const r = processDataFrame(h(v.phy), sessionFor(v, last))
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
      expect(r.value).toMatchObject({
        devAddr: v.devAddr,
        fCnt: v.fCnt,
        fCntReset: false,
        fPort: v.fPort,
        confirmed: v.confirmed,
        adr: v.adr,
        ack: v.ack,
      })
      expect(r.value.payload.toString('hex')).toBe(v.payload)
    })
  }

  it('FPort 0: the payload is decrypted with NwkSKey and read as MAC commands', () => {
    const v = byName('FPort 0')
    const r = processDataFrame(h(v.phy), { ...sessionFor(v, 15), appSKey: Buffer.alloc(16, 0xaa) })
    expect(r).toMatchObject({ ok: true, value: { fPort: 0, fPort0Commands: [{ cid: 0x02, name: 'LinkCheckReq' }], fOptsCommands: [] } })
  })

  it('FOpts MAC commands come out parsed', () => {
    const r = processDataFrame(h(byName('DevStatusAns in FOpts').phy), sessionFor(byName('DevStatusAns in FOpts'), null))
    expect(r).toMatchObject({ ok: true, value: { fOptsCommands: [{ name: 'DevStatusAns', battery: 115, marginDb: 7 }], fPort0Commands: [] } })
  })

  it('a counter above 65 535 is reconstructed from the last accepted one', () => {
    const v = byName('above 65 535')
    const r = processDataFrame(h(v.phy), sessionFor(v, 65_530))
    expect(r).toMatchObject({
      ok: true,
      value: {
        fCnt: 65_538,
        payload: Buffer.from('test'),
        fOptsCommands: [
          { name: 'DevStatusAns', battery: 255, marginDb: 5 },
          { name: 'LinkADRAns', powerAck: true, dataRateAck: true, channelMaskAck: true },
        ],
      },
    })
    // the same frame against a session that never passed 65 535 is not authentic at FCnt 2
    expect(processDataFrame(h(v.phy), sessionFor(v, 1))).toMatchObject({ ok: false, error: { code: 'mic_mismatch' } })
  })

  it('DevAddr in the session may be upper case', () => {
    const v = byName('"test" on FPort 1')
    expect(processDataFrame(h(v.phy), { ...sessionFor(v, 1), devAddr: '49BE7DF1' }).ok).toBe(true)
  })
})

describe('rejections', () => {
  const v = byName('"test" on FPort 1') // FCnt 2
  const expectCode = (r: ReturnType<typeof processDataFrame>, code: LorawanRejectionCode, fCnt?: number): string => {
    if (r.ok) throw new Error(`accepted, expected ${code}`)
    expect(r.error.code).toBe(code)
    if (fCnt !== undefined) expect(r.error.fCnt).toBe(fCnt)
    return r.error.message
  }

  it('replay: the same counter again, and an older one', () => {
    expect(expectCode(processDataFrame(h(v.phy), sessionFor(v, 2)), 'replay', 2)).toContain('49be7df1')
    expectCode(processDataFrame(h(v.phy), sessionFor(v, 3)), 'replay', 2)
    expectCode(processDataFrame(h(v.phy), sessionFor(v, 65_537)), 'mic_mismatch') // 2 + 65 536 is a different counter
  })

  it('fcnt_gap: an authentic frame too far ahead, honouring maxFCntGap', () => {
    const spec = specFor({ fCnt: 20_000 })
    expectCode(processDataFrame(buildWithLoraPacket(spec), sessionOf(spec, 100)), 'fcnt_gap', 20_000)
    expect(processDataFrame(buildWithLoraPacket(spec), sessionOf(spec, 100), { maxFCntGap: 20_000 }).ok).toBe(true)
  })

  it('fcnt_exhausted: nothing after 2^32 - 1', () => {
    const spec = specFor({ fCnt: 0 })
    expectCode(processDataFrame(buildWithLoraPacket(spec), sessionOf(spec, MAX_FCNT)), 'fcnt_exhausted')
    const lastOne = specFor({ fCnt: MAX_FCNT })
    expect(processDataFrame(buildWithLoraPacket(lastOne), sessionOf(lastOne, MAX_FCNT - 3))).toMatchObject({ ok: true, value: { fCnt: MAX_FCNT } })
  })

  it('mic_mismatch: wrong NwkSKey, or one flipped bit anywhere', () => {
    expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), nwkSKey: Buffer.alloc(16, 7) }), 'mic_mismatch')
    const phy = h(v.phy)
    for (let i = 1; i < phy.length; i++) {
      if (i === 5) continue // FCtrl: a flipped FOptsLen bit makes the frame malformed instead
      const bad = Buffer.from(phy)
      bad[i] = (bad[i] as number) ^ 0x01
      const r = processDataFrame(bad, sessionFor(v, 1))
      expect(r.ok, `bit flip in byte ${i}`).toBe(false)
    }
  })

  it('a wrong AppSKey does not stop the frame but garbles the payload (only the MIC authenticates)', () => {
    const r = processDataFrame(h(v.phy), { ...sessionFor(v, 1), appSKey: Buffer.alloc(16, 7) })
    if (!r.ok) throw new Error(r.error.code)
    expect(r.value.payload.toString()).not.toBe('test')
  })

  it('devaddr_mismatch, join_request, malformed, unsupported_mtype', () => {
    expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), devAddr: '01020304' }), 'devaddr_mismatch')
    expect(expectCode(processDataFrame(h(OTHER_FRAMES[0].phy), sessionFor(v, 1)), 'join_request')).toContain('3331383274356905')
    expectCode(processDataFrame(h('40f17dbe49000200'), sessionFor(v, 1)), 'malformed')
    expectCode(processDataFrame(h('60f17dbe4920020001f9d65d27'), sessionFor(v, 1)), 'unsupported_mtype')
  })

  it('invalid_session and invalid_options name the field, never the key', () => {
    const nwk = h(v.nwkSKey)
    const short = nwk.subarray(0, 15)
    const messages = [
      expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), nwkSKey: short }), 'invalid_session'),
      expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), appSKey: Buffer.concat([nwk, nwk]) }), 'invalid_session'),
      expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), devAddr: 'xyz' }), 'invalid_session'),
      expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), lastFCntUp: -1 }), 'invalid_session'),
      expectCode(processDataFrame(h(v.phy), { ...sessionFor(v, 1), lastFCntUp: 2 ** 32 }), 'invalid_session'),
      expectCode(processDataFrame(h(v.phy), sessionFor(v, 1), { maxFCntGap: 0 }), 'invalid_options'),
      expectCode(processDataFrame(h(v.phy), sessionFor(v, 1), { maxFCntGap: 1.5 }), 'invalid_options'),
    ]
    expect(messages[0]).toContain('nwkSKey')
    expect(messages[1]).toContain('appSKey')
    for (const m of messages) {
      expect(m).not.toContain(v.nwkSKey)
      expect(m).not.toContain(short.toString('hex'))
      expect(m).not.toContain(nwk.toString('base64'))
    }
  })
})

// A fixed device for hand-built frames.
const DEVICE = { devAddr: h('26011bda'), nwkSKey: h('000102030405060708090a0b0c0d0e0f'), appSKey: h('0f0e0d0c0b0a09080706050403020100') }
function specFor(over: Partial<FrameSpec>): FrameSpec {
  return {
    ...DEVICE,
    fCnt: 0,
    confirmed: false,
    adr: false,
    adrAckReq: false,
    ack: false,
    fOpts: Buffer.alloc(0),
    fPort: 7,
    payload: Buffer.from('reef'),
    ...over,
  }
}
function sessionOf(spec: FrameSpec, lastFCntUp: number | null, resetsFCnt = false): DeviceSession {
  return { devAddr: spec.devAddr.toString('hex'), nwkSKey: spec.nwkSKey, appSKey: spec.appSKey, lastFCntUp, resetsFCnt }
}

describe('counter reset of ABP devices that restart at 0 (resetsFCnt)', () => {
  it('a reboot below 2^16 is accepted only in relaxed mode, and flagged', () => {
    const phy = buildWithLoraPacket(specFor({ fCnt: 0 }))
    expect(processDataFrame(phy, sessionOf(specFor({}), 500))).toMatchObject({ ok: false, error: { code: 'replay', fCnt: 0 } })
    expect(processDataFrame(phy, sessionOf(specFor({}), 500, true))).toMatchObject({ ok: true, value: { fCnt: 0, fCntReset: true } })
  })

  it('a reboot after the counter passed 2^16: the reconstructed counter fails the MIC, the one from 0 passes', () => {
    const phy = buildWithLoraPacket(specFor({ fCnt: 3 }))
    // last 65 540: wire 3 is one behind its low half (4), so the strict reading is 65 539, whose MIC fails
    expect(processDataFrame(phy, sessionOf(specFor({}), 65_540))).toMatchObject({ ok: false, error: { code: 'mic_mismatch' } })
    expect(processDataFrame(phy, sessionOf(specFor({}), 65_540, true))).toMatchObject({ ok: true, value: { fCnt: 3, fCntReset: true } })
    // here the reconstruction goes forward (next 65 546), the MIC fails there, and the reset is found
    const phy2 = buildWithLoraPacket(specFor({ fCnt: 10 }))
    expect(processDataFrame(phy2, sessionOf(specFor({}), 65_540, true))).toMatchObject({ ok: true, value: { fCnt: 10, fCntReset: true } })
  })

  it('relaxed mode still refuses forged frames, repeats of the last frame, and resets past the gap', () => {
    const forged = buildWithLoraPacket({ ...specFor({ fCnt: 0 }), nwkSKey: Buffer.alloc(16, 9) })
    expect(processDataFrame(forged, sessionOf(specFor({}), 500, true))).toMatchObject({ ok: false, error: { code: 'mic_mismatch' } })
    const repeat = buildWithLoraPacket(specFor({ fCnt: 500 }))
    expect(processDataFrame(repeat, sessionOf(specFor({}), 500, true))).toMatchObject({ ok: false, error: { code: 'replay', fCnt: 500 } })
    const far = buildWithLoraPacket(specFor({ fCnt: 20_000 }))
    expect(processDataFrame(far, sessionOf(specFor({}), 100_000, true))).toMatchObject({ ok: false })
  })

  it('normal frames of a relaxed session are not flagged as resets', () => {
    const phy = buildWithLoraPacket(specFor({ fCnt: 501 }))
    expect(processDataFrame(phy, sessionOf(specFor({}), 500, true))).toMatchObject({ ok: true, value: { fCnt: 501, fCntReset: false } })
  })
})

describe('frames lora-packet builds are accepted exactly (fromFields, FCntMSBytes little-endian)', () => {
  it('property: random keys, DevAddr, FCnt to 2^32-1, FOpts, FPort 0, payloads 0..242', () => {
    fc.assert(
      fc.property(frameSpec, fc.integer({ min: 1, max: 16384 }), (spec, behind) => {
        const phy = buildWithLoraPacket(spec)
        const last = spec.fCnt - behind >= 0 ? spec.fCnt - behind : null
        const r = processDataFrame(phy, sessionOf(spec, last))
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
        expect(r.value).toMatchObject({
          devAddr: spec.devAddr.toString('hex'),
          fCnt: spec.fCnt,
          fCntReset: false,
          fPort: spec.fPort,
          confirmed: spec.confirmed,
          adr: spec.adr,
          adrAckReq: spec.adrAckReq,
          ack: spec.ack,
        })
        expect(r.value.payload.equals(spec.payload)).toBe(true)
        // and nothing else is accepted for it: the same frame once more is a replay
        expect(processDataFrame(phy, sessionOf(spec, spec.fCnt))).toMatchObject({ ok: false, error: { code: 'replay' } })
      }),
      { numRuns: 600 },
    )
  })

  it('property: arbitrary bytes never throw and keys never appear in a message', () => {
    const session = sessionOf(specFor({}), 10, true)
    const secrets = [session.nwkSKey.toString('hex'), session.appSKey.toString('hex')]
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300, size: 'max' }), fc.constantFrom(0x40, 0x80, 0x00, 0x60), (bytes, mhdr) => {
        for (const phy of [Buffer.from(bytes), Buffer.from([mhdr, ...Buffer.from(DEVICE.devAddr).reverse(), ...bytes])]) {
          const r = processDataFrame(phy, session)
          if (!r.ok) for (const s of secrets) expect(r.error.message).not.toContain(s)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
