// Measurement batch (fPort 1): samples of raw sensor readings, each with its age at transmission.
//
// Layout (docs/payload-format.md has the byte tables and worked examples):
//   byte 0  version (high nibble) | channel mask (low nibble: bit0 temperature, bit1 pressure,
//           bit2 conductivity, bit3 reserved)
//   byte 1  sample count n (1..255)
//   then an MSB-first bitstream of one block per column: the ages first (coded newest first),
//   then each present channel in mask order (oldest first). A block is
//     reference  5 + L bits  value of the first (oldest-queued) sample: bit length L, then L bits
//     mode       2 bits      0 delta from previous, 1 delta from previous + slope,
//                             2 second order, 3 delta guided by the temperature delta
//     param      4 + L bits  zigzag slope (modes 1, 2) or gain × 256 (mode 3), length-prefixed;
//                             absent in mode 0
//     width       5 bits  bit width w of the n-1 residual codes (0..26)
//     n-1 codes   w bits  zigzag residual; the all-ones code escapes to a 24-bit absolute value
//   zero padding to the byte boundary.
// The encoder picks mode and width per column and per frame (adaptive delta coding) and packs as
// many queued samples as fit the byte budget.
import { BitReader, BitWriter } from './bits.js'
import { ByteSource, isIntegerIn } from './bytes.js'
import { decodeError, encodeError, ok, Result } from './result.js'
import { checkFirstByte, PAYLOAD_VERSION } from './version.js'

/** Raw readings and ages are unsigned 24-bit integers. */
export const RAW_MAX = 0xffffff
export const AGE_MAX_S = 0xffffff
export const MAX_SAMPLES_PER_FRAME = 255
/** Bytes before the bitstream: version/mask and count. */
export const MEASUREMENT_HEADER_BYTES = 2

export const CHANNEL_TEMPERATURE = 0
export const CHANNEL_PRESSURE = 1
export const CHANNEL_CONDUCTIVITY = 2
export const CHANNEL_COUNT = 3
export const CHANNEL_NAMES = ['temperatureRaw', 'pressureRaw', 'conductivityRaw']

/** One sample: raw sensor readings (counts, as the sensors give them) and its age in seconds. */
export interface MeasurementSample {
  ageS: number
  temperatureRaw?: number
  pressureRaw?: number
  conductivityRaw?: number
}

export interface MeasurementBatch {
  type: 'measurements'
  samples: MeasurementSample[]
}

export interface EncodedBatch {
  bytes: number[]
  /** How many samples, from the start of the input, the frame carries. */
  consumed: number
}

const MODE_DELTA = 0
const MODE_SLOPE = 1
const MODE_SECOND_ORDER = 2
const MODE_GUIDED = 3
const MODE_COUNT = 4
/** The reference is length-prefixed: 5 bits give its bit length (0..24), then that many bits. */
const REF_LENGTH_BITS = 5
const REF_MAX_LENGTH = 24
const MODE_BITS = 2
/** The mode parameter is zigzag-coded and length-prefixed: 4 bits of length (0..15), then the bits. */
const PARAM_LENGTH_BITS = 4
const PARAM_MIN = -16384
const PARAM_MAX = 16383
/** Guided mode: the gain on the temperature delta is a Q8 fixed-point number. */
const GAIN_ONE = 256
const WIDTH_BITS = 5
const MAX_WIDTH = 26
const ESCAPE_BITS = 24
/** Bit lengths of (code + 1) range over 1..28 for residuals of 24-bit values. */
const LENGTH_CLASSES = 29

export function channelValue(s: MeasurementSample, channel: number): number | undefined {
  if (channel === CHANNEL_TEMPERATURE) return s.temperatureRaw
  if (channel === CHANNEL_PRESSURE) return s.pressureRaw
  return s.conductivityRaw
}

function setChannelValue(s: MeasurementSample, channel: number, v: number): void {
  if (channel === CHANNEL_TEMPERATURE) s.temperatureRaw = v
  else if (channel === CHANNEL_PRESSURE) s.pressureRaw = v
  else s.conductivityRaw = v
}

