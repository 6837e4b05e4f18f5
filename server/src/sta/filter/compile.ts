// Validated $filter/$orderby tree → SQLite. Every literal becomes a named bound parameter.
// Paths through to-one navigation become scalar subqueries; a condition that reaches through a
// to-many navigation (Things: `Datastreams/ObservedProperty/@iot.id eq 3`) becomes EXISTS over
// the related rows, as FROST-Server does ("any related entity matches").
import { StaError } from '../errors.js'
import { entity, sqlFor, type EntityDef, type NavigationDef } from '../model.js'
import type { Typed } from './validate.js'

export class SqlContext {
  readonly params: Record<string, unknown> = {}
  private n = 0
  private a = 0
  bind(value: unknown): string {
    const name = `p${this.n++}`
    this.params[name] = value
    return `@${name}`
  }
  alias(): string {
    return `x${this.a++}`
  }
}

/** The FROM clause of an entity under an alias. */
export const fromOf = (e: EntityDef, alias: string) => sqlFor(e.from, alias)

/** Condition tying target alias `t` to source alias `s` through a navigation property. */
export function linkCondition(n: NavigationDef, s: string, t: string): string {
  const j = n.join
  if (j.kind === 'fkOnSource') return `${t}.id = ${sqlFor(j.sql, s)}`
  if (j.kind === 'fkOnTarget') return `${sqlFor(j.sql, t)} = ${s}.id`
  return `${t}.id IN (SELECT ${j.targetColumn} FROM ${j.table} WHERE ${j.sourceColumn} = ${s}.id)`
}

type Prop = Extract<Typed, { k: 'prop' }>
/** Aliases already bound to navigation prefixes ("Datastreams/Thing") inside EXISTS subqueries. */
type Bound = Map<string, string>
interface Scope {
  root: string
  bound: Bound
  sql: SqlContext
}

const key = (hops: NavigationDef[]) => hops.map((h) => h.name).join('/')

function jsonPath(keys: string[]): string {
  return '$' + keys.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `."${k}"`)).join('')
}

/** Longest bound prefix of `hops`: its alias and how many hops it covers. */
function start(hops: NavigationDef[], s: Scope): { alias: string; used: number } {
  for (let i = hops.length; i > 0; i--) {
    const a = s.bound.get(key(hops.slice(0, i)))
    if (a) return { alias: a, used: i }
  }
  return { alias: s.root, used: 0 }
}

/** [start, end] SQL of a property path (end === start except for intervals). */
function propSql(p: Prop, s: Scope): [string, string] {
  const { alias, used } = start(p.hops, s)
  const rest = p.hops.slice(used)
  const leaf = (a: string): [string, string] => {
    const exprs = p.prop.filter.map((f) => sqlFor(f, a))
    if (p.json.length) {
      const path = s.sql.bind(jsonPath(p.json))
      return [`json_extract(${exprs[0]}, ${path})`, `json_extract(${exprs[0]}, ${path})`]
    }
    return [exprs[0], exprs[1] ?? exprs[0]]
  }
  const chain = (from: string, hops: NavigationDef[]): [string, string] => {
    if (!hops.length) return leaf(from)
    const h = hops[0]
    if (h.many) throw new StaError('STA_BAD_QUERY_OPTION', `the path '${p.text}' goes through the to-many navigation '${h.name}' where a single value is needed`)
    const t = s.sql.alias()
    const [a, b] = chain(t, hops.slice(1))
    const sub = (x: string) => `(SELECT ${x} FROM ${fromOf(entity(h.target), t)} WHERE ${linkCondition(h, from, t)})`
    return a === b ? [sub(a), sub(a)] : [sub(a), sub(b)]
  }
  return chain(alias, rest)
}

