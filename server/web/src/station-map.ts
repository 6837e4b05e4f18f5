// Stations on an SVG map: an equirectangular projection with longitude scaled by cos(latitude)
// (true shape at this scale), the bundled coastline and a 1° graticule. No tiles, no network.
import { NEW_CALEDONIA } from './coastline.js'
import type { Station } from './api.js'
import { h } from './format.js'

const WIDTH = 640
const HEIGHT = 420

interface Box {
  west: number
  east: number
  south: number
  north: number
}

/** The stations' bounding box, at least the main island's, with a margin. */
function boxOf(stations: Station[]): Box {
  const lons = stations.map((s) => s.longitude)
  const lats = stations.map((s) => s.latitude)
  const near = lons.every((l) => l > 160 && l < 170) && lats.every((l) => l > -25 && l < -17)
  const b = near ? { west: 163.8, east: 168.3, south: -22.9, north: -19.9 } : { west: Infinity, east: -Infinity, south: Infinity, north: -Infinity }
  for (const s of stations) {
    b.west = Math.min(b.west, s.longitude - 0.2)
    b.east = Math.max(b.east, s.longitude + 0.2)
    b.south = Math.min(b.south, s.latitude - 0.2)
    b.north = Math.max(b.north, s.latitude + 0.2)
  }
  return b
}

export function stationMap(stations: Station[]): string {
  const b = boxOf(stations)
  const k = Math.cos((((b.north + b.south) / 2) * Math.PI) / 180)
  const scale = Math.min(WIDTH / ((b.east - b.west) * k), HEIGHT / (b.north - b.south))
  const ox = (WIDTH - (b.east - b.west) * k * scale) / 2
  const oy = (HEIGHT - (b.north - b.south) * scale) / 2
  const x = (lon: number) => ox + (lon - b.west) * k * scale
  const y = (lat: number) => oy + (b.north - lat) * scale
  const f = (n: number) => n.toFixed(1)

  const grid: string[] = []
  const labels: string[] = []
  for (let lon = Math.ceil(b.west); lon <= b.east; lon++) {
    grid.push(`M${f(x(lon))} 0V${HEIGHT}`)
    labels.push(`<text x="${f(x(lon) + 3)}" y="${HEIGHT - 4}">${lon}°E</text>`)
  }
  for (let lat = Math.ceil(b.south); lat <= b.north; lat++) {
    grid.push(`M0 ${f(y(lat))}H${WIDTH}`)
    labels.push(`<text x="3" y="${f(y(lat) - 3)}">${-lat}°S</text>`)
  }
  const land = NEW_CALEDONIA.map((p) => `<path class="land" d="M${p.ring.map(([lon, lat]) => `${f(x(lon))} ${f(y(lat))}`).join('L')}Z"><title>${h(p.name)}</title></path>`)
  const points = stations.map(
    (s) =>
      `<a href="#/station/${encodeURIComponent(s.code)}" class="station" data-code="${h(s.code)}">` +
      `<circle cx="${f(x(s.longitude))}" cy="${f(y(s.latitude))}" r="7"/>` +
      `<text x="${f(x(s.longitude) + 10)}" y="${f(y(s.latitude) + 4)}">${h(s.code)}</text>` +
      `<title>${h(s.name)}</title></a>`,
  )
  return (
    `<svg class="map" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Map of the stations">` +
    `<rect class="sea" width="${WIDTH}" height="${HEIGHT}"/>` +
    `<path class="graticule" d="${grid.join('')}"/>${land.join('')}` +
    `<g class="graticule-labels">${labels.join('')}</g>${points.join('')}</svg>`
  )
}
