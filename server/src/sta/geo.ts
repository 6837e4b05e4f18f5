// Planar geometry for the $filter geospatial functions, on GeoJSON (locations.location,
// features_of_interest.feature, WKT literals). SQLite has no spatial functions, so these run as
// application-defined SQL functions (geo-sql.ts). Coordinates are used as given (degrees for
// WGS 84), as FROST on PostGIS geometry does. Predicates follow the OGC simple-features
// definitions for points, lines and polygons (with holes) and their Multi* forms; st_relate
// evaluates the DE-9IM matrix from sample points, which is exact for the cases our tests cover
// and approximate for degenerate overlaps (documented in docs/sensorthings.md).
type P = number[]
type Seg = [P, P]

export interface Shape {
  points: P[]
  lines: P[][]
  polygons: P[][][]
}

const EPS = 1e-12

export function shapeOf(g: unknown): Shape | null {
  const s: Shape = { points: [], lines: [], polygons: [] }
  const add = (x: any): boolean => {
    if (!x || typeof x !== 'object') return false
    if (x.type === 'Feature') return add(x.geometry)
    const c = x.coordinates
    switch (x.type) {
      case 'Point':
        s.points.push(c)
        return Array.isArray(c)
      case 'MultiPoint':
        s.points.push(...c)
        return Array.isArray(c)
      case 'LineString':
        s.lines.push(c)
        return Array.isArray(c)
      case 'MultiLineString':
        s.lines.push(...c)
        return Array.isArray(c)
      case 'Polygon':
        s.polygons.push(c)
        return Array.isArray(c)
      case 'MultiPolygon':
        s.polygons.push(...c)
        return Array.isArray(c)
      case 'GeometryCollection':
        return Array.isArray(x.geometries) && x.geometries.every(add)
      default:
        return false
    }
  }
  if (!add(g)) return null
  const num = (p: unknown) => Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number'
  if (!s.points.every(num) || !s.lines.every((l) => Array.isArray(l) && l.every(num)) || !s.polygons.every((pg) => Array.isArray(pg) && pg.every((r) => Array.isArray(r) && r.every(num)))) return null
  return s
}

const segsOf = (line: P[]): Seg[] => line.slice(1).map((p, i) => [line[i], p])
const ringSegs = (poly: P[][]): Seg[] => poly.flatMap(segsOf)
const cross = (o: P, a: P, b: P) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
const same = (a: P, b: P) => Math.abs(a[0] - b[0]) <= EPS && Math.abs(a[1] - b[1]) <= EPS

function onSegment(p: P, [a, b]: Seg): boolean {
  if (Math.abs(cross(a, b, p)) > EPS * Math.max(1, Math.hypot(b[0] - a[0], b[1] - a[1]))) return false
  return p[0] >= Math.min(a[0], b[0]) - EPS && p[0] <= Math.max(a[0], b[0]) + EPS && p[1] >= Math.min(a[1], b[1]) - EPS && p[1] <= Math.max(a[1], b[1]) + EPS
}

function segmentsIntersect(s: Seg, t: Seg): boolean {
  const [a, b] = s
  const [c, d] = t
  const d1 = cross(c, d, a)
  const d2 = cross(c, d, b)
  const d3 = cross(a, b, c)
  const d4 = cross(a, b, d)
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true
  return onSegment(a, t) || onSegment(b, t) || onSegment(c, s) || onSegment(d, s)
}

/** Interiors cross at a single point (not at an end of either). */
function properCross(s: Seg, t: Seg): boolean {
  const [a, b] = s
  const [c, d] = t
  const d1 = cross(c, d, a)
  const d2 = cross(c, d, b)
  const d3 = cross(a, b, c)
  const d4 = cross(a, b, d)
  return ((d1 > EPS && d2 < -EPS) || (d1 < -EPS && d2 > EPS)) && ((d3 > EPS && d4 < -EPS) || (d3 < -EPS && d4 > EPS))
}

function pointSegDist(p: P, [a, b]: Seg): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len = dx * dx + dy * dy
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len))
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))
}

/** 2 interior, 1 boundary, 0 exterior of a polygon (outer ring, then holes). */
function inPolygon(p: P, poly: P[][]): 0 | 1 | 2 {
  for (const s of ringSegs(poly)) if (onSegment(p, s)) return 1
  const inRing = (ring: P[]) => {
    let inside = false
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]
      const [xj, yj] = ring[j]
      if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside
    }
    return inside
  }
  if (!inRing(poly[0])) return 0
  return poly.slice(1).some(inRing) ? 0 : 2
}

