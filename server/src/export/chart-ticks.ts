// Axis ticks: "nice" values (1, 2, 5 × 10^k) for the value axis, calendar steps for time (UTC).

export function niceTicks(min: number, max: number, maxCount: number): number[] {
  if (!(max > min)) return [min]
  const raw = (max - min) / Math.max(1, maxCount)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  const ticks: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

/** The fewest decimal places (up to 6) that show every tick exactly (0.25 → 2). */
export function decimalsFor(ticks: number[]): number {
  for (let d = 0; d < 6; d++) if (ticks.every((v) => Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) < 1e-6)) return d
  return 6
}

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const FIXED_STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY]
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120]

export interface TimeTick {
  t: number
  label: string
}

const pad = (n: number) => String(n).padStart(2, '0')

function label(t: number, stepMs: number, months: number): string {
  const d = new Date(t)
  const ymd = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  if (months >= 12) return String(d.getUTCFullYear())
  if (months > 0) return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`
  if (stepMs >= DAY) return ymd
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

export function timeTicks(fromMs: number, toMs: number, maxCount: number): TimeTick[] {
  const span = Math.max(1, toMs - fromMs)
  const fixed = FIXED_STEPS.find((s) => span / s <= maxCount)
  if (fixed !== undefined) {
    const ticks: TimeTick[] = []
    for (let t = Math.ceil(fromMs / fixed) * fixed; t < toMs; t += fixed) ticks.push({ t, label: label(t, fixed, 0) })
    return ticks
  }
  const months = MONTH_STEPS.find((m) => span / (m * 30.44 * DAY) <= maxCount) ?? 120
  const start = new Date(fromMs)
  let y = start.getUTCFullYear()
  let m = Math.ceil((start.getUTCMonth() + (start.getUTCDate() > 1 || fromMs % DAY ? 1 : 0)) / months) * months
  const ticks: TimeTick[] = []
  for (;;) {
    const t = Date.UTC(y, m, 1)
    if (t >= toMs) break
    if (t >= fromMs) ticks.push({ t, label: label(t, 0, months) })
    m += months
    if (m >= 12) {
      y += Math.floor(m / 12)
      m %= 12
    }
  }
  return ticks
}
