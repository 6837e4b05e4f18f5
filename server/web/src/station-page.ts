// A station: where it is and who to cite, the latest reading of each quantity with its QC flag
// (battery included), a chart of one quantity over a chosen range, and the downloads of that range.
import { links, loadSeries, type Datastream, type Station } from './api.js'
import { dateInput, h, qcLabel, utc, value } from './format.js'
import { connectLive, type LiveMessage } from './live-feed.js'
import { SeriesChart } from './series-chart.js'

const DAY = 86_400_000
const PRESETS: [string, number | null][] = [
  ['1 day', DAY],
  ['7 days', 7 * DAY],
  ['30 days', 30 * DAY],
  ['1 year', 365 * DAY],
  ['all', null],
]

interface View {
  datastream: Datastream
  fromMs: number
  toMs: number
}

function dataEnd(s: Station): number {
  const ends = s.datastreams.map((d) => d.endMs).filter((t): t is number => t !== null)
  return ends.length ? Math.max(...ends) + 1 : Date.now()
}

function dataStart(s: Station): number {
  const starts = s.datastreams.map((d) => d.startMs).filter((t): t is number => t !== null)
  return starts.length ? Math.min(...starts) : Date.now() - 7 * DAY
}

function header(s: Station): string {
  const doi = s.doi ? `<a href="https://doi.org/${encodeURI(s.doi)}" rel="noopener">doi:${h(s.doi)}</a>` : ''
  return `
    <p class="crumbs"><a href="#/">← all stations</a></p>
    <h1>${h(s.name)} <span class="code">${h(s.code)}</span></h1>
    <p class="muted">${h(s.description)} · ${s.latitude.toFixed(3)}°, ${s.longitude.toFixed(3)}°${s.depthM !== null ? ` · ${s.depthM} m` : ''}${s.network ? ` · ${h(s.network)}` : ''}</p>
    <p class="citation" id="citation">${s.citation ? `Cite as: ${h(s.citation)}` : ''} ${doi} ${s.license ? `· licence ${h(s.license)}` : ''}</p>`
}

function latestRow(d: Datastream): string {
  return `<tr data-datastream="${d.id}"><th scope="row">${h(d.quantity === 'BATT' ? 'Battery' : d.quantity)}</th>
    <td class="value">…</td><td class="qc"></td><td class="time muted"></td></tr>`
}

function setLatest(root: HTMLElement, d: Datastream, t: number, v: number | null, q: number): void {
  const row = root.querySelector<HTMLTableRowElement>(`tr[data-datastream="${d.id}"]`)
  if (!row) return
  const qc = qcLabel(q)
  row.querySelector('.value')!.textContent = value(v, d.unit)
  row.querySelector('.qc')!.innerHTML = `<span class="badge ${qc.cls}">${qc.text}</span>`
  row.querySelector('.time')!.textContent = utc(t)
}

function downloads(s: Station, v: View): string {
  const d = v.datastream
  const f = v.fromMs
  const t = v.toMs
  const ocean = ['TEMP', 'PSAL', 'CNDC', 'PRES'].includes(d.quantity)
  return `
    <li><a data-kind="csv" href="${links.datastreamCsv(d.id, f, t)}" download>${h(d.quantity)} — CSV</a></li>
    ${ocean ? `<li><a data-kind="nc" href="${links.datastreamNetcdf(d.id, f, t)}" download>${h(d.quantity)} — OceanSITES NetCDF</a></li>` : ''}
    <li><a data-kind="station-csv" href="${links.stationCsv(s.code, f, t)}" download>All quantities — CSV</a></li>
    <li><a data-kind="station-nc" href="${links.stationNetcdf(s.code, f, t)}" download>All quantities — OceanSITES NetCDF</a></li>
    <li><a data-kind="png" href="${links.chart(d.id, f, t, 'png')}" target="_blank">Chart — PNG</a> ·
        <a data-kind="svg" href="${links.chart(d.id, f, t, 'svg')}" target="_blank">SVG</a></li>`
}

