// JSON batch (OData 4.01 JSON format, as FROST-Server's JsonBatchRequest extension):
// {"requests":[{"id","method","url","body","atomicityGroup"}]}; consecutive requests of one
// atomicityGroup form a changeset. Answered as {"responses":[{"id","status","headers","body"}]}.
import { StaError } from '../errors.js'
import type { BatchItem, SubRequest, SubResponse } from './types.js'

const bad = (m: string) => new StaError('STA_BAD_BATCH', m)

export function parseJsonBatch(body: unknown): { items: BatchItem[] } {
  const reqs = (body as { requests?: unknown } | null)?.requests
  if (!Array.isArray(reqs)) throw bad('a JSON batch is {"requests": [...]}')
  const items: BatchItem[] = []
  let group: { name: string; requests: SubRequest[] } | null = null
  reqs.forEach((r, i) => {
    if (r === null || typeof r !== 'object') throw bad(`requests[${i}]: not an object`)
    const x = r as Record<string, unknown>
    if (typeof x.method !== 'string' || typeof x.url !== 'string') throw bad(`requests[${i}]: method and url are strings`)
    const sub: SubRequest = { id: x.id === undefined ? undefined : String(x.id), method: x.method.toUpperCase(), url: x.url, headers: {}, body: x.body }
    if (x.headers && typeof x.headers === 'object') for (const [k, v] of Object.entries(x.headers)) sub.headers[k.toLowerCase()] = String(v)
    const g = typeof x.atomicityGroup === 'string' ? x.atomicityGroup : null
    if (g !== null && sub.method === 'GET') throw bad(`requests[${i}]: an atomicityGroup holds only POST, PATCH, PUT and DELETE`)
    if (g !== null && group?.name === g) group.requests.push(sub)
    else if (g !== null) {
      group = { name: g, requests: [sub] }
      items.push({ kind: 'changeset', requests: group.requests })
    } else {
      group = null
      items.push({ kind: 'single', request: sub })
    }
  })
  return { items }
}

export function jsonResponse(id: string | undefined, r: SubResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { id: id ?? null, status: r.status }
  if (r.location) out.headers = { location: r.location }
  if (r.body !== undefined) out.body = typeof r.body === 'string' && (r.contentType ?? '').includes('json') ? safeParse(r.body) : r.body
  return out
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return s
  }
}
