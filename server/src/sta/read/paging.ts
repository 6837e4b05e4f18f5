// Collection paging: keyset conditions (`$skiptoken`, chunked reads) and nextLink query strings.
import { encodeSkiptoken } from '../query-options.js'
import type { Row } from './context.js'

export interface OrderKey {
  sql: string
  desc: boolean
}

/** (k0, k1, …) after the values bound as `refs` (`@p3`, `@after0`…), in each key's direction. */
export function keysetCondition(keys: OrderKey[], refs: string[]): string {
  const build = (i: number): string => {
    const op = keys[i].desc ? '<' : '>'
    if (i === keys.length - 1) return `${keys[i].sql} ${op} ${refs[i]}`
    return `(${keys[i].sql} ${op} ${refs[i]} OR (${keys[i].sql} = ${refs[i]} AND ${build(i + 1)}))`
  }
  // The leading >= / <= bound gives SQLite an index range; the rest picks up after the last row.
  return `(${keys[0].sql} ${keys[0].desc ? '<=' : '>='} ${refs[0]} AND ${build(0)})`
}

/** Names of the parameters a continuation query binds the last row's keys to. */
export const afterParam = (i: number) => `after${i}`

/** The raw row values of the order keys, for a keyset nextLink. */
export function skiptokenOf(plan: { keyCols: number[] | null }, row: Row): string | null {
  if (!plan.keyCols) return null
  return encodeSkiptoken(plan.keyCols.map((c) => row[c]))
}

export interface PageEnd {
  /** Query string for the next page (without '?'), or null. */
  next: string | null
}

export function nextQuery(raw: Record<string, string>, set: Record<string, string>): string {
  const q = { ...raw }
  delete q.$skip
  delete q.$skiptoken
  delete q.$top
  Object.assign(q, set)
  return Object.entries(q)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')
}
