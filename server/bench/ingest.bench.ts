// End-to-end ingest bench: `reeflink serve` in its own process, a gateway on loopback sending
// Semtech UDP PUSH_DATA of 6-sample temperature + pressure + conductivity uplinks, each waited
// for until its PUSH_ACK (so it counts only durable data). Baseline: the raw better-sqlite3
// insert rate of the same rows (the uplinks and observations the server stored, read back and
// inserted one prepared INSERT per row, in transactions of the server's mean batch size) into
// the same schema, in the same run. The CPU the bench's own gateway client used is reported
// too: it shares the machine's cores with the server.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Db } from '../src/store/database.js'
import { buildWithLoraPacket } from '../test/lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore } from '../test/support/fleet.js'
import { TestGateway } from '../test/support/semtech-gateway.js'
import { startServeProcess } from '../test/support/serve-process.js'
import { processCpuS as cpuSeconds, processMemoryMb, type BenchRow } from './support.js'

const UPLINKS = 20_000
/** PUSH_DATA datagrams in flight, each with RXPK_PER_PUSH frames (a concentrator delivers several at once under load). */
const IN_FLIGHT = 128
const RXPK_PER_PUSH = 4
const T = Date.parse('2026-01-01T00:00:00Z')

/**
 * `reeflink serve` flags for a throughput bench: the per-gateway UDP limits (a protection
 * against a flooding forwarder, 1 000 datagrams/s by default) lifted, so the bench measures the
 * pipeline and not the limit. Writes the config file into `dir`.
 */
export function benchServeArgs(dir: string): string[] {
  const file = join(dir, 'bench-config.json')
  writeFileSync(file, JSON.stringify({ udp: { maxDatagramsPerSecond: 1_000_000, maxInFlightPerGateway: 100_000 } }))
  return ['--config', file]
}

/** Peak RSS of a process, MB. */
const rssMb = (pid: number) => processMemoryMb(pid, 'VmHWM')

/** Mean frames per committed batch, from the server's /metrics (reeflink_ingest_batch_frames). */
async function meanBatchFrames(httpPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()
  const sum = Number(/^reeflink_ingest_batch_frames_sum (\S+)/m.exec(text)?.[1])
  const count = Number(/^reeflink_ingest_batch_frames_count (\S+)/m.exec(text)?.[1])
  return count > 0 ? sum / count : NaN
}

const UPLINK_COLUMNS = 'id, device_id, session, fcnt, f_port, received_at, source, phy_payload, payload, receptions, dedup_id, decoded, codec_error'
const OBSERVATION_COLUMNS = 'id, datastream_id, phenomenon_time, result, raw, qc, age_s, calibration_id, uplink_id'

/**
 * Raw insert rate of the rows the server stored (read back from its store): into a freshly
 * provisioned store (same schema, indexes and pragmas), one prepared INSERT per row, each
 * uplink followed by its observations, `uplinksPerBatch` uplinks per transaction.
 */
function rawInsertRate(served: Db, uplinksPerBatch: number): number {
  const uplinks = served.prepare(`SELECT ${UPLINK_COLUMNS} FROM uplinks ORDER BY id`).raw().all() as unknown[][]
  const observations = served.prepare(`SELECT ${OBSERVATION_COLUMNS} FROM observations ORDER BY uplink_id, id`).raw().all() as unknown[][]
  const store = provisionedStore()
  const db = store.db
  const insUplink = db.prepare(`INSERT INTO uplinks (${UPLINK_COLUMNS}) VALUES (${UPLINK_COLUMNS.split(',').map(() => '?').join(', ')})`)
  const insObs = db.prepare(`INSERT INTO observations (${OBSERVATION_COLUMNS}) VALUES (${OBSERVATION_COLUMNS.split(',').map(() => '?').join(', ')})`)
  // Without the server's figure: about 10 000 rows per transaction.
  const perBatch = Number.isFinite(uplinksPerBatch) ? Math.max(1, Math.round(uplinksPerBatch)) : 320
  const start = performance.now()
  let o = 0
  for (let u = 0; u < uplinks.length; u += perBatch) {
    db.transaction(() => {
      for (let k = u; k < Math.min(uplinks.length, u + perBatch); k++) {
        const uplink = uplinks[k]!
        insUplink.run(uplink)
        while (o < observations.length && observations[o]![8] === uplink[0]) insObs.run(observations[o++]!)
      }
    })()
  }
  const rate = (uplinks.length + o) / ((performance.now() - start) / 1000)
  store.cleanup()
  if (o !== observations.length) throw new Error(`bench baseline: ${observations.length - o} observations without their uplink`)
  return rate
}

