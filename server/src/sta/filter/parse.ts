// $filter text → tree: a recursive-descent parser for the OData subset SensorThings uses.
// Precedence, loosest first: or, and, not, eq/ne, gt/ge/lt/le/in, add/sub, mul/div/mod,
// unary minus, primary (literal, path, function call, parentheses). Validation against the
// model is a separate step (validate.ts).
import { StaError } from '../errors.js'
import type { BinaryOp, Expr } from './ast.js'
import { parseWkt, WktError } from './wkt.js'

type Token =
  | { t: 'lit'; expr: Expr; at: number }
  | { t: 'id'; v: string; at: number }
  | { t: 'p'; v: '(' | ')' | ',' | '/' | '-'; at: number }
  | { t: 'end'; at: number }

const MAX_DEPTH = 64
const MAX_LENGTH = 20_000

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})/
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\dT])/
const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?![\d:])/
const NUMBER = /^(\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)[LlDdFfMm]?(?![\w.])/
const IDENT = /^[A-Za-z_@$][\w@$.:]*/
const DURATION = /^P(?!$)(?:(\d+(?:\.\d+)?)D)?(?:T(?!$)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

const syntax = (message: string) => new StaError('STA_FILTER_SYNTAX', `$filter: ${message}`)

function checkedDate(text: string, y: string, mo: string, d: string, h = '0', mi = '0', s = '0'): number {
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s)
  const back = new Date(ms)
  if (back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    throw new StaError('STA_BAD_LITERAL', `$filter: '${text}' is not a valid date/time`)
  }
  return ms
}

function datetimeLiteral(m: RegExpExecArray): number {
  const [text, y, mo, d, h, mi, s = '0', frac = '', zone] = m
  let ms = checkedDate(text, y, mo, d, h, mi, s) + (frac ? Math.floor(Number(frac) * 1000) : 0)
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000
  }
  return ms
}

/** ISO 8601 duration (days and time only: months and years have no fixed length). */
export function durationMs(text: string): number | null {
  const m = DURATION.exec(text)
  if (!m) return null
  const [, d = '0', h = '0', mi = '0', s = '0'] = m
  return Math.round(((Number(d) * 24 + Number(h)) * 60 + Number(mi)) * 60_000 + Number(s) * 1000)
}

function quoted(src: string, start: number): { value: string; end: number } {
  let i = start + 1
  let out = ''
  for (;;) {
    const j = src.indexOf("'", i)
    if (j < 0) throw syntax(`unterminated string starting at ${start}`)
    out += src.slice(i, j)
    if (src[j + 1] === "'") {
      out += "'"
      i = j + 2
    } else return { value: out, end: j + 1 }
  }
}

