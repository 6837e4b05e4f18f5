import { ScienceError, type Result } from '../errors.js';
import { climatologyFlag, prepareClimatology } from './climatology.js';
import type { DatastreamQcConfig } from './config.js';
import { assertQcConfig } from './config.js';
import { aggregateFlag, isMissing, QartodFlag } from './flags.js';
import { flatLineFlagAt, windowCount } from './flatLine.js';
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

function aggregateOf(flags: QcTestFlags): QartodFlag {
  return aggregateFlag(Object.values(flags) as QartodFlag[]);
}

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

  /** QC of the next sample; OUT_OF_ORDER when it is not later than the last one seen. */
  step(state: QcStreamState | null, sample: QcSample): Result<QcStepOutput> {
    const s = state ?? emptyQcState();
    const win = s.window;
    const last = win[win.length - 1];
    if (typeof sample.time !== 'number' || !Number.isFinite(sample.time)) {
      return { ok: false, error: { code: 'NOT_FINITE', record: this.datastream, field: 'time', message: 'sample time must be epoch milliseconds', value: sample.time } };
    }
    if (last && sample.time <= last[0]) {
      return {
        ok: false,
        error: {
          code: 'OUT_OF_ORDER',
          record: this.datastream,
          field: 'time',
          message: `sample at ${new Date(sample.time).toISOString()} is not after the last one (${new Date(last[0]).toISOString()}); reprocess the period as a batch`,
          value: sample.time,
        },
      };
    }
    const value = isMissing(sample.value) ? null : sample.value;
    const c = this.config;

    const flags: QcTestFlags = { grossRange: grossRangeFlag(value, c.grossRange) };
    if (this.climatology) flags.climatology = climatologyFlag(this.climatology, value, sample.time, sample.depth_m);
    if (c.spike) flags.spike = value === null ? QartodFlag.MISSING : QartodFlag.NOT_EVALUATED;
    if (c.rateOfChange) flags.rateOfChange = rateOfChangeFlag(last?.[1], last?.[0], value, sample.time, c.rateOfChange);
    const window = [...win, [sample.time, value] as [number, number | null]].slice(-this.keep);
    if (c.flatLine) {
      const values = window.map((w) => w[1]);
      flags.flatLine = flatLineFlagAt(values, values.length - 1, this.suspectCount, this.failCount, c.flatLine.tolerance);
    }

    const revisions: QcResult[] = [];
    // The previous sample's spike flag can be decided now that its next neighbour is here.
    const before = win[win.length - 2];
    if (c.spike && last && before && s.lastFlags) {
      const spike = spikeFlagOfMiddle(before[1], last[1], value, c.spike);
      if (spike !== s.lastFlags.spike) {
        const revised = { ...s.lastFlags, spike };
        revisions.push({ time: last[0], flags: revised, aggregate: aggregateOf(revised) });
      }
    }
    return {
      ok: true,
      value: {
        state: { version: 1, window, lastFlags: flags },
        result: { time: sample.time, flags, aggregate: aggregateOf(flags) },
        revisions,
      },
    };
  }

  /**
   * Batch form for replays and reprocessing: the same steps, with revisions
   * folded in, so results equal what live ingest ends up storing.
   * @throws ScienceError OUT_OF_ORDER when times do not increase
   */
  run(samples: readonly QcSample[], state: QcStreamState | null = null): { results: QcResult[]; state: QcStreamState } {
    const results: QcResult[] = [];
    let s = state;
    for (const sample of samples) {
      const out = this.step(s, sample);
      if (!out.ok) throw new ScienceError(out.error);
      // Revisions only ever concern the previous sample.
      for (const r of out.value.revisions) {
        if (results[results.length - 1]?.time === r.time) results[results.length - 1] = r;
      }
      results.push(out.value.result);
      s = out.value.state;
    }
    return { results, state: s ?? emptyQcState() };
  }
}
