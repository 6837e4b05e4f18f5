// Device keys at rest: with REEFLINK_KEY_ENCRYPTION_KEY set, provisioning stores AES-256-GCM blobs
// (no plaintext key bytes anywhere in the database files), the registry decrypts them, a real
// `reeflink serve` ingests with them, and `reeflink doctor` names keys it cannot decrypt.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { checkDeviceKeys } from '../../src/ops/doctor.js'
import { FleetRegistry } from '../../src/pipeline/registry.js'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest } from '../../src/provision/manifest.js'
import { openDatabase } from '../../src/store/database.js'
import { decryptDeviceKey, encryptDeviceKey, parseKek } from '../../src/store/key-encryption.js'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { EXAMPLE_MANIFEST, measurementPayload } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'
import { startServeProcess } from '../support/serve-process.js'

const NWK = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const APP = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const DEV = '70b3d57ed0000101'
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function manifest() {
  const v = validateManifest(parse(readFileSync(EXAMPLE_MANIFEST, 'utf8')))
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  return v
}

function fresh(kek: Buffer | null) {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-kek-'))
  dirs.push(dir)
  const path = join(dir, 'store.db')
  const db = openDatabase(path)
  const v = manifest()
  applyManifest(db, v.manifest, v.calibrations, Date.now(), kek)
  return { dir, path, db, v }
}

function filesContain(path: string, needle: Buffer): boolean {
  return [path, `${path}-wal`, `${path}-shm`].some((f) => existsSync(f) && readFileSync(f).includes(needle))
}

describe('key-encryption key', () => {
  it('parses 64 hex digits or base64 of 32 bytes, and refuses anything else', () => {
    const k = randomBytes(32)
    expect(parseKek(k.toString('hex'))).toEqual({ ok: true, kek: k })
    expect(parseKek(k.toString('base64'))).toEqual({ ok: true, kek: k })
    expect(parseKek(k.toString('base64url'))).toEqual({ ok: true, kek: k })
    expect(parseKek(undefined)).toEqual({ ok: true, kek: null })
    for (const bad of ['abc', k.toString('hex').slice(2), randomBytes(16).toString('base64'), 'zz'.repeat(32), 'not a key at all']) expect(parseKek(bad).ok).toBe(false)
  })

  it('binds a blob to its device and column, and fails on a wrong key or altered bytes', () => {
    const kek = randomBytes(32)
    const blob = encryptDeviceKey(kek, NWK, DEV, 'nwk_s_key')
    expect(decryptDeviceKey(kek, blob, DEV, 'nwk_s_key')).toEqual({ ok: true, key: NWK })
    expect(encryptDeviceKey(kek, NWK, DEV, 'nwk_s_key').equals(blob)).toBe(false) // random IV
    expect(decryptDeviceKey(kek, blob, DEV, 'app_s_key').ok).toBe(false)
    expect(decryptDeviceKey(kek, blob, '70b3d57ed0000102', 'nwk_s_key').ok).toBe(false)
    expect(decryptDeviceKey(randomBytes(32), blob, DEV, 'nwk_s_key').ok).toBe(false)
    expect(decryptDeviceKey(null, blob, DEV, 'nwk_s_key').ok).toBe(false)
    const altered = Buffer.from(blob)
    altered[altered.length - 1] ^= 1
    expect(decryptDeviceKey(kek, altered, DEV, 'nwk_s_key').ok).toBe(false)
  })
})

