import { calibrateCtdSample, type CalibratedCtdSample, type CtdCalibrationOptions, type CtdSensors, type RawCtdSample } from './calibration/ctdSample.js';
import type { CalibrationSet } from './calibration/records.js';
import { deriveCtd, type DeriveOptions, type DerivedCtdValues } from './derive.js';
import type { DatastreamQcConfig, QcVariable } from './qc/config.js';
import { QcStream, windowLength, type QcResult, type QcStreamState } from './qc/stream.js';

/** QC configs of the CTD's datastreams; a variable without config gets no QC. */
export type CtdQcConfigs = Partial<Record<QcVariable, DatastreamQcConfig>>;

export interface ProcessedCtdSample {
  time: number;
  calibrated: CalibratedCtdSample;
  derived: DerivedCtdValues;
  qc: Partial<Record<QcVariable, QcResult>>;
}

export interface ReprocessRequest {
  /** Raw samples of one buoy CTD, in increasing time, including the lead-in before `from`. */
  raw: readonly RawCtdSample[];
  sensors: CtdSensors;
  calibrations: CalibrationSet;
  derive: DeriveOptions;
  calibration?: CtdCalibrationOptions;
  qc: CtdQcConfigs;
  /** Only samples with from ≤ time < until are returned; earlier ones only warm up QC. */
  from?: number;
  until?: number;
  /** Ids prefix for QC error records; default "ctd". */
  datastreamPrefix?: string;
}

export interface ReprocessResult {
  samples: ProcessedCtdSample[];
  /** QC states after the last raw sample, to continue live QC from there. */
  qcStates: Partial<Record<QcVariable, QcStreamState>>;
}

/** Raw samples to include before `from` so window tests (flat line, spike, rate) see the same past as live. */
export function qcLeadInSamples(qc: CtdQcConfigs): number {
  return Math.max(2, ...Object.values(qc).map((c) => (c ? windowLength(c) : 0)));
}

/**
 * The pure part of reprocessing: recompute calibrated values (with the id
 * of the record that produced each), derived values and QC for one CTD
 * over a period, from its raw readings and the current calibration
 * records. The ingest command stores the result atomically. Include one
 * raw sample after `until` too, so the last sample's spike flag is final.
 */
export function reprocessCtd(request: ReprocessRequest): ReprocessResult {
  const prefix = request.datastreamPrefix ?? 'ctd';
  const streams = Object.fromEntries(
    (Object.entries(request.qc) as Array<[QcVariable, DatastreamQcConfig | undefined]>)
      .filter((e): e is [QcVariable, DatastreamQcConfig] => e[1] !== undefined)
      .map(([variable, config]) => [variable, new QcStream(config, `${prefix}/${variable}`)]),
  ) as Partial<Record<QcVariable, QcStream>>;

  const processed: ProcessedCtdSample[] = request.raw.map((raw) => {
    const calibrated = calibrateCtdSample(raw, request.sensors, request.calibrations, request.calibration);
    const derived = deriveCtd(calibrated, request.derive);
    return { time: raw.time, calibrated, derived, qc: {} };
  });

  const qcStates: Partial<Record<QcVariable, QcStreamState>> = {};
  for (const [variable, stream] of Object.entries(streams) as Array<[QcVariable, QcStream]>) {
    const samples = processed.map((p) => ({
      time: p.time,
      value: valueOf(p, variable),
      depth_m: p.derived.depth_m ?? request.derive.nominalDepth_m ?? null,
    }));
    const { results, state } = stream.run(samples);
    results.forEach((r, k) => ((processed[k] as ProcessedCtdSample).qc[variable] = r));
    qcStates[variable] = state;
  }

  const from = request.from ?? -Infinity;
  const until = request.until ?? Infinity;
  return { samples: processed.filter((p) => p.time >= from && p.time < until), qcStates };
}

function valueOf(p: ProcessedCtdSample, variable: QcVariable): number | null {
  switch (variable) {
    case 'temperature':
      return p.calibrated.temperature_degC?.value ?? null;
    case 'pressure':
      return p.calibrated.pressure_dbar?.value ?? null;
    case 'salinity':
      return p.derived.practicalSalinity ?? null;
  }
}
