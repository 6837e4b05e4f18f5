// The stages after the LoRaWAN layer, for one accepted frame: decode (codecs) → timestamps →
// calibrate → derive → QC → rows to store. Pure except for the QC state they advance; the
// writer stores what they return in the batch's transaction.
import { decodeUplink, type ConfigAck, type MeasurementSample, type StatusMessage } from '@reeflink/codecs'
import { calibrateCtdSample, deriveCtd, type CalibratedCtdSample, type QcTestFlags } from '../science/index.js'
import type { GatewayReception, UplinkSourceKind } from '../ingest/types.js'
import { packQcFlagValues } from '../store/qc-flags.js'
import type { QcContext } from './qc-context.js'
import type { DeviceInfo, FleetRegistry } from './registry.js'

/** A frame the LoRaWAN layer (or the network server) accepted for a known device. */
export interface AcceptedFrame {
  device: DeviceInfo
  session: number
  fCnt: number
  fPort: number
  /** Decrypted application payload. */
  payload: Buffer
  /** Server clock at arrival, epoch ms. */
  receivedAtMs: number
  receptions: GatewayReception[]
  source: UplinkSourceKind
  phyPayload: Buffer | null
  dedupId: string | null
  /** Network server's receive time (ISO), when it gave one. */
  networkTime?: string
  /** MAC commands the device sent (FOpts or FPort 0), kept with the uplink. */
  macCommands?: unknown[]
}

export interface ObservationRow {
  datastreamId: number
  time: number
  result: number | null
  raw: number | null
  qc: number | null
  ageS: number
  calibrationId: number | null
}

export interface QcRevision {
  datastreamId: number
  time: number
  qc: number
}

export interface FrameOutcome {
  /** The time ages count back from: the gateway's receive time, else the network's, else ours. */
  baseTimeMs: number
  decoded: unknown
  codecError: string | null
  observations: ObservationRow[]
  revisions: QcRevision[]
  status: StatusMessage | null
  configAck: ConfigAck | null
  /** Calibration or derivation problems, per sample (kept with the uplink, not fatal). */
  problems: string[]
}

/**
 * The receive time to count sample ages back from. A gateway with GPS reports the time of
 * reception (rxpk.time); replays through the simulator report virtual time the same way, so
 * the server needs no replay mode.
 */
export function baseTime(frame: AcceptedFrame): number {
  for (const r of frame.receptions) {
    if (r.time) {
      const t = Date.parse(r.time)
      if (Number.isFinite(t)) return t
    }
  }
  if (frame.networkTime) {
    const t = Date.parse(frame.networkTime)
    if (Number.isFinite(t)) return t
  }
  return frame.receivedAtMs
}

const NO_OPTIONS = Object.freeze({})

/** Packs the science module's QC flags (a hot path: one call per observation). */
function packFlags(flags: QcTestFlags, aggregate: number): number {
  return packQcFlagValues(aggregate, flags.grossRange, flags.climatology, flags.spike, flags.rateOfChange, flags.flatLine)
}

export function processFrame(frame: AcceptedFrame, registry: FleetRegistry, qc: QcContext): FrameOutcome {
  const base = baseTime(frame)
  const out: FrameOutcome = { baseTimeMs: base, decoded: null, codecError: null, observations: [], revisions: [], status: null, configAck: null, problems: [] }
  if (frame.fPort === 0) {
    // No application data: MAC commands only (decrypted with the NwkSKey by the LoRaWAN layer).
    out.decoded = { type: 'mac', commands: frame.macCommands ?? [] }
    return out
  }
  const decoded = decodeUplink(frame.payload, frame.fPort)
  if (decoded.ok === false) {
    // A codec failure is data: the frame is kept with the error and ingest goes on.
    out.codecError = `${decoded.error.code}: ${decoded.error.message} (byte ${decoded.error.offset})`
    return out
  }
  out.decoded = frame.macCommands ? { ...decoded.value, macCommands: frame.macCommands } : decoded.value
  const message = decoded.value
  if (message.type === 'measurements') {
    for (const sample of message.samples) measurementRows(frame.device, sample, base, registry, qc, out)
  } else if (message.type === 'status') {
    out.status = message
    const ds = frame.device.datastreams.BATT
    if (ds !== undefined) out.observations.push({ datastreamId: ds, time: base, result: message.batteryMv / 1000, raw: message.batteryMv, qc: null, ageS: 0, calibrationId: null })
  } else {
    out.configAck = message
  }
  return out
}

