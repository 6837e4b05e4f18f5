// API credentials: named secrets with a role (read < write < admin), stored as salted scrypt
// hashes in api_credentials. A key is `rl_<id>_<secret>`: the id finds the row without trying
// every hash, the secret is checked with a constant-time compare. The configured admin key
// (config.auth.adminKey, REEFLINK_ADMIN_KEY) is never stored: it is compared in memory.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { Db } from '../store/database.js'

export type Role = 'read' | 'write' | 'admin'
export const ROLES: readonly Role[] = ['read', 'write', 'admin']

/** Does a credential with role `have` satisfy a requirement of `need`? */
export const roleAllows = (have: Role, need: Role): boolean => ROLES.indexOf(have) >= ROLES.indexOf(need)

export interface Principal {
  name: string
  role: Role
}

export interface CredentialInfo {
  id: number
  name: string
  role: Role
  createdAt: string
}

export class CredentialError extends Error {
  constructor(
    readonly code: 'AUTH_BAD_NAME' | 'AUTH_BAD_ROLE' | 'AUTH_NAME_TAKEN' | 'AUTH_NO_SUCH_CREDENTIAL',
    message: string,
  ) {
    super(message)
  }
}

// scrypt cost: N=2^14, r=8 (~30 ms, ~16 MiB). Verified secrets are cached (below), so the cost is
// paid once per key and process, not per request.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LEN = 32
const KEY_FORMAT = /^rl_(\d{1,15})_([A-Za-z0-9_-]{20,200})$/
const CACHE_MS = 60_000

function hashSecret(secret: string, salt: Buffer): string {
  const h = scryptSync(secret, salt, KEY_LEN, SCRYPT)
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${h.toString('base64url')}`
}

function verifySecret(secret: string, stored: string): boolean {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  const salt = Buffer.from(parts[4], 'base64url')
  const expected = Buffer.from(parts[5], 'base64url')
  const got = scryptSync(secret, salt, expected.length, { N, r, p, maxmem: SCRYPT.maxmem })
  return got.length === expected.length && timingSafeEqual(got, expected)
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Create, list, revoke and check credentials. One per server; pass it to every plugin that checks. */
export class CredentialStore {
  private readonly adminDigest: Buffer | null
  /** sha256(presented key) → principal and expiry: verified keys skip scrypt for a minute. */
  private readonly verified = new Map<string, { principal: Principal; until: number; id: number }>()

  constructor(
    private readonly db: Db,
    options: { adminKey?: string | null } = {},
  ) {
    this.adminDigest = options.adminKey ? digest(options.adminKey) : null
  }

  /** Creates a credential and returns its key, shown once (only its hash is stored). */
  create(name: string, role: Role, now = Date.now()): CredentialInfo & { key: string } {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new CredentialError('AUTH_BAD_NAME', `credential name '${name.slice(0, 80)}' must be 1-64 characters of A-Z a-z 0-9 . _ @ -`)
    if (!ROLES.includes(role)) throw new CredentialError('AUTH_BAD_ROLE', `role '${String(role)}' is not one of ${ROLES.join(', ')}`)
    if (this.db.prepare('SELECT 1 FROM api_credentials WHERE name = ?').get(name)) throw new CredentialError('AUTH_NAME_TAKEN', `a credential named '${name}' exists`)
    const secret = randomBytes(24).toString('base64url')
    const id = Number(this.db.prepare('INSERT INTO api_credentials (name, role, secret_hash, created_at) VALUES (?, ?, ?, ?)').run(name, role, hashSecret(secret, randomBytes(16)), now).lastInsertRowid)
    return { id, name, role, createdAt: new Date(now).toISOString(), key: `rl_${id}_${secret}` }
  }

  list(): CredentialInfo[] {
    return (this.db.prepare('SELECT id, name, role, created_at FROM api_credentials ORDER BY id').all() as { id: number; name: string; role: Role; created_at: number }[]).map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      createdAt: new Date(r.created_at).toISOString(),
    }))
  }

  /** Revokes by name; takes effect at once in this process (other processes: within a minute). */
  revoke(name: string): void {
    const row = this.db.prepare('SELECT id FROM api_credentials WHERE name = ?').get(name) as { id: number } | undefined
    if (!row) throw new CredentialError('AUTH_NO_SUCH_CREDENTIAL', `no credential named '${name}'`)
    this.db.prepare('DELETE FROM api_credentials WHERE id = ?').run(row.id)
    for (const [k, v] of this.verified) if (v.id === row.id) this.verified.delete(k)
  }

  /** The principal for an API key (`rl_<id>_<secret>` or the configured admin key), or null. */
  checkKey(key: string, now = Date.now()): Principal | null {
    if (key.length > 300) return null
    const d = digest(key)
    if (this.adminDigest && timingSafeEqual(d, this.adminDigest)) return { name: 'admin (configuration)', role: 'admin' }
    const cacheKey = d.toString('base64')
    const hit = this.verified.get(cacheKey)
    if (hit && hit.until > now) return hit.principal
    const m = KEY_FORMAT.exec(key)
    if (!m) return null
    const row = this.db.prepare('SELECT id, name, role, secret_hash FROM api_credentials WHERE id = ?').get(Number(m[1])) as
      | { id: number; name: string; role: Role; secret_hash: string }
      | undefined
    if (!row || !verifySecret(m[2], row.secret_hash)) return null
    const principal = { name: row.name, role: row.role }
    if (this.verified.size > 1000) this.verified.clear()
    this.verified.set(cacheKey, { principal, until: now + CACHE_MS, id: row.id })
    return principal
  }

  /** HTTP Basic / MQTT username+password: the password is a key; the username must then be the
   * credential's name (or `admin` for the configured admin key). */
  checkUserPassword(user: string, password: string): Principal | null {
    const p = this.checkKey(password)
    if (!p) return null
    if (p.name === 'admin (configuration)') return user === 'admin' ? p : null
    return p.name === user ? p : null
  }
}
