// Static serving of the built portal: cache headers, revalidation, and nothing outside webRoot.
import Fastify, { type FastifyInstance } from 'fastify'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portalPlugin } from '../../src/export/index.js'

let dir: string
let app: FastifyInstance
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reeflink-portal-'))
  mkdirSync(join(dir, 'dist', 'assets'), { recursive: true })
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>portal</title>')
  writeFileSync(join(dir, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'not for the web')
  app = Fastify()
  await app.register(portalPlugin, { webRoot: join(dir, 'dist') })
  await app.ready()
})
afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('portalPlugin', () => {
  it('serves index.html for revalidation (ETag, 304) and hashed assets as immutable', async () => {
    const index = await app.inject('/')
    expect(index.statusCode).toBe(200)
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(index.headers['cache-control']).toBe('no-cache')
    expect(index.body).toContain('<title>portal</title>')
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(index.headers.etag) } })
    expect(again.statusCode).toBe(304)
    const asset = await app.inject('/assets/index-abc123.js')
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('never serves files outside the web root', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await app.inject(url)
      expect(res.body, url).not.toContain('not for the web')
      expect([400, 404], url).toContain(res.statusCode)
    }
    expect((await app.inject('/nope.js')).statusCode).toBe(404)
  })

  it('says how to build the portal when it is missing', async () => {
    const bare = Fastify()
    await bare.register(portalPlugin, { webRoot: join(dir, 'missing') })
    const res = await bare.inject('/')
    expect(res.statusCode).toBe(503)
    expect(res.body).toContain('npm run build:web -w server')
    await bare.close()
  })
})
