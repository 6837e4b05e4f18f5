// Node-side driver for the DeviceScript CLI (@devicescript/cli 2.16.4): build firmware entry points
// and run DeviceScript test files in the WASM VM. Used by devices/test, devices/bench and hil-tests.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the DeviceScript project (devices/): devs must run with this as cwd. */
export const DEVICES_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where `devs build` writes the bytecode of the last build (relative to DEVICES_DIR). */
export const BYTECODE_FILE = join('.devicescript', 'bin', 'bytecode.devs');

const require = createRequire(import.meta.url);
const DEVS_BIN = join(dirname(require.resolve('@devicescript/cli/package.json')), 'devicescript');

export interface DevsResult {
  /** Process exit code; null when the process was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `devs <args>` in devices/ and collects its output. Never rejects on a non-zero exit. */
export function runDevs(args: string[], timeoutMs = 60_000): Promise<DevsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEVS_BIN, ...args], {
      cwd: DEVICES_DIR,
      // No colour codes to strip where the CLI honours it, and no npm update check (offline CI).
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NO_UPDATE_NOTIFIER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Console lines printed by the program in the VM ("WASM> " prefix and colours removed). */
export function vmConsoleLines(stdout: string): string[] {
  const lines: string[] = [];
  for (const raw of stdout.replace(ANSI, '').split(/\r?\n/)) {
    if (raw.startsWith('WASM> ')) lines.push(raw.slice('WASM> '.length));
  }
  return lines;
}

/** Runs a DeviceScript test file (path relative to devices/) in the VM: `devs run <file> --test --test-self-exit`. */
export function runVmTest(file: string, timeoutMs = 60_000): Promise<DevsResult> {
  return runDevs(['run', file, '--test', '--test-self-exit'], timeoutMs);
}

export interface BuildResult extends DevsResult {
  /** Size of the produced bytecode in bytes, when the build succeeded. */
  bytecodeBytes: number | null;
}

/**
 * Builds one entry point (path relative to devices/) with `devs build`. The CLI always writes to
 * .devicescript/bin/bytecode.devs (its -o flag takes no value in 2.16.4), so builds must not run
 * concurrently in the same folder; the size is read right after the build.
 */
export async function buildFirmware(entry: string, timeoutMs = 60_000): Promise<BuildResult> {
  const started = Date.now();
  const r = await runDevs(['build', entry], timeoutMs);
  let bytecodeBytes: number | null = null;
  if (r.code === 0) {
    const st = statSync(join(DEVICES_DIR, BYTECODE_FILE));
    // A stale file from an earlier build must not count as this build's output.
    if (st.mtimeMs >= started - 1000) bytecodeBytes = st.size;
  }
  return { ...r, bytecodeBytes };
}
