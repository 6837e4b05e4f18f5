// A cheap, safe answer to "does the whole queue fit in one frame?", asked at every wake. The
// codec's encoder searches modes, widths and frame sizes (~40 µs for 20 samples); this bound
// prices the queue in one layout the encoder also considers: every column in delta mode, at
// its best width (residuals wider than the width cost an escape). If that fits, the encoder's
// choice (never dearer) fits too, for the whole queue and every prefix (a prefix never costs
// more in this layout), so encodeMeasurements would consume everything.
// When the bound does not fit, the buoy runs the real encoder. The bound is kept incrementally
// (O(1) per sample). Layout constants follow docs/payload-format.md;
// test/buoy/queue-fit-bound.test.ts checks the bound against the codec.
import { MAX_SAMPLES_PER_FRAME, type MeasurementSample } from '@reeflink/codecs';

const HEADER_BITS = 16;
const REF_LENGTH_BITS = 5;
const MODE_BITS = 2;
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

function residualWidth(r: number): number {
  const code = r >= 0 ? r * 2 : -r * 2 - 1;
  return code + 1 > 0xffffffff ? 64 : bitLength(code + 1);
}

/** Cheapest residual codes of a delta column: width w for all, plus an escape for each wider one. */
function residualBits(classes: Uint32Array, count: number): number {
  if (count === 0) return 0;
  let best = Number.POSITIVE_INFINITY;
  let wider = count - classes[0]! - classes[1]!;
  for (let w = 1; w <= MAX_WIDTH; w++) {
    best = Math.min(best, count * w + wider * ESCAPE_BITS);
    wider -= classes[w + 1] ?? 0;
  }
  return best;
}

export interface BoundSample {
  timeMs: number;
  raw: Omit<MeasurementSample, 'ageS'>;
}

/** Delta-mode size of a queue of samples, maintained as samples are appended and removed. */
export class QueueFitBound {
  private samples: BoundSample[] = [];
  private mask = -1;
  private mixedMasks = false;
  /** Per column, how many residuals need each width class. */
  private readonly classes: Record<ChannelKey | 'ages', Uint32Array> = {
    temperatureRaw: new Uint32Array(CLASSES),
    pressureRaw: new Uint32Array(CLASSES),
    conductivityRaw: new Uint32Array(CLASSES),
    ages: new Uint32Array(CLASSES),
  };

  private static maskOf(raw: BoundSample['raw']): number {
    return (raw.temperatureRaw !== undefined ? 1 : 0) | (raw.pressureRaw !== undefined ? 2 : 0) | (raw.conductivityRaw !== undefined ? 4 : 0);
  }

  push(s: BoundSample): void {
    const prev = this.samples[this.samples.length - 1];
    this.samples.push(s);
    const mask = QueueFitBound.maskOf(s.raw);
    if (!prev) {
      this.mask = mask;
      return;
    }
    if (mask !== this.mask) this.mixedMasks = true;
    // Ages are rounded to seconds per sample: a gap can come out one second longer.
    const gapS = Math.ceil((s.timeMs - prev.timeMs) / 1000) + 1;
    this.classes.ages[Math.min(CLASSES - 1, residualWidth(gapS))]!++;
    for (const c of CHANNELS) {
      const a = prev.raw[c];
      const b = s.raw[c];
      if (a !== undefined && b !== undefined) this.classes[c][Math.min(CLASSES - 1, residualWidth(b - a))]!++;
    }
  }

  /** The queue lost its first n samples (sent, evicted): recompute from what remains. */
  removeFirst(n: number): void {
    const rest = this.samples.slice(n);
    this.samples = [];
    this.mask = -1;
    this.mixedMasks = false;
    for (const k of Object.values(this.classes)) k.fill(0);
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
    if (newestAge < 0 || bitLength(newestAge) > AGE_REF_BITS) return false;
    let bits = HEADER_BITS + REF_LENGTH_BITS + bitLength(newestAge) + MODE_BITS + WIDTH_BITS + residualBits(this.classes.ages, n - 1);
    const first = this.samples[0]!.raw;
    for (const c of CHANNELS) {
      const ref = first[c];
      if (ref === undefined) continue;
      bits += REF_LENGTH_BITS + bitLength(ref) + MODE_BITS + WIDTH_BITS + residualBits(this.classes[c], n - 1);
    }
    return bits <= budgetBytes * 8;
  }
}
