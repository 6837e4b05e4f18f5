import type { NcFormat } from './classic-format.js';
import type { QcConvention } from './reader/qc-flags.js';

/** The parameters a buoy replays, by their OceanSITES / IMOS names. */
export const PARAMETER_CODES = ['TEMP', 'PSAL', 'CNDC', 'PRES', 'DEPTH'] as const;
export type ParameterCode = (typeof PARAMETER_CODES)[number];

/** Attribute values made plain: text, one number, or several numbers. */
export type AttributeValue = string | number | readonly number[];

export interface StationMetadata {
  /** `platform_code` global attribute (OceanSITES and IMOS). */
  readonly platformCode: string | undefined;
  /** `site_code` global attribute. */
  readonly siteCode: string | undefined;
  /** Degrees north; NaN when the file has neither a LATITUDE variable nor geospatial_lat_min. */
  readonly latitude: number;
  /** Degrees east; NaN when unknown. */
  readonly longitude: number;
  /** Metres, positive down: NOMINAL_DEPTH, instrument_nominal_depth, or the single level's depth. */
  readonly nominalDepthM: number | undefined;
  readonly globalAttributes: Readonly<Record<string, AttributeValue>>;
}

/** One depth level of one parameter; arrays are as long as `timesMs`. */
export interface ParameterLevel {
  /** Metres from the level (DEPTH) coordinate variable, undefined without one. */
  readonly depthM: number | undefined;
  /** Physical values (unpacked), NaN where missing or, with skipBadRecords, flagged bad. */
  readonly values: Float64Array;
  /** QC flags 0..9 (see qc-flags.ts), undefined when the file has no QC variable. */
  readonly qc: Uint8Array | undefined;
}

export interface ParameterSeries {
  readonly code: ParameterCode;
  /** Variable name in the file (TEMP, TEMP_HR, …). */
  readonly variableName: string;
  readonly units: string | undefined;
  readonly standardName: string | undefined;
  readonly longName: string | undefined;
  readonly qcVariableName: string | undefined;
  readonly qcConvention: QcConvention | undefined;
  /** One entry without a depth dimension, one per depth level otherwise. */
  readonly levels: readonly ParameterLevel[];
}

export interface OceanTimeSeries {
  readonly source: {
    readonly name: string;
    readonly format: NcFormat;
    /** The time coordinate this series follows (TIME unless asked otherwise). */
    readonly timeVariable: string;
    /** Other time coordinates in the file (companion series such as TIME_HR). */
    readonly companionTimeVariables: readonly string[];
  };
  readonly station: StationMetadata;
  /** Sample times, epoch milliseconds UTC, in file order. */
  readonly timesMs: Float64Array;
  readonly parameters: Readonly<Partial<Record<ParameterCode, ParameterSeries>>>;
  /** Records left out: time missing, or (with skipBadRecords) nothing good left. */
  readonly skippedRecords: { readonly missingTime: number; readonly bad: number };
}
