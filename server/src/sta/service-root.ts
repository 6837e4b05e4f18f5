// The service root document (OGC 18-088 §9.2.1): entity sets and the conformance classes this
// server implements — the read side only, so far.
import { ENTITIES } from './model.js'

export const CONFORMANCE = [
  'http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/request-data',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/multi-datastream',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array',
]

export function serviceRoot(base: string): unknown {
  return {
    value: ENTITIES.map((e) => ({ name: e.plural, url: `${base}/${e.plural}` })),
    serverSettings: { conformance: CONFORMANCE },
  }
}