function valueSql(t: Typed, s: Scope): [string, string] {
  switch (t.k) {
    case 'lit': {
      if (t.type === 'null') return ['NULL', 'NULL']
      if (t.type === 'interval') return [s.sql.bind(t.value[0]), s.sql.bind(t.value[1])]
      const v = t.type === 'boolean' ? (t.value ? 1 : 0) : t.type === 'geometry' ? JSON.stringify(t.value) : t.value
      const p = s.sql.bind(v)
      return [p, p]
    }
    case 'prop':
      return propSql(t, s)
    case 'call': {
      const args = t.args.map((a) => valueSql(a, s))
      // Functions over spans see both ends of each argument; the others its start.
      const x = t.fn.sql(t.fn.spans ? args.flat() : args.map((a) => a[0]))
      return [x, x]
    }
    case 'binary': {
      if (['and', 'or', 'eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(t.op)) {
        const c = condition(t, s)
        return [c, c]
      }
      const [l, le] = valueSql(t.left, s)
      const [r, re] = valueSql(t.right, s)
      const op = (a: string, b: string) =>
        t.op === 'add' ? `(${a} + ${b})` : t.op === 'sub' ? `(${a} - ${b})` : t.op === 'mul' ? `(${a} * ${b})` : t.op === 'div' ? `(CAST(${a} AS REAL) / ${b})` : `(${a} % ${b})`
      // An interval moved by a duration: both ends move.
      if (t.type === 'interval') return t.left.type === 'interval' ? [op(l, r), op(le, r)] : [op(l, r), op(l, re)]
      const x = op(l, r)
      return [x, x]
    }
    case 'neg': {
      const x = `(-${valueSql(t.arg, s)[0]})`
      return [x, x]
    }
    case 'not':
    case 'in': {
      const c = condition(t, s)
      return [c, c]
    }
    case 'lambda': {
      const c = lambdaSql(t, s)
      return [c, c]
    }
  }
}

/** any: EXISTS a related entity meeting the condition; all: NOT EXISTS one that does not (an
 * unknown, NULL, condition counts as not met, so `all` holds on an empty collection only). */
function lambdaSql(t: Extract<Typed, { k: 'lambda' }>, s: Scope): string {
  const froms: string[] = []
  const conds: string[] = []
  let from = s.root
  for (const h of t.hops) {
    const to = s.sql.alias()
    froms.push(fromOf(entity(h.target), to))
    conds.push(linkCondition(h, from, to))
    from = to
  }
  const body = t.body ? condition(t.body, { root: from, bound: new Map(), sql: s.sql }) : null
  const exists = (extra: string | null) => `EXISTS (SELECT 1 FROM ${froms.join(', ')} WHERE ${[...conds, ...(extra ? [extra] : [])].join(' AND ')})`
  if (t.op === 'any') return exists(body)
  return `(NOT ${exists(`NOT COALESCE(${body}, 0)`)})`
}

function comparison(op: string, l: [string, string], r: [string, string], t: Extract<Typed, { k: 'binary' }>): string {
  const [ls, le] = l
  const [rs, re] = r
  const nullSide = t.left.type === 'null' ? ls : t.right.type === 'null' ? rs : null
  if (nullSide !== null) {
    const other = t.left.type === 'null' ? rs : ls
    if (op === 'eq') return `(${other} IS NULL)`
    if (op === 'ne') return `(${other} IS NOT NULL)`
    return '(0)'
  }
  if (t.left.type === 'geometry' || t.right.type === 'geometry') {
    return op === 'eq' ? `sta_equals(${ls}, ${rs})` : `(NOT sta_equals(${ls}, ${rs}))`
  }
  const intervals = t.left.type === 'interval' || t.right.type === 'interval'
  if (!intervals) {
    const sqlOp = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op]
    return `(${ls} ${sqlOp} ${rs})`
  }
  // Interval semantics (as FROST, intervals half open): lt is before (ends at or before the
  // other's start; an instant strictly before), gt is after, le / ge compare both ends, eq is the
  // same start and end. Each keeps a bare comparison on the start so SQLite can use the time index.
  switch (op) {
    case 'gt':
      return re === rs ? `(${ls} > ${rs})` : `(${ls} > ${rs} AND ${ls} >= ${re})`
    case 'lt':
      return le === ls ? `(${ls} < ${rs})` : `(${ls} < ${rs} AND ${le} <= ${rs})`
    case 'ge':
      // start >= start and end >= end; against an instant the start alone decides.
      return rs === re ? `(${ls} >= ${rs})` : ls === le ? `(${ls} >= ${re})` : `(${ls} >= ${rs} AND ${le} >= ${re})`
    case 'le':
      return ls === le ? `(${ls} <= ${rs})` : `(${ls} <= ${rs} AND ${le} <= ${re})`
    case 'eq':
      return `(${ls} = ${rs} AND ${le} = ${re})`
    default:
      return `(NOT (${ls} = ${rs} AND ${le} = ${re}))`
  }
}

/** Props of a leaf whose path still needs a to-many hop bound. */
function unboundMany(t: Typed, s: Scope): NavigationDef[] | null {
  const visit = (x: Typed): NavigationDef[] | null => {
    if (x.k === 'prop') {
      const { used } = start(x.hops, s)
      const i = x.hops.findIndex((h, j) => j >= used && h.many)
      return i < 0 ? null : x.hops.slice(0, i + 1)
    }
    if (x.k === 'call') return x.args.map(visit).find((r) => r) ?? null
    if (x.k === 'binary') return visit(x.left) ?? visit(x.right)
    if (x.k === 'neg' || x.k === 'not') return visit(x.arg)
    if (x.k === 'in') return visit(x.left) ?? x.list.map(visit).find((r) => r) ?? null
    return null
  }
  return visit(t)
}

function leaf(t: Typed, s: Scope): string {
  const prefix = unboundMany(t, s)
  if (!prefix) {
    if (t.k === 'binary' && ['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(t.op)) {
      return comparison(t.op, valueSql(t.left, s), valueSql(t.right, s), t)
    }
    if (t.k === 'in') {
      const [l] = valueSql(t.left, s)
      return `(${l} IN (${t.list.map((x) => valueSql(x, s)[0]).join(', ')}))`
    }
    return `(${valueSql(t, s)[0]})`
  }
  // EXISTS over the rows the prefix reaches; inside it, the prefix is bound to their alias.
  const { alias, used } = start(prefix, s)
  const froms: string[] = []
  const conds: string[] = []
  let from = alias
  for (const h of prefix.slice(used)) {
    const to = s.sql.alias()
    froms.push(fromOf(entity(h.target), to))
    conds.push(linkCondition(h, from, to))
    from = to
  }
  const bound = new Map(s.bound).set(key(prefix), from)
  return `EXISTS (SELECT 1 FROM ${froms.join(', ')} WHERE ${conds.join(' AND ')} AND ${leaf(t, { ...s, bound })})`
}

function condition(t: Typed, s: Scope): string {
  if (t.k === 'binary' && (t.op === 'and' || t.op === 'or')) return `(${condition(t.left, s)} ${t.op.toUpperCase()} ${condition(t.right, s)})`
  if (t.k === 'not') return `(NOT ${condition(t.arg, s)})`
  return leaf(t, s)
}

/** A WHERE condition over the entity under `alias`. */
export function compileCondition(t: Typed, alias: string, sql: SqlContext): string {
  return condition(t, { root: alias, bound: new Map(), sql })
}

/** A single value (for $orderby): intervals order by their start. */
export function compileValue(t: Typed, alias: string, sql: SqlContext): string {
  return valueSql(t, { root: alias, bound: new Map(), sql })[0]
}
