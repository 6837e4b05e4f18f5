// Query options ($select, $expand, $filter, $orderby, $top, $skip, $count, $resultFormat,
// $skiptoken) → a checked tree over the model. $expand items carry their own nested options
// (`Datastreams($select=name;$top=2;$expand=Observations)`) and path form (`Datastreams/Sensor`).
import { StaError } from './errors.js'
import { findNavigation, findProperty, entity, type EntityDef, type NavigationDef, type PropertyDef } from './model.js'
import { parseFilter } from './filter/parse.js'
import { validate, validateCondition, type Typed } from './filter/validate.js'

export type ResultFormat = 'default' | 'dataArray' | 'csv' | 'geojson'

export type SelectItem = { kind: 'prop'; prop: PropertyDef; json: string[]; name: string } | { kind: 'nav'; nav: NavigationDef }

export interface ExpandItem {
  nav: NavigationDef
  options: QueryOptions
}

export interface QueryOptions {
  /** null: every property and navigation link. */
  select: SelectItem[] | null
  distinct: boolean
  expand: ExpandItem[]
  filter: Typed | null
  orderby: { expr: Typed; desc: boolean }[]
  top: number | null
  skip: number
  count: boolean
  resultFormat: ResultFormat
  skiptoken: (string | number)[] | null
  /** The option texts as given, to rebuild nextLinks. */
  raw: Record<string, string>
}

const KNOWN = new Set(['$select', '$expand', '$filter', '$orderby', '$top', '$skip', '$count', '$resultFormat', '$skiptoken'])
const NESTED = new Set(['$select', '$expand', '$filter', '$orderby', '$top', '$skip', '$count'])
const FORMATS: Record<string, ResultFormat> = { dataarray: 'dataArray', csv: 'csv', geojson: 'geojson', default: 'default' }

const bad = (message: string) => new StaError('STA_BAD_QUERY_OPTION', message)

/** Splits at `sep` outside parentheses and quotes. */
export function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote = false
  let cur = ''
  for (const c of s) {
    if (c === "'") quote = !quote
    else if (!quote && c === '(') depth++
    else if (!quote && c === ')') depth--
    if (c === sep && depth === 0 && !quote) {
      out.push(cur)
      cur = ''
    } else cur += c
  }
  out.push(cur)
  return out
}

function nonNegativeInt(name: string, text: string): number {
  if (!/^\d{1,15}$/.test(text.trim())) throw bad(`${name} must be a non-negative integer, got '${text}'`)
  return Number(text.trim())
}

