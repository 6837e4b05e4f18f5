// Resource paths → what they address (OGC 18-088 §9.2): the service root, a collection (maybe
// reached through navigation: /Things(1)/Datastreams), one entity, one property, its $value, or
// references ($ref). Every segment is checked against the model and every id against the store
// (a missing entity on the way is a 404).
import type { Db } from '../store/database.js'
import { StaError } from './errors.js'
import { fromOf } from './filter/compile.js'
import { ENTITY_BY_PLURAL, entity, findNavigation, findProperty, sqlFor, type EntityDef, type NavigationDef, type PropertyDef } from './model.js'
import type { Scope } from './read.js'
import { statement } from './statements.js'

export type Resolved =
  | { kind: 'root' }
  | { kind: 'collection'; entity: EntityDef; scope: Scope | null; ref: boolean; via?: { nav: NavigationDef; id: number } }
  | { kind: 'entity'; entity: EntityDef; id: number; ref: boolean }
  | { kind: 'property'; entity: EntityDef; id: number; prop: PropertyDef; value: boolean }

const SEGMENT = /^([A-Za-z]+)(?:\((.*)\))?$/

/** No entity has it (ids are assigned from 1): the id of an integer too large to be one. */
const NO_ENTITY = -1

function parseId(text: string, segment: string): number {
  if (!/^\d+$/.test(text)) throw new StaError('STA_BAD_ID', `'${text}' in '${segment}' is not an entity id (ids are integers)`)
  // A well-formed id beyond any we assign (ets-sta10 asks for Long.MAX_VALUE) is a missing entity: 404.
  return text.length > 15 ? NO_ENTITY : Number(text)
}

function exists(db: Db, e: EntityDef, id: number, scope: Scope | null): boolean {
  const sql = `SELECT 1 FROM ${fromOf(e, 'e')} WHERE e.id = @id${scope ? ` AND ${scope.sql}` : ''}`
  return statement(db, sql).get({ ...scope?.params, id }) !== undefined
}

/** The condition (over alias `e`) selecting the targets of `nav` from the parent entity. */
export function navigationScope(from: EntityDef, nav: NavigationDef, parentId: number): Scope {
  const j = nav.join
  return j.kind === 'fkOnTarget'
    ? { sql: `${sqlFor(j.sql, 'e')} = @scope_parent`, params: { scope_parent: parentId } }
    : j.kind === 'link'
      ? {
          sql: `e.id IN (SELECT ${j.targetColumn} FROM ${j.table} WHERE ${j.sourceColumn} = @scope_parent)`,
          params: { scope_parent: parentId },
          ...(j.order ? { joined: { from: ` JOIN ${j.table} l ON l.${j.targetColumn} = e.id`, sql: `l.${j.sourceColumn} = @scope_parent`, order: `l.${j.order}` } } : {}),
        }
      : { sql: `e.id = (SELECT ${sqlFor(j.sql, 's')} FROM ${fromOf(from, 's')} WHERE s.id = @scope_parent)`, params: { scope_parent: parentId } }
}

const notFound = (what: string) => new StaError('STA_NOT_FOUND', `${what} does not exist`)

export function resolvePath(db: Db, path: string): Resolved {
  const segments = path.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1))
  if (segments.length === 0) return { kind: 'root' }
  let decoded: string[]
  try {
    decoded = segments.map((s) => decodeURIComponent(s))
  } catch {
    throw new StaError('STA_BAD_PATH', `the path '${path.slice(0, 200)}' is not correctly percent-encoded`)
  }
  let state: Resolved | null = null
  let text = ''
  for (let i = 0; i < decoded.length; i++) {
    const seg = decoded[i]
    const last = i === decoded.length - 1
    if (seg === '') throw new StaError('STA_BAD_PATH', `empty segment in path '${path.slice(0, 200)}'`)
    if (seg === '$ref') {
      if (!last || !state || (state.kind !== 'collection' && state.kind !== 'entity')) throw new StaError('STA_BAD_PATH', `$ref must end a path to entities: '${path.slice(0, 200)}'`)
      return { ...state, ref: true }
    }
    if (seg === '$value') {
      if (!last || !state || state.kind !== 'property') throw new StaError('STA_BAD_PATH', `$value must follow a property: '${path.slice(0, 200)}'`)
      return { ...state, value: true }
    }
    const m = SEGMENT.exec(seg)
    if (!m) throw new StaError('STA_UNKNOWN_PATH_SEGMENT', `unknown path segment '${seg.slice(0, 100)}'`)
    const [, name, idText] = m
    const id = idText === undefined ? undefined : parseId(idText, seg)
    text += `/${seg}`
    if (!state) {
      const e = ENTITY_BY_PLURAL.get(name)
      if (!e) throw new StaError('STA_UNKNOWN_ENTITY_SET', `unknown entity set '${name}'`)
      if (id === undefined) state = { kind: 'collection', entity: e, scope: null, ref: false }
      else if (!exists(db, e, id, null)) throw notFound(text.slice(1))
      else state = { kind: 'entity', entity: e, id, ref: false }
      continue
    }
    if (state.kind === 'collection') {
      if (id !== undefined || name === undefined) throw new StaError('STA_BAD_PATH', `'${seg}' cannot follow a collection (give an id first)`)
      throw new StaError('STA_BAD_PATH', `'${seg}' cannot follow the collection ${state.entity.plural}: address one entity with (id) first`)
    }
    if (state.kind !== 'entity') throw new StaError('STA_BAD_PATH', `'${seg}' cannot follow a property`)
    const from: EntityDef = state.entity
    const parentId: number = state.id
    const nav = findNavigation(from, name)
    if (nav) {
      const target = entity(nav.target)
      const j = nav.join
      if (!nav.many) {
        if (id !== undefined) throw new StaError('STA_BAD_PATH', `'${name}' is a single entity of ${from.name}: no id allowed`)
        if (j.kind !== 'fkOnSource') throw new StaError('STA_BAD_PATH', `cannot follow '${name}'`)
        const row = statement(db, `SELECT ${sqlFor(j.sql, 's')} AS id FROM ${fromOf(from, 's')} WHERE s.id = @id`).get({ id: parentId }) as { id: number | null } | undefined
        if (!row || row.id === null) throw notFound(text.slice(1))
        state = { kind: 'entity', entity: target, id: row.id, ref: false }
        continue
      }
      const scope = navigationScope(from, nav, parentId)
      // `via` lets a POST to /Things(1)/Datastreams link the new entity to its parent.
      if (id === undefined) state = { kind: 'collection', entity: target, scope, ref: false, via: { nav, id: parentId } }
      else if (!exists(db, target, id, scope)) throw notFound(text.slice(1))
      else state = { kind: 'entity', entity: target, id, ref: false }
      continue
    }
    const prop = findProperty(from, name)
    if (prop && id === undefined) {
      state = { kind: 'property', entity: from, id: parentId, prop, value: false }
      continue
    }
    throw new StaError('STA_UNKNOWN_PATH_SEGMENT', `'${name}' is neither a property nor a navigation property of ${from.name}`)
  }
  return state!
}
