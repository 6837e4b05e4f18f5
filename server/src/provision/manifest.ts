// The fleet manifest: what a network is made of (stations, devices and their sensors,
// calibrations, QC settings), loaded from YAML or JSON and validated. Errors name the path of
// the bad field, e.g. `devices[2].abp.nwkSKey`.
import { Ajv, type ErrorObject } from 'ajv'
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import {
  checkCalibrationSet,
  validateCalibrationRecord,
  validateQcConfig,
  type CalibrationRecord,
  type DatastreamQcConfig,
} from '../science/index.js'
import { manifestSchema, type Channel } from './manifest-schema.js'

export interface SensorSpec {
  type: string
  serial: string
  model?: string
  manufacturer?: string
}

export interface StationSpec {
  code: string
  name: string
  description?: string
  network?: string
  producer?: string
  latitude: number
  longitude: number
  depthM: number
  citation?: string
  doi?: string
  license?: string
  qcProfile?: 'reef-lagoon' | 'deep-water'
}

export interface DeviceSpec {
  devEui: string
  name?: string
  station: string
  abp?: { devAddr: string; nwkSKey: string; appSKey: string; relaxedFCnt?: boolean }
  otaa?: { joinEui: string; appKey: string; devAddr?: string }
  networkServer?: { deviceId?: string }
  sensors: Partial<Record<Channel, SensorSpec>>
}

export interface CalibrationSpec {
  id: string
  sensor: SensorSpec
  validFrom: string
  validUntil?: string | null
  unit: string
  model: { kind: string; [k: string]: unknown }
  provenance: { calibrationSheet: string; calibrationDate: string; enteredBy: string }
}

export interface QcSpec {
  station: string
  quantity: 'TEMP' | 'PSAL' | 'PRES'
  config: DatastreamQcConfig
}

export interface FleetManifest {
  network?: { name?: string; producer?: string; license?: string; contact?: string }
  stations: StationSpec[]
  devices?: DeviceSpec[]
  calibrations?: CalibrationSpec[]
  qc?: QcSpec[]
}

export interface ManifestProblem {
  path: string
  message: string
}

export type ManifestResult = { ok: true; manifest: FleetManifest; calibrations: CalibrationRecord[] } | { ok: false; problems: ManifestProblem[] }

const ajv = new Ajv({ allErrors: true, strict: false })
const validateStructure = ajv.compile(manifestSchema)

/** `/devices/2/abp/nwkSKey` → `devices[2].abp.nwkSKey` */
function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '')
}

function structureProblems(errors: ErrorObject[]): ManifestProblem[] {
  const out: ManifestProblem[] = []
  for (const e of errors) {
    // oneOf failures repeat their branches' errors; the branch message says it better.
    if (e.keyword === 'oneOf') {
      out.push({ path: jsonPointerToPath(e.instancePath), message: 'needs exactly one of abp, otaa or networkServer' })
      continue
    }
    if (e.keyword === 'required' && e.schemaPath.includes('oneOf')) continue
    let path = jsonPointerToPath(e.instancePath)
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'additionalProperties') {
      path = path ? `${path}.${(e.params as { additionalProperty: string }).additionalProperty}` : (e.params as { additionalProperty: string }).additionalProperty
      message = 'is not a known field'
    } else if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty
      path = path ? `${path}.${missing}` : missing
      message = 'is required'
    } else if (e.keyword === 'pattern' && /Key|devAddr|devEui|joinEui/.test(path)) {
      message = 'must be hexadecimal of the right length' // never echo key material
    }
    out.push({ path: path || '(root)', message })
  }
  return out
}

function parseTime(value: string, path: string, problems: ManifestProblem[]): number {
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
  if (!Number.isFinite(ms)) problems.push({ path, message: `${value} is not a valid date` })
  return ms
}

