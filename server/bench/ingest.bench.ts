// End-to-end ingest bench: `reeflink serve` in its own process, a gateway on loopback sending
// Semtech UDP PUSH_DATA of 6-sample temperature + pressure + conductivity uplinks, each waited
// for until its PUSH_ACK (so it counts only durable data). Baseline: the raw better-sqlite3
// insert rate of the same rows (uplink + 30 observations per frame) into the same schema, in
// the same run.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../src/store/database.js'
import { buildWithLoraPacket } from '../test/lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore } from '../test/support/fleet.js'
import { TestGateway } from '../test/support/semtech-gateway.js'
import { startServeProcess } from '../test/support/serve-process.js'

interface BenchRow {
  name: string
  value: number
  unit: string
  baseline?: number
  ratio?: number
}

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

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024
}

/** Raw insert rate of the same rows: batches of 10 000 rows, one transaction each. */
function rawInsertRate(rowsPerUplink: number): number {
  const store = provisionedStore()
  const db = store.db
  const insUplink = db.prepare("INSERT INTO uplinks (device_id, session, fcnt, f_port, received_at, source, payload, receptions) VALUES (1, 0, ?, 1, ?, 'bench', ?, '[]')")
  const insObs = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s, calibration_id, uplink_id) VALUES (?, ?, ?, ?, 0, ?, 1, ?)')
  const payload = Buffer.alloc(40, 7)
  const perBatch = Math.floor(10_000 / (rowsPerUplink + 1))
  const start = performance.now()
  let rows = 0
  for (let u = 0; u < UPLINKS; u += perBatch) {
    db.transaction(() => {
      for (let k = u; k < Math.min(UPLINKS, u + perBatch); k++) {
        const t = T + k * 3600_000
        const id = Number(insUplink.run(k, t, payload).lastInsertRowid)
        for (let s = 0; s < 6; s++) for (let ds = 1; ds <= rowsPerUplink / 6; ds++) insObs.run(ds, t - (5 - s) * 600_000, 25.1 + s, 120000 + s, (5 - s) * 600, id)
        rows += rowsPerUplink + 1
      }
    })()
  }
  const rate = rows / ((performance.now() - start) / 1000)
  store.cleanup()
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
  const rss = rssMb(server.child.pid!)
  gateway.close()
  server.child.kill('SIGTERM')
  await server.exited
  const db = openDatabase(store.path, { readonly: true })
  const observations = (db.prepare('SELECT count(*) AS n FROM observations').get() as { n: number }).n
  const uplinks = (db.prepare('SELECT count(*) AS n FROM uplinks').get() as { n: number }).n
  db.close()
  store.cleanup()
  rmSync(store.dir, { recursive: true, force: true })
  if (uplinks !== acked) throw new Error(`bench integrity: ${acked} acked but ${uplinks} stored`)

  const rawRowsPerSecond = rawInsertRate(observations / uplinks)
  const ourRowsPerSecond = (observations + uplinks) / seconds
  return [
    { name: 'UDP ingest, 6-sample T+P+C uplinks acknowledged', value: acked / seconds, unit: 'uplinks/s' },
    { name: 'UDP ingest, observations stored', value: observations / seconds, unit: 'observations/s' },
    { name: 'UDP ingest rows vs raw better-sqlite3 insert of the same rows', value: ourRowsPerSecond, unit: 'rows/s', baseline: rawRowsPerSecond, ratio: ourRowsPerSecond / rawRowsPerSecond },
    { name: 'UDP ingest, server peak RSS', value: rss, unit: 'MB' },
  ]
}
