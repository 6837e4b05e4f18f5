// Node-side driver for the DeviceScript CLI (@devicescript/cli 2.16.4): build firmware entry points
// and run DeviceScript test files in the WASM VM. Used by devices/test, devices/bench and hil-tests.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
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

/**
 * Console lines printed by the program in the VM ("WASM> " prefix and colours removed). `prefix`
 * picks another source: `devs devtools` prints a board's console (its serial log) as "DEV> ".
 */
export function vmConsoleLines(stdout: string, prefix: string | RegExp = 'WASM> '): string[] {
  const lines: string[] = [];
  for (const raw of stdout.replace(ANSI, '').split(/\r?\n/)) {
    if (typeof prefix === 'string') {
      if (raw.startsWith(prefix)) lines.push(raw.slice(prefix.length));
    } else {
      const m = prefix.exec(raw);
      if (m && m.index === 0) lines.push(raw.slice(m[0].length));
    }
  }
  return lines;
}

/**
 * Runs a DeviceScript test file (path relative to devices/) in the VM: `devs run <file> --test
 * --test-self-exit`. The CLI stops a test run after `--test-timeout` ms of wall time (5 s by
 * default), so long suites pass their own (`vmTimeoutMs`); `timeoutMs` bounds the whole process.
 */
export function runVmTest(file: string, timeoutMs = 60_000, vmTimeoutMs?: number): Promise<DevsResult> {
  const args = ['run', file, '--test', '--test-self-exit'];
  if (vmTimeoutMs !== undefined) args.push(`--test-timeout=${vmTimeoutMs}`);
  return runDevs(args, timeoutMs);
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

export interface DevsProcess {
  /** Console lines the program printed so far ("WASM> " prefix and colours removed). */
  lines: string[];
  /** Resolves with the first printed line matching `pattern` (after `from`), or rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number, from?: number): Promise<{ line: string; index: number }>;
  /** Everything the CLI printed, for failure messages. */
  output(): string;
  kill(): Promise<void>;
  /** Process id of the CLI (for cleanup of leftovers). */
  pid?: number;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<number | null>;
  /** True once the process has ended. */
  hasExited(): boolean;
}

export interface SpawnDevsOptions {
  /**
   * Working folder (default devices/). The VM keeps its flash (settings) in
   * `<cwd>/.devicescript/flash/sim.bin`: a run from its own folder, of a prebuilt `.devs` or
   * `bytecode-dbg.json`, shares neither flash nor build output with other runs.
   */
  cwd?: string;
  /** Which console lines to collect (default "WASM> ", the VM's; `devs devtools` prints a board's as "DEV> "). */
  consolePrefix?: string | RegExp;
  /** Called with each console line as it arrives. */
  onLine?: (line: string) => void;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** Starts `devs <args>` in devices/ and follows the program's console while it runs (e.g. `run x.ts --tcp`). */
export function spawnDevs(args: string[], options: SpawnDevsOptions = {}): DevsProcess {
  const child = spawn(process.execPath, [DEVS_BIN, ...args], {
    cwd: options.cwd ?? DEVICES_DIR,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NO_UPDATE_NOTIFIER: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = options.consolePrefix ?? 'WASM> ';
  const lines: string[] = [];
  let raw = '';
  let pending = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    raw += s;
    pending += s;
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? '';
    for (const l of vmConsoleLines(parts.join('\n'), prefix)) {
      lines.push(l);
      options.onLine?.(l);
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (raw += s));
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      resolve(code);
    }),
  );
  return {
    lines,
    pid: child.pid,
    exited,
    hasExited: () => ended,
    output: () => raw.replace(ANSI, ''),
    waitForLine(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          for (let i = from; i < lines.length; i++) {
            if (pattern.test(lines[i]!)) {
              clearTimeout(deadline);
              resolve({ line: lines[i]!, index: i });
              return;
            }
          }
          waiters.push(check);
        };
        check();
      });
    },
    async kill() {
      if (!ended && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** DeviceScript's limit on function bytecode: 16-bit code offsets (runtime verify.c, check 1051). */
export const DEVS_CODE_LIMIT = 65536;

/** Function bytecode of the last build, in total and for our own folders. */
export function functionBytes(): { total: number; own: number } {
  const dbg = JSON.parse(readFileSync(join(DEVICES_DIR, '.devicescript', 'bin', 'bytecode-dbg.json'), 'utf8')) as {
    sources: { path: string; length: number }[];
    functions: { location: [number, number]; size: number }[];
  };
  const spans: { from: number; to: number; path: string }[] = [];
  let at = 0;
  for (const s of dbg.sources) {
    spans.push({ from: at, to: at + s.length, path: s.path });
    at += s.length;
  }
  let total = 0;
  let own = 0;
  for (const f of dbg.functions) {
    total += f.size;
    const span = spans.find((s) => f.location[0] >= s.from && f.location[0] < s.to);
    if (span && /^src\/(lorawan|radio|crypto)\//.test(span.path) && !span.path.startsWith('src/lorawan/size/')) own += f.size;
  }
  return { total, own };
}

