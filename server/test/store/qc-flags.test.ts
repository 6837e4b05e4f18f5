import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aggregateOf, packQcFlags, packQcFlagValues, QC_TESTS, unpackQcFlags } from '../../src/store/qc-flags.js'

describe('packed QC flags', () => {
  it('all tests passing is stored as 0', () => {
    expect(packQcFlags({ aggregate: 1, gross_range: 1, climatology: 1, spike: 1, rate_of_change: 1, flat_line: 1 })).toBe(0)
  })

  it('round trips any combination of flags', () => {
    const flag = fc.constantFrom(1, 2, 3, 4, 9)
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...QC_TESTS), flag), (flags) => {
        expect(unpackQcFlags(packQcFlags(flags))).toEqual(flags)
      }),
    )
  })

  it('reads the aggregate', () => {
    expect(aggregateOf(packQcFlags({ aggregate: 4, spike: 4 }))).toBe(4)
    expect(aggregateOf(null)).toBe(2)
  })

  it('rejects impossible flags', () => {
    expect(() => packQcFlags({ spike: 16 })).toThrow(/spike/)
    expect(() => packQcFlagValues(1, 1, undefined, 1.5, 1, 1)).toThrow(/spike/)
  })

  it('packs flags given one by one as packQcFlags packs them as an object', () => {
    const flag = fc.option(fc.constantFrom(0, 1, 2, 3, 4, 9), { nil: undefined })
    fc.assert(
      fc.property(fc.tuple(flag, flag, flag, flag, flag, flag), (f) => {
        const flags = Object.fromEntries(QC_TESTS.map((name, i) => [name, f[i]]))
        expect(packQcFlagValues(...f)).toBe(packQcFlags(flags))
      }),
    )
  })
})
