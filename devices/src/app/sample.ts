// One queued sample: raw readings and the monotonic time it was taken. The age the codec sends is
// computed from that time when the frame is packed (the buoy has no wall clock).
import { AGE_MAX_S, MeasurementSample } from "@reeflink/codecs"
import { RecordReader, RecordWriter } from "./record.js"

export interface QueuedSample {
    /** Monotonic clock at sampling, whole seconds (src/app/clock.ts). */
    timeS: number
    temperatureRaw?: number
    pressureRaw?: number
    conductivityRaw?: number
}

/** Bytes of one sample in flash: u32 time, u8 channel mask, three u24 values. */
export const SAMPLE_RECORD_BYTES = 14

const HAS_TEMPERATURE = 1
const HAS_PRESSURE = 2
const HAS_CONDUCTIVITY = 4

export function writeSample(w: RecordWriter, s: QueuedSample): void {
    let mask = 0
    if (s.temperatureRaw !== undefined) mask |= HAS_TEMPERATURE
    if (s.pressureRaw !== undefined) mask |= HAS_PRESSURE
    if (s.conductivityRaw !== undefined) mask |= HAS_CONDUCTIVITY
    w.u32(s.timeS).u8(mask)
    w.u24(s.temperatureRaw === undefined ? 0 : s.temperatureRaw)
    w.u24(s.pressureRaw === undefined ? 0 : s.pressureRaw)
    w.u24(s.conductivityRaw === undefined ? 0 : s.conductivityRaw)
}

export function readSample(r: RecordReader): QueuedSample {
    const s: QueuedSample = { timeS: r.u32() }
    const mask = r.u8()
    const t = r.u24()
    const p = r.u24()
    const c = r.u24()
    if ((mask & HAS_TEMPERATURE) !== 0) s.temperatureRaw = t
    if ((mask & HAS_PRESSURE) !== 0) s.pressureRaw = p
    if ((mask & HAS_CONDUCTIVITY) !== 0) s.conductivityRaw = c
    return s
}

export function hasChannels(s: QueuedSample): boolean {
    return s.temperatureRaw !== undefined || s.pressureRaw !== undefined || s.conductivityRaw !== undefined
}

/** Age at `nowS`, never negative; null when the codec cannot carry it (older than 194 days). */
export function ageOf(s: QueuedSample, nowS: number): number | null {
    const age = nowS > s.timeS ? nowS - s.timeS : 0
    return age > AGE_MAX_S ? null : age
}

/** The codec's view of a sample at `nowS` (the caller has checked ageOf). */
export function toMeasurement(s: QueuedSample, ageS: number): MeasurementSample {
    const m: MeasurementSample = { ageS: ageS }
    if (s.temperatureRaw !== undefined) m.temperatureRaw = s.temperatureRaw
    if (s.pressureRaw !== undefined) m.pressureRaw = s.pressureRaw
    if (s.conductivityRaw !== undefined) m.conductivityRaw = s.conductivityRaw
    return m
}
