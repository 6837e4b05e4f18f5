// The DeviceScript CLI's own tooling for a board (@devicescript/cli 2.16.4), driven from Node:
//
// - `devs devtools [--serial]` runs a Jacdac bus in Node and serves it to clients on
//   ws://127.0.0.1:8081 and TCP 127.0.0.1:8082 (one length byte then the frame; frames of 255
//   bytes or more are not forwarded to TCP clients), plus a debug adapter on 8083. With --serial
//   it also joins the first USB serial port that looks like a DeviceScript board (serialport's
//   list, vendor ids below; it has no port option) at 1.5 Mbaud, and prints that board's console
//   (its serial log) as "DEV> " lines. It downloads nothing unless someone opens its dashboard
//   page (http://127.0.0.1:8081/ fetches the dashboard from the internet on request) — we never do.
//   The npm update check is off (NO_UPDATE_NOTIFIER); CI=1 stops it from offering to `npm install`
//   serialport when that cannot be loaded (it fails instead).
// - `devs deploy --tcp <program>` starts a WASM VM that joins 127.0.0.1:8082 and deploys the
//   bytecode to the first *other* device with a DeviceScript Manager that announces itself
//   (runtime posix/main.c `devs_client_deploy`), then exits 0 once the deploy pipe is closed. It
//   does not send .env settings. Its own VM keeps a flash file under its working folder and
//   uses the CLI's default device id: a VM standing in for the board needs another one.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { JDDevice } from 'jacdac-ts';
import { spawnDevs, type DevsProcess } from './devs.ts';
import { SRV_DEVICE_SCRIPT_MANAGER } from './jacdac-device.ts';

/** The ports `devs devtools` serves. */
export const DEVTOOLS_PORTS = { websocket: 8081, tcp: 8082, debugger: 8083 } as const;

/** devtools exits with this code when one of its ports is taken (cli/src/exitcodes.ts). */
const EXIT_CODE_EADDRINUSE = 100;

/**
 * A board's console in devtools' output: its log lines with a DeviceScript marker ("> " for
 * console.log, "* ", "! ", "? ") as "DEV> text"; other lines, with -v, as "V> text".
 */
const BOARD_CONSOLE = /^(DEV|V)> /;

/** Environment for the CLI: no npm update check, no interactive offers to install packages. */
const QUIET_ENV = { NO_UPDATE_NOTIFIER: '1', CI: '1' };

export interface Devtools {
  process: DevsProcess;
  /** Everything devtools printed (its log, the board's console), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface DevtoolsOptions {
  /** Join a board on USB serial (`--serial`). */
  serial?: boolean;
  /** Called with each line of the board's console ("DEV> " and "V> " lines). */
  onConsoleLine?: (line: string) => void;
  /** While the ports are taken (another bus, e.g. a VM test), retry up to this long. Default 5 min. */
  waitForPortsMs?: number;
  /** Called with the pid of each devtools process started (for cleanup of leftovers). */
  onSpawn?: (pid: number | undefined) => void;
  /** Called with the pid of a devtools process that has ended. */
  onExit?: (pid: number | undefined) => void;
}

/**
 * Starts `devs -v devtools [--serial]` in a private folder and resolves once its TCP proxy
 * listens. -v makes it print which serial port it opened ("serial: found …").
 */