/** Channel mask of a sample: bit c set when channel c is present. */
export function channelMask(s: MeasurementSample): number {
  let mask = 0
  for (let c = 0; c < CHANNEL_COUNT; c++) {
    if (channelValue(s, c) !== undefined) mask |= 1 << c
  }
  return mask
}

function zigzag(r: number): number {
  return r >= 0 ? r * 2 : -r * 2 - 1
}

function unzigzag(code: number): number {
  return (code & 1) === 1 ? -((code + 1) / 2) : code / 2
}

/** Number of bits of a non-negative integer below 2^31 (0 for 0), in a few comparisons. */
function bitLength(x: number): number {
  let n = 0
  if (x >= 65536) {
    n += 16
    x = x >> 16
  }
  if (x >= 256) {
    n += 8
    x = x >> 8
  }
  if (x >= 16) {
    n += 4
    x = x >> 4
  }
  if (x >= 4) {
    n += 2
    x = x >> 2
  }
  if (x >= 2) return n + 2
  return n + x
}

function clampParam(p: number): number {
  return p < PARAM_MIN ? PARAM_MIN : p > PARAM_MAX ? PARAM_MAX : p
}

/** Rounds half up, identically in Node and DeviceScript (their Math.round differ on negatives). */
function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5)
}

/**
 * Prediction of values[i] (i >= 1) from the values before it. `guide` is the temperature column,
 * used by the guided mode: conductivity (and often pressure) moves with temperature in sea water,
 * so its delta is predicted as gain × the temperature delta.
 */
function predict(mode: number, param: number, values: number[], i: number, guide: number[] | null): number {
  if (mode === MODE_DELTA) return values[i - 1]
  if (mode === MODE_SLOPE || (mode === MODE_SECOND_ORDER && i === 1)) return values[i - 1] + param
  if (mode === MODE_SECOND_ORDER) return 2 * values[i - 1] - values[i - 2]
  const g = guide as number[]
  return values[i - 1] + roundHalfUp((param * (g[i] - g[i - 1])) / GAIN_ONE)
}

/** The mode's parameter (slope or gain) that suits the first n values. */
function fitParam(mode: number, values: number[], n: number, guide: number[] | null): number {
  if (mode === MODE_DELTA || n < 2) return 0
  if (mode === MODE_SECOND_ORDER) return clampParam(values[1] - values[0])
  if (mode === MODE_SLOPE) return clampParam(roundHalfUp((values[n - 1] - values[0]) / (n - 1)))
  // Guided: least-squares gain of the column's deltas on the temperature deltas.
  const g = guide as number[]
  let sxy = 0
  let sxx = 0
  for (let i = 1; i < n; i++) {
    const x = g[i] - g[i - 1]
    sxy += x * (values[i] - values[i - 1])
    sxx += x * x
  }
  return sxx === 0 ? 0 : clampParam(roundHalfUp((sxy * GAIN_ONE) / sxx))
}

interface ColumnChoice {
  mode: number
  param: number
  width: number
  bits: number
}

/**
 * Cheapest width for one mode over the first n values of a column, and the column's size in bits
 * with it; null when the mode does not apply.
 */
function evaluateMode(mode: number, values: number[], n: number, guide: number[] | null, histogram: number[]): ColumnChoice | null {
  if (mode === MODE_GUIDED && guide === null) return null
  if (mode !== MODE_DELTA && n < 2) return null
  const param = fitParam(mode, values, n, guide)
  for (let len = 0; len < LENGTH_CLASSES; len++) histogram[len] = 0
  let zeros = 0
  for (let i = 1; i < n; i++) {
    const code = zigzag(values[i] - predict(mode, param, values, i, guide))
    if (code === 0) zeros++
    histogram[bitLength(code + 1)]++
  }
  const header =
    REF_LENGTH_BITS + bitLength(values[0]) + MODE_BITS + WIDTH_BITS + (mode === MODE_DELTA ? 0 : PARAM_LENGTH_BITS + bitLength(zigzag(param)))
  // Width 0 codes nothing: only possible when every residual is zero.
  if (zeros === n - 1) return { mode: mode, param: param, width: 0, bits: header }
  // Width w codes residuals whose (code + 1) has at most w bits; the rest are escaped.
  let best: ColumnChoice = { mode: mode, param: param, width: 0, bits: -1 }
  let escapes = n - 1
  for (let w = 1; w <= MAX_WIDTH; w++) {
    escapes -= histogram[w]
    const bits = header + (n - 1) * w + escapes * ESCAPE_BITS
    if (best.bits < 0 || bits < best.bits) best = { mode: mode, param: param, width: w, bits: bits }
  }
  return best
}