export function tokenize(src: string): Token[] {
  if (src.length > MAX_LENGTH) throw syntax(`longer than ${MAX_LENGTH} characters`)
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    const rest = src.slice(i)
    let m: RegExpExecArray | null
    if (c === "'") {
      const q = quoted(src, i)
      out.push({ t: 'lit', expr: { k: 'lit', type: 'string', value: q.value }, at: i })
      i = q.end
    } else if ('(),/-'.includes(c)) {
      out.push({ t: 'p', v: c as '(', at: i })
      i++
    } else if ((m = DATETIME.exec(rest))) {
      const start = datetimeLiteral(m)
      // start/end without spaces: an interval literal (as FROST parses them), else a date-time.
      const end = rest[m[0].length] === '/' ? DATETIME.exec(rest.slice(m[0].length + 1)) : null
      if (end) {
        const value: [number, number] = [start, datetimeLiteral(end)]
        if (value[1] < value[0]) throw new StaError('STA_BAD_LITERAL', `$filter: the interval '${m[0]}/${end[0]}' ends before it starts`)
        out.push({ t: 'lit', expr: { k: 'lit', type: 'interval', value }, at: i })
        i += m[0].length + 1 + end[0].length
      } else {
        out.push({ t: 'lit', expr: { k: 'lit', type: 'datetime', value: start }, at: i })
        i += m[0].length
      }
    } else if ((m = DATE.exec(rest))) {
      out.push({ t: 'lit', expr: { k: 'lit', type: 'datetime', value: checkedDate(m[0], m[1], m[2], m[3]) }, at: i })
      i += m[0].length
    } else if ((m = TIME_OF_DAY.exec(rest))) {
      const [text, h, mi, s = '0', frac = ''] = m
      if (+h > 23 || +mi > 59 || +s > 59) throw new StaError('STA_BAD_LITERAL', `$filter: '${text}' is not a valid time of day`)
      const ms = ((+h * 60 + +mi) * 60 + +s) * 1000 + (frac ? Math.floor(Number(frac) * 1000) : 0)
      out.push({ t: 'lit', expr: { k: 'lit', type: 'duration', value: ms }, at: i })
      i += text.length
    } else if ((m = NUMBER.exec(rest))) {
      const value = Number(m[1])
      if (!Number.isFinite(value)) throw new StaError('STA_BAD_LITERAL', `$filter: number '${m[0]}' is out of range`)
      out.push({ t: 'lit', expr: { k: 'lit', type: 'number', value }, at: i })
      i += m[0].length
    } else if ((m = IDENT.exec(rest))) {
      const word = m[0]
      const prefix = word.toLowerCase()
      if (src[i + word.length] === "'" && (prefix === 'geography' || prefix === 'geometry' || prefix === 'duration')) {
        const q = quoted(src, i + word.length)
        if (prefix === 'duration') {
          const ms = durationMs(q.value)
          if (ms === null) throw new StaError('STA_BAD_LITERAL', `$filter: duration'${q.value}' is not an ISO 8601 duration in days, hours, minutes and seconds`)
          out.push({ t: 'lit', expr: { k: 'lit', type: 'duration', value: ms }, at: i })
        } else {
          try {
            out.push({ t: 'lit', expr: { k: 'lit', type: 'geometry', value: parseWkt(q.value.replace(/^SRID=\d+;/i, '')) }, at: i })
          } catch (e) {
            if (e instanceof WktError) throw new StaError('STA_BAD_LITERAL', `$filter: ${e.message}`)
            throw e
          }
        }
        i = q.end
      } else {
        out.push({ t: 'id', v: word, at: i })
        i += word.length
      }
    } else {
      throw syntax(`unexpected character '${c}' at ${i}`)
    }
  }
  out.push({ t: 'end', at: src.length })
  return out
}

const KEYWORD_OPS: Record<string, BinaryOp> = { eq: 'eq', ne: 'ne', gt: 'gt', ge: 'ge', lt: 'lt', le: 'le', add: 'add', sub: 'sub', mul: 'mul', div: 'div', mod: 'mod' }
const RESERVED = new Set(['and', 'or', 'not', 'in', ...Object.keys(KEYWORD_OPS)])