function parseSelect(e: EntityDef, text: string): { items: SelectItem[] | null; distinct: boolean } {
  let distinct = false
  let body = text.trim()
  if (body.startsWith('distinct:')) {
    distinct = true
    body = body.slice('distinct:'.length)
  }
  const items: SelectItem[] = []
  for (const raw of splitTopLevel(body, ',')) {
    const item = raw.trim()
    if (item === '*') return { items: null, distinct }
    if (!item) throw bad(`$select: empty item in '${text}'`)
    const segs = item.split('/')
    const nav = segs.length === 1 ? findNavigation(e, segs[0]) : undefined
    if (nav) {
      items.push({ kind: 'nav', nav })
      continue
    }
    const p = findProperty(e, segs[0])
    if (!p) throw new StaError('STA_UNKNOWN_PROPERTY', `$select: unknown property '${segs[0]}' on entity type ${e.name}`)
    const json = segs.slice(1)
    if (json.length && !p.deep) throw new StaError('STA_UNKNOWN_PROPERTY', `$select: property '${segs[0]}' of ${e.name} has no sub-property '${json[0]}'`)
    if (json.some((k) => !k || /["\\]/.test(k))) throw bad(`$select: '${item}' is not a usable JSON path`)
    items.push({ kind: 'prop', prop: p, json, name: item })
  }
  if (distinct && items.some((i) => i.kind === 'nav')) throw bad('$select: distinct: applies to properties only')
  return { items, distinct }
}

function parseOrderby(e: EntityDef, text: string): QueryOptions['orderby'] {
  return splitTopLevel(text, ',').map((raw) => {
    const m = /^\s*(.*?)(?:\s+(asc|desc))?\s*$/s.exec(raw)!
    if (!m[1]) throw bad(`$orderby: empty item in '${text}'`)
    const expr = validate(e, parseFilter(m[1]), '$orderby')
    if (expr.type === 'geometry') throw bad(`$orderby: cannot order by the geometry '${m[1]}'`)
    return { expr, desc: m[2] === 'desc' }
  })
}

function parseExpand(e: EntityDef, text: string, depth: number): ExpandItem[] {
  if (depth > 8) throw bad('$expand: nested deeper than 8 levels')
  const items: ExpandItem[] = []
  for (const raw of splitTopLevel(text, ',')) {
    const item = raw.trim()
    const m = /^([^()]+?)\s*(?:\((.*)\))?$/s.exec(item)
    if (!m) throw bad(`$expand: cannot read '${item}'`)
    const segs = m[1].split('/')
    // Datastreams/Sensor ≡ Datastreams($expand=Sensor); the options apply to the last segment.
    let from = e
    const navs: NavigationDef[] = []
    for (const s of segs) {
      const n = findNavigation(from, s.trim())
      if (!n) throw new StaError('STA_UNKNOWN_NAVIGATION', `$expand: unknown path '${s}' on entity type ${from.name}`)
      navs.push(n)
      from = entity(n.target)
    }
    let options = parseNested(entity(navs[navs.length - 1].target), m[2] ?? '', depth + 1)
    for (let i = navs.length - 2; i >= 0; i--) options = { ...emptyOptions(), expand: [{ nav: navs[i + 1], options }] }
    mergeExpand(items, { nav: navs[0], options })
  }
  return items
}

/** `Datastreams/Sensor,Datastreams/ObservedProperty` expand Datastreams once with both. */
function mergeExpand(items: ExpandItem[], x: ExpandItem): void {
  const same = items.find((i) => i.nav === x.nav)
  if (!same) items.push(x)
  else for (const sub of x.options.expand) mergeExpand(same.options.expand, sub)
}

function parseNested(e: EntityDef, text: string, depth: number): QueryOptions {
  const raw: Record<string, string> = {}
  if (text.trim()) {
    for (const part of splitTopLevel(text, ';')) {
      const eq = part.indexOf('=')
      const name = (eq < 0 ? part : part.slice(0, eq)).trim()
      if (!NESTED.has(name)) throw new StaError('STA_UNKNOWN_QUERY_OPTION', `$expand: unknown or unsupported nested option '${name}'`)
      raw[name] = eq < 0 ? '' : part.slice(eq + 1)
    }
  }
  return build(e, raw, depth)
}

export function emptyOptions(): QueryOptions {
  return { select: null, distinct: false, expand: [], filter: null, orderby: [], top: null, skip: 0, count: false, resultFormat: 'default', skiptoken: null, raw: {} }
}

function build(e: EntityDef, raw: Record<string, string>, depth: number): QueryOptions {
  const o = emptyOptions()
  o.raw = raw
  if (raw.$select !== undefined) ({ items: o.select, distinct: o.distinct } = parseSelect(e, raw.$select))
  if (raw.$expand !== undefined && raw.$expand.trim()) o.expand = parseExpand(e, raw.$expand, depth)
  if (raw.$filter !== undefined) o.filter = validateCondition(e, parseFilter(raw.$filter))
  if (raw.$orderby !== undefined) o.orderby = parseOrderby(e, raw.$orderby)
  if (raw.$top !== undefined) o.top = nonNegativeInt('$top', raw.$top)
  if (raw.$skip !== undefined) o.skip = nonNegativeInt('$skip', raw.$skip)
  if (raw.$count !== undefined) {
    const c = raw.$count.trim()
    if (c !== 'true' && c !== 'false') throw bad(`$count must be true or false, got '${raw.$count}'`)
    o.count = c === 'true'
  }
  if (raw.$resultFormat !== undefined) {
    const f = FORMATS[raw.$resultFormat.trim().toLowerCase()]
    if (!f) throw new StaError('STA_BAD_RESULT_FORMAT', `$resultFormat: unknown format '${raw.$resultFormat}' (dataArray, CSV, GeoJSON)`)
    o.resultFormat = f
  }
  if (raw.$skiptoken !== undefined) o.skiptoken = decodeSkiptoken(raw.$skiptoken)
  return o
}

/** Top-level query options from the request's query string (non-$ parameters are ignored). */
export function parseQueryOptions(e: EntityDef, query: Record<string, unknown>): QueryOptions {
  const raw: Record<string, string> = {}
  for (const [k, v] of Object.entries(query)) {
    if (!k.startsWith('$')) continue
    if (!KNOWN.has(k)) throw new StaError('STA_UNKNOWN_QUERY_OPTION', `unknown query option '${k}'`)
    if (typeof v !== 'string') throw bad(`query option '${k}' is given more than once`)
    raw[k] = v
  }
  return build(e, raw, 0)
}

export function encodeSkiptoken(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

function decodeSkiptoken(text: string): (string | number)[] {
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    v = null
  }
  if (!Array.isArray(v) || v.length === 0 || v.length > 8 || !v.every((x) => typeof x === 'number' || typeof x === 'string')) {
    throw bad(`$skiptoken '${text.slice(0, 40)}' is not one this server issued`)
  }
  return v
}
