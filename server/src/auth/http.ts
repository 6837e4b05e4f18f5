// Credentials on HTTP requests, as a fastify preHandler any plugin can reuse:
//   app.addHook('preHandler', requireRole(credentials, (req) => (req.method === 'GET' ? null : 'write')))
// Accepts `Authorization: Bearer <key>`, `X-API-Key: <key>` and HTTP Basic (user = credential
// name, password = key). 401 with WWW-Authenticate when credentials are missing or wrong, 403
// when the role is too low. The principal is left on the request for handlers and logs.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { roleAllows, type CredentialStore, type Principal, type Role } from './credentials.js'

export const AUTH_ERRORS = {
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_FORBIDDEN: 403,
} as const
export type AuthErrorCode = keyof typeof AUTH_ERRORS

const principals = new WeakMap<FastifyRequest, Principal | null>()

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The principal a request's credentials prove; null when none were given; 'invalid' when wrong. */
export function authenticateRequest(store: CredentialStore, req: FastifyRequest): Principal | null | 'invalid' {
  if (principals.has(req)) return principals.get(req) ?? null
  const auth = header(req, 'authorization')
  const apiKey = header(req, 'x-api-key')
  let p: Principal | null | 'invalid' = null
  if (auth) {
    const [scheme, value = ''] = auth.trim().split(/\s+/, 2)
    if (/^bearer$/i.test(scheme)) p = store.checkKey(value) ?? 'invalid'
    else if (/^basic$/i.test(scheme)) {
      const text = Buffer.from(value, 'base64').toString('utf8')
      const colon = text.indexOf(':')
      p = colon < 0 ? 'invalid' : (store.checkUserPassword(text.slice(0, colon), text.slice(colon + 1)) ?? 'invalid')
    } else p = 'invalid'
  } else if (apiKey) p = store.checkKey(apiKey) ?? 'invalid'
  if (p !== 'invalid') principals.set(req, p)
  return p
}

export function principalOf(req: FastifyRequest): Principal | null {
  return principals.get(req) ?? null
}

export function authErrorBody(code: AuthErrorCode, message: string) {
  const status = AUTH_ERRORS[code]
  return { statusCode: status, code, error: status === 401 ? 'Unauthorized' : 'Forbidden', message }
}

const CHALLENGE = 'Bearer realm="reeflink", Basic realm="reeflink"'

/** Checks a request against a required role (null: open). Sends the 401/403 itself; returns whether to go on. */
export function checkRole(store: CredentialStore, req: FastifyRequest, reply: FastifyReply, need: Role | null): boolean {
  const p = authenticateRequest(store, req)
  if (p === 'invalid') {
    reply.code(401).header('www-authenticate', CHALLENGE).send(authErrorBody('AUTH_INVALID', 'the credentials given are not valid'))
    return false
  }
  if (need === null) return true
  if (p === null) {
    reply.code(401).header('www-authenticate', CHALLENGE).send(authErrorBody('AUTH_REQUIRED', `this request needs a credential with the ${need} role (Authorization: Bearer <key>, X-API-Key or Basic)`))
    return false
  }
  if (!roleAllows(p.role, need)) {
    reply.code(403).send(authErrorBody('AUTH_FORBIDDEN', `credential '${p.name}' has the ${p.role} role; this request needs ${need}`))
    return false
  }
  return true
}

/** A preHandler hook requiring the role `need(req)` returns (null: no credential needed). */
export function requireRole(store: CredentialStore, need: (req: FastifyRequest) => Role | null) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!checkRole(store, req, reply, need(req))) return reply
  }
}

/** The usual mapping: reads need `read` when reads are not public, everything else `write`. */
export function roleForMethod(method: string, readAccess: 'public' | 'authenticated'): Role | null {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return readAccess === 'public' ? null : 'read'
  return 'write'
}