export function parseFilter(src: string): Expr {
  const tokens = tokenize(src)
  let pos = 0
  let depth = 0
  const peek = () => tokens[pos]
  const isWord = (w: string) => {
    const t = tokens[pos]
    return t.t === 'id' && t.v === w
  }
  const isP = (v: string) => {
    const t = tokens[pos]
    return t.t === 'p' && t.v === v
  }
  const describe = (t: Token) => (t.t === 'end' ? 'end of input' : t.t === 'id' || t.t === 'p' ? `'${t.v}' at ${t.at}` : `literal at ${t.at}`)
  const expectP = (v: string) => {
    if (!isP(v)) throw syntax(`expected '${v}' but found ${describe(peek())}`)
    pos++
  }
  const nested = <T>(f: () => T): T => {
    if (++depth > MAX_DEPTH) throw syntax(`nested deeper than ${MAX_DEPTH} levels`)
    try {
      return f()
    } finally {
      depth--
    }
  }

  const binaryLevel = (ops: string[], next: () => Expr) => (): Expr => {
    let left = next()
    for (;;) {
      const t = peek()
      if (t.t !== 'id' || !ops.includes(t.v)) return left
      pos++
      const op = (t.v === 'and' || t.v === 'or' ? t.v : KEYWORD_OPS[t.v]) as BinaryOp
      left = { k: 'binary', op, left, right: next() }
    }
  }

  const primary = (): Expr =>
    nested(() => {
      const t = peek()
      if (t.t === 'lit') {
        pos++
        return t.expr
      }
      if (t.t === 'p' && t.v === '(') {
        pos++
        const e = orExpr()
        expectP(')')
        return e
      }
      if (t.t === 'id') {
        if (t.v === 'true' || t.v === 'false') {
          pos++
          return { k: 'lit', type: 'boolean', value: t.v === 'true' }
        }
        if (t.v === 'null') {
          pos++
          return { k: 'lit', type: 'null', value: null }
        }
        if (RESERVED.has(t.v)) throw syntax(`unexpected operator '${t.v}' at ${t.at}`)
        pos++
        if (isP('(')) {
          pos++
          const args: Expr[] = []
          if (!isP(')')) {
            args.push(orExpr())
            while (isP(',')) {
              pos++
              args.push(orExpr())
            }
          }
          expectP(')')
          return { k: 'call', name: t.v, args }
        }
        const segments = [t.v]
        while (isP('/')) {
          pos++
          const s = peek()
          if (s.t === 'id') segments.push(s.v)
          else if (s.t === 'lit' && s.expr.k === 'lit' && s.expr.type === 'number' && Number.isInteger(s.expr.value)) segments.push(String(s.expr.value))
          else throw syntax(`expected a property name after '/' but found ${describe(s)}`)
          pos++
          const last = segments[segments.length - 1]
          if ((last === 'any' || last === 'all') && segments.length > 1 && isP('(')) return lambda(last, segments.slice(0, -1))
        }
        return { k: 'path', segments }
      }
      throw syntax(`expected a value but found ${describe(t)}`)
    })

  /** After `path/any` or `path/all`: `()` or `(v: condition)`. The tokenizer reads `v:` (and
   * `v:v`, without a space) as one identifier, so the variable is split off here. */
  const lambda = (op: 'any' | 'all', path: string[]): Expr => {
    expectP('(')
    if (isP(')')) {
      if (op === 'all') throw syntax(`'all()' needs a condition: all(x: …)`)
      pos++
      return { k: 'lambda', op, path, variable: null, body: null }
    }
    const t = peek()
    const m = t.t === 'id' ? /^([A-Za-z_]\w*):(.*)$/.exec(t.v) : null
    if (!m || t.t !== 'id') throw syntax(`expected 'variable:' after '${op}(' but found ${describe(t)}`)
    if (m[2]) tokens[pos] = { t: 'id', v: m[2], at: t.at + m[1].length + 1 }
    else pos++
    const body = orExpr()
    expectP(')')
    return { k: 'lambda', op, path, variable: m[1], body }
  }

  const unary = (): Expr =>
    nested(() => {
      if (isP('-')) {
        pos++
        const arg = unary()
        if (arg.k === 'lit' && arg.type === 'number') return { ...arg, value: -arg.value }
        return { k: 'neg', arg }
      }
      return primary()
    })
  const multiplicative = binaryLevel(['mul', 'div', 'mod'], unary)
  const additive = binaryLevel(['add', 'sub'], multiplicative)
  const relational = (): Expr => {
    let left = additive()
    for (;;) {
      const t = peek()
      if (t.t !== 'id') return left
      if (t.v === 'in') {
        pos++
        expectP('(')
        const list = [additive()]
        while (isP(',')) {
          pos++
          list.push(additive())
        }
        expectP(')')
        left = { k: 'in', left, list }
      } else if (['gt', 'ge', 'lt', 'le'].includes(t.v)) {
        pos++
        left = { k: 'binary', op: t.v as BinaryOp, left, right: additive() }
      } else return left
    }
  }
  const equality = binaryLevel(['eq', 'ne'], relational)
  const notExpr = (): Expr =>
    nested(() => {
      if (isWord('not')) {
        pos++
        return { k: 'not', arg: notExpr() }
      }
      return equality()
    })
  const andExpr = binaryLevel(['and'], notExpr)
  const orExpr: () => Expr = () => nested(binaryLevel(['or'], andExpr))

  const tree = orExpr()
  if (peek().t !== 'end') throw syntax(`unexpected ${describe(peek())}`)
  return tree
}
