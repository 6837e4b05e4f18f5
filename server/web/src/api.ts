// What the portal reads: stations from the standard SensorThings API (/v1.1), series as compact
// columns from /api/series, and the download / chart URLs of the export plugin.

export interface Datastream {
  id: number
  name: string
  quantity: string
  unit: string
  /** Last phenomenon time, epoch ms (null: no data yet). */
  endMs: number | null
  startMs: number | null
}

export interface Station {
  id: number
  code: string
  name: string
  description: string
  latitude: number
  longitude: number
  depthM: number | null
  network: string | null
  citation: string | null
  doi: string | null
  license: string | null
  datastreams: Datastream[]
}

export interface Series {
  id: number
  unit: string
  /** Epoch seconds (uPlot's x unit). */
  t: number[]
  v: (number | null)[]
  /** OceanSITES QC flags (reference table 2). */
  q: number[]
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) {
    let reason = res.statusText
    try {
      reason = ((await res.json()) as { error?: { message?: string } }).error?.message ?? reason
    } catch {
      /* not JSON: keep the status text */
    }
    throw new Error(`${url}: ${res.status} ${reason}`)
  }
  return (await res.json()) as T
}

/** "start/end" ISO interval of SensorThings → epoch ms of each end. */
function interval(text: unknown): { startMs: number | null; endMs: number | null } {
  if (typeof text !== 'string') return { startMs: null, endMs: null }
  const [a, b] = text.split('/')
  const s = Date.parse(a ?? '')
  const e = Date.parse(b ?? a ?? '')
  return { startMs: Number.isFinite(s) ? s : null, endMs: Number.isFinite(e) ? e : null }
}

interface StaThing {
  '@iot.id': number
  name: string
  description: string
  properties: Record<string, unknown> | null
  Locations?: { location: { type: string; coordinates: number[] } }[]
  Datastreams?: { '@iot.id': number; name: string; unitOfMeasurement: { symbol?: string }; phenomenonTime?: string; properties: Record<string, unknown> | null }[]
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

export async function loadStations(): Promise<Station[]> {
  const body = await getJson<{ value: StaThing[] }>('/v1.1/Things?$expand=Locations,Datastreams&$top=1000')
  const stations: Station[] = []
  for (const t of body.value) {
    const point = t.Locations?.find((l) => l.location?.type === 'Point')?.location.coordinates
    if (!point) continue
    const p = t.properties ?? {}
    stations.push({
      id: t['@iot.id'],
      code: str(p.station_code) ?? `thing-${t['@iot.id']}`,
      name: t.name,
      description: t.description,
      longitude: point[0]!,
      latitude: point[1]!,
      depthM: typeof p.depth_m === 'number' ? p.depth_m : null,
      network: str(p.network_name),
      citation: str(p.citation),
      doi: str(p.doi),
      license: str(p.license),
      datastreams: (t.Datastreams ?? []).map((d) => ({
        id: d['@iot.id'],
        name: d.name,
        quantity: str(d.properties?.quantity) ?? d.name,
        unit: d.unitOfMeasurement?.symbol ?? '',
        ...interval(d.phenomenonTime),
      })),
    })
  }
  return stations
}

export function loadSeries(id: number, fromMs: number, toMs: number): Promise<Series> {
  return getJson<Series>(`/api/series/${id}.json?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`)
}

function range(fromMs: number, toMs: number): string {
  return `from=${encodeURIComponent(new Date(fromMs).toISOString())}&to=${encodeURIComponent(new Date(toMs).toISOString())}`
}

export const links = {
  datastreamCsv: (id: number, f: number, t: number) => `/api/download/datastreams/${id}.csv?${range(f, t)}`,
  datastreamNetcdf: (id: number, f: number, t: number) => `/api/download/datastreams/${id}.nc?${range(f, t)}`,
  stationCsv: (code: string, f: number, t: number) => `/api/download/stations/${encodeURIComponent(code)}.csv?${range(f, t)}`,
  stationNetcdf: (code: string, f: number, t: number) => `/api/download/stations/${encodeURIComponent(code)}.nc?${range(f, t)}`,
  chart: (id: number, f: number, t: number, ext: 'png' | 'svg') => `/api/chart/${id}.${ext}?${range(f, t)}&width=1000&height=400`,
}
