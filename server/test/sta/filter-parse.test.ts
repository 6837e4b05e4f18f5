// Parser alone (text → tree), one-line inputs. req/request-data/filter (OGC 18-088 §9.3.3.5).
import { describe, expect, it } from 'vitest'
import { show } from '../../src/sta/filter/ast.js'
import { parseFilter } from '../../src/sta/filter/parse.js'
import { parseWkt } from '../../src/sta/filter/wkt.js'

const p = (s: string) => show(parseFilter(s))

describe('$filter parser — req/request-data/filter', () => {
  it.each([
    ["name eq 'x'", "(name eq 'x')"],
    ["name eq 'it''s'", "(name eq 'it''s')"],
    ['a eq 1 or b eq 2 and c eq 3', '((a eq 1) or ((b eq 2) and (c eq 3)))'],
    ['(a eq 1 or b eq 2) and c eq 3', '(((a eq 1) or (b eq 2)) and (c eq 3))'],
    ['not a eq 1 and b eq 2', '((not (a eq 1)) and (b eq 2))'],
    ['a add 2 mul 3 gt 7', '((a add (2 mul 3)) gt 7)'],
    ['a sub 2 sub 3 eq 1', '(((a sub 2) sub 3) eq 1)'],
    ['a div 2 mod 3 le -1.5e2', '(((a div 2) mod 3) le -150)'],
    ['-a lt 3', '((-a) lt 3)'],
    ['a gt 1 eq true', '((a gt 1) eq true)'],
    ['result in (1, 2, 3)', '(result in (1, 2, 3))'],
    ['Datastream/Thing/name eq null', '(Datastream/Thing/name eq null)'],
    ['properties/a/b ne false', '(properties/a/b ne false)'],
    ['@iot.id eq 3', '(@iot.id eq 3)'],
    ["substringof('a', name)", "substringof('a', name)"],
    ['now() ge phenomenonTime', '(now() ge phenomenonTime)'],
    ['phenomenonTime gt 2024-01-01T00:00:00Z', '(phenomenonTime gt 2024-01-01T00:00:00.000Z)'],
    ['phenomenonTime gt 2024-01-01T02:00:00.5+02:00', '(phenomenonTime gt 2024-01-01T00:00:00.500Z)'],
    ['date(phenomenonTime) eq 2024-03-01', '(date(phenomenonTime) eq 2024-03-01T00:00:00.000Z)'],
    ['time(phenomenonTime) eq 12:30:00', '(time(phenomenonTime) eq duration(45000000ms))'],
    ["phenomenonTime sub duration'P1DT1H' lt now()", '((phenomenonTime sub duration(90000000ms)) lt now())'],
    ["geo.intersects(location, geography'POINT(1 2)')", 'geo.intersects(location, geometry({"type":"Point","coordinates":[1,2]}))'],
  ])('%s', (src, tree) => {
    expect(p(src)).toBe(tree)
  })

  it.each([
    ["name eq 'x", /unterminated string/],
    ['name eq', /expected a value but found end of input/],
    ['(a eq 1', /expected '\)'/],
    ['a eq 1)', /unexpected '\)'/],
    ['a # 1', /unexpected character '#'/],
    ['a eq 2024-02-30', /not a valid date/],
    ["duration'P1Y' eq a", /not an ISO 8601 duration/],
    ["geography'POINT(1)' eq location", /expected a number/],
    ['eq 1', /unexpected operator 'eq'/],
    ['a in 1', /expected '\('/],
    ['('.repeat(200) + 'a' + ')'.repeat(200), /nested deeper/],
  ])('rejects %s', (src, message) => {
    expect(() => parseFilter(src)).toThrowError(message)
  })
})

describe('WKT literals', () => {
  it.each([
    ['POINT (30 10)', { type: 'Point', coordinates: [30, 10] }],
    ['LINESTRING (30 10, 10 30, 40 40)', { type: 'LineString', coordinates: [[30, 10], [10, 30], [40, 40]] }],
    ['POLYGON ((30 10, 40 40, 20 40, 30 10))', { type: 'Polygon', coordinates: [[[30, 10], [40, 40], [20, 40], [30, 10]]] }],
    ['MULTIPOINT ((10 40), (40 30))', { type: 'MultiPoint', coordinates: [[10, 40], [40, 30]] }],
    ['MULTIPOINT (10 40, 40 30)', { type: 'MultiPoint', coordinates: [[10, 40], [40, 30]] }],
    ['POINT Z (1 2 3)', { type: 'Point', coordinates: [1, 2, 3] }],
  ])('%s', (wkt, geojson) => {
    expect(parseWkt(wkt)).toEqual(geojson)
  })
  it.each(['POINT (1 2', 'CIRCLE (1 2)', 'LINESTRING (1 2)', 'POINT (1 2) x'])('rejects %s', (wkt) => {
    expect(() => parseWkt(wkt)).toThrow()
  })
})
