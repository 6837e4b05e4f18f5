// Rows → JSON text without intermediate objects, for the hot read paths (default collections
// without $expand, dataArray). Each plan compiles its writers once; a writer reads the raw row
// (an array, better-sqlite3 raw mode) by column index and returns JSON text. Output is what
// JSON.stringify of the object serialisation (read.ts toEntity) gives, byte for byte.
import { decode, isoMs } from './decode.js'
import type { Annotations } from './extensions.js'
import type { PropertyKind } from './model.js'

export type ValueWriter = (row: unknown[]) => string

/** JSON text of one property value from its columns (indexes into the row). */
export function valueWriter(kind: PropertyKind, cols: number[]): ValueWriter {
  const [i, j] = cols
  switch (kind) {
    case 'id':
      return (r) => (typeof r[i] === 'number' ? String(r[i]) : JSON.stringify(r[i] ?? null))
    case 'time':
      return (r) => (typeof r[i] === 'number' ? `"${isoMs(r[i] as number)}"` : JSON.stringify(decode(kind, [r[i]])))
    case 'timeOrInterval':
      return (r) => {
        const a = r[i]
        const b = r[j]
        if (typeof a !== 'number' || (b !== null && typeof b !== 'number')) return JSON.stringify(decode(kind, [a, b]))
        return b === null || b === a ? `"${isoMs(a)}"` : `"${isoMs(a)}/${isoMs(b as number)}"`
      }
    case 'result':
      // A REAL is finite (SQLite has no NaN); JSON results go through decode (parse, re-stringify).
      return (r) => (r[j] === null && typeof r[i] === 'number' ? String(r[i]) : JSON.stringify(decode(kind, [r[i], r[j]])))
    default:
      return (r) => JSON.stringify(decode(kind, cols.map((c) => r[c]))) ?? 'null'
  }
}

export interface EntityWriterSpec {
  plural: string
  selectId: boolean
  outputs: { name: string; kind: PropertyKind; cols: number[] }[]
  navLinks: string[]
  annotations: { def: Annotations; cols: number[] } | null
}

/** Whole entities as JSON text (no expansions, no deep $select), or null when the plan needs the
 * object path (duplicate names would collapse into one key there). */
export function entityWriter(spec: EntityWriterSpec): ((base: string, root: string, row: unknown[]) => string) | null {
  const names = spec.outputs.map((o) => o.name)
  if (new Set(names).size !== names.length || (spec.selectId && names.some((n) => n.startsWith('@iot.')))) return null
  const values = spec.outputs.map((o) => ({ key: JSON.stringify(o.name) + ':', write: valueWriter(o.kind, o.cols) }))
  const navs = spec.navLinks.map((n) => ({ key: JSON.stringify(`${n}@iot.navigationLink`) + ':', suffix: `/${n}"` }))
  let lastBase = ''
  let prefix = ''
  const ann = spec.annotations
  return (base, root, row) => {
    if (base !== lastBase) {
      lastBase = base
      prefix = `${base}/${spec.plural}(`
    }
    const id = row[0]
    const self = JSON.stringify(prefix + id + ')')
    let text = '{'
    let sep = ''
    if (spec.selectId) {
      text += `"@iot.selfLink":${self},"@iot.id":${typeof id === 'number' ? String(id) : JSON.stringify(id)}`
      sep = ','
    }
    for (const v of values) {
      text += sep + v.key + v.write(row)
      sep = ','
    }
    if (navs.length) {
      const head = self.slice(0, -1)
      for (const n of navs) {
        text += sep + n.key + head + n.suffix
        sep = ','
      }
    }
    if (ann) {
      for (const [k, v] of ann.def.links(root, id, ann.cols.map((c) => row[c]))) {
        text += sep + JSON.stringify(k) + ':' + JSON.stringify(v)
        sep = ','
      }
    }
    return text + '}'
  }
}
