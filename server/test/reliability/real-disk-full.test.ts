// The real thing, where the machine allows it (root, tmpfs mounts): the store on a 2 MiB tmpfs
// fills up (ENOSPC → SQLITE_FULL), then the filesystem is given room again (remount, size=64m).
// (A read-only remount is refused by the kernel while the store's files are open for writing, so
// read-only is not covered here.) While it cannot write: no PUSH_ACK, /health 503. Afterwards: the
// gateway's resends are stored, each once and whole, and integrity_check is ok. Skipped without
// root or tmpfs (test/reliability/disk-full.test.ts covers SQLITE_FULL everywhere).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest } from '../../src/provision/manifest.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { openDatabase } from '../../src/store/database.js'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { EXAMPLE_MANIFEST, measurementPayload } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'

const NWK = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const APP = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const T = Date.parse('2026-01-01T00:00:00Z')

const mountPoint = mkdtempSync(join(tmpdir(), 'reeflink-tmpfs-'))
let mounted = false
if (process.getuid?.() === 0) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' })
    mounted = true
  } catch {
    mounted = false
  }
}
const remount = (opts: string) => execFileSync('mount', ['-o', `remount,${opts}`, mountPoint], { stdio: 'ignore' })

let server: RunningServer | null = null
const path = join(mountPoint, 'store.db')
beforeAll(async () => {
  if (!mounted) return
  const db = openDatabase(path)
  const v = validateManifest(parse(readFileSync(EXAMPLE_MANIFEST, 'utf8')))
  if (!v.ok) throw new Error('manifest')
  applyManifest(db, v.manifest, v.calibrations, Date.now(), null)
  db.close()
  server = await startServer(loadConfig({ env: {}, flags: { database: path, http: { port: 0 }, mqtt: { embedded: false }, udp: { port: 0 }, log: { level: 'silent' } } }), pino({ level: 'silent' }))
})
afterAll(async () => {
  await server?.close()
  if (mounted) execFileSync('umount', [mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
})

describe.skipIf(!mounted)('a full and a read-only filesystem under the store', () => {
  it('acks nothing it cannot store, says so on /health, and resumes when writable again', async () => {
    const s = server!
    const samples = Array.from({ length: 17 }, (_, k) => ({ ageS: (16 - k) * 600, temperatureRaw: 121000 + k, pressureRaw: 5098, conductivityRaw: 132112 }))
    const payload = measurementPayload(samples)
    const frame = (fCnt: number) =>
      buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: NWK, appSKey: APP })
    const push = (gw: TestGateway, n: number) => gw.push([{ phy: frame(n), time: new Date(T + n * 3600_000).toISOString() }], 2000)
    const gw = new TestGateway('aa555a0000000001', s.ports.udp!)
    const acked: number[] = []
    let refused = 0
    for (let n = 1; n < 3000 && !refused; n++) {
      if (await push(gw, n)) acked.push(n)
      else refused = n
    }
    expect(refused).toBeGreaterThan(0) // the 2 MiB filled up
    expect(acked.length).toBeGreaterThan(0)
    let health = await fetch(`${s.urls.http}/health`)
    expect(health.status).toBe(503)
    expect(((await health.json()) as { ingest: { error: string } }).ingest.error).toMatch(/full|disk/i)

    // Still full: the gateway's resend is still refused.
    expect(await push(gw, refused)).toBe(false)

    // Room again: the resend is stored and acknowledged, and /health recovers.
    remount('size=64m')
    expect(await push(gw, refused)).toBe(true)
    expect(await push(gw, refused + 1)).toBe(true)
    health = await fetch(`${s.urls.http}/health`)
    expect(health.status).toBe(200)
    gw.close()

    const db = openDatabase(path, { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const stored = (db.prepare('SELECT fcnt FROM uplinks ORDER BY fcnt').all() as { fcnt: number }[]).map((r) => r.fcnt)
      expect(stored).toEqual([...acked, refused, refused + 1])
      // Each stored uplink whole: the same number of observations for every one (same payload).
      const counts = db.prepare('SELECT DISTINCT n FROM (SELECT count(*) AS n FROM observations GROUP BY uplink_id)').all() as { n: number }[]
      expect(counts).toHaveLength(1)
      expect(counts[0].n).toBeGreaterThanOrEqual(17)
      expect((db.prepare('SELECT count(DISTINCT uplink_id) AS n FROM observations').get() as { n: number }).n).toBe(stored.length)
    } finally {
      db.close()
    }
  }, 120_000)
})