function validateSample(s: MeasurementSample, index: number): Result<number> {
  const where = 'samples[' + index + ']'
  if (s === null || typeof s !== 'object') return encodeError('invalid_input', where + ' is not an object', where)
  if (!isIntegerIn(s.ageS, 0, AGE_MAX_S)) {
    return encodeError('out_of_range', where + '.ageS must be an integer from 0 to ' + AGE_MAX_S + ' s, got ' + s.ageS, where + '.ageS')
  }
  for (let c = 0; c < CHANNEL_COUNT; c++) {
    const v = channelValue(s, c)
    if (v !== undefined && !isIntegerIn(v, 0, RAW_MAX)) {
      const field = where + '.' + CHANNEL_NAMES[c]
      return encodeError('out_of_range', field + ' must be an integer raw reading from 0 to ' + RAW_MAX + ', got ' + v, field)
    }
  }
  const mask = channelMask(s)
  if (mask === 0) return encodeError('invalid_input', where + ' has no sensor reading', where)
  return ok(mask)
}

/** Columns of a frame: ages first, then each present channel in mask order. */
interface Columns {
  mask: number
  values: number[][]
  /** Index of the temperature column in `values`, or -1. */
  temperature: number
}

/**
 * The values column `col` codes for a frame of n samples. Ages are coded newest first, so the
 * reference is the small age of the freshest sample rather than the large one of the oldest.
 */
function columnValues(cols: Columns, col: number, n: number): number[] {
  if (col !== 0) return cols.values[col]
  const ages: number[] = []
  for (let i = n - 1; i >= 0; i--) ages.push(cols.values[0][i])
  return ages
}

function guideFor(cols: Columns, col: number): number[] | null {
  return col > cols.temperature && cols.temperature > 0 ? cols.values[cols.temperature] : null
}

function emptyLengthHistogram(): number[] {
  const h: number[] = []
  for (let i = 0; i < LENGTH_CLASSES; i++) h.push(0)
  return h
}

/**
 * Encodes a measurement frame in small steps. The DeviceScript VM stops a fiber that runs about
 * 130 000 instructions without yielding, so the firmware calls step() and yields between calls;
 * each step evaluates one (column, mode) pair for one candidate frame size. encodeMeasurements()
 * runs all steps at once.
 *
 * The frame size is searched by doubling from one sample, then bisection, so that `consumed`
 * samples fit the budget and `consumed + 1` do not (or `consumed` is every usable sample).
 * Fitting is not monotone in the count (column modes and widths follow the data: a frame may
 * hold 30 samples but not 29), so `consumed` is such a boundary, not always the largest count
 * that fits (codecs/test/properties.test.ts keeps one such series).
 */
export class MeasurementEncoder {
  private cols: Columns
  private result: Result<EncodedBatch> | null
  private budgetBytes: number
  private budgetBits: number
  private available: number
  private histogram: number[]
  /** Largest size known to fit (0: none yet) and its plan. */
  private fits: number
  private fitsPlan: ColumnChoice[]
  /** Smallest size known not to fit (available + 1: none yet). */
  private tooBig: number
  /** Size being evaluated, and how far its evaluation has got. */
  private candidate: number
  private col: number
  private mode: number
  private colBest: ColumnChoice | null
  private plan: ColumnChoice[]
  private planBits: number

