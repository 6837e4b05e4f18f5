// POST /CreateObservations (OGC 18-088 §14.3.2, req/data-array/data-array's create side): arrays
// of Observations in the dataArray form, one group per (Multi)Datastream. The answer lists, in
// order, the selfLink of each created Observation or "error" for a row that failed (each row is
// its own savepoint, so one bad row does not undo the others).
import { StaError } from '../errors.js'
import { entity } from '../model.js'
import { selfLink, type ReadContext } from '../read.js'
import type { WriteContext } from './context.js'
import { createObservation } from './observation.js'
import { isObject } from './values.js'

const COMPONENTS = new Set(['phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters', 'FeatureOfInterest/id'])
const OBSERVATION = entity('Observation')

export function createObservations(ctx: ReadContext, w: WriteContext, body: unknown): string[] {
  if (!Array.isArray(body)) throw new StaError('STA_BAD_ENTITY', 'CreateObservations: the body is an array of {Datastream, components, dataArray} groups')
  const out: string[] = []
  body.forEach((group, g) => {
    const where = `CreateObservations[${g}]`
    if (!isObject(group)) throw new StaError('STA_BAD_ENTITY', `${where}: expected an object`)
    const stream = group.Datastream !== undefined ? 'Datastream' : group.MultiDatastream !== undefined ? 'MultiDatastream' : null
    if (!stream) throw new StaError('STA_MISSING_PROPERTY', `${where}: a group names its Datastream or MultiDatastream ({"@iot.id": n})`)
    const components = group.components
    if (!Array.isArray(components) || !components.every((c) => typeof c === 'string' && COMPONENTS.has(c))) {
      throw new StaError('STA_BAD_ENTITY', `${where}.components: expected names from ${[...COMPONENTS].join(', ')}`)
    }
    if (!components.includes('result')) throw new StaError('STA_MISSING_PROPERTY', `${where}.components: 'result' is mandatory`)
    const rows = group.dataArray
    if (!Array.isArray(rows)) throw new StaError('STA_BAD_ENTITY', `${where}.dataArray: expected an array of rows`)
    const link = group[stream]
    rows.forEach((r, i) => {
      const mark = w.changes.length
      try {
        if (!Array.isArray(r) || r.length !== components.length) throw new StaError('STA_BAD_ENTITY', `${where}.dataArray[${i}]: expected ${components.length} values`)
        const obs: Record<string, unknown> = { [stream]: link }
        components.forEach((c, k) => {
          if (c === 'FeatureOfInterest/id') obs.FeatureOfInterest = { '@iot.id': r[k] }
          else obs[c] = r[k]
        })
        const id = w.db.transaction(() => createObservation(w, obs, `${where}.dataArray[${i}]`))()
        out.push(selfLink(ctx, OBSERVATION, id))
      } catch (e) {
        if (!(e instanceof StaError)) throw e
        // The row's savepoint rolled back: forget its changes and anything it cached.
        w.changes.length = mark
        w.cache.clear()
        out.push('error')
      }
    })
  })
  return out
}
