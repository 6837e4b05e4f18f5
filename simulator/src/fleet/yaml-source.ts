// YAML text → plain value, keeping enough of the document to point a validation problem at its
// line. Syntax errors are reported here with their line, before any validation runs.
import { LineCounter, parseDocument, isNode, type Node } from 'yaml';
import { FleetError, type FleetErrorCode, type ValidationIssue } from './fleet-error.js';

export interface YamlSource {
  value: unknown;
  /** 1-based line of the field at `path` (or of its nearest present parent). */
  lineOf(path: string): number | undefined;
}

/** "buoys[0].device.devAddr" → ["buoys", 0, "device", "devAddr"]. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

export function parseYamlSource(text: string, source: string, code: FleetErrorCode = 'FLEET_YAML'): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: ValidationIssue[] = doc.errors.map((e) => {
      const issue: ValidationIssue = { path: '', message: e.message.split('\n')[0] ?? e.message };
      const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
      if (line !== undefined) issue.line = line;
      return issue;
    });
    throw new FleetError(code, source, issues);
  }
  const lineOf = (path: string): number | undefined => {
    const segments = pathSegments(path);
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as unknown;
      if (isNode(node) && (node as Node).range) return lineCounter.linePos((node as Node).range![0]).line;
    }
    return undefined;
  };
  return { value: doc.toJS({ maxAliasCount: 100 }), lineOf };
}

/** Adds line numbers to issues found by validating a YAML source. */
export function withLines(issues: readonly ValidationIssue[], yaml: YamlSource | undefined): ValidationIssue[] {
  if (!yaml) return [...issues];
  return issues.map((i) => {
    const line = yaml.lineOf(i.path);
    return line === undefined ? i : { ...i, line };
  });
}
