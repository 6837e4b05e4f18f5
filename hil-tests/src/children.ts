// Child processes a HIL test started (DeviceScript VMs, reeflink serve), recorded by pid in a
// folder so that the global teardown (test/global-teardown.ts) can kill what a crashed or
// interrupted test file left behind. afterAll hooks kill their own children first.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHILDREN_DIR = join(tmpdir(), 'reeflink-hil-children');

export function recordChild(pid: number | undefined, what: string): void {
  if (pid === undefined) return;
  mkdirSync(CHILDREN_DIR, { recursive: true });
  writeFileSync(join(CHILDREN_DIR, String(pid)), what);
}

export function forgetChild(pid: number | undefined): void {
  if (pid === undefined) return;
  rmSync(join(CHILDREN_DIR, String(pid)), { force: true });
}

/** Kills every recorded child still running (by its pid); returns what was killed. */
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
