// portalPlugin: serves the built web portal (server/web/dist) at the plugin's prefix (/).
// Vite fingerprints everything under assets/, so those are cached for a year (immutable);
// index.html and other unhashed files are revalidated every time (ETag, 304), so a new
// deployment shows up on the next load.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createReadStream, statSync, type Stats } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'

export interface PortalPluginOptions {
  /** The built portal: server/web/dist (`npm run build:web -w server`). */
  webRoot: string
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

function fileStats(path: string): Stats | null {
  try {
    const s = statSync(path)
    return s.isFile() ? s : null
  } catch {
    return null
  }
}

export async function portalPlugin(app: FastifyInstance, opts: PortalPluginOptions): Promise<void> {
  const root = resolve(opts.webRoot)

  const serve = (req: FastifyRequest, reply: FastifyReply, relative: string) => {
    const path = resolve(join(root, relative))
    if (path !== root && !path.startsWith(root + sep)) return reply.status(400).send({ error: { code: 'PORTAL_BAD_PATH', message: 'path leaves the portal' } })
    const stats = fileStats(path)
    if (!stats) {
      if (relative === 'index.html') {
        return reply.status(503).type('text/plain; charset=utf-8').send(`The portal is not built (no ${path}). Run: npm run build:web -w server`)
      }
      return reply.status(404).send({ error: { code: 'PORTAL_NOT_FOUND', message: `no file ${relative} in the portal` } })
    }
    const etag = `"${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}"`
    reply.header('etag', etag)
    reply.header('cache-control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE)
    reply.header('x-content-type-options', 'nosniff')
    if (req.headers['if-none-match'] === etag) return reply.status(304).send()
    reply.type(TYPES[extname(path)] ?? 'application/octet-stream')
    reply.header('content-length', stats.size)
    return reply.send(createReadStream(path))
  }

  app.get('/', async (req, reply) => serve(req, reply, 'index.html'))
  app.get('/*', async (req: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    const rel = req.params['*'] // already percent-decoded by the router
    if (rel.includes('\0')) return reply.status(400).send({ error: { code: 'PORTAL_BAD_PATH', message: 'NUL in path' } })
    return serve(req, reply, rel === '' ? 'index.html' : rel)
  })
}