describe('device keys at rest', () => {
  it('without a key-encryption key, keys stay plain (the documented default)', () => {
    const s = fresh(null)
    expect(s.db.prepare('SELECT key_format, nwk_s_key FROM devices WHERE dev_eui = ?').get(DEV)).toEqual({ key_format: 'plain', nwk_s_key: NWK })
    s.db.close()
    expect(filesContain(s.path, NWK)).toBe(true) // the check below is able to see key bytes
  })

  it('with one, stores no plaintext key bytes, decrypts in the registry, re-provisions as unchanged', () => {
    const kek = randomBytes(32)
    const s = fresh(kek)
    const row = s.db.prepare('SELECT key_format, nwk_s_key, app_s_key FROM devices WHERE dev_eui = ?').get(DEV) as { key_format: string; nwk_s_key: Buffer; app_s_key: Buffer }
    expect(row.key_format).toBe('aes-256-gcm')
    expect(row.nwk_s_key.includes(NWK)).toBe(false)
    const info = new FleetRegistry(s.db, kek)
    info.refresh(true)
    expect(info.deviceByEui(DEV)?.nwkSKey).toEqual(NWK)
    expect(info.deviceByEui(DEV)?.appSKey).toEqual(APP)
    // Without the key the registry has no keys for the device (its frames are rejected), never garbage.
    const blind = new FleetRegistry(s.db, null)
    blind.refresh(true)
    expect(blind.deviceByEui(DEV)?.nwkSKey).toBeNull()
    // Provisioning again with the same key changes nothing.
    const again = applyManifest(s.db, s.v.manifest, s.v.calibrations, Date.now(), kek)
    expect(again.changes.devices).toMatchObject({ updated: 0 })
    expect(checkDeviceKeys(s.db, kek.toString('hex'))).toEqual([expect.objectContaining({ severity: 'ok' })])
    const wrong = checkDeviceKeys(s.db, randomBytes(32).toString('hex'))
    expect(wrong).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining(`${DEV} nwk_s_key: cannot decrypt`) }))
    expect(checkDeviceKeys(s.db, undefined)).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('not set') }))
    expect(checkDeviceKeys(s.db, 'short')).toEqual([expect.objectContaining({ severity: 'error' })])
    // Rotation: provisioning with a new key re-encrypts from the manifest's keys.
    const next = randomBytes(32)
    applyManifest(s.db, s.v.manifest, s.v.calibrations, Date.now(), next)
    const rotated = new FleetRegistry(s.db, next)
    rotated.refresh(true)
    expect(rotated.deviceByEui(DEV)?.appSKey).toEqual(APP)
    expect(checkDeviceKeys(s.db, kek.toString('hex'))).toContainEqual(expect.objectContaining({ severity: 'error' }))
    s.db.close()
    for (const k of [NWK, APP]) expect(filesContain(s.path, k)).toBe(false)
  })

  it('re-provisioning a plain store with a key encrypts its keys', () => {
    const s = fresh(null)
    const kek = randomBytes(32)
    applyManifest(s.db, s.v.manifest, s.v.calibrations, Date.now(), kek)
    s.db.pragma('wal_checkpoint(TRUNCATE)')
    s.db.exec('VACUUM')
    s.db.close()
    for (const k of [NWK, APP]) expect(filesContain(s.path, k)).toBe(false)
  })

  it('a real reeflink serve with the key ingests frames of an encrypted device', async () => {
    const kek = randomBytes(32)
    const s = fresh(kek)
    s.db.close()
    const saved = process.env.REEFLINK_KEY_ENCRYPTION_KEY
    process.env.REEFLINK_KEY_ENCRYPTION_KEY = kek.toString('base64')
    try {
      const server = await startServeProcess(s.path)
      const gw = new TestGateway('aa555a0000000001', server.ports.udp)
      const payload = measurementPayload([{ ageS: 0, temperatureRaw: 121027, pressureRaw: 5098, conductivityRaw: 132112 }])
      const phy = buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt: 1, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: NWK, appSKey: APP })
      expect(await gw.push([{ phy, time: new Date().toISOString() }])).toBe(true)
      gw.close()
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    } finally {
      if (saved === undefined) delete process.env.REEFLINK_KEY_ENCRYPTION_KEY
      else process.env.REEFLINK_KEY_ENCRYPTION_KEY = saved
    }
    const db = openDatabase(s.path, { readonly: true })
    expect((db.prepare('SELECT count(*) AS n FROM uplinks').get() as { n: number }).n).toBe(1)
    expect((db.prepare('SELECT count(*) AS n FROM rejected_uplinks').get() as { n: number }).n).toBe(0)
    db.close()
  }, 30_000)
})
