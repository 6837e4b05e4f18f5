import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { GatewayReception, PhyUplink } from '../../src/ingest/types.js'
import { Deduplicator, type DedupedUplink } from '../../src/lorawan/index.js'

const FRAME_A = Buffer.from('40f17dbe4900020001954378762b11ff0d', 'hex')
const FRAME_B = Buffer.from('40f17dbe49000300012a3518af', 'hex')

function copy(phy: Buffer, gatewayId: string, receivedAtMs: number, extra: Partial<GatewayReception> = {}): PhyUplink {
  // a fresh Buffer per copy, as every source decodes its own
  return { kind: 'phy', source: 'semtech-udp', phyPayload: Buffer.from(phy), receivedAtMs, reception: { gatewayId, ...extra } }
}

function counter(): () => string {
  let n = 0
  return () => `dedup-${++n}`
}

describe('Deduplicator', () => {
  it('groups copies of one frame from several gateways into one uplink with every reception', () => {
    const d = new Deduplicator({ newId: counter() })
    expect(d.add(copy(FRAME_A, 'gw1', 1000, { rssiDbm: -100, snrDb: 2 }))).toEqual({ status: 'first', first: true, dedupId: 'dedup-1' })
    expect(d.add(copy(FRAME_A, 'gw2', 1050, { rssiDbm: -90 }))).toEqual({ status: 'duplicate', first: false, dedupId: 'dedup-1' })
    expect(d.add(copy(FRAME_A, 'gw3', 1199))).toEqual({ status: 'duplicate', first: false, dedupId: 'dedup-1' })
    expect(d.flush(1199)).toEqual([])
    const [u, ...rest] = d.flush(1200)
    expect(rest).toEqual([])
    expect(u).toEqual<DedupedUplink>({
      dedupId: 'dedup-1',
      phyPayload: FRAME_A,
      firstReceivedAtMs: 1000,
      source: 'semtech-udp',
      receptions: [{ gatewayId: 'gw1', rssiDbm: -100, snrDb: 2 }, { gatewayId: 'gw2', rssiDbm: -90 }, { gatewayId: 'gw3' }],
      copies: 3,
    })
    expect(d.openGroups).toBe(0)
  })

  it('different frames are different groups, flushed in the order they opened', () => {
    const d = new Deduplicator({ newId: counter() })
    d.add(copy(FRAME_A, 'gw1', 1000))
    d.add(copy(FRAME_B, 'gw1', 1010))
    d.add(copy(FRAME_A, 'gw2', 1020))
    expect(d.flush(1205).map((u) => [u.dedupId, u.receptions.length])).toEqual([['dedup-1', 2]])
    expect(d.flush(1210).map((u) => [u.dedupId, u.receptions.length])).toEqual([['dedup-2', 1]])
  })

  it('a gateway that forwards the same frame twice is one reception and two copies', () => {
    const d = new Deduplicator()
    d.add(copy(FRAME_A, 'gw1', 0, { rssiDbm: -100 }))
    d.add(copy(FRAME_A, 'gw1', 5, { rssiDbm: -50 }))
    const [u] = d.flush(200)
    expect(u?.receptions).toEqual([{ gatewayId: 'gw1', rssiDbm: -100 }])
    expect(u?.copies).toBe(2)
  })

  it('a copy after its group was flushed is late: not filed, carries the group id', () => {
    const d = new Deduplicator({ newId: counter() })
    d.add(copy(FRAME_A, 'gw1', 0))
    expect(d.flush(200)).toHaveLength(1)
    expect(d.add(copy(FRAME_A, 'gw2', 900))).toEqual({ status: 'late', first: false, dedupId: 'dedup-1' })
    expect(d.openGroups).toBe(0)
    expect(d.flush(10_000)).toEqual([])
  })

  it('after lateMemoryMs the frame is forgotten and opens a new group (the replay check then rejects it)', () => {
    const d = new Deduplicator({ newId: counter(), lateMemoryMs: 1000 })
    d.add(copy(FRAME_A, 'gw1', 0))
    d.flush(200)
    expect(d.add(copy(FRAME_A, 'gw1', 1100)).status).toBe('late')
    d.flush(1200) // forgets what was flushed at 200
    expect(d.add(copy(FRAME_A, 'gw1', 1300))).toEqual({ status: 'first', first: true, dedupId: 'dedup-2' })
  })

  it('maxRemembered bounds the late memory, oldest forgotten first', () => {
    const d = new Deduplicator({ newId: counter(), maxRemembered: 1 })
    d.add(copy(FRAME_A, 'gw1', 0))
    d.add(copy(FRAME_B, 'gw1', 1))
    d.flush(500)
    expect(d.add(copy(FRAME_B, 'gw1', 600)).status).toBe('late')
    expect(d.add(copy(FRAME_A, 'gw1', 600)).status).toBe('first')
  })

  it('the window is configurable, and 0 makes every flush close what is open', () => {
    const d = new Deduplicator({ windowMs: 50 })
    d.add(copy(FRAME_A, 'gw1', 0))
    expect(d.flush(49)).toEqual([])
    expect(d.flush(50)).toHaveLength(1)
    const z = new Deduplicator({ windowMs: 0 })
    z.add(copy(FRAME_A, 'gw1', 10))
    expect(z.flush(10)).toHaveLength(1)
  })

  it('nextFlushAtMs says when the earliest group closes; flushAll empties everything', () => {
    const d = new Deduplicator()
    expect(d.nextFlushAtMs()).toBeNull()
    d.add(copy(FRAME_B, 'gw1', 30))
    d.add(copy(FRAME_A, 'gw1', 10))
    expect(d.nextFlushAtMs()).toBe(210)
    expect(d.flushAll(40)).toHaveLength(2)
    expect(d.nextFlushAtMs()).toBeNull()
    expect(d.add(copy(FRAME_A, 'gw2', 41)).status).toBe('late')
  })

  it('rejects nonsense options at construction', () => {
    expect(() => new Deduplicator({ windowMs: -1 })).toThrow(/windowMs/)
    expect(() => new Deduplicator({ lateMemoryMs: Number.NaN })).toThrow(/lateMemoryMs/)
  })

  it('an empty PHYPayload is a frame like any other here (the structure check rejects it later)', () => {
    const d = new Deduplicator()
    expect(d.add(copy(Buffer.alloc(0), 'gw1', 0)).first).toBe(true)
    expect(d.flush(200)).toHaveLength(1)
  })
})

