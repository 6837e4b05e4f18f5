import { ScienceError, type Result } from '../errors.js';
import { climatologyFlag, prepareClimatology } from './climatology.js';
import type { DatastreamQcConfig } from './config.js';
import { assertQcConfig } from './config.js';
import { isMissing, QartodFlag } from './flags.js';
import { windowCount } from './flatLine.js';
import { grossRangeFlag } from './grossRange.js';
import { rateOfChangeFlag } from './rateOfChange.js';
import { spikeFlagOfMiddle } from './spike.js';

/** One sample of a datastream entering QC. value null = missing (calibration failed, NaN...). */
export interface QcSample {
  /** Epoch milliseconds UTC. */
  time: number;
  value: number | null;
  /** Metres positive down, for depth-dependent climatology; null/absent when unknown. */
  depth_m?: number | null;
}

/** Per-test flags of one sample; a test not configured is absent. */
export interface QcTestFlags {
  grossRange: QartodFlag;
  climatology?: QartodFlag;
  spike?: QartodFlag;
  rateOfChange?: QartodFlag;
  flatLine?: QartodFlag;
}

export interface QcResult {
  time: number;
  flags: QcTestFlags;
  aggregate: QartodFlag;
}

/**
 * What the store keeps per datastream between samples (JSON-serialisable,
 * a few hundred bytes to a few kB): the last samples the window tests need
 * and the flags of the newest one, whose spike flag is still pending.
 */
export interface QcStreamState {
  version: 1;
  /** [time ms, value or null], oldest first; at most windowLength(config) entries. */
  window: Array<[number, number | null]>;
  /** Flags of the newest sample in the window (spike still NOT_EVALUATED). */
  lastFlags: QcTestFlags | null;
}

export interface QcStepOutput {
  state: QcStreamState;
  /** Flags of the new sample, as far as known now. */
  result: QcResult;
  /**
   * Earlier samples whose flags changed because of this one (today: the
   * previous sample's spike flag). Apply them to the store in the same
   * transaction as the new sample.
   */
  revisions: QcResult[];
}

export function emptyQcState(): QcStreamState {
  return { version: 1, window: [], lastFlags: null };
}

/** Samples kept in the state: enough for the flat-line fail window, and 2 for spike. */
export function windowLength(config: DatastreamQcConfig): number {
  let n = 2;
  if (config.flatLine) {
    const suspect = windowCount(config.flatLine.suspect_threshold, config.sampleInterval_s);
    const fail = windowCount(config.flatLine.fail_threshold, config.sampleInterval_s);
    n = Math.max(n, suspect + 1, fail + 1);
  }
  return n;
}

const RANK_OF_FLAG: Record<number, number> = { [QartodFlag.MISSING]: 0, [QartodFlag.NOT_EVALUATED]: 1, [QartodFlag.PASS]: 2, [QartodFlag.SUSPECT]: 3, [QartodFlag.FAIL]: 4 };

function higher(best: QartodFlag, f: QartodFlag | undefined): QartodFlag {
  return f !== undefined && (RANK_OF_FLAG[f] ?? -1) > (RANK_OF_FLAG[best] ?? -1) ? f : best;
}

/** aggregateFlag of the tests that ran (a hot path: no intermediate array). */
function aggregateOf(flags: QcTestFlags): QartodFlag {
  let best: QartodFlag = QartodFlag.MISSING;
  best = higher(best, flags.grossRange);
  best = higher(best, flags.climatology);
  best = higher(best, flags.spike);
  best = higher(best, flags.rateOfChange);
  return higher(best, flags.flatLine);
}

/**
 * The running form of a QcStreamState: the last samples in a ring buffer (missing values as
 * NaN) and the newest sample's flags, advanced in place by QcStream.advance. Long runs (live
 * ingest, replays, reprocessing) keep one per datastream and turn it into the JSON state only
 * when they store it, so a sample costs no copy of the window.
 */
export class QcWindow {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  /** Slot of the newest sample. */
  private head = -1;
  /** Samples held (≤ capacity). */
  count = 0;
  lastFlags: QcTestFlags | null = null;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** A window holding the state's last `capacity` samples. */
  static fromState(state: QcStreamState | null, capacity: number): QcWindow {
    const w = new QcWindow(capacity);
    if (state) {
      for (const [t, v] of state.window) w.push(t, v);
      w.lastFlags = state.lastFlags;
    }
    return w;
  }

  /** Time of the sample `back` steps before the newest (0 = newest); count > back. */
  timeAt(back: number): number {
    return this.times[(this.head - back + this.capacity) % this.capacity] as number;
  }

  /** Value (NaN = missing) of the sample `back` steps before the newest. */
  valueAt(back: number): number {
    return this.values[(this.head - back + this.capacity) % this.capacity] as number;
  }

  push(time: number, value: number | null): void {
    this.head = (this.head + 1) % this.capacity;
    this.times[this.head] = time;
    this.values[this.head] = value === null ? NaN : value;
    if (this.count < this.capacity) this.count++;
  }

  toState(): QcStreamState {
    const window: Array<[number, number | null]> = new Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const back = this.count - 1 - i;
      const v = this.valueAt(back);
      window[i] = [this.timeAt(back), Number.isNaN(v) ? null : v];
    }
    return { version: 1, window, lastFlags: this.lastFlags };
  }
}

/** What advancing a window by one sample gives (the window itself changed in place). */
export interface QcAdvance {
  result: QcResult;
  /** As QcStepOutput.revisions. */
  revisions: readonly QcResult[];
}

const NO_REVISIONS: readonly QcResult[] = Object.freeze([]);

