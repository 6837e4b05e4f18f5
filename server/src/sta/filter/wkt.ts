// Well-Known Text → GeoJSON geometry, for $filter literals (geography'POINT(1 2)').
// A small parser of our own: the maintained WKT packages on npm (wellknown, wkx, terraformer)
// either are unmaintained, bring Buffer-based binary codecs we do not need, or pull in a
// dependency tree; this covers the 2D types the geospatial functions accept.
import type { Geometry } from './ast.js'

export class WktError extends Error {}

export function parseWkt(text: string): Geometry {
  let pos = 0
  const src = text.trim()
  const ws = () => {
    while (pos < src.length && /\s/.test(src[pos])) pos++
  }
  const expect = (c: string) => {
    ws()
    if (src[pos] !== c) throw new WktError(`expected '${c}' at ${pos} in WKT '${text}'`)
    pos++
  }
  const peek = () => {
    ws()
    return src[pos]
  }
  const number = (): number => {
    ws()
    const m = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(pos))
    if (!m) throw new WktError(`expected a number at ${pos} in WKT '${text}'`)
    pos += m[0].length
    return Number(m[0])
  }
  const point = (): number[] => {
    const c = [number(), number()]
    if (/^[\s]*[+-]?[\d.]/.test(src.slice(pos))) c.push(number())
    return c
  }
  const list = <T>(item: () => T): T[] => {
    expect('(')
    const out = [item()]
    while (peek() === ',') {
      pos++
      out.push(item())
    }
    expect(')')
    return out
  }
  // MULTIPOINT accepts both (1 2, 3 4) and ((1 2), (3 4)).
  const multiPointItem = () => {
    if (peek() === '(') {
      pos++
      const p = point()
      expect(')')
      return p
    }
    return point()
  }
  const m = /^([A-Za-z]+)\s*(Z|M|ZM)?\s*/i.exec(src)
  if (!m) throw new WktError(`not a WKT geometry: '${text}'`)
  pos = m[0].length
  const kind = m[1].toUpperCase()
  let g: Geometry
  switch (kind) {
    case 'POINT':
      expect('(')
      g = { type: 'Point', coordinates: point() }
      expect(')')
      break
    case 'LINESTRING':
      g = { type: 'LineString', coordinates: list(point) }
      break
    case 'POLYGON':
      g = { type: 'Polygon', coordinates: list(() => list(point)) }
      break
    case 'MULTIPOINT':
      g = { type: 'MultiPoint', coordinates: list(multiPointItem) }
      break
    case 'MULTILINESTRING':
      g = { type: 'MultiLineString', coordinates: list(() => list(point)) }
      break
    case 'MULTIPOLYGON':
      g = { type: 'MultiPolygon', coordinates: list(() => list(() => list(point))) }
      break
    default:
      throw new WktError(`unsupported WKT geometry type ${m[1]}`)
  }
  ws()
  if (pos !== src.length) throw new WktError(`unexpected '${src.slice(pos, pos + 10)}' after the geometry in WKT '${text}'`)
  if (g.type === 'LineString' && g.coordinates.length < 2) throw new WktError(`a LINESTRING needs two points: '${text}'`)
  if (g.type === 'Polygon' && g.coordinates.some((r) => r.length < 4)) throw new WktError(`a POLYGON ring needs four points: '${text}'`)
  return g
}
