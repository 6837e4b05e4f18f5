// QARTOD flags of one observation packed into one integer column.
// Nibbles, low to high: aggregate, gross range, climatology, spike, rate of change, flat line
// (each a QARTOD flag 1, 2, 3, 4 or 9; 0 = test not run). The stored value is the packed value
// XOR ALL_PASS, so the common case — every test passed — is stored as 0, which SQLite keeps in
// zero bytes.

export const QC_TESTS = ['aggregate', 'gross_range', 'climatology', 'spike', 'rate_of_change', 'flat_line'] as const
export type QcTestName = (typeof QC_TESTS)[number]
export type QcFlags = Partial<Record<QcTestName, number>>

const ALL_PASS = 0x111111

export function packQcFlags(flags: QcFlags): number {
  let packed = 0
  for (let i = 0; i < QC_TESTS.length; i++) packed |= flagBits(flags[QC_TESTS[i]], i)
  return packed ^ ALL_PASS
}

/** Flag `f` of test `i` shifted into its nibble (0 when the test was not run); throws if not 0..15. */
function flagBits(f: number | undefined, i: number): number {
  if (f === undefined) return 0
  if (!(f >= 0 && f <= 15 && (f | 0) === f)) throw new RangeError(`QC flag ${QC_TESTS[i]} must be 0..15, got ${f}`)
  return f << (4 * i)
}

/**
 * packQcFlags of the flags given one by one (undefined: test not run): the ingest hot path, one
 * call per observation, without an object per call.
 */
export function packQcFlagValues(
  aggregate: number | undefined,
  grossRange: number | undefined,
  climatology: number | undefined,
  spike: number | undefined,
  rateOfChange: number | undefined,
  flatLine: number | undefined,
): number {
  return (flagBits(aggregate, 0) | flagBits(grossRange, 1) | flagBits(climatology, 2) | flagBits(spike, 3) | flagBits(rateOfChange, 4) | flagBits(flatLine, 5)) ^ ALL_PASS
}

export function unpackQcFlags(stored: number): QcFlags {
  const packed = stored ^ ALL_PASS
  const out: QcFlags = {}
  QC_TESTS.forEach((name, i) => {
    const f = (packed >> (4 * i)) & 15
    if (f !== 0) out[name] = f
  })
  return out
}

/** The aggregate QARTOD flag of a stored value (2, not evaluated, when no test ran). */
export function aggregateOf(stored: number | null): number {
  if (stored === null) return 2
  const f = (stored ^ ALL_PASS) & 15
  return f === 0 ? 2 : f
}