export async function startDevtools(o: DevtoolsOptions = {}): Promise<Devtools> {
  const deadline = Date.now() + (o.waitForPortsMs ?? 300_000);
  const args = ['-v', 'devtools', ...(o.serial ? ['--serial'] : [])];
  for (;;) {
    const cwd = mkdtempSync(join(tmpdir(), 'reeflink-devtools-'));
    const p = spawnDevs(args, { cwd, consolePrefix: BOARD_CONSOLE, env: QUIET_ENV, ...(o.onConsoleLine ? { onLine: o.onConsoleLine } : {}) });
    o.onSpawn?.(p.pid);
    // Up to a minute for the proxy's log line: a devtools that hangs before it is stopped, not waited on.
    const startedAt = Date.now();
    const ready = await new Promise<boolean | 'hung'>((resolve) => {
      const timer = setInterval(() => {
        if (/tcpsocket\s*:\s*tcp:\/\/127\.0\.0\.1:8082/.test(p.output())) {
          clearInterval(timer);
          resolve(true);
        } else if (Date.now() - startedAt > 60_000) {
          clearInterval(timer);
          resolve('hung');
        }
      }, 100);
      void p.exited.then(() => {
        clearInterval(timer);
        resolve(false);
      });
    });
    if (ready === 'hung') {
      await p.kill();
      o.onExit?.(p.pid);
      rmSync(cwd, { recursive: true, force: true });
      throw new Error(`devs devtools did not open its TCP proxy (127.0.0.1:8082) within 60 s:\n${p.output()}`);
    }
    // The log line comes just before listen(); a port taken makes it exit with 100 right after.
    if (ready) await Promise.race([p.exited, new Promise((r) => setTimeout(r, 500))]);
    if (!p.hasExited()) {
      return {
        process: p,
        output: () => p.output(),
        stop: async () => {
          await p.kill();
          o.onExit?.(p.pid);
          rmSync(cwd, { recursive: true, force: true });
        },
      };
    }
    o.onExit?.(p.pid);
    rmSync(cwd, { recursive: true, force: true });
    const code = await p.exited;
    if (code !== EXIT_CODE_EADDRINUSE) throw new Error(`devs devtools exited ${code}:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`devs devtools: ports ${Object.values(DEVTOOLS_PORTS).join('/')} still taken after ${o.waitForPortsMs ?? 300_000} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The bytecode in a `.devs` file or a `devs build` debug file (bytecode-dbg.json). */
export function readBytecode(program: string): Buffer {
  const buf = readFileSync(program);
  if (buf[0] === 0x7b) {
    const dbg = JSON.parse(buf.toString('utf8')) as { binary?: { hex?: string } };
    if (!dbg.binary?.hex) throw new Error(`${program}: no binary in the debug file`);
    return Buffer.from(dbg.binary.hex, 'hex');
  }
  return buf;
}

/** DeviceScript Manager register program_sha256 (jacdac-spec devicescriptmanager.md). */
const DSM_REG_PROGRAM_SHA256 = 0x182;

/** SHA-256 of the program the device holds (zeros when none). */
export async function deployedSha256(device: JDDevice): Promise<string> {
  const dsm = device.services({ serviceClass: SRV_DEVICE_SCRIPT_MANAGER })[0];
  if (!dsm) throw new Error(`device ${device.deviceId} has no DeviceScript Manager`);
  const reg = dsm.register(DSM_REG_PROGRAM_SHA256);
  await reg.refresh();
  return Buffer.from(reg.data ?? []).toString('hex');
}

export interface DeployOptions {
  timeoutMs?: number;
  /** Called with the pid of the deploy process (for cleanup of leftovers), and again when it has ended. */
  onSpawn?: (pid: number | undefined) => void;
  onExit?: (pid: number | undefined) => void;
}

/**
 * `devs deploy --tcp <program>` (from a private folder: its VM's flash), then checks that the
 * device now holds exactly this bytecode (program_sha256). The target must be the only other
 * DeviceScript device on the bus (deploy picks the first one that announces itself).
 */
export async function deployOverTcp(program: string, device: JDDevice, o: DeployOptions = {}): Promise<{ output: string; bytes: number; ms: number }> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const cwd = mkdtempSync(join(tmpdir(), 'reeflink-deploy-'));
  const started = Date.now();
  const p = spawnDevs(['deploy', '--tcp', program], { cwd, env: QUIET_ENV });
  o.onSpawn?.(p.pid);
  try {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([p.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    const output = p.output();
    if (code === 'timeout') throw new Error(`devs deploy --tcp ${program}: no device took the program within ${timeoutMs} ms:\n${output}`);
    if (code !== 0) throw new Error(`devs deploy --tcp ${program} exited ${code}:\n${output}`);
    const bytecode = readBytecode(program);
    const want = createHash('sha256').update(bytecode).digest('hex');
    const got = await deployedSha256(device);
    if (got !== want) throw new Error(`device ${device.deviceId} holds program sha256 ${got}, not the deployed ${want}:\n${output}`);
    return { output, bytes: bytecode.length, ms: Date.now() - started };
  } finally {
    await p.kill();
    o.onExit?.(p.pid);
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * USB vendor ids `devs devtools --serial` accepts (jacdac-ts device catalog, serial transport):
 * Raspberry Pi RP2040, Espressif, Silicon Labs CP210x, WCH CH34x; and serial numbers PX…/JD….
 */
export const DEVTOOLS_SERIAL_VENDOR_IDS = [0x2e8a, 0x303a, 0x10c4, 0x1a86] as const;

export interface SerialCandidate {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

/**
 * The serial ports `devs devtools --serial` would consider, in its order (it opens the first),
 * listed with the serialport package the CLI itself loads. Throws when the ports cannot be
 * listed (no serialport, or no udev on Linux).
 */
export async function devtoolsSerialCandidates(): Promise<SerialCandidate[]> {
  const require = createRequire(join(dirname(createRequire(import.meta.url).resolve('@devicescript/cli/package.json')), 'x.js'));
  const { SerialPort } = require('serialport') as { SerialPort: { list(): Promise<SerialCandidate[]> } };
  const ports = await SerialPort.list();
  return ports.filter(
    (p) => /^(PX|JD)/.test(p.serialNumber ?? '') || (DEVTOOLS_SERIAL_VENDOR_IDS as readonly number[]).includes(parseInt(p.vendorId ?? '', 16)),
  );
}

/** Same device node (symlinks such as /dev/serial/by-id/… resolved). */
export function samePort(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return real(a) === real(b);
}
