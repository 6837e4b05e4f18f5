// The network at a glance: the map and a list of the stations with their quantities.
import type { Station } from './api.js'
import { h, utc } from './format.js'
import { stationMap } from './station-map.js'

export function renderHome(root: HTMLElement, stations: Station[]): void {
  const items = stations
    .map((s) => {
      const end = Math.max(...s.datastreams.map((d) => d.endMs ?? -Infinity))
      return `<li><a href="#/station/${encodeURIComponent(s.code)}"><strong>${h(s.code)}</strong> ${h(s.name)}</a>
        <span class="muted">${s.datastreams.map((d) => h(d.quantity)).join(' · ')}${Number.isFinite(end) ? ` · last data ${utc(end)}` : ' · no data yet'}</span></li>`
    })
    .join('')
  root.innerHTML = `<h1>Stations</h1>
    <div class="home"><figure class="map-frame">${stationMap(stations)}
      <figcaption class="muted">Coastline simplified; positions WGS84.</figcaption></figure>
    <ul class="stations">${items || '<li>No stations provisioned yet.</li>'}</ul></div>`
}
