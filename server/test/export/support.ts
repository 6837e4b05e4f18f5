// A provisioned temp store filled through the real ingest pipeline with a short CTD series
// (10-minute samples, one temperature spike), and a fastify app with the export plugin.
import Fastify, { type FastifyInstance } from 'fastify'
import { EntityEvents } from '../../src/events.js'
import { exportPlugin } from '../../src/export/index.js'
import type { AppUplink } from '../../src/ingest/types.js'
import { IngestService } from '../../src/pipeline/ingest-service.js'
import { FleetRegistry } from '../../src/pipeline/registry.js'
import { CTD_DEVICE, ctdRawSamples, measurementPayload, provisionedStore, type PhysicalSample, type TestStore } from '../support/fleet.js'

export const START = Date.parse('2026-03-01T00:00:00Z')
export const STEP_MS = 600_000
const PER_FRAME = 12

export interface FilledStore {
  store: TestStore
  ingest: IngestService
  events: EntityEvents
  /** Sample times in order and the physical values sent. */
  times: number[]
  samples: PhysicalSample[]
  /** Index of the temperature spike in times. */
  spikeIndex: number
  nextFCnt: number
  close(): Promise<void>
}

export function physicalAt(i: number, spikeIndex: number): Omit<PhysicalSample, 'ageS'> {
  const day = (i * STEP_MS) / 86_400_000
  return {
    temperature_degC: i === spikeIndex ? 31.5 : 25 + 0.6 * Math.sin(2 * Math.PI * day) + 0.002 * i,
    pressure_dbar: 8.3 + 0.4 * Math.sin(2 * Math.PI * day * 1.93),
    conductivity_S_m: 5.3 + 0.02 * Math.sin(2 * Math.PI * day),
  }
}

/** One uplink carrying samples [first, first+count): the frame is received at the last sample's time. */
export function ctdUplink(store: TestStore, first: number, count: number, fCnt: number, spikeIndex: number): AppUplink {
  const receivedAt = START + (first + count - 1) * STEP_MS
  const physical: PhysicalSample[] = []
  for (let i = first; i < first + count; i++) physical.push({ ageS: (first + count - 1 - i) * (STEP_MS / 1000), ...physicalAt(i, spikeIndex) })
  return {
    kind: 'app',
    source: 'chirpstack-application-mqtt',
    devEui: CTD_DEVICE,
    fPort: 1,
    fCnt,
    payload: measurementPayload(ctdRawSamples(store, physical, receivedAt)),
    receivedAtMs: receivedAt,
    networkTime: new Date(receivedAt).toISOString(),
    receptions: [{ gatewayId: 'aa555a0000000001', rssiDbm: -110, snrDb: 4.5, time: new Date(receivedAt).toISOString() }],
  }
}

/** `frames` uplinks of 12 samples each (2 hours of data per frame). */
export async function filledStore(frames = 12, spikeIndex = 40): Promise<FilledStore> {
  const store = provisionedStore()
  const events = new EntityEvents()
  const ingest = new IngestService(store.db, new FleetRegistry(store.db), { events })
  const uplinks: AppUplink[] = []
  for (let f = 0; f < frames; f++) uplinks.push(ctdUplink(store, f * PER_FRAME, PER_FRAME, f + 1, spikeIndex))
  await ingest.submit(uplinks)
  const n = frames * PER_FRAME
  const times = Array.from({ length: n }, (_, i) => START + i * STEP_MS)
  const samples = times.map((_, i) => ({ ageS: 0, ...physicalAt(i, spikeIndex) }))
  return {
    store,
    ingest,
    events,
    times,
    samples,
    spikeIndex,
    nextFCnt: frames + 1,
    async close() {
      await ingest.close()
      store.cleanup()
    },
  }
}

export async function exportApp(filled: FilledStore): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(exportPlugin, { db: filled.store.db, events: filled.events, live: { heartbeatMs: 60_000 } })
  await app.ready()
  return app
}

export function datastreamId(filled: FilledStore, quantity: string, station = 'MHXCOK01'): number {
  const row = filled.store.db
    .prepare('SELECT d.id FROM datastreams d JOIN things t ON t.id = d.thing_id WHERE t.station_code = ? AND d.quantity = ?')
    .get(station, quantity) as { id: number } | undefined
  if (!row) throw new Error(`no ${quantity} datastream at ${station}`)
  return row.id
}

export interface StoredObservation {
  t: number
  v: number | null
  raw: number | null
  qc: number | null
}

export function storedObservations(filled: FilledStore, id: number): StoredObservation[] {
  return filled.store.db.prepare('SELECT phenomenon_time AS t, result AS v, raw, qc FROM observations WHERE datastream_id = ? ORDER BY phenomenon_time').all(id) as StoredObservation[]
}
