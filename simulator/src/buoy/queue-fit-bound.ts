// A cheap, safe answer to "does the whole queue fit in one frame?", asked at every wake. The
// codec's encoder searches modes, widths and frame sizes (~40 µs for 20 samples); this bound
// prices the queue in layouts the encoder also considers, per column the cheaper of:
// - delta mode at its best width (residuals wider than the width cost an escape);
// - second-order mode, whose parameter (the first step) does not depend on how many samples
//   the frame takes: for channels it is the step from the first sample to the second, for the
//   ages (coded newest first) a gap between samples, bounded by the largest gap. The ages'
//   second differences are differences of gaps: near zero for a regular sampling interval,
//   where delta mode pays ~11 bits per sample for 600 s gaps.
// The age column's reference is the newest age of the frame, so for a prefix of the queue it is
// an older sample's age: the bound uses the oldest age. Both layouts only lose residuals on a
// prefix, so if the bound fits, the encoder's choice (never dearer) fits too, for the whole
// queue and every prefix the encoder's size search tries, and encodeMeasurements would consume
// everything. When the bound does not fit, the buoy runs the real encoder.
// The bound is kept incrementally (O(1) per sample). Layout constants follow
// docs/payload-format.md; test/buoy/queue-fit-bound.test.ts checks the bound against the codec.
import { MAX_SAMPLES_PER_FRAME, type MeasurementSample } from '@reeflink/codecs';

const HEADER_BITS = 16;
const REF_LENGTH_BITS = 5;
const MODE_BITS = 2;
const PARAM_LENGTH_BITS = 4;
const PARAM_MIN = -16384;
const PARAM_MAX = 16383;
const WIDTH_BITS = 5;
const MAX_WIDTH = 26;
const CHANNELS = ['temperatureRaw', 'pressureRaw', 'conductivityRaw'] as const;
type ChannelKey = (typeof CHANNELS)[number];
/** Largest age the reference field can hold: 24 bits. */
const AGE_REF_BITS = 24;
const ESCAPE_BITS = 24;
/** Residual width classes: bitLength(code + 1), 1..33 for codes below 2^32. */
const CLASSES = 34;

