// The geometry predicates behind geo.* and st_* (OGC simple features), on GeoJSON.
import { describe, expect, it } from 'vitest'
import * as geo from '../../src/sta/geo.js'
import { parseWkt } from '../../src/sta/filter/wkt.js'

const g = (wkt: string) => geo.shapeOf(parseWkt(wkt))!
const SQUARE = 'POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))'

describe('geospatial functions — req/request-data/filter (geo.*, st_*)', () => {
  it('geo.distance and geo.length', () => {
    expect(geo.distance(g('POINT(0 0)'), g('POINT(3 4)'))).toBe(5)
    expect(geo.distance(g('POINT(6 2)'), g(SQUARE))).toBe(2)
    expect(geo.distance(g('POINT(2 2)'), g(SQUARE))).toBe(0)
    expect(geo.distance(g('LINESTRING(5 0, 5 4)'), g('LINESTRING(7 0, 7 9)'))).toBe(2)
    expect(geo.length(g('LINESTRING(0 0, 3 4, 3 5)'))).toBe(6)
  })
  it.each([
    ['intersects', 'POINT(2 2)', SQUARE, true],
    ['intersects', 'POINT(5 5)', SQUARE, false],
    ['intersects', 'LINESTRING(-1 2, 5 2)', SQUARE, true],
    ['intersects', 'POLYGON((3 3, 6 3, 6 6, 3 6, 3 3))', SQUARE, true],
    ['within', 'POINT(2 2)', SQUARE, true],
    ['within', 'POINT(4 2)', SQUARE, false],
    ['within', 'POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))', SQUARE, true],
    ['within', 'LINESTRING(1 1, 5 5)', SQUARE, false],
    ['contains', SQUARE, 'POINT(1 3)', true],
    ['touches', 'POINT(4 2)', SQUARE, true],
    ['touches', 'POLYGON((4 0, 8 0, 8 4, 4 4, 4 0))', SQUARE, true],
    ['touches', 'POLYGON((3 0, 8 0, 8 4, 3 4, 3 0))', SQUARE, false],
    ['overlaps', 'POLYGON((3 0, 8 0, 8 4, 3 4, 3 0))', SQUARE, true],
    ['overlaps', 'POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))', SQUARE, false],
    ['crosses', 'LINESTRING(0 0, 4 4)', 'LINESTRING(0 4, 4 0)', true],
    ['crosses', 'LINESTRING(-1 2, 2 2)', SQUARE, true],
    ['crosses', 'LINESTRING(1 2, 2 2)', SQUARE, false],
    ['equals', SQUARE, 'POLYGON((4 4, 0 4, 0 0, 4 0, 4 4))', true],
    ['equals', 'POINT(1 1)', 'POINT(1 1)', true],
    ['equals', 'POINT(1 1)', 'POINT(1 2)', false],
  ] as const)('st_%s(%s, %s) = %s', (fn, a, b, expected) => {
    const f = fn === 'contains' ? (x: geo.Shape, y: geo.Shape) => geo.within(y, x) : (geo as any)[fn]
    expect(f(g(a), g(b))).toBe(expected)
  })
  it('st_relate matches DE-9IM patterns', () => {
    expect(geo.relateMatrix(g('POINT(2 2)'), g(SQUARE))).toBe('0FFFFF212')
    expect(geo.relate(g('POINT(2 2)'), g(SQUARE), 'T*F**F***')).toBe(true) // within
    expect(geo.relate(g('POINT(9 9)'), g(SQUARE), 'FF*FF****')).toBe(true) // disjoint
    expect(geo.relate(g(SQUARE), g('POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))'), 'T*****FF*')).toBe(true) // contains
  })
})