/**
 * Applies a revised QC flag: in place when the sample is in this frame (most are: each sample
 * settles its predecessor's spike flag), else as an update of an already stored observation.
 */
function reviseFlags(out: FrameOutcome, datastreamId: number, time: number, qc: number): void {
  for (let i = out.observations.length - 1; i >= 0; i--) {
    const o = out.observations[i]
    if (o.datastreamId === datastreamId && o.time === time) {
      o.qc = qc
      return
    }
  }
  out.revisions.push({ datastreamId, time, qc })
}

/** One quantity of a sample → an observation row, QC'd when its datastream has a QC config. */
function addObservation(
  out: FrameOutcome,
  registry: FleetRegistry,
  qc: QcContext,
  ds: number | undefined,
  time: number,
  ageS: number,
  depth: number | null,
  raw: number | undefined,
  value: number | undefined,
  recordKey: string | undefined,
): void {
  if (ds === undefined || (raw === undefined && value === undefined)) return
  const result = value ?? null
  let packed: number | null = null
  const runner = registry.qcFor(ds)
  if (runner) {
    const step = qc.step(ds, runner, { time, value: result, depth_m: depth })
    if (step) {
      packed = packFlags(step.result.flags, step.result.aggregate)
      for (const r of step.revisions) reviseFlags(out, ds, r.time, packFlags(r.flags, r.aggregate))
    }
  }
  out.observations.push({
    datastreamId: ds,
    time,
    result,
    raw: raw ?? null,
    qc: packed,
    ageS,
    calibrationId: recordKey ? registry.calibrationRowId(recordKey) : null,
  })
}

function measurementRows(device: DeviceInfo, s: MeasurementSample, base: number, registry: FleetRegistry, qc: QcContext, out: FrameOutcome): void {
  const time = base - s.ageS * 1000
  const calibrated: CalibratedCtdSample = calibrateCtdSample(
    { time, temperature: s.temperatureRaw, pressure: s.pressureRaw, conductivity: s.conductivityRaw },
    device.sensors,
    registry.calibrations,
    device.nominalDepthM === null ? NO_OPTIONS : { nominalPressure_dbar: device.nominalDepthM },
  )
  for (const e of calibrated.errors) out.problems.push(`${new Date(time).toISOString()} ${e.code} ${e.record} ${e.field}: ${e.message}`)
  const derived = deriveCtd(calibrated, {
    latitude_deg: device.latitude ?? 0,
    ...(device.nominalDepthM === null ? {} : { nominalPressure_dbar: device.nominalDepthM, nominalDepth_m: device.nominalDepthM }),
  })
  for (const e of derived.errors) out.problems.push(`${new Date(time).toISOString()} ${e.code} ${e.field}: ${e.message}`)

  const depth = derived.depth_m ?? device.nominalDepthM
  const ds = device.datastreams
  const t = calibrated.temperature_degC
  const c = calibrated.conductivity_S_m
  const p = calibrated.pressure_dbar
  addObservation(out, registry, qc, ds.TEMP, time, s.ageS, depth, s.temperatureRaw, t?.value, t?.calibrationId)
  addObservation(out, registry, qc, ds.CNDC, time, s.ageS, depth, s.conductivityRaw, c?.value, c?.calibrationId)
  addObservation(out, registry, qc, ds.PRES, time, s.ageS, depth, s.pressureRaw, p?.value, p?.calibrationId)
  addObservation(out, registry, qc, ds.PSAL, time, s.ageS, depth, undefined, derived.practicalSalinity, undefined)
  addObservation(out, registry, qc, ds.DEPTH, time, s.ageS, depth, undefined, derived.depth_m, undefined)
}
