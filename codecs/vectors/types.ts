// Shape of a golden vector (codecs/vectors/golden.json). Read by the Node tests, the DeviceScript
// VM test, and the TS013 example file.
import type { MeasurementSample } from '../src/index.js'

export interface GoldenVector {
  name: string
  direction: 'uplink' | 'downlink'
  fPort: number
  /** The frame's application payload, lower-case hex. */
  hex: string
  /** What the bytes decode to; encoding it gives `hex`. Absent on error vectors. */
  message?: any
  /** Error vectors: decoding `hex` fails with this code at this byte offset. */
  error?: { code: string; offset: number }
  /** Measurement vectors: encodeMeasurements(samples, budget) gives `hex` and `consumed`. */
  budget?: number
  samples?: MeasurementSample[]
  consumed?: number
}
