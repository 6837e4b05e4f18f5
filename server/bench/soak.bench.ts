// Soak bench: `reeflink serve` in its own process under 100 virtual ABP buoys sending Semtech UDP
// uplinks (6 temperature samples each) through 10 gateways as fast as their PUSH_ACKs come back,
// for SOAK_SECONDS (default 60), or at a steady SOAK_RATE (uplinks/s over the fleet). Reported: throughput, p99 ack latency over the first and the
// last fifth of the run, the server's RSS after warm-up, at half time and at the end,
// and the time `reeflink serve` takes from spawn to a ready /health after a SIGKILL.
import { encodeMeasurements } from '@reeflink/codecs'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { applyManifest } from '../src/provision/apply-manifest.js'
import { validateManifest } from '../src/provision/manifest.js'
import { openDatabase } from '../src/store/database.js'
import { buildWithLoraPacket } from '../test/lorawan/lora-packet-frames.js'
import { TestGateway } from '../test/support/semtech-gateway.js'
import { startServeProcess } from '../test/support/serve-process.js'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { processMemoryMb, type BenchRow } from './support.js'

const BIN = new URL('../bin/reeflink.mjs', import.meta.url).pathname

const BUOYS = 100
const GATEWAYS = 10
const T = Date.parse('2026-01-01T00:00:00Z')

export interface Buoy {
  devAddr: Buffer
  nwkSKey: Buffer
  appSKey: Buffer
}

export function fleet(dir: string): { path: string; buoys: Buoy[] } {
  const buoys: Buoy[] = Array.from({ length: BUOYS }, (_, i) => ({ devAddr: Buffer.from((0x26100000 + i).toString(16), 'hex'), nwkSKey: randomBytes(16), appSKey: randomBytes(16) }))
  const doc = {
    network: { name: 'soak', producer: 'bench', license: 'CC0-1.0' },
    stations: buoys.map((_, i) => ({ code: `SOAK${String(i).padStart(3, '0')}`, name: `soak ${i}`, latitude: -22 + i / 1000, longitude: 166, depthM: 10, qcProfile: 'reef-lagoon' })),
    devices: buoys.map((b, i) => ({
      devEui: `70b3d57ed1${String(i).padStart(6, '0')}`,
      station: `SOAK${String(i).padStart(3, '0')}`,
      abp: { devAddr: b.devAddr.toString('hex'), nwkSKey: b.nwkSKey.toString('hex'), appSKey: b.appSKey.toString('hex') },
      sensors: { temperature: { type: 'SOAK-thermistor', serial: `T-${i}` } },
    })),
  }
  const v = validateManifest(doc)
  if (!v.ok) throw new Error(`soak manifest: ${JSON.stringify(v.problems.slice(0, 3))}`)
  const path = join(dir, 'soak.db')
  const db = openDatabase(path)
  applyManifest(db, v.manifest, v.calibrations, Date.now(), null)
  db.close()
  return { path, buoys }
}

const rssMb = (pid: number) => processMemoryMb(pid, 'VmRSS')

/**
 * Ack latencies, recorded in typed arrays: one object per ack (hundreds of thousands kept to the
 * end) grew the bench's own old generation, and its longer GC pauses showed up as ack latency
 * growing over the run with no server at all (issue #10, docs/operations.md "Soak").
 */
class Latencies {
  private at = new Float64Array(1 << 16)
  private ms = new Float64Array(1 << 16)
  length = 0

  push(at: number, ms: number): void {
    if (this.length === this.at.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2)
        b.set(a)
        return b
      }
      this.at = grow(this.at)
      this.ms = grow(this.ms)
    }
    this.at[this.length] = at
    this.ms[this.length++] = ms
  }

  /** Latencies of the acks whose uplink was sent in [from, to) ms after the start. */
  between(from: number, to: number): number[] {
    const out: number[] = []
    for (let i = 0; i < this.length; i++) if (this.at[i]! >= from && this.at[i]! < to) out.push(this.ms[i]!)
    return out
  }
}

function p99(xs: number[]): number {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]
}

/** Spawn → 'store open' (module loading), → 'reeflink is serving', → first /health 200, and → the
 * first PUSH_ACK of an uplink (a gateway sends one every 10 ms from the moment the UDP port is
 * logged), in ms. `env` adds variables (REEFLINK_NO_BUNDLE=1: the tsx path). */
