// A small path-aware reader for configuration parsed from YAML or JSON: each accessor checks one
// field and records a problem under that field's path instead of throwing, so a validation pass
// reports every mistake of a file at once. Parsing (text → tree) happens before, in yaml-source.ts.
import type { ValidationIssue } from './fleet-error.js';

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'string') return `"${x.length > 40 ? x.slice(0, 40) + '…' : x}"`;
  if (typeof x === 'object') return 'a mapping';
  return String(x);
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export class FieldReader {
  constructor(
    readonly issues: ValidationIssue[],
    readonly path: string,
    readonly value: unknown,
  ) {}

  static root(value: unknown): FieldReader {
    return new FieldReader([], '', value);
  }

  get present(): boolean {
    return this.value !== undefined;
  }

  problem(message: string): undefined {
    this.issues.push({ path: this.path, message });
    return undefined;
  }

  at(key: string | number): FieldReader {
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path === '' ? key : `${this.path}.${key}`;
    const child = isPlainObject(this.value) ? this.value[key as string] : Array.isArray(this.value) && typeof key === 'number' ? this.value[key] : undefined;
    return new FieldReader(this.issues, path, child);
  }

  /** Requires a mapping; reports keys not in `allowed` (typos would otherwise be silently ignored). */
  object(allowed?: readonly string[], required = true): boolean {
    if (this.value === undefined) {
      if (required) this.problem('is missing (a mapping is expected)');
      return false;
    }
    if (!isPlainObject(this.value)) {
      this.problem(`must be a mapping, got ${describe(this.value)}`);
      return false;
    }
    if (allowed) {
      for (const key of Object.keys(this.value)) {
        if (!allowed.includes(key)) this.at(key).problem(`unknown field (expected one of: ${allowed.join(', ')})`);
      }
    }
    return true;
  }

  list(required = true): FieldReader[] {
    if (this.value === undefined) {
      if (required) this.problem('is missing (a list is expected)');
      return [];
    }
    if (!Array.isArray(this.value)) {
      this.problem(`must be a list, got ${describe(this.value)}`);
      return [];
    }
    return this.value.map((_, i) => this.at(i));
  }

  string(fallback?: string): string | undefined {
    if (this.value === undefined) return fallback === undefined ? this.problem('is missing') : fallback;
    if (typeof this.value !== 'string' || this.value.trim() === '') return this.problem(`must be a non-empty string, got ${describe(this.value)}`);
    return this.value;
  }

  optionalString(): string | undefined {
    return this.value === undefined ? undefined : this.string();
  }

  oneOf<T extends string>(values: readonly T[], fallback?: T): T | undefined {
    const s = this.string(fallback);
    if (s === undefined) return undefined;
    if (!(values as readonly string[]).includes(s)) return this.problem(`must be one of ${values.join(', ')}, got ${describe(s)}`);
    return s as T;
  }

  /** Hex text of exactly `bytes` bytes, returned lower-case. YAML turns unquoted digits into numbers: say so. */
  hex(bytes: number): string | undefined {
    const v = this.value;
    if (v === undefined) return this.problem(`is missing (${bytes * 2} hex digits)`);
    if (typeof v === 'number') return this.problem(`must be a string of ${bytes * 2} hex digits; YAML read a number: quote it`);
    if (typeof v !== 'string' || !/^[0-9a-fA-F]+$/.test(v)) return this.problem(`must be ${bytes * 2} hex digits, got ${describe(v)}`);
    if (v.length !== bytes * 2) return this.problem(`must be ${bytes * 2} hex digits (${bytes} bytes), got ${v.length}`);
    return v.toLowerCase();
  }

  number(rule: NumberRule = {}, fallback?: number): number | undefined {
    const v = this.value;
    if (v === undefined) return fallback === undefined ? this.problem('is missing') : fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.problem(`must be a number, got ${describe(v)}`);
    if (rule.integer && !Number.isInteger(v)) return this.problem(`must be an integer, got ${v}`);
    if (rule.min !== undefined && v < rule.min) return this.problem(`must be at least ${rule.min}, got ${v}`);
    if (rule.max !== undefined && v > rule.max) return this.problem(`must be at most ${rule.max}, got ${v}`);
    return v;
  }

  boolean(fallback?: boolean): boolean | undefined {
    const v = this.value;
    if (v === undefined) return fallback === undefined ? this.problem('is missing') : fallback;
    if (typeof v !== 'boolean') return this.problem(`must be true or false, got ${describe(v)}`);
    return v;
  }

  /** A time: ISO 8601 text with a zone (e.g. 2024-01-01T00:00:00Z) or epoch milliseconds. */
  time(fallback?: number): number | undefined {
    const v = this.value;
    if (v === undefined) return fallback === undefined ? this.problem('is missing (ISO 8601 time, e.g. 2024-01-01T00:00:00Z)') : fallback;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v)) {
      const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
      if (Number.isFinite(ms)) return ms;
    }
    return this.problem(`must be an ISO 8601 time with a zone (e.g. 2024-01-01T00:00:00Z) or epoch milliseconds, got ${describe(v)}`);
  }

  /** A probability in [0, 1]. */
  probability(fallback = 0): number {
    return this.number({ min: 0, max: 1 }, fallback) ?? fallback;
  }
}
