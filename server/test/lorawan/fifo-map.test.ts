import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FifoMap } from '../../src/lorawan/fifo-map.js'

type Op = { op: 'set'; key: number; value: number } | { op: 'delete'; key: number } | { op: 'shift' } | { op: 'clear' }

/** The reference: a Map where set() makes the entry the newest (delete + set), oldest = first in iteration. */
function reference() {
  const m = new Map<number, number>()
  return {
    m,
    apply(o: Op): unknown {
      switch (o.op) {
        case 'set':
          m.delete(o.key)
          m.set(o.key, o.value)
          return undefined
        case 'delete':
          return m.delete(o.key)
        case 'shift': {
          const first = m.entries().next()
          if (first.done) return undefined
          m.delete(first.value[0])
          return first.value
        }
        case 'clear':
          m.clear()
          return undefined
      }
    },
  }
}

function apply(f: FifoMap<number, number>, o: Op): unknown {
  switch (o.op) {
    case 'set':
      f.set(o.key, o.value)
      return undefined
    case 'delete':
      return f.delete(o.key)
    case 'shift':
      return f.shift()
    case 'clear':
      f.clear()
      return undefined
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 120, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 40 }), value: fc.integer() }) },
  { weight: 40, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 60, arbitrary: fc.record({ op: fc.constant('shift' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
)

describe('FifoMap', () => {
  it('behaves as a Map with delete + set and oldest-first removal', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const f = new FifoMap<number, number>()
        const r = reference()
        for (const o of ops) {
          expect(apply(f, o)).toEqual(r.apply(o))
          expect(f.size).toBe(r.m.size)
          const first = r.m.entries().next()
          expect(f.oldest()).toEqual(first.done ? undefined : first.value)
        }
        for (const [k, v] of r.m) {
          expect(f.has(k)).toBe(true)
          expect(f.get(k)).toBe(v)
        }
        expect(f.get(-1)).toBeUndefined()
      }),
      { numRuns: 200 },
    )
  })

  it('keeps its queue bounded by the live entries as a bounded memory churns', () => {
    const f = new FifoMap<string, number>()
    for (let i = 0; i < 50_000; i++) {
      f.set(`k${i}`, i)
      if (f.size > 1000) f.shift()
      // re-set and delete now and then: stale slots
      if (i % 7 === 0) f.set(`k${i - 3}`, i)
      if (i % 11 === 0) f.delete(`k${i - 5}`)
    }
    expect(f.size).toBeLessThanOrEqual(1000)
    expect(f.slots).toBeLessThanOrEqual(2 * f.size + 2048)
  })
})
