// Absolute URLs for selfLinks and nextLinks, honouring a reverse proxy's X-Forwarded-Proto,
// X-Forwarded-Host and X-Forwarded-Prefix (first value when a chain of proxies lists several).
import type { FastifyRequest } from 'fastify'

const first = (v: string | string[] | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v
  const x = s?.split(',')[0].trim()
  return x ? x : undefined
}

const SAFE_HOST = /^[A-Za-z0-9.\-:[\]_]+$/
const SAFE_PREFIX = /^(\/[A-Za-z0-9._~\-]+)*\/?$/

export function baseUrl(req: FastifyRequest, basePath: string): string {
  const h = req.headers
  const proto = first(h['x-forwarded-proto'])?.toLowerCase()
  const host = first(h['x-forwarded-host']) ?? first(h.host) ?? 'localhost'
  const prefix = first(h['x-forwarded-prefix']) ?? ''
  const scheme = proto === 'https' || proto === 'http' ? proto : req.protocol
  const safeHost = SAFE_HOST.test(host) ? host : 'localhost'
  const safePrefix = SAFE_PREFIX.test(prefix) ? prefix.replace(/\/$/, '') : ''
  return `${scheme}://${safeHost}${safePrefix}${basePath}`
}
