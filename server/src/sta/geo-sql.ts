// SQL functions the compiled $filter calls, registered once per connection: the geospatial
// predicates (geo.ts) over GeoJSON text, and the computed Observation values (decode.ts).
// Deterministic, so SQLite may evaluate a constant argument once.
import type { Db } from '../store/database.js'
import { parametersOf, qualityOf } from './decode.js'
import * as geo from './geo.js'

const registered = new WeakSet<Db>()

function shape(text: unknown): geo.Shape | null {
  if (typeof text !== 'string') return null
  try {
    return geo.shapeOf(JSON.parse(text))
  } catch {
    return null
  }
}

const binary = (f: (a: geo.Shape, b: geo.Shape) => boolean) => (x: unknown, y: unknown) => {
  const a = shape(x)
  const b = shape(y)
  return a && b ? (f(a, b) ? 1 : 0) : null
}

/** observedArea: a JSON array of GeoJSON texts → their envelope as GeoJSON text. */
function envelopeText(list: string): string | null {
  let texts: unknown
  try {
    texts = JSON.parse(list)
  } catch {
    return null
  }
  if (!Array.isArray(texts)) return null
  const e = geo.envelope(texts.map(shape).filter((s): s is geo.Shape => s !== null))
  return e ? JSON.stringify(e) : null
}

export function registerStaFunctions(db: Db): void {
  if (registered.has(db)) return
  registered.add(db)
  const opts = { deterministic: true }
  db.function('sta_distance', opts, (x: unknown, y: unknown) => {
    const a = shape(x)
    const b = shape(y)
    return a && b ? geo.distance(a, b) : null
  })
  db.function('sta_length', opts, (x: unknown) => {
    const a = shape(x)
    return a ? geo.length(a) : null
  })
  db.function('sta_intersects', opts, binary(geo.intersects))
  db.function('sta_disjoint', opts, binary((a, b) => !geo.intersects(a, b)))
  db.function('sta_equals', opts, binary(geo.equals))
  db.function('sta_within', opts, binary(geo.within))
  db.function('sta_contains', opts, binary((a, b) => geo.within(b, a)))
  db.function('sta_touches', opts, binary(geo.touches))
  db.function('sta_crosses', opts, binary(geo.crosses))
  db.function('sta_overlaps', opts, binary(geo.overlaps))
  db.function('sta_relate', opts, (x: unknown, y: unknown, pattern: unknown) => {
    const a = shape(x)
    const b = shape(y)
    if (!a || !b || typeof pattern !== 'string' || !/^[TF*012]{9}$/i.test(pattern)) return null
    return geo.relate(a, b, pattern) ? 1 : 0
  })
  // observedArea: a JSON array of GeoJSON texts → their envelope as GeoJSON text.
  // Memoised by input: the Datastreams of one station share their features.
  const envelopes = new Map<string, string | null>()
  db.function('sta_envelope', opts, (list: unknown) => {
    if (typeof list !== 'string') return null
    const known = envelopes.get(list)
    if (known !== undefined) return known
    const e = envelopeText(list)
    if (envelopes.size >= 256) envelopes.clear()
    envelopes.set(list, e)
    return e
  })
  db.function('sta_qc', opts, (qc: unknown) => {
    const q = qualityOf(qc)
    return q ? JSON.stringify(q) : null
  })
  db.function('sta_parameters', opts, (raw: unknown, cal: unknown, rec: unknown, extra: unknown) => {
    const p = parametersOf(raw, cal, rec, extra)
    return p ? JSON.stringify(p) : null
  })
  // ceiling/floor come with SQLite's math functions; provide them where the build lacks them.
  for (const [name, f] of [
    ['ceiling', Math.ceil],
    ['floor', Math.floor],
  ] as const) {
    try {
      db.prepare(`SELECT ${name}(1.5)`).get()
    } catch {
      db.function(name, opts, (x: unknown) => (typeof x === 'number' ? f(x) : null))
    }
  }
}
