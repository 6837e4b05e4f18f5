import type { OceanTimeSeries, ParameterCode, ParameterSeries } from '../time-series.js';

/** A window of consecutive records; arrays are views on the series (no copy). */
export interface TimeSeriesChunk {
  /** Index of the chunk's first record in the whole series. */
  readonly start: number;
  readonly timesMs: Float64Array;
  readonly parameters: Readonly<Partial<Record<ParameterCode, ParameterSeries>>>;
}

/**
 * Walks a series `size` records at a time, so a replay of a multi-year file
 * can hand records on in batches without copying them.
 */
export function* recordChunks(series: OceanTimeSeries, size: number): Generator<TimeSeriesChunk, void, undefined> {
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  for (let start = 0; start < series.timesMs.length; start += size) {
    const end = Math.min(start + size, series.timesMs.length);
    const parameters: Partial<Record<ParameterCode, ParameterSeries>> = {};
    for (const [code, p] of Object.entries(series.parameters) as [ParameterCode, ParameterSeries][]) {
      parameters[code] = {
        ...p,
        levels: p.levels.map((l) => ({
          depthM: l.depthM,
          values: l.values.subarray(start, end),
          qc: l.qc?.subarray(start, end),
        })),
      };
    }
    yield { start, timesMs: series.timesMs.subarray(start, end), parameters };
  }
}