  constructor(samples: MeasurementSample[], budgetBytes: number) {
    this.cols = { mask: 0, values: [], temperature: -1 }
    this.result = null
    this.budgetBytes = budgetBytes
    this.budgetBits = (budgetBytes - MEASUREMENT_HEADER_BYTES) * 8
    this.available = 0
    this.histogram = emptyLengthHistogram()
    this.fits = 0
    this.fitsPlan = []
    this.tooBig = 0
    this.candidate = 1
    this.col = 0
    this.mode = 0
    this.colBest = null
    this.plan = []
    this.planBits = 0
    if (!isIntegerIn(budgetBytes, 1, 255)) {
      this.result = encodeError('out_of_range', 'budgetBytes must be an integer from 1 to 255, got ' + budgetBytes, 'budgetBytes')
    } else if (!samples || samples.length === 0) {
      this.result = encodeError('invalid_input', 'samples is empty', 'samples')
    } else {
      this.collect(samples)
    }
    this.tooBig = this.available + 1
  }

  /** Validates the samples and lays out the columns of the longest frame they could make. */
  private collect(samples: MeasurementSample[]): void {
    const first = validateSample(samples[0], 0)
    if (first.ok === false) {
      this.result = first
      return
    }
    const cols = this.cols
    cols.mask = first.value
    cols.values.push([])
    const channels: number[] = []
    for (let c = 0; c < CHANNEL_COUNT; c++) {
      if ((cols.mask & (1 << c)) !== 0) {
        if (c === CHANNEL_TEMPERATURE) cols.temperature = cols.values.length
        channels.push(c)
        cols.values.push([])
      }
    }
    const limit = samples.length < MAX_SAMPLES_PER_FRAME ? samples.length : MAX_SAMPLES_PER_FRAME
    for (let i = 0; i < limit; i++) {
      const s = samples[i]
      if (i > 0) {
        const valid = validateSample(s, i)
        if (valid.ok === false) {
          this.result = valid
          return
        }
        if (valid.value !== cols.mask) break
      }
      cols.values[0].push(s.ageS)
      for (let k = 0; k < channels.length; k++) cols.values[k + 1].push(channelValue(s, channels[k]) as number)
    }
    this.available = cols.values[0].length
  }

  /** True once the result is ready. */
  done(): boolean {
    return this.result !== null
  }

  /** Does one unit of work; returns true when the result is ready. */
  step(): boolean {
    if (this.result !== null) return true
    const n = this.candidate
    const choice = evaluateMode(this.mode, columnValues(this.cols, this.col, n), n, guideFor(this.cols, this.col), this.histogram)
    if (choice !== null && (this.colBest === null || choice.bits < this.colBest.bits)) this.colBest = choice
    this.mode++
    if (this.mode < MODE_COUNT) return false
    // Column done.
    const best = this.colBest as ColumnChoice
    this.plan.push(best)
    this.planBits += best.bits
    this.mode = 0
    this.colBest = null
    this.col++
    if (this.col < this.cols.values.length && this.planBits <= this.budgetBits) return false
    // Candidate done (or already over budget).
    this.decide(n, this.planBits <= this.budgetBits && this.col === this.cols.values.length)
    return this.result !== null
  }

  private decide(n: number, fitsBudget: boolean): void {
    if (fitsBudget) {
      this.fits = n
      this.fitsPlan = this.plan
    } else {
      this.tooBig = n
    }
    this.plan = []
    this.planBits = 0
    this.col = 0
    if (this.fits === 0) {
      // Not even one sample fits.
      const need = MEASUREMENT_HEADER_BYTES + Math.ceil(this.oneSampleBits() / 8)
      this.result = encodeError('budget_too_small', 'a budget of ' + this.budgetBytes + ' bytes is below the ' + need + ' bytes one sample needs', 'budgetBytes')
      return
    }
    if (this.tooBig - this.fits <= 1) {
      this.result = ok(this.write())
      return
    }
    // Double while everything so far fits, then bisect.
    if (this.tooBig > this.available) this.candidate = this.fits * 2 < this.available ? this.fits * 2 : this.available
    else this.candidate = Math.floor((this.fits + this.tooBig) / 2)
  }

