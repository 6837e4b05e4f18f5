// Credentials (server/src/auth): scrypt-hashed keys with roles, the configured admin key, and the
// HTTP preHandler as the SensorThings plugin uses it (writes need the write role; reads public
// unless readAccess is 'authenticated').
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialError, createCredential, listCredentials, revokeCredential } from '../../src/auth/index.js'
import { ADMIN_KEY, makeFixture, type Fixture } from '../sta/fixture.js'

let f: Fixture
let pub: Fixture
beforeAll(async () => {
  f = await makeFixture({ readAccess: 'authenticated' })
  pub = await makeFixture()
})
afterAll(async () => {
  await f.close()
  await pub.close()
})

const thing = { name: 'T', description: 'd' }
const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` })

describe('credential store', () => {
  it('creates keys shown once, stores only salted scrypt hashes, lists and revokes', () => {
    const a = createCredential(f.db, 'ingest-bot', 'write')
    const b = createCredential(f.db, 'ingest-bot-2', 'write')
    expect(a.key).toMatch(/^rl_\d+_[A-Za-z0-9_-]{32}$/)
    const rows = f.db.prepare('SELECT secret_hash FROM api_credentials WHERE name IN (?, ?)').all('ingest-bot', 'ingest-bot-2') as { secret_hash: string }[]
    for (const r of rows) {
      expect(r.secret_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
      expect(r.secret_hash).not.toContain(a.key.split('_')[2])
    }
    expect(rows[0].secret_hash.split('$')[4]).not.toBe(rows[1].secret_hash.split('$')[4]) // a salt per credential
    expect(f.credentials.checkKey(a.key)).toEqual({ name: 'ingest-bot', role: 'write' })
    expect(f.credentials.checkKey(a.key.slice(0, -1) + (a.key.endsWith('A') ? 'B' : 'A'))).toBeNull()
    expect(f.credentials.checkKey(`rl_${b.id}_${a.key.split('_').slice(2).join('_')}`)).toBeNull() // a's secret on b's id
    expect(listCredentials(f.db).map((c) => [c.name, c.role])).toEqual(expect.arrayContaining([['ingest-bot', 'write']]))
    expect(() => createCredential(f.db, 'ingest-bot', 'read')).toThrow(CredentialError)
    expect(() => createCredential(f.db, 'bad name!', 'read')).toThrow(/must be 1-64 characters/)
    expect(() => createCredential(f.db, 'x', 'root' as 'read')).toThrow(/not one of read, write, admin/)
    f.credentials.revoke('ingest-bot')
    expect(f.credentials.checkKey(a.key)).toBeNull()
    expect(() => revokeCredential(f.db, 'nobody')).toThrow(/no credential named 'nobody'/)
  })
})

describe('HTTP: writes need the write role (Bearer, X-API-Key, Basic)', () => {
  it('no credential: 401 with WWW-Authenticate; a wrong one: 401; the read role: 403', async () => {
    const none = await pub.send('POST', '/v1.1/Things', thing, {})
    expect(none.status).toBe(401)
    expect(none.body.code).toBe('AUTH_REQUIRED')
    expect(none.headers['www-authenticate']).toMatch(/Bearer realm="reeflink", Basic/)
    expect((await pub.send('POST', '/v1.1/Things', thing, { authorization: 'Bearer nope' })).body.code).toBe('AUTH_INVALID')
    expect((await pub.send('DELETE', '/v1.1/Things(1)', undefined, {})).status).toBe(401)
    const reader = pub.credentials.create('reader', 'read')
    const r = await pub.send('POST', '/v1.1/Things', thing, { authorization: `Bearer ${reader.key}` })
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ code: 'AUTH_FORBIDDEN', message: "credential 'reader' has the read role; this request needs write" })
  })

  it('the write role by Bearer, X-API-Key and Basic (name:key); the configured admin key as Bearer or Basic admin:key', async () => {
    const w = pub.credentials.create('writer', 'write')
    expect((await pub.send('POST', '/v1.1/Things', thing, { authorization: `Bearer ${w.key}` })).status).toBe(201)
    expect((await pub.send('POST', '/v1.1/Things', thing, { 'x-api-key': w.key })).status).toBe(201)
    expect((await pub.send('POST', '/v1.1/Things', thing, basic('writer', w.key))).status).toBe(201)
    expect((await pub.send('POST', '/v1.1/Things', thing, basic('someone-else', w.key))).status).toBe(401)
    expect((await pub.send('POST', '/v1.1/Things', thing, { authorization: `Bearer ${ADMIN_KEY}` })).status).toBe(201)
    expect((await pub.send('POST', '/v1.1/Things', thing, basic('admin', ADMIN_KEY))).status).toBe(201)
  })

  it('reads are public by default; readAccess "authenticated" needs the read role', async () => {
    expect((await pub.get('/v1.1/Things')).status).toBe(200)
    expect((await f.get('/v1.1/Things')).status).toBe(401)
    const reader = f.credentials.create('reader', 'read')
    expect((await f.get('/v1.1/Things', { authorization: `Bearer ${reader.key}` })).status).toBe(200)
    expect((await f.get('/v1.1/Things', { authorization: 'Bearer wrong' })).status).toBe(401)
  })
})
