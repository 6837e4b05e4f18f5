// Min/max decimation to the pixel width, as oscilloscopes and good chart servers do: per pixel
// column keep the first, lowest, highest and last value (in time order), so a one-sample spike
// stays visible however many samples share the column. Input is streamed; memory is O(width).

export interface DecimatedColumn {
  /** Pixel column, 0 … width-1. */
  col: number
  /** Values in the order to draw them: first, then min/max in the order they occurred, then last. */
  path: number[]
  min: number
  max: number
  /** A gap in the data precedes this column: the line is broken, not drawn across it. */
  breakBefore: boolean
}

export interface DecimateOptions {
  fromMs: number
  toMs: number
  width: number
  /** Samples further apart than this are not joined by the line. */
  gapMs: number
}

export function decimateMinMax(samples: Iterable<{ t: number; v: number | null }>, o: DecimateOptions): DecimatedColumn[] {
  const span = Math.max(1, o.toMs - o.fromMs)
  const out: DecimatedColumn[] = []
  let cur: { col: number; first: number; last: number; min: number; max: number; minAt: number; maxAt: number; n: number; breakBefore: boolean } | null = null
  let prevT: number | null = null
  let pendingBreak = false
  const flush = () => {
    if (!cur) return
    const middle = cur.minAt <= cur.maxAt ? [cur.min, cur.max] : [cur.max, cur.min]
    const path = [cur.first, ...middle, cur.last].filter((v, i, a) => i === 0 || v !== a[i - 1])
    out.push({ col: cur.col, path, min: cur.min, max: cur.max, breakBefore: cur.breakBefore })
  }
  for (const s of samples) {
    if (s.v === null || !Number.isFinite(s.v)) {
      pendingBreak = true
      continue
    }
    if (s.t < o.fromMs || s.t >= o.toMs) continue
    const gap = prevT !== null && s.t - prevT > o.gapMs
    prevT = s.t
    const col = Math.min(o.width - 1, Math.floor(((s.t - o.fromMs) / span) * o.width))
    if (!cur || col !== cur.col || gap || pendingBreak) {
      flush()
      cur = { col, first: s.v, last: s.v, min: s.v, max: s.v, minAt: 0, maxAt: 0, n: 1, breakBefore: out.length > 0 && (gap || pendingBreak) }
      pendingBreak = false
      continue
    }
    cur.n++
    cur.last = s.v
    if (s.v < cur.min) {
      cur.min = s.v
      cur.minAt = cur.n
    }
    if (s.v > cur.max) {
      cur.max = s.v
      cur.maxAt = cur.n
    }
  }
  flush()
  return out
}