export async function recovery(path: string, config: string, buoy?: Buoy, env: Record<string, string> = {}, bin = BIN): Promise<{ storeOpen: number; serving: number; ready: number; firstAck: number }> {
  const t0 = Date.now()
  const child = spawn(process.execPath, [bin, 'serve', '--database', path, '--config', config, '--http-port', '0', '--udp-port', '0', '--no-mqtt', '--log-level', 'info'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REEFLINK_LOG_LEVEL: '', ...env },
  })
  const exited = new Promise((r) => child.on('exit', r))
  let firstAck: Promise<number> = Promise.resolve(NaN)
  let gateway: TestGateway | null = null
  try {
    const marks = await new Promise<{ storeOpen: number; serving: number; http: string }>((resolve, reject) => {
      let storeOpen = NaN
      const timer = setTimeout(() => reject(new Error('reeflink serve did not start')), 30000)
      createInterface({ input: child.stderr! }).on('line', (line) => {
        let e: { msg?: string; time?: number; http?: string; port?: number }
        try {
          e = JSON.parse(line)
        } catch {
          return
        }
        if (e.msg === 'store open') storeOpen = e.time! - t0
        if (e.msg === 'Semtech UDP packet forwarder listener' && buoy) {
          const gw = (gateway = new TestGateway('aa555a00000001ff', e.port!))
          firstAck = (async () => {
            // A new frame counter per restart and try (the store acks duplicates too).
            for (let fCnt = 5_000_000 + (Date.now() % 1_000_000) * 10; Date.now() - t0 < 30000; fCnt++) {
              const phy = buildWithLoraPacket({ devAddr: buoy.devAddr, fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload: Buffer.from([0]), nwkSKey: buoy.nwkSKey, appSKey: buoy.appSKey })
              if (await gw.push([{ phy, time: new Date().toISOString() }], 10)) return Date.now() - t0
            }
            return NaN
          })()
        }
        if (e.msg === 'reeflink is serving') {
          clearTimeout(timer)
          resolve({ storeOpen, serving: e.time! - t0, http: e.http! })
        }
      })
    })
    for (let i = 0; i < 500; i++) {
      if (await fetch(`${marks.http}/health`).then((r) => r.status === 200).catch(() => false)) break
      await new Promise((r) => setTimeout(r, 5))
    }
    const ready = Date.now() - t0
    return { storeOpen: marks.storeOpen, serving: marks.serving, ready, firstAck: await firstAck }
  } finally {
    ;(gateway as TestGateway | null)?.close()
    child.kill('SIGKILL')
    await exited
  }
}

