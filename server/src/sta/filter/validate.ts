// Validation: a parsed $filter (or $orderby expression) checked against the model. Paths are
// resolved through navigation properties to a property (and a JSON path inside it), functions
// looked up with their arity, and operand types checked. Errors name the bad path or function.
import { StaError } from '../errors.js'
import { findNavigation, findProperty, entity, type EntityDef, type NavigationDef, type PropertyDef, type ValueType } from '../model.js'
import type { BinaryOp, Expr, Literal } from './ast.js'
import { FUNCTIONS, type FunctionDef } from './functions.js'

export type Typed =
  | (Literal & { type: ValueType })
  | { k: 'prop'; type: ValueType; hops: NavigationDef[]; prop: PropertyDef; json: string[]; text: string }
  | { k: 'call'; type: ValueType; fn: FunctionDef; args: Typed[] }
  | { k: 'binary'; type: ValueType; op: BinaryOp; left: Typed; right: Typed }
  | { k: 'not'; type: 'boolean'; arg: Typed }
  | { k: 'neg'; type: ValueType; arg: Typed }
  | { k: 'in'; type: 'boolean'; left: Typed; list: Typed[] }
  /** any/all over the entities `hops` reach; `body` is typed against the last hop's target. */
  | { k: 'lambda'; type: 'boolean'; op: 'any' | 'all'; hops: NavigationDef[]; body: Typed | null }

const JSON_KEY = /^[^"\\]{1,200}$/

/** Resolves `Datastream/Thing/properties/a` from an entity type to a property (or fails naming it). */
export function resolvePath(root: EntityDef, segments: string[], where = '$filter'): Extract<Typed, { k: 'prop' }> {
  let e = root
  const hops: NavigationDef[] = []
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]
    const n = findNavigation(e, s)
    if (n) {
      hops.push(n)
      e = entity(n.target)
      continue
    }
    const p = findProperty(e, s)
    if (!p) throw new StaError('STA_UNKNOWN_PROPERTY', `${where}: unknown property '${s}' on entity type ${e.name} (path '${segments.join('/')}')`)
    const json = segments.slice(i + 1)
    if (json.length && !p.deep) throw new StaError('STA_UNKNOWN_PROPERTY', `${where}: property '${s}' of ${e.name} has no sub-property '${json[0]}'`)
    const bad = json.find((k) => !JSON_KEY.test(k))
    if (bad !== undefined) throw new StaError('STA_UNKNOWN_PROPERTY', `${where}: '${bad}' is not a usable JSON key in '${segments.join('/')}'`)
    return { k: 'prop', type: json.length ? 'json' : p.type, hops, prop: p, json, text: segments.join('/') }
  }
  throw new StaError('STA_UNKNOWN_PROPERTY', `${where}: path '${segments.join('/')}' ends at entity type ${e.name}, not at a property`)
}

const isTime = (t: ValueType) => t === 'datetime' || t === 'interval'
/** Types that compare or combine with anything: JSON values and null are checked at run time. */
const loose = (t: ValueType) => t === 'json' || t === 'null'

function comparable(a: ValueType, b: ValueType): boolean {
  return loose(a) || loose(b) || a === b || (isTime(a) && isTime(b))
}

function accepts(expected: ValueType, actual: ValueType): boolean {
  if (loose(actual) || expected === actual) return true
  if (isTime(expected) && isTime(actual)) return true
  return false
}

function arithmetic(op: BinaryOp, l: ValueType, r: ValueType): ValueType | null {
  if (loose(l) || loose(r)) return loose(l) && loose(r) ? 'json' : loose(l) ? (r === 'number' ? 'number' : r) : l === 'number' ? 'number' : l
  if (l === 'number' && r === 'number') return 'number'
  if (op === 'add' || op === 'sub') {
    // An interval moved by a duration stays an interval (both ends move).
    if (isTime(l) && r === 'duration') return l
    if (op === 'add' && l === 'duration' && isTime(r)) return r
    if (op === 'sub' && isTime(l) && isTime(r)) return 'duration'
    if (l === 'duration' && r === 'duration') return 'duration'
  }
  if ((op === 'mul' || op === 'div') && l === 'duration' && r === 'number') return 'duration'
  return null
}

const typeError = (message: string) => new StaError('STA_FILTER_TYPE', message)

