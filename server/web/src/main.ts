// The portal: two pages selected by the URL hash (#/ and #/station/<code>), so that the server
// only ever serves index.html and links can be shared.
import { loadStations, type Station } from './api.js'
import { h } from './format.js'
import { renderHome } from './home-page.js'
import { renderStation } from './station-page.js'
import './style.css'

const root = document.getElementById('app')!
let stations: Station[] = []
let leave: () => void = () => {}

function route(): void {
  leave()
  leave = () => {}
  const m = /^#\/station\/(.+)$/.exec(location.hash)
  if (m) {
    const code = decodeURIComponent(m[1]!)
    const s = stations.find((x) => x.code === code)
    if (!s) {
      root.innerHTML = `<p>No station ${h(code)}. <a href="#/">All stations</a></p>`
      return
    }
    document.title = `${s.code} — ${s.name} · reeflink`
    leave = renderStation(root, s)
  } else {
    document.title = 'reeflink — coastal ocean stations'
    renderHome(root, stations)
  }
  window.scrollTo(0, 0)
}

async function start(): Promise<void> {
  try {
    stations = await loadStations()
  } catch (e) {
    root.innerHTML = `<p class="error">Could not load the stations: ${h((e as Error).message)}</p>`
    return
  }
  const networks = [...new Set(stations.map((s) => s.network).filter((n): n is string => n !== null))]
  document.getElementById('network')!.textContent = networks.join(', ')
  window.addEventListener('hashchange', route)
  route()
  document.body.dataset.ready = 'true'
}

void start()
