import type { NcNumericType, NcType } from './classic-format.js';

/** An attribute as stored in a classic file: text, or a list of numbers of one type. */
export type NcAttribute =
  | { readonly name: string; readonly type: 'char'; readonly value: string }
  | { readonly name: string; readonly type: NcNumericType; readonly value: readonly number[] };

export interface NcDimensionInfo {
  readonly name: string;
  /** For the record (UNLIMITED) dimension: the current number of records. */
  readonly size: number;
  readonly unlimited: boolean;
}

export interface NcVariableInfo {
  readonly name: string;
  readonly type: NcType;
  readonly dimensions: readonly string[];
  /** Dimension sizes; the record dimension counts the file's records. */
  readonly shape: readonly number[];
  /** True when the first dimension is the record dimension (data interleaved per record). */
  readonly isRecord: boolean;
  readonly attributes: readonly NcAttribute[];
  /** File offset of the variable's data (of its first record for record variables). */
  readonly begin: number;
}

export function findAttribute(attributes: readonly NcAttribute[], name: string): NcAttribute | undefined {
  return attributes.find((a) => a.name === name);
}

/** The attribute as text, or undefined when absent or numeric. */
export function textAttribute(attributes: readonly NcAttribute[], name: string): string | undefined {
  const attribute = findAttribute(attributes, name);
  return attribute?.type === 'char' ? attribute.value : undefined;
}

/** The first number of a numeric attribute, or undefined when absent, empty or text. */
export function numberAttribute(attributes: readonly NcAttribute[], name: string): number | undefined {
  const attribute = findAttribute(attributes, name);
  if (attribute === undefined || attribute.type === 'char') return undefined;
  return attribute.value[0];
}

/** A numeric attribute as a list, or undefined when absent or text. */
export function numbersAttribute(attributes: readonly NcAttribute[], name: string): readonly number[] | undefined {
  const attribute = findAttribute(attributes, name);
  return attribute === undefined || attribute.type === 'char' ? undefined : attribute.value;
}