/**
 * A prepared QC runner for one datastream: validates the config once, then
 * steps sample by sample. Pure: the state goes in and comes out.
 */
export class QcStream {
  private readonly climatology;
  private readonly keep: number;
  private readonly suspectCount: number;
  private readonly failCount: number;

  constructor(
    readonly config: DatastreamQcConfig,
    readonly datastream: string,
  ) {
    assertQcConfig(config, datastream);
    this.climatology = config.climatology ? prepareClimatology(config.climatology, datastream) : null;
    this.keep = windowLength(config);
    this.suspectCount = config.flatLine ? windowCount(config.flatLine.suspect_threshold, config.sampleInterval_s) : 0;
    this.failCount = config.flatLine ? windowCount(config.flatLine.fail_threshold, config.sampleInterval_s) : 0;
  }

  /** A running window for this stream, starting from a stored state (null: nothing seen yet). */
  window(state: QcStreamState | null = null): QcWindow {
    return QcWindow.fromState(state, this.keep);
  }

  /** QC of the next sample; OUT_OF_ORDER when it is not later than the last one seen. */
  step(state: QcStreamState | null, sample: QcSample): Result<QcStepOutput> {
    const w = this.window(state);
    const out = this.advance(w, sample);
    if (!out.ok) return out;
    return { ok: true, value: { state: w.toState(), result: out.value.result, revisions: [...out.value.revisions] } };
  }

  /**
   * step() on a running window: advances it in place (left unchanged on an error). Same
   * results as step(), without copying the window.
   */
  advance(w: QcWindow, sample: QcSample): Result<QcAdvance> {
    if (typeof sample.time !== 'number' || !Number.isFinite(sample.time)) {
      return { ok: false, error: { code: 'NOT_FINITE', record: this.datastream, field: 'time', message: 'sample time must be epoch milliseconds', value: sample.time } };
    }
    const n = w.count;
    const lastTime = n > 0 ? w.timeAt(0) : undefined;
    if (lastTime !== undefined && sample.time <= lastTime) {
      return {
        ok: false,
        error: {
          code: 'OUT_OF_ORDER',
          record: this.datastream,
          field: 'time',
          message: `sample at ${new Date(sample.time).toISOString()} is not after the last one (${new Date(lastTime).toISOString()}); reprocess the period as a batch`,
          value: sample.time,
        },
      };
    }
    const value = isMissing(sample.value) ? null : sample.value;
    const c = this.config;
    const lastValue = n > 0 ? w.valueAt(0) : undefined;

    const flags: QcTestFlags = { grossRange: grossRangeFlag(value, c.grossRange) };
    if (this.climatology) flags.climatology = climatologyFlag(this.climatology, value, sample.time, sample.depth_m);
    if (c.spike) flags.spike = value === null ? QartodFlag.MISSING : QartodFlag.NOT_EVALUATED;
    if (c.rateOfChange) flags.rateOfChange = rateOfChangeFlag(lastValue, lastTime, value, sample.time, c.rateOfChange);

    let revisions = NO_REVISIONS;
    // The previous sample's spike flag can be decided now that its next neighbour is here.
    const prevFlags = w.lastFlags;
    if (c.spike && n >= 2 && prevFlags) {
      const spike = spikeFlagOfMiddle(w.valueAt(1), lastValue, value, c.spike);
      if (spike !== prevFlags.spike) {
        const revised = { ...prevFlags, spike };
        revisions = [{ time: lastTime as number, flags: revised, aggregate: aggregateOf(revised) }];
      }
    }
    w.push(sample.time, value);
    if (c.flatLine) flags.flatLine = this.flatLineOfNewest(w, c.flatLine.tolerance);
    w.lastFlags = flags;
    return { ok: true, value: { result: { time: sample.time, flags, aggregate: aggregateOf(flags) }, revisions } };
  }

  /** flatLineFlagAt for the newest sample of the window, in one pass over it. */
  private flatLineOfNewest(w: QcWindow, tolerance: number): QartodFlag {
    if (Number.isNaN(w.valueAt(0))) return QartodFlag.MISSING;
    const reach = Math.min(w.count - 1, Math.max(this.suspectCount, this.failCount));
    let min = Infinity;
    let max = -Infinity;
    let suspect = false;
    let fail = false;
    for (let back = 0; back <= reach; back++) {
      const v = w.valueAt(back);
      if (!Number.isNaN(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      // isFlat of the newest sample and its `back` predecessors.
      if (back === this.failCount) fail = min !== Infinity && Math.abs(max - min) < tolerance;
      if (back === this.suspectCount) suspect = min !== Infinity && Math.abs(max - min) < tolerance;
    }
    if (fail) return QartodFlag.FAIL;
    if (suspect) return QartodFlag.SUSPECT;
    return QartodFlag.PASS;
  }

/**
   * Batch form for replays and reprocessing: the same steps, with revisions
   * folded in, so results equal what live ingest ends up storing.
   * @throws ScienceError OUT_OF_ORDER when times do not increase
   */
  run(samples: readonly QcSample[], state: QcStreamState | null = null): { results: QcResult[]; state: QcStreamState } {
    const results: QcResult[] = [];
    const w = this.window(state);
    for (const sample of samples) {
      const out = this.advance(w, sample);
      if (!out.ok) throw new ScienceError(out.error);
      // Revisions only ever concern the previous sample.
      for (const r of out.value.revisions) {
        if (results[results.length - 1]?.time === r.time) results[results.length - 1] = r;
      }
      results.push(out.value.result);
    }
    return { results, state: w.toState() };
  }
}