type Where = 'I' | 'B' | 'E'

/** Where a point lies relative to a shape (OGC: a line's boundary is its two ends, unless closed). */
function locate(p: P, s: Shape): Where {
  let boundary = false
  for (const q of s.points) if (same(p, q)) return 'I'
  for (const l of s.lines) {
    const closed = same(l[0], l[l.length - 1])
    const end = !closed && (same(p, l[0]) || same(p, l[l.length - 1]))
    if (end) boundary = true
    else if (segsOf(l).some((sg) => onSegment(p, sg))) return 'I'
  }
  for (const pg of s.polygons) {
    const w = inPolygon(p, pg)
    if (w === 2) return 'I'
    if (w === 1) boundary = true
  }
  return boundary ? 'B' : 'E'
}

const dim = (s: Shape) => (s.polygons.length ? 2 : s.lines.length ? 1 : 0)
const segments = (s: Shape): Seg[] => [...s.lines.flatMap(segsOf), ...s.polygons.flatMap(ringSegs)]

/** Points sampling a shape's interior and boundary (vertices, segment midpoints, interior points). */
function samples(s: Shape): { I: P[]; B: P[] } {
  const I: P[] = [...s.points]
  const B: P[] = []
  for (const l of s.lines) {
    const closed = same(l[0], l[l.length - 1])
    if (!closed) B.push(l[0], l[l.length - 1])
    I.push(...(closed ? l : l.slice(1, -1)))
    for (const [a, b] of segsOf(l)) for (const t of [0.25, 0.5, 0.75]) I.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
  }
  for (const pg of s.polygons) {
    for (const [a, b] of ringSegs(pg)) B.push(a, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2])
    // Interior samples: points nudged inwards from each edge midpoint, and the vertex average.
    const ring = pg[0]
    const c: P = [ring.reduce((x, p) => x + p[0], 0) / ring.length, ring.reduce((y, p) => y + p[1], 0) / ring.length]
    const cands: P[] = [c]
    for (const [a, b] of ringSegs(pg)) {
      const m: P = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1
      const n: P = [-(b[1] - a[1]) / len, (b[0] - a[0]) / len]
      const step = len * 1e-6
      cands.push([m[0] + n[0] * step, m[1] + n[1] * step], [m[0] - n[0] * step, m[1] - n[1] * step])
    }
    I.push(...cands.filter((p) => inPolygon(p, pg) === 2))
  }
  return { I, B }
}

export function intersects(a: Shape, b: Shape): boolean {
  const sa = segments(a)
  const sb = segments(b)
  for (const s of sa) for (const t of sb) if (segmentsIntersect(s, t)) return true
  const verts = (s: Shape) => [...s.points, ...s.lines.flat(), ...s.polygons.map((pg) => pg[0][0])]
  return verts(a).some((p) => locate(p, b) !== 'E') || verts(b).some((p) => locate(p, a) !== 'E')
}

export function distance(a: Shape, b: Shape): number {
  if (intersects(a, b)) return 0
  let best = Infinity
  const pa = [...a.points, ...a.lines.flat(), ...a.polygons.flat(2)]
  const pb = [...b.points, ...b.lines.flat(), ...b.polygons.flat(2)]
  const sa = segments(a)
  const sb = segments(b)
  for (const p of pa) {
    for (const q of b.points) best = Math.min(best, Math.hypot(p[0] - q[0], p[1] - q[1]))
    for (const t of sb) best = Math.min(best, pointSegDist(p, t))
  }
  for (const q of pb) for (const s of sa) best = Math.min(best, pointSegDist(q, s))
  return best
}

export function length(a: Shape): number {
  return a.lines.flatMap(segsOf).reduce((n, [p, q]) => n + Math.hypot(q[0] - p[0], q[1] - p[1]), 0)
}

/** Two lines share a stretch (not just points). */
function collinearOverlap(a: Shape, b: Shape): boolean {
  const sa = a.lines.flatMap(segsOf)
  const sb = b.lines.flatMap(segsOf)
  return sa.some(([p, q]) =>
    sb.some(([r, t]) => {
      if (Math.abs(cross(r, t, p)) > EPS || Math.abs(cross(r, t, q)) > EPS) return false
      const ends = [p, q, r, t].filter((x) => onSegment(x, [p, q]) && onSegment(x, [r, t]))
      return ends.some((x) => ends.some((y) => !same(x, y)))
    }),
  )
}

