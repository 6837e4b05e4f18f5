// The interactive chart: uPlot (canvas, fast on a year of 10-minute data: ~52 000 points).
// Drag to zoom into a range, wheel to zoom around the cursor, shift-drag to pan, double-click
// to see everything again. Values flagged suspect or bad (QC ≥ 3) are drawn as red points.
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { Series } from './api.js'

type Data = [number[], (number | null)[], (number | null)[]]

function flagged(v: (number | null)[], q: number[]): (number | null)[] {
  return v.map((x, i) => ((q[i] ?? 0) >= 3 && (q[i] ?? 0) !== 9 ? x : null))
}

/** Wheel zoom around the cursor and shift-drag pan, on the x scale only. */
function wheelAndPan(): uPlot.Plugin {
  return {
    hooks: {
      ready: (u) => {
        const over = u.over
        over.addEventListener(
          'wheel',
          (e) => {
            e.preventDefault()
            const { min, max } = u.scales.x
            if (min === undefined || max === undefined || min === null || max === null) return
            const at = u.posToVal(e.offsetX, 'x')
            const factor = e.deltaY < 0 ? 0.8 : 1.25
            u.setScale('x', { min: at - (at - min) * factor, max: at + (max - at) * factor })
          },
          { passive: false },
        )
        over.addEventListener('mousedown', (e) => {
          if (!e.shiftKey) return
          e.stopPropagation()
          const { min, max } = u.scales.x
          if (min == null || max == null) return
          const x0 = e.clientX
          const perPx = (max - min) / over.clientWidth
          const move = (m: MouseEvent) => {
            const d = (m.clientX - x0) * perPx
            u.setScale('x', { min: min - d, max: max - d })
          }
          const up = () => {
            document.removeEventListener('mousemove', move)
            document.removeEventListener('mouseup', up)
          }
          document.addEventListener('mousemove', move)
          document.addEventListener('mouseup', up)
        }, true)
      },
    },
  }
}

export class SeriesChart {
  readonly plot: uPlot
  private data: Data
  private q: number[]

  constructor(
    private readonly el: HTMLElement,
    series: Series,
    label: string,
  ) {
    this.q = series.q
    this.data = [series.t, series.v, flagged(series.v, series.q)]
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: el.clientWidth < 500 ? 240 : 340,
      scales: { x: { time: true } },
      // Times are UTC in the whole portal (and in the downloads).
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series: [
        {},
        { label, stroke: '#0b6fa4', width: 1.25, spanGaps: false, points: { show: false } },
        { label: 'QC suspect / bad', stroke: '#c0392b', fill: '#c0392b', width: 0, paths: () => null, points: { show: true, size: 6, stroke: '#c0392b', fill: '#c0392b' } },
      ],
      axes: [
        {
          // 24-hour, ISO-ordered labels (uPlot's default is US style): [min step, tick, first-of-day/month/year, …].
          values: [
            [3600 * 24 * 365, '{YYYY}', null, null, null, null, null, null, 1],
            [3600 * 24 * 28, '{YYYY}-{MM}', '\n{YYYY}', null, null, null, null, null, 1],
            [3600 * 24, '{MM}-{DD}', '\n{YYYY}', null, null, null, null, null, 1],
            [3600, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
            [60, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1],
            [1, '{HH}:{mm}:{ss}', '\n{YYYY}-{MM}-{DD} {HH}:{mm}', null, '\n{MM}-{DD} {HH}:{mm}', null, '\n{HH}:{mm}', null, 1],
          ],
        },
        { label: series.unit, size: 60 },
      ],
      cursor: { drag: { x: true, y: false } },
      plugins: [wheelAndPan()],
    }
    this.plot = new uPlot(opts, this.data, el)
    window.addEventListener('resize', this.resize)
  }

  private resize = () => {
    this.plot.setSize({ width: Math.max(280, this.el.clientWidth), height: this.el.clientWidth < 500 ? 240 : 340 })
  }

  /** Live samples: appended in time order; the view follows them unless the user zoomed in. */
  append(points: [number, number | null, number][]): number {
    const [t, v] = this.data
    const last = t.length ? t[t.length - 1]! : -Infinity
    const viewMax = this.plot.scales.x.max ?? Infinity
    const following = viewMax >= last
    let added = 0
    for (const [ms, value, flag] of points) {
      const s = ms / 1000
      if (s <= last) continue // revisions of earlier samples (QC) are picked up on reload
      t.push(s)
      v.push(value)
      this.q.push(flag)
      this.data[2].push(flag >= 3 && flag !== 9 ? value : null)
      added++
    }
    if (added) this.plot.setData(this.data, following)
    return added
  }

  destroy(): void {
    window.removeEventListener('resize', this.resize)
    this.plot.destroy()
  }
}