  /** Bits one sample needs: each column's reference, mode and width (for the error message). */
  private oneSampleBits(): number {
    let bits = 0
    for (let col = 0; col < this.cols.values.length; col++) bits += REF_LENGTH_BITS + bitLength(this.cols.values[col][0]) + MODE_BITS + WIDTH_BITS
    return bits
  }

  private write(): EncodedBatch {
    const n = this.fits
    const out = new BitWriter()
    for (let col = 0; col < this.cols.values.length; col++) {
      writeColumn(out, columnValues(this.cols, col, n), n, this.fitsPlan[col], guideFor(this.cols, col))
    }
    const body = out.finish()
    const bytes: number[] = [(PAYLOAD_VERSION << 4) | this.cols.mask, n]
    for (let i = 0; i < body.length; i++) bytes.push(body[i])
    return { bytes: bytes, consumed: n }
  }

  /** The result once done() is true. */
  output(): Result<EncodedBatch> {
    if (this.result === null) return encodeError('invalid_input', 'encoding is not finished: call step() until it returns true', 'samples')
    return this.result
  }
}

/**
 * Encodes as many samples as fit in `budgetBytes`, from the start of `samples` (oldest first is
 * the firmware's convention). A frame holds samples with one channel set: it stops at the first
 * sample whose sensors differ, and at 255 samples. The result leaves no room for one more
 * sample: coding consumed + 1 samples would exceed the budget. (In the DeviceScript VM, use
 * MeasurementEncoder and yield between steps.)
 */
export function encodeMeasurements(samples: MeasurementSample[], budgetBytes: number): Result<EncodedBatch> {
  const encoder = new MeasurementEncoder(samples, budgetBytes)
  while (!encoder.step()) {
    // all steps at once
  }
  return encoder.output()
}

function writeColumn(out: BitWriter, values: number[], n: number, choice: ColumnChoice, guide: number[] | null): void {
  writeLengthPrefixed(out, values[0], REF_LENGTH_BITS)
  out.write(choice.mode, MODE_BITS)
  if (choice.mode !== MODE_DELTA) writeLengthPrefixed(out, zigzag(choice.param), PARAM_LENGTH_BITS)
  out.write(choice.width, WIDTH_BITS)
  if (choice.width === 0) return
  const escape = (1 << choice.width) - 1
  for (let i = 1; i < n; i++) {
    const code = zigzag(values[i] - predict(choice.mode, choice.param, values, i, guide))
    if (code < escape) {
      out.write(code, choice.width)
    } else {
      out.write(escape, choice.width)
      out.write(values[i], ESCAPE_BITS)
    }
  }
}

/** Writes a non-negative integer as its bit length (in lengthBits bits) then its bits. */
function writeLengthPrefixed(out: BitWriter, v: number, lengthBits: number): void {
  const len = bitLength(v)
  out.write(len, lengthBits)
  out.write(v, len)
}

function readLengthPrefixed(r: BitReader, lengthBits: number, maxLength: number, what: string): Result<number> {
  if (r.remaining() < lengthBits) return decodeError('truncated', 'frame ends inside the ' + what, r.byteOffset())
  const len = r.read(lengthBits)
  if (len > maxLength) return decodeError('invalid_value', what + ' length ' + len + ' exceeds ' + maxLength + ' bits', r.byteOffset())
  if (r.remaining() < len) return decodeError('truncated', 'frame ends inside the ' + what, r.byteOffset())
  return ok(r.read(len))
}