/** Validates a parsed manifest document (structure, references, science). */
export function validateManifest(doc: unknown): ManifestResult {
  if (!validateStructure(doc)) return { ok: false, problems: structureProblems(validateStructure.errors ?? []) }
  const m = doc as unknown as FleetManifest
  const problems: ManifestProblem[] = []
  const stations = new Set<string>()
  m.stations.forEach((s, i) => {
    if (stations.has(s.code)) problems.push({ path: `stations[${i}].code`, message: `station ${s.code} is listed twice` })
    stations.add(s.code)
  })
  const devEuis = new Set<string>()
  const devAddrs = new Map<string, number>()
  const sensorsInUse = new Map<string, string>()
  ;(m.devices ?? []).forEach((d, i) => {
    const eui = d.devEui.toLowerCase()
    if (devEuis.has(eui)) problems.push({ path: `devices[${i}].devEui`, message: `device ${eui} is listed twice` })
    devEuis.add(eui)
    if (!stations.has(d.station)) problems.push({ path: `devices[${i}].station`, message: `unknown station ${d.station}` })
    if (d.abp) {
      const addr = d.abp.devAddr.toLowerCase()
      if (devAddrs.has(addr)) problems.push({ path: `devices[${i}].abp.devAddr`, message: `DevAddr ${addr} is also used by devices[${devAddrs.get(addr)}]` })
      devAddrs.set(addr, i)
    }
    if (d.otaa?.devAddr) {
      const addr = d.otaa.devAddr.toLowerCase()
      if (devAddrs.has(addr)) problems.push({ path: `devices[${i}].otaa.devAddr`, message: `DevAddr ${addr} is also used by devices[${devAddrs.get(addr)}]` })
      devAddrs.set(addr, i)
    }
    for (const [channel, sensor] of Object.entries(d.sensors)) {
      const key = `${sensor!.type}/${sensor!.serial}`
      const user = sensorsInUse.get(key)
      if (user) problems.push({ path: `devices[${i}].sensors.${channel}`, message: `sensor ${key} is already used by ${user}` })
      sensorsInUse.set(key, `devices[${i}].sensors.${channel}`)
    }
  })

  const records: CalibrationRecord[] = []
  ;(m.calibrations ?? []).forEach((c, i) => {
    const record = {
      id: c.id,
      sensor: { sensorType: c.sensor.type, serialNumber: c.sensor.serial },
      validFrom: parseTime(c.validFrom, `calibrations[${i}].validFrom`, problems),
      validUntil: c.validUntil ? parseTime(c.validUntil, `calibrations[${i}].validUntil`, problems) : null,
      model: c.model,
      unit: c.unit,
      provenance: c.provenance,
    }
    for (const e of validateCalibrationRecord(record)) problems.push({ path: `calibrations[${i}].${e.field}`, message: `${e.message} (record ${e.record})` })
    if (!sensorsInUse.has(`${c.sensor.type}/${c.sensor.serial}`)) {
      problems.push({ path: `calibrations[${i}].sensor`, message: `no device has sensor ${c.sensor.type}/${c.sensor.serial}` })
    }
    records.push(record as unknown as CalibrationRecord) // validated just above
  })
  if (problems.length === 0) {
    for (const e of checkCalibrationSet(records)) {
      const i = records.findIndex((r) => r.id === e.record)
      problems.push({ path: `calibrations[${i}].${e.field}`, message: `${e.message} (record ${e.record})` })
    }
  }
  ;(m.qc ?? []).forEach((q, i) => {
    if (!stations.has(q.station)) problems.push({ path: `qc[${i}].station`, message: `unknown station ${q.station}` })
    for (const e of validateQcConfig(q.config, `${q.station}/${q.quantity}`)) problems.push({ path: `qc[${i}].config.${e.field}`, message: e.message })
  })
  return problems.length ? { ok: false, problems } : { ok: true, manifest: m, calibrations: records }
}

/** Reads and validates a manifest file (.yaml, .yml or .json). */
export function loadManifest(path: string): ManifestResult {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return { ok: false, problems: [{ path: '(file)', message: `cannot read ${path}: ${(e as Error).message}` }] }
  }
  let doc: unknown
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (e) {
    return { ok: false, problems: [{ path: '(file)', message: `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}` }] }
  }
  return validateManifest(doc)
}
