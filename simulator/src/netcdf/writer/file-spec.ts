import type { NcFormat, NcNumericType, NcType } from '../classic-format.js';

/** What the writer is asked to produce: the whole header, plus fixed-size data. */
export interface NcFileSpec {
  /** 'classic' (CDF-1, default) or '64-bit-offset' (CDF-2, for files past 2 GiB). */
  readonly format?: NcFormat;
  readonly dimensions: readonly NcDimensionSpec[];
  readonly attributes?: readonly NcAttributeSpec[];
  readonly variables: readonly NcVariableSpec[];
}

export interface NcDimensionSpec {
  readonly name: string;
  /** A length, or 'unlimited' for the record dimension (at most one). */
  readonly size: number | 'unlimited';
}

export type NcAttributeSpec =
  | { readonly name: string; readonly type: 'char'; readonly value: string }
  | { readonly name: string; readonly type: NcNumericType; readonly value: number | ArrayLike<number> };

/**
 * Values of a variable. Numbers in row-major order (NaN is written as the
 * variable's fill value). Char variables take a string (the whole data,
 * NUL-padded) or an array of strings, one per row of the last dimension.
 */
export type NcValues = ArrayLike<number> | string | readonly string[];

export interface NcVariableSpec {
  readonly name: string;
  readonly type: NcType;
  /** Dimension names; a record variable has the unlimited dimension first. */
  readonly dimensions: readonly string[];
  readonly attributes?: readonly NcAttributeSpec[];
  /** Data of a fixed-size variable; when omitted it is written as fill values. Not used for record variables. */
  readonly data?: NcValues;
}

/** One chunk of records: values per record variable, each holding n records' worth. Variables left out are filled. */
export type NcRecordChunk = Readonly<Record<string, NcValues>>;
