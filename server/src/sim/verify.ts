// `reeflink sim --verify`: reads everything back through the SensorThings API and compares it
// with the replay's ledger: per datastream, the largest error against the source (it must stay
// within the codec's quantisation — one raw count — except where faults were injected) and the
// missing samples (they must equal what the faults lost, exactly).
import type { Datastream, ReplayLedger } from '@reeflink/simulator'

const QUANTITY: Record<Datastream, string> = { temperature: 'TEMP', pressure: 'PRES', conductivity: 'CNDC', salinity: 'PSAL' }

export interface DatastreamCheck {
  buoy: string
  station: string
  datastream: Datastream
  /** Samples the replay lost on purpose (faults): they must be absent, and nothing else. */
  lostByDesign: number
  expected: number
  received: number
  missing: number
  unexpected: number
  /** Largest |API value − source value| in units of one raw count, over unfaulted samples. */
  maxErrorCounts: number
  maxError: number
  ok: boolean
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`)
  return res.json()
}

/** All observations of a datastream in [from, to] as time → result, following nextLinks. */
async function observations(api: string, datastreamId: number, fromMs: number, toMs: number): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  const filter = `phenomenonTime ge ${new Date(fromMs).toISOString()} and phenomenonTime le ${new Date(toMs).toISOString()}`
  let url: string | undefined = `${api}/Datastreams(${datastreamId})/Observations?$select=phenomenonTime,result&$orderby=phenomenonTime&$top=100000&$filter=${encodeURIComponent(filter)}`
  while (url) {
    const page: any = await getJson(url)
    for (const o of page.value) out.set(Date.parse(o.phenomenonTime), o.result)
    url = page['@iot.nextLink']
  }
  return out
}

export async function verifyAgainstApi(api: string, ledger: ReplayLedger, stationOf: Map<string, string>): Promise<DatastreamCheck[]> {
  const checks: DatastreamCheck[] = []
  for (const [buoy, station] of stationOf) {
    for (const datastream of Object.keys(QUANTITY) as Datastream[]) {
      const expected = [...ledger.expectedSamples(buoy, datastream)]
      if (expected.length === 0) continue
      const found = await getJson(`${api}/Datastreams?$filter=${encodeURIComponent(`properties/station_code eq '${station}' and properties/quantity eq '${QUANTITY[datastream]}'`)}&$select=id`)
      if (found.value.length === 0) throw new Error(`the API has no ${QUANTITY[datastream]} datastream for station ${station}: was the fleet provisioned (--provision)?`)
      const times = expected.map((s) => s.timeMs)
      const got = await observations(api, found.value[0]['@iot.id'], Math.min(...times), Math.max(...times))
      let missing = 0
      let maxErrorCounts = 0
      let maxError = 0
      for (const s of expected) {
        const v = got.get(s.timeMs)
        if (v === undefined) {
          missing++
          continue
        }
        got.delete(s.timeMs)
        if (s.sensorFaults || s.clamped || !Number.isFinite(s.sourceValue)) continue
        const err = Math.abs(v - s.sourceValue)
        maxError = Math.max(maxError, err)
        if (s.quantum > 0) maxErrorCounts = Math.max(maxErrorCounts, err / s.quantum)
      }
      const fates = ledger.sampleFates(buoy, datastream)
      const lostByDesign = Object.entries(fates).reduce((n, [fate, count]) => (fate === 'delivered' ? n : n + (count ?? 0)), 0)
      checks.push({
        buoy,
        station,
        datastream,
        lostByDesign,
        expected: expected.length,
        received: expected.length - missing,
        missing,
        unexpected: got.size,
        maxErrorCounts,
        maxError,
        // Within one count: half a count of codec-free rounding plus the calibration's own inverse error.
        ok: missing === 0 && got.size === 0 && maxErrorCounts <= 1,
      })
    }
  }
  return checks
}
