// The chart image of a series, built as SVG text: frame, value and time axes with ticks and
// labels, a title, and the decimated line (decimate.ts). Rasterised to PNG by chart-png.ts.
import { decimalsFor, niceTicks, timeTicks } from './chart-ticks.js'
import type { DecimatedColumn } from './decimate.js'

export interface ChartInput {
  title: string
  /** Axis label, e.g. "TEMP (°C)". */
  yLabel: string
  fromMs: number
  toMs: number
  width: number
  height: number
  columns: DecimatedColumn[]
}

export const CHART_MARGIN = { left: 64, right: 16, top: 30, bottom: 44 }
const FONT = "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\""

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
}

/** The plot width in pixel columns for an image of this width (what decimation must use). */
export function plotWidth(width: number): number {
  return Math.max(1, width - CHART_MARGIN.left - CHART_MARGIN.right)
}

function valueRange(columns: DecimatedColumn[]): { lo: number; hi: number } {
  let lo = Infinity
  let hi = -Infinity
  for (const c of columns) {
    lo = Math.min(lo, c.min)
    hi = Math.max(hi, c.max)
  }
  if (!Number.isFinite(lo)) return { lo: 0, hi: 1 }
  if (hi === lo) return { lo: lo - 1, hi: hi + 1 }
  const pad = (hi - lo) * 0.05
  return { lo: lo - pad, hi: hi + pad }
}

const f1 = (n: number) => (Math.round(n * 10) / 10).toString()

export function renderChartSvg(c: ChartInput): string {
  const m = CHART_MARGIN
  const pw = plotWidth(c.width)
  const ph = Math.max(1, c.height - m.top - m.bottom)
  const { lo, hi } = valueRange(c.columns)
  const y = (v: number) => m.top + ph - ((v - lo) / (hi - lo)) * ph
  const x = (t: number) => m.left + ((t - c.fromMs) / Math.max(1, c.toMs - c.fromMs)) * pw
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${c.width}" height="${c.height}" viewBox="0 0 ${c.width} ${c.height}" ${FONT} font-size="11">`)
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`)
  parts.push(`<text x="${m.left}" y="18" font-size="13" font-weight="bold" fill="#12263a">${escapeXml(c.title)}</text>`)

  const yTicks = niceTicks(lo, hi, Math.max(2, Math.floor(ph / 40)))
  const decimals = decimalsFor(yTicks)
  const grid: string[] = []
  const labels: string[] = []
  for (const v of yTicks) {
    const yy = f1(y(v))
    grid.push(`M${m.left} ${yy}H${m.left + pw}`)
    labels.push(`<text x="${m.left - 6}" y="${yy}" dy="4" text-anchor="end">${v.toFixed(decimals)}</text>`)
  }
  const tTicks = timeTicks(c.fromMs, c.toMs, Math.max(2, Math.floor(pw / 110)))
  for (const t of tTicks) {
    const xx = f1(x(t.t))
    grid.push(`M${xx} ${m.top}V${m.top + ph}`)
    labels.push(`<text x="${xx}" y="${m.top + ph + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`)
  }
  parts.push(`<path d="${grid.join('')}" stroke="#e3e8ee" stroke-width="1" fill="none"/>`)
  parts.push(`<g fill="#3d4f61" class="ticks">${labels.join('')}</g>`)
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#8a99a8"/>`)
  parts.push(
    `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#3d4f61">${escapeXml(c.yLabel)}</text>`,
    `<text x="${m.left + pw / 2}" y="${c.height - 6}" text-anchor="middle" fill="#3d4f61">time (UTC)</text>`,
  )

  if (c.columns.length === 0) {
    parts.push(`<text x="${m.left + pw / 2}" y="${m.top + ph / 2}" text-anchor="middle" fill="#8a99a8" font-size="14">no data in this range</text>`)
  } else {
    let d = ''
    for (const col of c.columns) {
      const xx = f1(m.left + col.col + 0.5)
      col.path.forEach((v, i) => {
        d += `${d === '' || (i === 0 && col.breakBefore) ? 'M' : 'L'}${xx} ${f1(y(v))}`
      })
    }
    parts.push(`<path class="series" d="${d}" stroke="#0b6fa4" stroke-width="1.25" fill="none" stroke-linejoin="round"/>`)
  }
  parts.push('</svg>')
  return parts.join('\n')
}
