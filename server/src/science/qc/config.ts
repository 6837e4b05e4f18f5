import { ScienceError, attempt, type ScienceErrorDetail } from '../errors.js';
import { prepareClimatology, type ClimatologyConfig, type ClimatologyMember } from './climatology.js';
import { checkFlatLineConfig, type FlatLineConfig } from './flatLine.js';
import { checkGrossRangeConfig, type GrossRangeConfig } from './grossRange.js';
import { checkRateOfChangeConfig, type RateOfChangeConfig } from './rateOfChange.js';
import { checkSpikeConfig, type SpikeConfig } from './spike.js';

export type QcVariable = 'temperature' | 'salinity' | 'pressure';

/**
 * QC configuration of one datastream. A test whose config is absent is not
 * run and not part of the aggregate; gross range is always run.
 */
export interface DatastreamQcConfig {
  variable: QcVariable;
  /**
   * Nominal sampling interval, seconds. The streaming flat-line test turns
   * its thresholds into sample counts with it (ioos_qc uses the median
   * interval of the batch; both agree for regular sampling).
   */
  sampleInterval_s: number;
  grossRange: GrossRangeConfig;
  climatology?: ClimatologyConfig;
  spike?: SpikeConfig;
  rateOfChange?: RateOfChangeConfig;
  flatLine?: FlatLineConfig;
}

/** Validates a datastream QC config; returns every problem, each naming the datastream. */
export function validateQcConfig(config: DatastreamQcConfig, datastream: string): ScienceErrorDetail[] {
  const errors: ScienceErrorDetail[] = [];
  const run = (fn: () => void) => {
    const r = attempt(fn);
    if (!r.ok) errors.push(r.error);
  };
  if (!['temperature', 'salinity', 'pressure'].includes(config.variable)) {
    errors.push({ code: 'INVALID_QC_CONFIG', record: datastream, field: 'variable', message: 'variable must be temperature, salinity or pressure', value: config.variable });
  }
  if (!(config.sampleInterval_s > 0)) {
    errors.push({ code: 'INVALID_QC_CONFIG', record: datastream, field: 'sampleInterval_s', message: 'sampleInterval_s must be > 0', value: config.sampleInterval_s });
  }
  if (!config.grossRange) {
    errors.push({ code: 'INVALID_QC_CONFIG', record: datastream, field: 'grossRange', message: 'grossRange is required' });
  } else run(() => checkGrossRangeConfig(config.grossRange, datastream));
  if (config.climatology) run(() => prepareClimatology(config.climatology as ClimatologyConfig, datastream));
  if (config.spike) run(() => checkSpikeConfig(config.spike as SpikeConfig, datastream));
  if (config.rateOfChange) run(() => checkRateOfChangeConfig(config.rateOfChange as RateOfChangeConfig, datastream));
  if (config.flatLine) run(() => checkFlatLineConfig(config.flatLine as FlatLineConfig, datastream));
  return errors;
}

export function assertQcConfig(config: DatastreamQcConfig, datastream: string): void {
  const errors = validateQcConfig(config, datastream);
  if (errors.length > 0) throw new ScienceError(errors[0] as ScienceErrorDetail);
}

const HOUR = 3600;
const TEN_MINUTES = 600;

/** Monthly members (month m ↔ tspan [m, m]) for one depth span. */
function monthly(vspans: ReadonlyArray<readonly [number, number]>, zspan: readonly [number, number]): ClimatologyMember[] {
  return vspans.map((vspan, i) => ({ tspan: [i + 1, i + 1] as const, period: 'month' as const, vspan, zspan }));
}

/**
 * Defaults for a tropical reef lagoon mooring (0–30 m, 10-minute samples),
 * in the spirit of the ReefTEMPS network around New Caledonia (22°S). The
 * climatology is a wide envelope around the lagoon's seasonal cycle
 * (coolest in August ≈ 20–21 °C, warmest in February ≈ 27–28 °C); replace
 * it with the site's own statistics once a year of data is in.
 * Rationale for each number: docs/qc.md.
 */
export const REEF_LAGOON_QC: Readonly<Record<QcVariable, DatastreamQcConfig>> = {
  temperature: {
    variable: 'temperature',
    sampleInterval_s: TEN_MINUTES,
    grossRange: { fail_span: [-5, 45], suspect_span: [15, 34] },
    climatology: monthly(
      [
        [23, 31], [23.5, 31.5], [23, 31], [22, 30], [20.5, 28.5], [19.5, 27],
        [18.5, 26], [18.5, 25.5], [19, 26], [20, 27.5], [21, 29], [22, 30.5],
      ],
      [0, 30],
    ),
    spike: { suspect_threshold: 0.5, fail_threshold: 2, method: 'average' },
    rateOfChange: { threshold: 3 / HOUR },
    flatLine: { tolerance: 0.0005, suspect_threshold: 3 * HOUR, fail_threshold: 6 * HOUR },
  },
  salinity: {
    variable: 'salinity',
    sampleInterval_s: TEN_MINUTES,
    grossRange: { fail_span: [0, 42], suspect_span: [30, 37.5] },
    climatology: monthly(Array.from({ length: 12 }, () => [33, 36.5] as const), [0, 30]),
    spike: { suspect_threshold: 0.3, fail_threshold: 1, method: 'average' },
    rateOfChange: { threshold: 1 / HOUR },
    flatLine: { tolerance: 0.0005, suspect_threshold: 3 * HOUR, fail_threshold: 6 * HOUR },
  },
  pressure: {
    variable: 'pressure',
    sampleInterval_s: TEN_MINUTES,
    grossRange: { fail_span: [-1, 100], suspect_span: [0, 40] },
    spike: { suspect_threshold: 0.5, fail_threshold: 2, method: 'average' },
    rateOfChange: { threshold: 2 / HOUR },
    flatLine: { tolerance: 0.0005, suspect_threshold: 3 * HOUR, fail_threshold: 6 * HOUR },
  },
};

/**
 * Defaults for a deep-water mooring (500–2000 m, 10-minute samples): a
 * narrow, slow environment, so smaller spike and rate thresholds and longer
 * flat-line windows. No default climatology: depend on the site.
 */
export const DEEP_WATER_QC: Readonly<Record<QcVariable, DatastreamQcConfig>> = {
  temperature: {
    variable: 'temperature',
    sampleInterval_s: TEN_MINUTES,
    grossRange: { fail_span: [-2.5, 40], suspect_span: [-2, 20] },
    spike: { suspect_threshold: 0.2, fail_threshold: 1, method: 'average' },
    rateOfChange: { threshold: 1 / HOUR },
    flatLine: { tolerance: 0.0002, suspect_threshold: 12 * HOUR, fail_threshold: 24 * HOUR },
  },
  salinity: {
    variable: 'salinity',
    sampleInterval_s: TEN_MINUTES,
    grossRange: { fail_span: [0, 42], suspect_span: [33, 36] },
    spike: { suspect_threshold: 0.05, fail_threshold: 0.2, method: 'average' },
    rateOfChange: { threshold: 0.1 / HOUR },
    flatLine: { tolerance: 0.0001, suspect_threshold: 12 * HOUR, fail_threshold: 24 * HOUR },
  },
  pressure: {
    variable: 'pressure',
    sampleInterval_s: TEN_MINUTES,
    grossRange: { fail_span: [-1, 7000], suspect_span: [0, 6000] },
    spike: { suspect_threshold: 2, fail_threshold: 10, method: 'average' },
    rateOfChange: { threshold: 20 / HOUR },
    flatLine: { tolerance: 0.001, suspect_threshold: 12 * HOUR, fail_threshold: 24 * HOUR },
  },
};
