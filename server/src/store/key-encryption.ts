// Device keys (ABP NwkSKey / AppSKey) encrypted at rest with a key-encryption key (KEK) from the
// environment, REEFLINK_KEY_ENCRYPTION_KEY: 32 bytes as 64 hex digits or base64. Each stored key
// is AES-256-GCM with its own random 12-byte IV: blob = 'RK1' | iv(12) | tag(16) | ciphertext.
// The devices row says which format its keys use (`key_format`: 'plain' or 'aes-256-gcm'); the
// additional authenticated data binds a ciphertext to its device and column, so swapping blobs
// between rows or columns fails to decrypt. Without the KEK, keys are stored 'plain'.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

export const KEK_ENV = 'REEFLINK_KEY_ENCRYPTION_KEY'
export type KeyFormat = 'plain' | 'aes-256-gcm'

const MAGIC = Buffer.from('RK1')
const IV_BYTES = 12
const TAG_BYTES = 16

export type KekResult = { ok: true; kek: Buffer | null } | { ok: false; problem: string }

/** Parses a KEK (64 hex digits or base64 of 32 bytes). Empty/undefined: no encryption. */
export function parseKek(text: string | undefined): KekResult {
  if (text === undefined || text.trim() === '') return { ok: true, kek: null }
  const t = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(t)) return { ok: true, kek: Buffer.from(t, 'hex') }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    if (b.length === 32) return { ok: true, kek: b }
  }
  return { ok: false, problem: `${KEK_ENV} must be 32 bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)` }
}

/** The KEK from the environment; throws a clear error when it is set but malformed. */
export function kekFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const r = parseKek(env[KEK_ENV])
  if (!r.ok) throw new Error(r.problem)
  return r.kek
}

function aad(devEui: string, column: string): Buffer {
  return Buffer.from(`reeflink-device-key:${devEui.toLowerCase()}:${column}`)
}

export function encryptDeviceKey(kek: Buffer, key: Buffer, devEui: string, column: string): Buffer {
  const iv = randomBytes(IV_BYTES)
  const c = createCipheriv('aes-256-gcm', kek, iv)
  c.setAAD(aad(devEui, column))
  const body = Buffer.concat([c.update(key), c.final()])
  return Buffer.concat([MAGIC, iv, c.getAuthTag(), body])
}

export type DecryptResult = { ok: true; key: Buffer } | { ok: false; problem: string }

export function decryptDeviceKey(kek: Buffer | null, blob: Buffer, devEui: string, column: string): DecryptResult {
  if (!kek) return { ok: false, problem: `key is encrypted (aes-256-gcm) but ${KEK_ENV} is not set` }
  if (blob.length < MAGIC.length + IV_BYTES + TAG_BYTES || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, problem: 'not an aes-256-gcm key blob' }
  const iv = blob.subarray(MAGIC.length, MAGIC.length + IV_BYTES)
  const tag = blob.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES)
  try {
    const d = createDecipheriv('aes-256-gcm', kek, iv)
    d.setAAD(aad(devEui, column))
    d.setAuthTag(tag)
    return { ok: true, key: Buffer.concat([d.update(blob.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), d.final()]) }
  } catch {
    return { ok: false, problem: `cannot decrypt with the configured ${KEK_ENV} (wrong key or altered data)` }
  }
}

/** A stored key column as plaintext: plain rows as they are, encrypted rows decrypted. */
export function readDeviceKey(kek: Buffer | null, format: string, blob: Buffer | null, devEui: string, column: string): DecryptResult | null {
  if (blob === null) return null
  if (format === 'plain') return { ok: true, key: blob }
  if (format === 'aes-256-gcm') return decryptDeviceKey(kek, blob, devEui, column)
  return { ok: false, problem: `unknown key_format '${format}'` }
}

/**
 * The values to store for a device's keys. With a KEK, when the stored row already holds the same
 * keys (decrypting to equal bytes), the stored blobs are kept, so re-provisioning is 'unchanged'.
 */
export function sealDeviceKeys(
  kek: Buffer | null,
  devEui: string,
  keys: { nwk_s_key: Buffer | null; app_s_key: Buffer | null },
  existing: { key_format: string; nwk_s_key: Buffer | null; app_s_key: Buffer | null } | undefined,
): { nwk_s_key: Buffer | null; app_s_key: Buffer | null; key_format: KeyFormat } {
  if (!kek) return { ...keys, key_format: 'plain' }
  const seal = (col: 'nwk_s_key' | 'app_s_key'): Buffer | null => {
    const k = keys[col]
    if (k === null) return null
    if (existing && existing.key_format === 'aes-256-gcm' && existing[col]) {
      const old = decryptDeviceKey(kek, existing[col]!, devEui, col)
      if (old.ok && old.key.equals(k)) return existing[col]
    }
    return encryptDeviceKey(kek, k, devEui, col)
  }
  return { nwk_s_key: seal('nwk_s_key'), app_s_key: seal('app_s_key'), key_format: 'aes-256-gcm' }
}
