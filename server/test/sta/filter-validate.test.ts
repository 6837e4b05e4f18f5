// Validator alone (tree against the model), one-line inputs: errors name the bad path/function.
import { describe, expect, it } from 'vitest'
import { parseFilter } from '../../src/sta/filter/parse.js'
import { validate, validateCondition } from '../../src/sta/filter/validate.js'
import { ENTITY_BY_PLURAL } from '../../src/sta/model.js'

const check = (set: string, src: string) => validateCondition(ENTITY_BY_PLURAL.get(set)!, parseFilter(src))

describe('$filter validation against the model — req/request-data/filter', () => {
  it.each([
    ['Things', "name eq 'x'"],
    ['Things', 'id eq 1'],
    ['Things', 'properties/depth_m gt 5'],
    ['Things', "Datastreams/ObservedProperty/name eq 'x'"],
    ['Things', "Locations/location eq geography'POINT(1 2)'"],
    ['Observations', 'Datastream/Thing/@iot.id eq 1'],
    ['Observations', 'resultQuality/aggregate eq 4'],
    ['Observations', 'parameters/raw gt 3'],
    ['Observations', 'phenomenonTime ge 2024-01-01 and resultTime lt now()'],
    ['Observations', "year(phenomenonTime) eq 2024 and substring(Datastream/name, 1, 2) eq 'HX'"],
    ['Datastreams', 'phenomenonTime gt 2020-01-01T00:00:00Z'],
    ['Locations', "st_within(location, geography'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))')"],
  ])('%s?$filter=%s', (set, src) => {
    expect(() => check(set, src)).not.toThrow()
  })

  it.each([
    ['Things', "nome eq 'x'", /unknown property 'nome' on entity type Thing/],
    ['Things', "Datastreams/Sensr/name eq 'x'", /unknown property 'Sensr' on entity type Datastream/],
    ['Things', "name/first eq 'x'", /property 'name' of Thing has no sub-property 'first'/],
    ['Things', 'Datastreams eq 1', /ends at entity type Datastream/],
    ['Things', "frobnicate(name) eq 'x'", /unknown function 'frobnicate'/],
    ['Things', "substring(name) eq 'x'", /'substring' takes 2 to 3 argument/],
    ['Things', "length(name, 'x') eq 1", /'length' takes 1 argument/],
    ['Things', 'length(id) eq 1', /argument 1 of 'length' must be a string/],
    ['Things', "name gt 2024-01-01T00:00:00Z", /cannot compare a string with a datetime/],
    ['Things', "name add 1 eq 'x'", /'add' does not apply to a string and a number/],
    ['Things', 'name', /is a string, not a condition/],
    ['Things', "name eq 'a' and 3", /'and' needs boolean operands/],
    ['Locations', "location gt geography'POINT(1 2)'", /geometries only compare with eq\/ne/],
  ])('%s?$filter=%s → 400', (set, src, message) => {
    expect(() => check(set, src)).toThrowError(message)
  })

  it('types arithmetic on times', () => {
    const e = ENTITY_BY_PLURAL.get('Observations')!
    // An interval moved by a duration stays an interval (both ends move, as FROST); an instant stays one.
    expect(validate(e, parseFilter("phenomenonTime add duration'PT1H'")).type).toBe('interval')
    expect(validate(e, parseFilter("resultTime add duration'PT1H'")).type).toBe('datetime')
    expect(validate(e, parseFilter("duration'PT1H' add validTime")).type).toBe('interval')
    expect(validate(e, parseFilter('during(resultTime, 2024-01-01T00:00:00Z/2024-02-01T00:00:00Z)')).type).toBe('boolean')
    expect(() => validate(e, parseFilter('during(2024-01-01T00:00:00Z, resultTime)'))).toThrow(/argument 2 of 'during' must be a time interval/)
    expect(validate(e, parseFilter('resultTime sub phenomenonTime')).type).toBe('duration')
  })
})