function readColumn(r: BitReader, n: number, max: number, what: string, guide: number[] | null): Result<number[]> {
  const ref = readLengthPrefixed(r, REF_LENGTH_BITS, REF_MAX_LENGTH, what + ' reference')
  if (ref.ok === false) return ref
  const values: number[] = [ref.value]
  if (values[0] > max) return decodeError('invalid_value', what + ': reference ' + values[0] + ' exceeds ' + max, r.byteOffset())
  if (r.remaining() < MODE_BITS) return decodeError('truncated', what + ': frame ends inside the column header', r.byteOffset())
  const mode = r.read(MODE_BITS)
  if (mode === MODE_GUIDED && guide === null) {
    return decodeError('invalid_value', what + ': temperature-guided mode needs a temperature column before this one', r.byteOffset())
  }
  let param = 0
  if (mode !== MODE_DELTA) {
    const coded = readLengthPrefixed(r, PARAM_LENGTH_BITS, 15, what + ' mode parameter')
    if (coded.ok === false) return coded
    param = unzigzag(coded.value)
  }
  if (r.remaining() < WIDTH_BITS) return decodeError('truncated', what + ': frame ends inside the width', r.byteOffset())
  const width = r.read(WIDTH_BITS)
  if (width > MAX_WIDTH) return decodeError('invalid_value', what + ': residual width ' + width + ' exceeds ' + MAX_WIDTH, r.byteOffset())
  const escape = width === 0 ? -1 : (1 << width) - 1
  for (let i = 1; i < n; i++) {
    let v = predict(mode, param, values, i, guide)
    if (width > 0) {
      if (r.remaining() < width) return decodeError('truncated', what + ': frame ends at sample ' + i, r.byteOffset())
      const code = r.read(width)
      if (code === escape) {
        if (r.remaining() < ESCAPE_BITS) return decodeError('truncated', what + ': frame ends inside an escaped value', r.byteOffset())
        v = r.read(ESCAPE_BITS)
      } else {
        v += unzigzag(code)
      }
    }
    if (v < 0 || v > max) return decodeError('invalid_value', what + ': sample ' + i + ' decodes to ' + v + ', outside 0..' + max, r.byteOffset())
    values.push(v)
  }
  return ok(values)
}

/** Decodes a measurement frame (fPort 1). Never throws. */
export function decodeMeasurements(bytes: ByteSource): Result<MeasurementBatch> {
  const bad = checkFirstByte(bytes, 'measurement frame', false)
  if (bad) return bad
  if (bytes.length < MEASUREMENT_HEADER_BYTES) return decodeError('truncated', 'measurement frame is shorter than its 2-byte header', bytes.length)
  const head = bytes[0] & 0xff
  const mask = head & 0x0f
  if ((mask & 0x08) !== 0) return decodeError('reserved_bits', 'channel mask bit 3 is reserved and must be 0', 0)
  if (mask === 0) return decodeError('invalid_value', 'channel mask is empty', 0)
  const n = bytes[1] & 0xff
  if (n === 0) return decodeError('invalid_value', 'sample count is 0', 1)

  const r = new BitReader(bytes, MEASUREMENT_HEADER_BYTES)
  const ages = readColumn(r, n, AGE_MAX_S, 'ages', null)
  if (ages.ok === false) return ages
  const samples: MeasurementSample[] = []
  // Ages are coded newest first (see columnValues).
  for (let i = n - 1; i >= 0; i--) samples.push({ ageS: ages.value[i] })
  let temperature: number[] | null = null
  for (let c = 0; c < CHANNEL_COUNT; c++) {
    if ((mask & (1 << c)) === 0) continue
    const col = readColumn(r, n, RAW_MAX, CHANNEL_NAMES[c], temperature)
    if (col.ok === false) return col
    if (c === CHANNEL_TEMPERATURE) temperature = col.value
    for (let i = 0; i < n; i++) setChannelValue(samples[i], c, col.value[i])
  }
  const left = r.remaining()
  if (left >= 8) return decodeError('trailing_data', (left >> 3) + ' byte(s) after the last sample', r.byteOffset())
  if (left > 0 && r.read(left) !== 0) return decodeError('reserved_bits', 'padding bits must be zero', bytes.length - 1)
  return ok({ type: 'measurements', samples: samples })
}
