// The service root document (OGC 18-088 §9.2.1): entity sets and the conformance classes this
// server implements. The MQTT classes are listed only when an MQTT endpoint serves them.
import { ENTITIES } from './model.js'

const REQ = 'http://www.opengis.net/spec/iot_sensing/1.1/req'

export const CONFORMANCE = [
  `${REQ}/datamodel`,
  `${REQ}/resource-path/resource-path-to-entities`,
  `${REQ}/request-data`,
  `${REQ}/create-update-delete`,
  `${REQ}/batch-request/batch-request`,
  `${REQ}/multi-datastream`,
  `${REQ}/data-array/data-array`,
]

export const MQTT_CONFORMANCE = [`${REQ}/create-observations-via-mqtt/observations-creation`, `${REQ}/receive-updates-via-mqtt/receive-updates`]

/** The extra JSON batch format (FROST-Server's extension URI). */
export const JSON_BATCH = 'https://fraunhoferiosb.github.io/FROST-Server/extensions/JsonBatchRequest.html'

export function conformanceOf(mqttEndpoints: string[]): string[] {
  return [...CONFORMANCE, ...(mqttEndpoints.length ? MQTT_CONFORMANCE : []), JSON_BATCH]
}

export function serviceRoot(base: string, mqttEndpoints: string[] = []): unknown {
  const settings: Record<string, unknown> = { conformance: conformanceOf(mqttEndpoints) }
  // As FROST: each MQTT class names the endpoints that serve it.
  if (mqttEndpoints.length) for (const c of MQTT_CONFORMANCE) settings[c] = { endpoints: mqttEndpoints }
  return { value: ENTITIES.map((e) => ({ name: e.plural, url: `${base}/${e.plural}` })), serverSettings: settings }
}