describe('Deduplicator properties', () => {
  const arrival = fc.record({ frame: fc.nat({ max: 4 }), gateway: fc.nat({ max: 5 }), offsetMs: fc.nat({ max: 199 }) })

  it('copies within the window: one uplink per distinct frame, one reception per distinct gateway, nothing lost', () => {
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 60, size: 'max' }), (arrivals) => {
        const d = new Deduplicator({ newId: counter() })
        const frames = [0, 1, 2, 3, 4].map((i) => Buffer.from([0x40, i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
        const firstIdOf = new Map<number, string>()
        for (const a of arrivals) {
          const r = d.add(copy(frames[a.frame] as Buffer, `gw${a.gateway}`, 1000 + a.offsetMs))
          if (r.first) firstIdOf.set(a.frame, r.dedupId)
          else expect(r.dedupId).toBe(firstIdOf.get(a.frame))
        }
        const out = d.flush(1000 + 199 + 200)
        expect(out).toHaveLength(new Set(arrivals.map((a) => a.frame)).size)
        for (const u of out) {
          const mine = arrivals.filter((a) => (frames[a.frame] as Buffer).equals(u.phyPayload))
          expect(u.copies).toBe(mine.length)
          expect(u.receptions.map((r) => r.gatewayId)).toEqual([...new Set(mine.map((a) => `gw${a.gateway}`))])
        }
        expect(d.openGroups).toBe(0)
      }),
    )
  })
})
