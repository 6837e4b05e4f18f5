import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_FCNT, MAX_FCNT_GAP, reconstructFCntUp } from '../../src/lorawan/index.js'

describe('ChirpStack get_full_f_cnt_up cases (chirpstack/src/storage/device_session.rs tests)', () => {
  // ChirpStack keeps the next expected counter; we keep the last accepted one (next - 1), and
  // call its "re-transmission of previous frame" a replay.
  const cases: { name: string; next: number; wire: number; expected: ReturnType<typeof reconstructFCntUp> }[] = [
    { name: 'as expected', next: 1, wire: 1, expected: { kind: 'next', fCnt: 1 } },
    { name: 'as expected, low half rolls over', next: 1 << 16, wire: 0, expected: { kind: 'next', fCnt: 1 << 16 } },
    { name: 'as expected above 2^16', next: (1 << 16) + 1, wire: 1, expected: { kind: 'next', fCnt: (1 << 16) + 1 } },
    { name: 'one frame lost', next: (1 << 16) + 1, wire: 2, expected: { kind: 'next', fCnt: (1 << 16) + 2 } },
    { name: 'previous frame again', next: 2, wire: 1, expected: { kind: 'replay', fCnt: 1 } },
    { name: 'previous frame again above 2^16', next: (1 << 16) + 1, wire: 0, expected: { kind: 'replay', fCnt: 1 << 16 } },
    { name: 'previous frame again at the rollover', next: 1 << 16, wire: 0xffff, expected: { kind: 'replay', fCnt: 0xffff } },
    // ChirpStack wraps to 0 here; LoRaWAN 1.0 says the session must end, so we refuse.
    { name: '32-bit rollover', next: MAX_FCNT, wire: 0, expected: { kind: 'exhausted', fCnt: 2 ** 32 } },
  ]
  for (const c of cases) it(c.name, () => expect(reconstructFCntUp(c.wire, c.next - 1)).toEqual(c.expected))

  it('one frame lost from a fresh session (ChirpStack: next 0, wire 1)', () => {
    expect(reconstructFCntUp(1, null)).toEqual({ kind: 'next', fCnt: 1 })
  })
})

describe('reconstructFCntUp rules', () => {
  it('a fresh session takes the wire value with upper bits 0', () => {
    expect(reconstructFCntUp(0, null)).toEqual({ kind: 'next', fCnt: 0 })
    expect(reconstructFCntUp(0xffff, null)).toEqual({ kind: 'next', fCnt: 0xffff })
  })

  it('the gap is inclusive at MAX_FCNT_GAP and configurable', () => {
    expect(reconstructFCntUp(100 + MAX_FCNT_GAP, 100)).toEqual({ kind: 'next', fCnt: 100 + MAX_FCNT_GAP })
    expect(reconstructFCntUp(101 + MAX_FCNT_GAP, 100)).toEqual({ kind: 'gap', fCnt: 101 + MAX_FCNT_GAP })
    expect(reconstructFCntUp(110, 100, 10)).toEqual({ kind: 'next', fCnt: 110 })
    expect(reconstructFCntUp(111, 100, 10)).toEqual({ kind: 'gap', fCnt: 111 })
  })

  it('an older counter is a replay, a far jump a gap', () => {
    expect(reconstructFCntUp(99, 100)).toEqual({ kind: 'replay', fCnt: 99 })
    expect(reconstructFCntUp(0, 100)).toEqual({ kind: 'replay', fCnt: 0 })
    // 70 000 behind in 32 bits is 4 464 behind in the low half
    expect(reconstructFCntUp((200_000 - 4_464) & 0xffff, 200_000)).toEqual({ kind: 'replay', fCnt: 200_000 - 4_464 })
    // behind by more than the whole history: cannot be an old frame of this session
    expect(reconstructFCntUp(65_000, 5)).toEqual({ kind: 'gap', fCnt: 65_000 })
  })

  it('the last possible counter is reachable, the one after is not', () => {
    expect(reconstructFCntUp(0xffff, MAX_FCNT - 1)).toEqual({ kind: 'next', fCnt: MAX_FCNT })
    expect(reconstructFCntUp(0, MAX_FCNT)).toEqual({ kind: 'exhausted', fCnt: 2 ** 32 })
    expect(reconstructFCntUp(0xffff, MAX_FCNT)).toEqual({ kind: 'replay', fCnt: MAX_FCNT })
  })

  const last = fc.nat({ max: MAX_FCNT })
  it('property: any counter up to maxGap ahead comes back exactly', () => {
    fc.assert(
      fc.property(last, fc.integer({ min: 1, max: MAX_FCNT_GAP }), (l, ahead) => {
        const t = l + ahead
        const d = reconstructFCntUp(t & 0xffff, l)
        expect(d).toEqual(t > MAX_FCNT ? { kind: 'exhausted', fCnt: t } : { kind: 'next', fCnt: t })
      }),
      { numRuns: 2000 },
    )
  })

  it('property: any counter up to 2^15 - 1 behind (or equal) is a replay of exactly that counter', () => {
    fc.assert(
      fc.property(last, fc.nat({ max: 0x7fff }), (l, behind) => {
        fc.pre(behind <= l)
        expect(reconstructFCntUp((l - behind) & 0xffff, l)).toEqual({ kind: 'replay', fCnt: l - behind })
      }),
      { numRuns: 2000 },
    )
  })

  it('property: a result is never "next" unless strictly above the last counter and within the gap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffff }), fc.option(last, { nil: null }), fc.integer({ min: 1, max: 0x8000 }), (wire, l, gap) => {
        const d = reconstructFCntUp(wire, l, gap)
        expect(d.fCnt & 0xffff).toBe(wire)
        if (d.kind === 'next' && l !== null) {
          expect(d.fCnt).toBeGreaterThan(l)
          expect(d.fCnt - l).toBeLessThanOrEqual(gap)
        }
        if (d.kind === 'replay') expect(d.fCnt).toBeLessThanOrEqual(l as number)
      }),
      { numRuns: 3000 },
    )
  })
})