export function renderStation(root: HTMLElement, s: Station): () => void {
  const charted = s.datastreams.filter((d) => d.quantity !== 'BATT')
  const first = charted.find((d) => d.quantity === 'TEMP') ?? charted[0] ?? s.datastreams[0]
  root.innerHTML = `${header(s)}
    <section class="panel"><h2>Latest readings</h2>
      <table class="latest"><tbody>${s.datastreams.map(latestRow).join('')}</tbody></table></section>
    <section class="panel"><h2>Chart</h2>
      <form class="range" id="range">
        <label>Quantity <select name="datastream">${s.datastreams.map((d) => `<option value="${d.id}">${h(d.quantity)} (${h(d.unit)})</option>`).join('')}</select></label>
        <span class="presets">${PRESETS.map(([label], i) => `<button type="button" data-preset="${i}">${label}</button>`).join('')}</span>
        <label>From <input type="date" name="from" required></label>
        <label>To <input type="date" name="to" required></label>
        <button type="submit">Show</button>
      </form>
      <div id="chart" class="chart"></div>
      <p class="muted hint">Drag to zoom, mouse wheel to zoom, shift-drag to pan, double-click to reset. Times in UTC.</p>
    </section>
    <section class="panel"><h2>Download this range</h2><ul class="downloads" id="downloads"></ul>
      <p class="muted">Columns and attributes: see the server's docs/downloads.md. QC flags: OceanSITES reference table 2 (1 = good).</p></section>`

  if (!first) {
    root.querySelector('#chart')!.textContent = 'This station has no datastreams yet.'
    return () => {}
  }
  const end = dataEnd(s)
  const view: View = { datastream: first, fromMs: Math.max(dataStart(s), end - 7 * DAY), toMs: end }
  const form = root.querySelector<HTMLFormElement>('#range')!
  const chartEl = root.querySelector<HTMLElement>('#chart')!
  let chart: SeriesChart | null = null
  let loading = 0

  async function show(): Promise<void> {
    const ticket = ++loading
    form.datastream.value = String(view.datastream.id)
    form.from.value = dateInput(view.fromMs)
    form.to.value = dateInput(view.toMs - 1)
    root.querySelector('#downloads')!.innerHTML = downloads(s, view)
    chartEl.classList.add('loading')
    try {
      const series = await loadSeries(view.datastream.id, view.fromMs, view.toMs)
      if (ticket !== loading) return
      chart?.destroy()
      chartEl.innerHTML = ''
      chart = new SeriesChart(chartEl, series, `${view.datastream.quantity} (${view.datastream.unit})`)
      ;(window as unknown as { reeflink: unknown }).reeflink = { chart: chart.plot, datastream: view.datastream.id }
      chartEl.dataset.points = String(series.t.length)
    } catch (e) {
      chartEl.textContent = `Could not load the series: ${(e as Error).message}`
    } finally {
      chartEl.classList.remove('loading')
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const from = Date.parse(`${form.from.value}T00:00:00Z`)
    const to = Date.parse(`${form.to.value}T00:00:00Z`) + DAY
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) Object.assign(view, { fromMs: from, toMs: to })
    void show()
  })
  form.datastream.addEventListener('change', () => {
    view.datastream = s.datastreams.find((d) => d.id === Number(form.datastream.value)) ?? view.datastream
    void show()
  })
  form.querySelectorAll<HTMLButtonElement>('[data-preset]').forEach((b) =>
    b.addEventListener('click', () => {
      const span = PRESETS[Number(b.dataset.preset)]![1]
      view.toMs = dataEnd(s)
      view.fromMs = span === null ? dataStart(s) : view.toMs - span
      void show()
    }),
  )

  // Latest readings: the last sample of each datastream.
  for (const d of s.datastreams) {
    if (d.endMs === null) continue
    void loadSeries(d.id, d.endMs, d.endMs + 1).then((r) => {
      const i = r.t.length - 1
      if (i >= 0) setLatest(root, d, r.t[i]! * 1000, r.v[i] ?? null, r.q[i]!)
    })
  }
  void show()

  const stop = connectLive(`?station=${encodeURIComponent(s.code)}`, (m: LiveMessage) => {
    const d = s.datastreams.find((x) => x.id === m.datastream)
    if (!d || !m.observations.length) return
    const [t, v, q] = m.observations[m.observations.length - 1]!
    if (d.endMs === null || t >= d.endMs) {
      d.endMs = t
      setLatest(root, d, t, v, q)
    }
    if (chart && m.datastream === view.datastream.id) {
      const added = chart.append(m.observations)
      if (added) {
        chartEl.dataset.points = String(chart.plot.data[0].length)
        view.toMs = Math.max(view.toMs, t + 1)
      }
    }
  })
  return () => {
    stop()
    chart?.destroy()
  }
}
