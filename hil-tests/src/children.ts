// Child processes a HIL test started (DeviceScript VMs, devs devtools and deploy, reeflink serve), recorded by pid in a
// folder so that the global teardown (test/global-setup.ts) can kill what a crashed or
// interrupted test file left behind. afterAll hooks kill their own children first.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHILDREN_DIR = join(tmpdir(), 'reeflink-hil-children');

export function recordChild(pid: number | undefined, what: string): void {
  if (pid === undefined) return;
  mkdirSync(CHILDREN_DIR, { recursive: true });
  // Second line: the recording process, so that another vitest run on the same machine leaves
  // this run's children alone while it is alive (killRecordedChildren).
  writeFileSync(join(CHILDREN_DIR, String(pid)), `${what}\n${process.pid}`);
}

/** True when the process that recorded this child is another one, still running (a parallel run). */
function ownedByAnotherLiveRun(file: string): boolean {
  let owner = NaN;
  try {
    owner = Number(readFileSync(file, 'utf8').split('\n')[1]);
  } catch {
    return false;
  }
  if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid) return false;
  try {
    process.kill(owner, 0);
    return true;
  } catch {
    return false;
  }
}

export function forgetChild(pid: number | undefined): void {
  if (pid === undefined) return;
  rmSync(join(CHILDREN_DIR, String(pid)), { force: true });
}

/** Kills every recorded child still running (by its pid), except a live parallel run's; returns what was killed. */
export function killRecordedChildren(): string[] {
  const killed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(CHILDREN_DIR);
  } catch {
    return killed;
  }
  for (const name of names) {
    const pid = Number(name);
    if (ownedByAnotherLiveRun(join(CHILDREN_DIR, name))) continue;
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(name);
      } catch {
        // already gone
      }
    }
    rmSync(join(CHILDREN_DIR, name), { force: true });
  }
  return killed;
}