export async function run(): Promise<BenchRow[]> {
  const store = provisionedStore()
  const physical = Array.from({ length: 6 }, (_, k) => ({ ageS: (5 - k) * 600, temperature_degC: 25 + k * 0.01, pressure_dbar: 8.3, conductivity_S_m: 5.3 }))
  const payload = measurementPayload(ctdRawSamples(store, physical, T))
  store.db.close()
  const frames = Array.from({ length: UPLINKS }, (_, i) =>
    buildWithLoraPacket({
      devAddr: Buffer.from('26011001', 'hex'),
      fCnt: i + 1,
      confirmed: false,
      adr: false,
      adrAckReq: false,
      ack: false,
      fOpts: Buffer.alloc(0),
      fPort: 1,
      payload,
      nwkSKey: Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'),
      appSKey: Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'),
    }),
  )
  const server = await startServeProcess(store.path, benchServeArgs(store.dir))
  const gateway = new TestGateway('aa555a0000000001', server.ports.udp)
  let next = 0
  let acked = 0
  const serverCpu0 = cpuSeconds(server.child.pid!)
  const clientCpu0 = process.cpuUsage()
  const start = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < UPLINKS) {
        const i = next
        next += RXPK_PER_PUSH
        const batch = frames.slice(i, i + RXPK_PER_PUSH).map((phy, k) => ({ phy, time: new Date(T + (i + k) * 3600_000).toISOString() }))
        if (await gateway.push(batch, 10_000)) acked += batch.length
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  const clientCpu = process.cpuUsage(clientCpu0)
  const serverCores = (cpuSeconds(server.child.pid!) - serverCpu0) / seconds
  const clientCores = (clientCpu.user + clientCpu.system) / 1e6 / seconds
  const rss = rssMb(server.child.pid!)
  const batchFrames = await meanBatchFrames(server.ports.http)
  gateway.close()
  server.child.kill('SIGTERM')
  await server.exited
  const db = openDatabase(store.path, { readonly: true })
  const observations = (db.prepare('SELECT count(*) AS n FROM observations').get() as { n: number }).n
  const uplinks = (db.prepare('SELECT count(*) AS n FROM uplinks').get() as { n: number }).n
  const rawRowsPerSecond = uplinks === acked ? rawInsertRate(db, batchFrames) : NaN
  db.close()
  store.cleanup()
  rmSync(store.dir, { recursive: true, force: true })
  if (uplinks !== acked) throw new Error(`bench integrity: ${acked} acked but ${uplinks} stored`)
  const ourRowsPerSecond = (observations + uplinks) / seconds
  return [
    { name: 'UDP ingest, 6-sample T+P+C uplinks acknowledged', value: acked / seconds, unit: 'uplinks/s' },
    { name: 'UDP ingest, observations stored', value: observations / seconds, unit: 'observations/s' },
    { name: 'UDP ingest rows vs raw better-sqlite3 insert of the same rows', value: ourRowsPerSecond, unit: 'rows/s', baseline: rawRowsPerSecond, ratio: ourRowsPerSecond / rawRowsPerSecond },
    { name: 'UDP ingest, server peak RSS', value: rss, unit: 'MB' },
    { name: 'UDP ingest, server CPU (1 = one core busy)', value: serverCores, unit: 'cores' },
    { name: 'UDP ingest, server CPU time per uplink', value: (serverCores * seconds * 1e6) / acked, unit: 'µs' },
    { name: 'UDP ingest, bench gateway client CPU', value: clientCores, unit: 'cores' },
    { name: 'UDP ingest, frames per committed batch (mean)', value: batchFrames, unit: 'frames' },
  ]
}