export function validate(root: EntityDef, e: Expr, where = '$filter'): Typed {
  const v = (x: Expr): Typed => validate(root, x, where)
  switch (e.k) {
    case 'lit':
      return e
    case 'path':
      return resolvePath(root, e.segments, where)
    case 'call': {
      const fn = FUNCTIONS.get(e.name)
      if (!fn) throw new StaError('STA_UNKNOWN_FUNCTION', `${where}: unknown function '${e.name}'`)
      const min = fn.args.length - (fn.optional ?? 0)
      if (e.args.length < min || e.args.length > fn.args.length) {
        const n = fn.optional ? `${min} to ${fn.args.length}` : String(fn.args.length)
        throw typeError(`${where}: function '${e.name}' takes ${n} argument(s), got ${e.args.length}`)
      }
      const args = e.args.map(v)
      args.forEach((a, i) => {
        if (!accepts(fn.args[i], a.type)) throw typeError(`${where}: argument ${i + 1} of '${e.name}' must be a ${fn.args[i]}, got a ${a.type}`)
        if (fn.intervalOnly?.includes(i) && a.type !== 'interval' && !loose(a.type)) {
          throw typeError(`${where}: argument ${i + 1} of '${e.name}' must be a time interval, got a ${a.type}`)
        }
      })
      return { k: 'call', type: fn.returns, fn, args }
    }
    case 'binary': {
      const left = v(e.left)
      const right = v(e.right)
      if (e.op === 'and' || e.op === 'or') {
        for (const side of [left, right]) {
          if (side.type !== 'boolean' && !loose(side.type)) throw typeError(`${where}: '${e.op}' needs boolean operands, got a ${side.type}`)
        }
        return { k: 'binary', type: 'boolean', op: e.op, left, right }
      }
      if (['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(e.op)) {
        if (!comparable(left.type, right.type)) throw typeError(`${where}: cannot compare a ${left.type} with a ${right.type} using '${e.op}'`)
        if (left.type === 'geometry' || right.type === 'geometry') {
          if (e.op !== 'eq' && e.op !== 'ne') throw typeError(`${where}: geometries only compare with eq/ne (use the st_ functions)`)
        }
        return { k: 'binary', type: 'boolean', op: e.op, left, right }
      }
      const type = arithmetic(e.op, left.type, right.type)
      if (!type) throw typeError(`${where}: '${e.op}' does not apply to a ${left.type} and a ${right.type}`)
      return { k: 'binary', type, op: e.op, left, right }
    }
    case 'not': {
      const arg = v(e.arg)
      if (arg.type !== 'boolean' && !loose(arg.type)) throw typeError(`${where}: 'not' needs a boolean operand, got a ${arg.type}`)
      return { k: 'not', type: 'boolean', arg }
    }
    case 'neg': {
      const arg = v(e.arg)
      if (arg.type !== 'number' && arg.type !== 'duration' && !loose(arg.type)) throw typeError(`${where}: '-' needs a number, got a ${arg.type}`)
      return { k: 'neg', type: arg.type, arg }
    }
    case 'lambda':
      return validateLambda(root, e, where)
    case 'in': {
      const left = v(e.left)
      const list = e.list.map(v)
      for (const x of list) if (!comparable(left.type, x.type)) throw typeError(`${where}: cannot compare a ${left.type} with a ${x.type} in 'in'`)
      return { k: 'in', type: 'boolean', left, list }
    }
  }
}

/** A lambda body with the range variable removed from its paths (`d/name` → `name`). Paths
 * must start with the variable: references to the outer entity are not supported. */
function relativeTo(variable: string, e: Expr, where: string): Expr {
  const r = (x: Expr) => relativeTo(variable, x, where)
  switch (e.k) {
    case 'lit':
      return e
    case 'path':
    case 'lambda': {
      const segs = e.k === 'path' ? e.segments : e.path
      if (segs[0] !== variable || (e.k === 'path' && segs.length < 2)) {
        throw new StaError('STA_UNKNOWN_PROPERTY', `${where}: '${segs.join('/')}' inside a lambda must be a path from its variable '${variable}' (like ${variable}/name)`)
      }
      return e.k === 'path' ? { ...e, segments: segs.slice(1) } : { ...e, path: segs.slice(1) }
    }
    case 'call':
      return { ...e, args: e.args.map(r) }
    case 'binary':
      return { ...e, left: r(e.left), right: r(e.right) }
    case 'not':
    case 'neg':
      return { ...e, arg: r(e.arg) }
    case 'in':
      return { ...e, left: r(e.left), list: e.list.map(r) }
  }
}

function validateLambda(root: EntityDef, e: Extract<Expr, { k: 'lambda' }>, where: string): Typed {
  const text = `${e.path.join('/')}/${e.op}`
  let target = root
  const hops: NavigationDef[] = []
  for (const s of e.path) {
    const n = findNavigation(target, s)
    if (!n) throw new StaError('STA_UNKNOWN_NAVIGATION', `${where}: '${s}' in '${text}' is not a navigation property of ${target.name}`)
    hops.push(n)
    target = entity(n.target)
  }
  if (!hops.some((h) => h.many)) throw typeError(`${where}: '${text}' needs a collection, but '${e.path.join('/')}' is a single ${target.name}`)
  if (e.variable === null || e.body === null) return { k: 'lambda', type: 'boolean', op: e.op, hops, body: null }
  const body = validate(target, relativeTo(e.variable, e.body, where), where)
  if (body.type !== 'boolean' && !loose(body.type)) throw typeError(`${where}: the condition of '${text}' is a ${body.type}, not a condition`)
  return { k: 'lambda', type: 'boolean', op: e.op, hops, body }
}

/** A $filter must be a condition. */
export function validateCondition(root: EntityDef, e: Expr): Typed {
  const t = validate(root, e)
  if (t.type !== 'boolean' && t.type !== 'json') throw typeError(`$filter: the expression is a ${t.type}, not a condition`)
  return t
}
