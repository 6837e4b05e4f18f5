// Runs a DeviceScript test entry (src/**/…vmtest.ts) once and reports, per shared case, the line
// its runner printed ("CASE ok <name>" or "CASE FAIL <name>: <why>").
import { runVmTest, vmConsoleLines, type DevsResult } from '../../harness/devs.ts';

export interface VmCaseRun {
  run: DevsResult;
  /** Case name → "ok" or the failure message. */
  results: Map<string, string>;
  /** The end of the VM output, for assertion messages. */
  tail: string;
}

export async function runVmCases(entry: string, timeoutMs = 180_000): Promise<VmCaseRun> {
  const run = await runVmTest(entry, timeoutMs, timeoutMs - 10_000);
  const results = new Map<string, string>();
  for (const line of vmConsoleLines(run.stdout)) {
    const ok = /^CASE ok (.*)$/.exec(line);
    if (ok) results.set(ok[1]!, 'ok');
    const fail = /^CASE FAIL (.*?): (.*)$/.exec(line);
    if (fail) results.set(fail[1]!, fail[2]!);
  }
  const tail = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-40).join('\n');
  return { run, results, tail };
}