/** The DE-9IM matrix (9 characters: II IB IE BI BB BE EI EB EE), from sample points. */
export function relateMatrix(a: Shape, b: Shape): string {
  const A = samples(a)
  const B = samples(b)
  const da = dim(a)
  const db = dim(b)
  const bdim = (d: number) => (d === 0 ? -1 : d - 1)
  const cell = (hit: boolean, d: number) => (hit && d >= 0 ? String(d) : 'F')
  const hits = (ps: P[], s: Shape, w: Where) => ps.some((p) => locate(p, s) === w)
  const crossing = segments(a).some((s) => segments(b).some((t) => properCross(s, t)))
  const ii = hits(A.I, b, 'I') || hits(B.I, a, 'I') || crossing
  const m = [
    cell(ii, da === 1 && db === 1 && !collinearOverlap(a, b) ? 0 : Math.min(da, db)),
    cell(hits(A.I, b, 'B') || hits(B.B, a, 'I'), Math.min(da, bdim(db))),
    cell(hits(A.I, b, 'E'), da),
    cell(hits(A.B, b, 'I') || hits(B.I, a, 'B'), Math.min(bdim(da), db)),
    cell(hits(A.B, b, 'B') || hits(B.B, a, 'B'), Math.min(bdim(da), bdim(db)) === 1 && !segments(a).some((s) => segments(b).some((t) => onSegment(s[0], t) && onSegment(s[1], t))) ? 0 : Math.min(bdim(da), bdim(db))),
    cell(hits(A.B, b, 'E'), bdim(da)),
    cell(hits(B.I, a, 'E'), db),
    cell(hits(B.B, a, 'E'), bdim(db)),
    '2',
  ]
  return m.join('')
}

export function relate(a: Shape, b: Shape, pattern: string): boolean {
  if (!/^[TF*012]{9}$/i.test(pattern)) throw new RangeError(`st_relate: '${pattern}' is not a DE-9IM pattern`)
  const m = relateMatrix(a, b)
  return [...pattern.toUpperCase()].every((c, i) => c === '*' || (c === 'T' ? m[i] !== 'F' : c === m[i]))
}

export function within(a: Shape, b: Shape): boolean {
  const A = samples(a)
  const all = [...A.I, ...A.B]
  if (!all.length || all.some((p) => locate(p, b) === 'E')) return false
  if (segments(a).some((s) => segments(b).some((t) => properCross(s, t)))) return false
  return A.I.some((p) => locate(p, b) === 'I') || (dim(a) === 0 && all.some((p) => locate(p, b) === 'I'))
}

export function touches(a: Shape, b: Shape): boolean {
  if (!intersects(a, b)) return false
  const m = relateMatrix(a, b)
  return m[0] === 'F'
}

export function crosses(a: Shape, b: Shape): boolean {
  const m = relateMatrix(a, b)
  const da = dim(a)
  const db = dim(b)
  if (da < db) return m[0] !== 'F' && m[2] !== 'F'
  if (da > db) return m[0] !== 'F' && m[6] !== 'F'
  if (da === 1 && db === 1) return m[0] === '0'
  return false
}

export function overlaps(a: Shape, b: Shape): boolean {
  if (dim(a) !== dim(b)) return false
  const m = relateMatrix(a, b)
  if (dim(a) === 1) return m[0] === '1' && m[2] !== 'F' && m[6] !== 'F'
  return m[0] !== 'F' && m[2] !== 'F' && m[6] !== 'F'
}

export function equals(a: Shape, b: Shape): boolean {
  return within(a, b) && within(b, a)
}

/** The bounding box of shapes as GeoJSON (Datastream observedArea): a Point when all
 * coordinates coincide, a LineString when they lie on one axis-parallel line, else a Polygon. */
export function envelope(shapes: Shape[]): Record<string, unknown> | null {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  const see = (p: P) => {
    if (typeof p?.[0] !== 'number' || typeof p[1] !== 'number') return
    if (p[0] < x0) x0 = p[0]
    if (p[0] > x1) x1 = p[0]
    if (p[1] < y0) y0 = p[1]
    if (p[1] > y1) y1 = p[1]
  }
  for (const s of shapes) {
    s.points.forEach(see)
    for (const l of s.lines) l.forEach(see)
    for (const poly of s.polygons) poly[0]?.forEach(see)
  }
  if (x0 > x1) return null
  if (x0 === x1 && y0 === y1) return { type: 'Point', coordinates: [x0, y0] }
  if (x0 === x1 || y0 === y1) return { type: 'LineString', coordinates: [[x0, y0], [x1, y1]] }
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] }
}
