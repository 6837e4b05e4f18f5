// OData batch in multipart/mixed (OData 4.0 Part 1 §11.7, OGC 18-088 §11.2): parts of
// `application/http` requests, and changesets as nested multipart/mixed parts with Content-ID.
// Parsing is strict about structure and names what is wrong; line ends may be CRLF or LF.
import { randomUUID } from 'node:crypto'
import { StaError } from '../errors.js'
import type { BatchItem, SubRequest, SubResponse } from './types.js'

const bad = (m: string) => new StaError('STA_BAD_BATCH', m)

export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]{1,200})"|([^;\s]{1,200}))/i.exec(contentType)
  return m ? (m[1] ?? m[2]) : null
}

function splitHead(text: string): { headers: Record<string, string>; rest: string } {
  const m = /\r?\n\r?\n/.exec(text)
  const head = m ? text.slice(0, m.index) : text
  const rest = m ? text.slice(m.index + m[0].length) : ''
  const headers: Record<string, string> = {}
  for (const line of head.split(/\r?\n/)) {
    const c = line.indexOf(':')
    if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim()
  }
  return { headers, rest }
}

function parts(body: string, boundary: string): string[] {
  const delim = `--${boundary}`
  const chunks = body.split(delim)
  if (chunks.length < 2) throw bad(`no part delimited by '${delim.slice(0, 80)}' in the batch body`)
  const out: string[] = []
  for (const c of chunks.slice(1)) {
    if (c.startsWith('--')) return out
    out.push(c.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, ''))
  }
  throw bad(`the batch body does not end with '${delim.slice(0, 80)}--'`)
}

function request(part: string, where: string): SubRequest {
  const { headers: partHeaders, rest } = splitHead(part)
  if (!/^application\/http/i.test(partHeaders['content-type'] ?? '')) throw bad(`${where}: a part is Content-Type application/http or multipart/mixed`)
  const nl = /\r?\n/.exec(rest)
  const line = (nl ? rest.slice(0, nl.index) : rest).trim()
  const m = /^([A-Za-z]+)\s+(\S+)(?:\s+HTTP\/\d\.\d)?$/.exec(line)
  if (!m) throw bad(`${where}: '${line.slice(0, 80)}' is not a request line (METHOD URL HTTP/1.1)`)
  const { headers, rest: body } = splitHead(nl ? rest.slice(nl.index + nl[0].length) : '')
  return { id: partHeaders['content-id'] ?? headers['content-id'], method: m[1].toUpperCase(), url: m[2], headers, body: body.trim() === '' ? undefined : body }
}

export function parseMultipart(body: string, contentType: string): BatchItem[] {
  const boundary = boundaryOf(contentType)
  if (!boundary) throw bad('multipart/mixed needs a boundary parameter')
  return parts(body, boundary).map((p, i): BatchItem => {
    const { headers, rest } = splitHead(p)
    const ct = headers['content-type'] ?? ''
    if (/^multipart\/mixed/i.test(ct)) {
      const inner = boundaryOf(ct)
      if (!inner) throw bad(`part ${i}: a changeset needs a boundary`)
      const reqs = parts(rest, inner).map((q, k) => request(q, `part ${i}, changeset request ${k}`))
      if (reqs.some((r) => r.method === 'GET')) throw bad(`part ${i}: a changeset holds only POST, PATCH, PUT and DELETE`)
      return { kind: 'changeset', requests: reqs }
    }
    return { kind: 'single', request: request(p, `part ${i}`) }
  })
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 415: 'Unsupported Media Type', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable' }

function httpPart(r: SubResponse, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary']
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`)
  const head = [`HTTP/1.1 ${r.status} ${REASONS[r.status] ?? ''}`.trim()]
  if (r.location) head.push(`Location: ${r.location}`)
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
  if (body) head.push(`Content-Type: ${r.contentType ?? 'application/json; charset=utf-8'}`)
  return `${lines.join('\r\n')}\r\n\r\n${head.join('\r\n')}\r\n\r\n${body}`
}

export type MultipartResult = { kind: 'single'; response: SubResponse } | { kind: 'changeset'; responses: { id?: string; response: SubResponse }[] } | { kind: 'failed-changeset'; response: SubResponse }

export function formatMultipart(results: MultipartResult[]): { contentType: string; body: string } {
  const b = `batch_${randomUUID()}`
  const out: string[] = []
  for (const r of results) {
    if (r.kind === 'changeset') {
      const c = `changeset_${randomUUID()}`
      const inner = r.responses.map((x) => `--${c}\r\n${httpPart(x.response, x.id)}\r\n`).join('')
      out.push(`--${b}\r\nContent-Type: multipart/mixed; boundary=${c}\r\n\r\n${inner}--${c}--\r\n`)
    } else out.push(`--${b}\r\n${httpPart(r.response)}\r\n`)
  }
  return { contentType: `multipart/mixed; boundary=${b}`, body: `${out.join('')}--${b}--\r\n` }
}