function bitLength(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

function zigzag(r: number): number {
  return r >= 0 ? r * 2 : -r * 2 - 1;
}

function residualWidth(r: number): number {
  const code = zigzag(r);
  return code + 1 > 0xffffffff ? CLASSES - 1 : Math.min(CLASSES - 1, bitLength(code + 1));
}

/** Cheapest residual codes of a column: width w for all, plus an escape for each wider one. */
function residualBits(classes: Uint32Array, count: number): number {
  if (count === 0) return 0;
  let best = Number.POSITIVE_INFINITY;
  let wider = count - classes[0]! - classes[1]!;
  for (let w = 1; w <= MAX_WIDTH; w++) {
    best = Math.min(best, count * w + wider * ESCAPE_BITS);
    // Nothing wider left: larger widths only cost more.
    if (wider === 0) break;
    wider -= classes[w + 1] ?? 0;
  }
  return best;
}

function clampParam(p: number): number {
  return p < PARAM_MIN ? PARAM_MIN : p > PARAM_MAX ? PARAM_MAX : p;
}

/** Seconds between two sample times as whole-second ages see them: exact for whole seconds, else one more (rounding). */
function gapUpperS(fromMs: number, toMs: number): number {
  const d = (toMs - fromMs) / 1000;
  return Number.isInteger(d) ? d : Math.ceil(d) + 1;
}

export interface BoundSample {
  timeMs: number;
  raw: Omit<MeasurementSample, 'ageS'>;
}

type Column = ChannelKey | 'ages';

/** Size bound of a queue of samples, maintained as samples are appended and removed. */
export class QueueFitBound {
  private samples: BoundSample[] = [];
  private mask = -1;
  private mixedMasks = false;
  /** Per column, how many delta-mode residuals need each width class. */
  private readonly delta: Record<Column, Uint32Array> = {
    temperatureRaw: new Uint32Array(CLASSES),
    pressureRaw: new Uint32Array(CLASSES),
    conductivityRaw: new Uint32Array(CLASSES),
    ages: new Uint32Array(CLASSES),
  };
  /** The same for second-order residuals (the first one included). */
  private readonly second: Record<Column, Uint32Array> = {
    temperatureRaw: new Uint32Array(CLASSES),
    pressureRaw: new Uint32Array(CLASSES),
    conductivityRaw: new Uint32Array(CLASSES),
    ages: new Uint32Array(CLASSES),
  };
  /** Second-order parameter bits of each channel (fixed by the first two samples). */
  private readonly paramBits: Record<ChannelKey, number> = { temperatureRaw: 0, pressureRaw: 0, conductivityRaw: 0 };
  /** Largest gap between consecutive samples, seconds (upper bound). */
  private maxGapS = 0;

  private static maskOf(raw: BoundSample['raw']): number {
    return (raw.temperatureRaw !== undefined ? 1 : 0) | (raw.pressureRaw !== undefined ? 2 : 0) | (raw.conductivityRaw !== undefined ? 4 : 0);
  }

  push(s: BoundSample): void {
    const n = this.samples.length;
    const prev = this.samples[n - 1];
    const prev2 = this.samples[n - 2];
    this.samples.push(s);
    const mask = QueueFitBound.maskOf(s.raw);
    if (!prev) {
      this.mask = mask;
      return;
    }
    if (mask !== this.mask) this.mixedMasks = true;
    // Ages: a delta is a gap; the first second-order residual is 0 (the parameter is that gap),
    // the next ones are differences of consecutive gaps.
    const gap = gapUpperS(prev.timeMs, s.timeMs);
    if (gap > this.maxGapS) this.maxGapS = gap;
    this.delta.ages[residualWidth(gap)]!++;
    if (!prev2) this.second.ages[residualWidth(0)]!++;
    else {
      const d = (s.timeMs - prev.timeMs) / 1000;
      const dPrev = (prev.timeMs - prev2.timeMs) / 1000;
      // Whole seconds: ages differ exactly by the gaps; otherwise each of three rounded ages may be off by ½.
      const r = Number.isInteger(d) && Number.isInteger(dPrev) ? d - dPrev : Math.ceil(Math.abs(d - dPrev)) + 2;
      this.second.ages[residualWidth(r)]!++;
    }
    for (const c of CHANNELS) {
      const a = prev.raw[c];
      const b = s.raw[c];
      if (a === undefined || b === undefined) continue;
      this.delta[c][residualWidth(b - a)]!++;
      if (!prev2) {
        const param = clampParam(b - a);
        this.paramBits[c] = bitLength(zigzag(param));
        this.second[c][residualWidth(b - a - param)]!++;
      } else {
        const z = prev2.raw[c];
        if (z !== undefined) this.second[c][residualWidth(b - 2 * a + z)]!++;
      }
    }
  }

  /** The queue lost its first n samples (sent, evicted): recompute from what remains. */
  removeFirst(n: number): void {
    const rest = this.samples.slice(n);
    this.samples = [];
    this.mask = -1;
    this.mixedMasks = false;
    this.maxGapS = 0;
    for (const k of Object.values(this.delta)) k.fill(0);
    for (const k of Object.values(this.second)) k.fill(0);
    for (const s of rest) this.push(s);
  }

  clear(): void {
    this.removeFirst(this.samples.length);
  }

  /** True when encodeMeasurements of the whole queue, ages counted to `endMs`, certainly consumes every sample. */
  certainlyFits(endMs: number, budgetBytes: number): boolean {
    const n = this.samples.length;
    if (n === 0 || n > MAX_SAMPLES_PER_FRAME || this.mixedMasks) return false;
    const newestAge = Math.round((endMs - this.samples[n - 1]!.timeMs) / 1000);
    const oldestAge = Math.round((endMs - this.samples[0]!.timeMs) / 1000);
    if (newestAge < 0 || bitLength(oldestAge) > AGE_REF_BITS) return false;
    const residuals = n - 1;
    const ageHeader = REF_LENGTH_BITS + bitLength(oldestAge) + MODE_BITS + WIDTH_BITS;
    let ages = ageHeader + residualBits(this.delta.ages, residuals);
    // A gap the parameter cannot hold would leave a residual the bound does not count.
    if (n >= 2 && this.maxGapS <= PARAM_MAX) ages = Math.min(ages, ageHeader + PARAM_LENGTH_BITS + bitLength(zigzag(this.maxGapS)) + residualBits(this.second.ages, residuals));
    let bits = HEADER_BITS + ages;
    const first = this.samples[0]!.raw;
    for (const c of CHANNELS) {
      const ref = first[c];
      if (ref === undefined) continue;
      const header = REF_LENGTH_BITS + bitLength(ref) + MODE_BITS + WIDTH_BITS;
      let column = header + residualBits(this.delta[c], residuals);
      if (n >= 2) column = Math.min(column, header + PARAM_LENGTH_BITS + this.paramBits[c] + residualBits(this.second[c], residuals));
      bits += column;
    }
    return bits <= budgetBytes * 8;
  }
}