export async function run(): Promise<BenchRow[]> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 60)
  const rate = Number(process.env.SOAK_RATE ?? 0)
  const periodMs = rate > 0 ? (BUOYS * 1000) / rate : 0
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-soak-'))
  try {
    const { path, buoys } = fleet(dir)
    // The bench measures the server, not the per-gateway limiter (tested in test/security).
    const config = join(dir, 'soak.json')
    writeFileSync(config, JSON.stringify({ udp: { maxDatagramsPerSecond: 100000, maxInFlightPerGateway: 100000 }, http: { rateLimit: { requestsPerWindow: 0 } } }))
    const server = await startServeProcess(path, ['--config', config])
    const gateways = Array.from({ length: GATEWAYS }, (_, g) => new TestGateway(`aa555a00000001${String(g).padStart(2, '0')}`, server.ports.udp))
    const enc = encodeMeasurements(Array.from({ length: 6 }, (_, k) => ({ ageS: (5 - k) * 600, temperatureRaw: 480000 + k })), 242)
    if (!enc.ok) throw new Error('encode')
    const payload = Buffer.from(enc.value.bytes)
    const start = performance.now()
    const end = start + seconds * 1000
    const latencies = new Latencies()
    let lost = 0
    let rssStart = 0
    let rssMid = 0
    const warm = setTimeout(() => (rssStart = rssMb(server.child.pid!)), Math.min(5000, seconds * 200))
    const mid = setTimeout(() => (rssMid = rssMb(server.child.pid!)), seconds * 500)
    // Progress on stderr (long soaks run for an hour): the last window's rate, p99 and the RSS.
    const everyMs = Number(process.env.SOAK_PROGRESS_S ?? Math.max(10, Math.round(seconds / 20))) * 1000
    let windowStart = 0
    const progress = setInterval(() => {
      // Up to 5 s ago (the ack timeout): every uplink sent before that has its ack or is lost.
      const now = Math.max(windowStart, performance.now() - start - 5000)
      const window = latencies.between(windowStart, now)
      process.stderr.write(
        `soak ${Math.round(now / 1000)}/${seconds} s: ${Math.round(window.length / ((now - windowStart) / 1000))} acked/s, ` +
          `p99 ${p99(window).toFixed(1)} ms, ${lost} lost, server RSS ${Math.round(rssMb(server.child.pid!))} MB\n`,
      )
      windowStart = now
    }, everyMs)
    await Promise.all(
      buoys.map(async (b, i) => {
        const gw = gateways[i % GATEWAYS]
        for (let fCnt = 1; performance.now() < end; fCnt++) {
          // SOAK_RATE: a steady offered load (uplinks/s over the fleet) instead of as fast as acks come.
          if (periodMs > 0) {
            const wait = start + (fCnt - 1) * periodMs + (i * periodMs) / buoys.length - performance.now()
            if (wait > 0) await new Promise((res) => setTimeout(res, wait))
          }
          const phy = buildWithLoraPacket({ devAddr: b.devAddr, fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: b.nwkSKey, appSKey: b.appSKey })
          const t = performance.now()
          if (await gw.push([{ phy, time: new Date(T + fCnt * 3600_000).toISOString() }], 5000)) latencies.push(t - start, performance.now() - t)
          else lost++
        }
      }),
    )
    clearTimeout(warm)
    clearTimeout(mid)
    clearInterval(progress)
    const elapsed = (performance.now() - start) / 1000
    const rssEnd = rssMb(server.child.pid!)
    rssStart ||= rssEnd
    rssMid ||= rssEnd
    const fifth = (seconds * 1000) / 5
    const first = p99(latencies.between(0, fifth))
    const last = p99(latencies.between(seconds * 1000 - fifth, Infinity))
    for (const g of gateways) g.close()
    server.child.kill('SIGKILL')
    await server.exited
    // Restarts after a SIGKILL of the loaded server (its WAL as the kill left it), median of 3.
    const runs = [await recovery(path, config, buoys[0]), await recovery(path, config, buoys[0]), await recovery(path, config, buoys[0])]
    const median = (k: 'storeOpen' | 'serving' | 'ready' | 'firstAck') => runs.map((r) => r[k]).sort((x, y) => x - y)[1]
    return [
      { name: `soak: ${BUOYS} buoys, ${GATEWAYS} gateways, ${seconds} s — acked uplinks`, value: Math.round(latencies.length / elapsed), unit: 'uplinks/s' },
      { name: 'soak: uplinks not acked within 5 s', value: lost, unit: 'uplinks' },
      { name: 'soak: p99 ack latency, first fifth', value: Number(first.toFixed(2)), unit: 'ms' },
      { name: 'soak: p99 ack latency, last fifth (ratio to first)', value: Number(last.toFixed(2)), unit: 'ms', baseline: Number(first.toFixed(2)), ratio: Number((last / first).toFixed(3)) },
      { name: 'soak: server RSS after warm-up', value: Math.round(rssStart), unit: 'MB' },
      { name: 'soak: server RSS at half time (ratio to warm-up)', value: Math.round(rssMid), unit: 'MB', baseline: Math.round(rssStart), ratio: Number((rssMid / rssStart).toFixed(3)) },
      // Growth that stops (end ≈ half time) is caches filling (SQLite's 64 MiB page cache, V8 heap); growth that goes on is a leak.
      { name: 'soak: server RSS at the end (ratio to half time)', value: Math.round(rssEnd), unit: 'MB', baseline: Math.round(rssMid), ratio: Number((rssEnd / rssMid).toFixed(3)) },
      { name: 'recovery after SIGKILL: spawn to /health ready (median of 3)', value: Math.round(median('ready')), unit: 'ms' },
      { name: 'recovery after SIGKILL: of which module loading (spawn to store open)', value: Math.round(median('storeOpen')), unit: 'ms' },
      { name: 'recovery after SIGKILL: store open to /health ready', value: Math.round(median('ready') - median('storeOpen')), unit: 'ms' },
      { name: 'recovery after SIGKILL: spawn to first PUSH_ACK (median of 3)', value: Math.round(median('firstAck')), unit: 'ms' },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
