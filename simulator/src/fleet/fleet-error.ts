// Errors of fleet and fault-plan files: every problem names the path of the bad field
// ("buoys[1].device.nwkSKey") and, for YAML input, its line, so a user fixes all of them at once.

export type FleetErrorCode =
  /** The YAML text does not parse. */
  | 'FLEET_YAML'
  /** A field is missing, of the wrong type, or out of range. */
  | 'FLEET_INVALID'
  /** A source file cannot be read or lacks a variable, or a calibration is missing for the replay period. */
  | 'FLEET_SOURCE'
  /** A fault plan field is wrong. */
  | 'FAULTS_INVALID';

export interface ValidationIssue {
  /** Dotted path with [index] for list items, e.g. "buoys[0].calibrations[1].model.coefficients.a1". */
  path: string;
  message: string;
  /** 1-based line in the YAML text, when known. */
  line?: number;
}

export function describeIssue(issue: ValidationIssue): string {
  return `${issue.path || '(root)'}${issue.line === undefined ? '' : ` (line ${issue.line})`}: ${issue.message}`;
}

export class FleetError extends Error {
  readonly code: FleetErrorCode;
  readonly issues: readonly ValidationIssue[];
  /** The file or text the issues are about. */
  readonly source: string;

  constructor(code: FleetErrorCode, source: string, issues: readonly ValidationIssue[]) {
    const shown = issues.slice(0, 20).map((i) => `  ${describeIssue(i)}`);
    if (issues.length > 20) shown.push(`  … and ${issues.length - 20} more`);
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${shown.join('\n')}`);
    this.name = 'FleetError';
    this.code = code;
    this.issues = issues;
    this.source = source;
  }
}

export function isFleetError(e: unknown): e is FleetError {
  return e instanceof FleetError;
}
