// RFC 6902 JSON Patch applied to an entity's JSON (application/json-patch+json): add, remove,
// replace, move, copy, test over RFC 6901 pointers. Pure: returns a new document.
import { StaError } from '../errors.js'

export interface PatchOp {
  op: string
  path: string
  from?: string
  value?: unknown
}

const bad = (m: string) => new StaError('STA_BAD_PATCH', m)

function pointer(p: unknown): string[] {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) throw bad(`'${String(p).slice(0, 80)}' is not a JSON pointer`)
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
}

type Container = Record<string, unknown> | unknown[]

function parentOf(doc: unknown, path: string[], what: string): { parent: Container; key: string } {
  if (!path.length) throw bad(`${what}: the whole document cannot be the target`)
  let cur = doc
  for (const k of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') throw bad(`${what}: '/${path.join('/')}' does not exist`)
    cur = (cur as Record<string, unknown>)[k]
  }
  if (cur === null || typeof cur !== 'object') throw bad(`${what}: '/${path.join('/')}' does not exist`)
  return { parent: cur as Container, key: path[path.length - 1] }
}

function get(doc: unknown, path: string[], what: string): unknown {
  let cur = doc
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, k)) throw bad(`${what}: '/${path.join('/')}' does not exist`)
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

function index(a: unknown[], key: string, insert: boolean, what: string): number {
  if (insert && key === '-') return a.length
  if (!/^\d+$/.test(key) || Number(key) > (insert ? a.length : a.length - 1)) throw bad(`${what}: array index '${key}' is out of range`)
  return Number(key)
}

function add(doc: unknown, path: string[], value: unknown, what: string): void {
  const { parent, key } = parentOf(doc, path, what)
  if (Array.isArray(parent)) parent.splice(index(parent, key, true, what), 0, value)
  else parent[key] = value
}

function remove(doc: unknown, path: string[], what: string): unknown {
  const { parent, key } = parentOf(doc, path, what)
  if (Array.isArray(parent)) return parent.splice(index(parent, key, false, what), 1)[0]
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw bad(`${what}: '/${path.join('/')}' does not exist`)
  const v = parent[key]
  delete parent[key]
  return v
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)))

export function applyJsonPatch(doc: Record<string, unknown>, ops: unknown): Record<string, unknown> {
  if (!Array.isArray(ops)) throw bad('a JSON Patch is an array of operations')
  const out = clone(doc)
  ops.forEach((raw, i) => {
    const what = `operation ${i}`
    if (raw === null || typeof raw !== 'object') throw bad(`${what}: not an object`)
    const o = raw as PatchOp
    const path = pointer(o.path)
    const needsValue = o.op === 'add' || o.op === 'replace' || o.op === 'test'
    if (needsValue && !('value' in o)) throw bad(`${what}: '${o.op}' needs a value`)
    switch (o.op) {
      case 'add':
        return add(out, path, clone(o.value), what)
      case 'remove':
        return void remove(out, path, what)
      case 'replace':
        get(out, path, what)
        remove(out, path, what)
        return add(out, path, clone(o.value), what)
      case 'move': {
        const from = pointer(o.from)
        const v = remove(out, from, what)
        return add(out, path, v, what)
      }
      case 'copy':
        return add(out, path, clone(get(out, pointer(o.from), what)), what)
      case 'test':
        if (JSON.stringify(get(out, path, what)) !== JSON.stringify(o.value)) throw new StaError('STA_PATCH_TEST_FAILED', `${what}: test of '${o.path}' failed`)
        return
      default:
        throw bad(`${what}: unknown op '${String(o.op).slice(0, 20)}'`)
    }
  })
  return out
}
