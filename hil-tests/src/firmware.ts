// The HIL firmware (devices/src/main_hil.ts) built once per test run, and its bytecode copied
// into a private folder: `devs run` of that copy, with that folder as the working directory,
// shares neither the build output (devices/.devicescript/bin, overwritten by every build) nor the
// VM's flash file (<cwd>/.devicescript/flash/sim.bin) with the devices tests.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFirmware, DEVICES_DIR } from '@reeflink/devices';

export const HIL_ENTRY = 'src/main_hil.ts';

export interface BuiltFirmware {
  /** Folder to run the VM in (its flash lives under it). */
  dir: string;
  /** The program with its debug information (`devs run` accepts it like a .devs file). */
  program: string;
}

/** Builds main_hil.ts and copies its bytecode out; retries if another build overwrote it meanwhile. */
export async function buildHilFirmware(): Promise<BuiltFirmware> {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-hil-fw-'));
  const program = join(dir, 'main_hil.dbg.json');
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await buildFirmware(HIL_ENTRY, 120_000);
    last = r.stdout + r.stderr;
    if (r.code !== 0) throw new Error(`devs build ${HIL_ENTRY} failed:\n${last}`);
    copyFileSync(join(DEVICES_DIR, '.devicescript', 'bin', 'bytecode-dbg.json'), program);
    const dbg = JSON.parse(readFileSync(program, 'utf8')) as { sources?: { path: string }[]; binary?: { hex: string } };
    if (dbg.binary?.hex && dbg.sources?.some((s) => s.path.endsWith(HIL_ENTRY))) return { dir, program };
  }
  throw new Error(`the build output of ${HIL_ENTRY} was overwritten by another build three times:\n${last}`);
}

/** Removes the private folder (bytecode and the VM's flash) once no VM runs from it. */
export function removeFirmware(fw: BuiltFirmware): void {
  rmSync(fw.dir, { recursive: true, force: true });
}
