// Where the firmware runs. The harness's side is the same for every target: a Jacdac bus on which
// it hosts the simulated sensors and the pipe radio's air (VirtualBuoy), settings written through
// the target's Settings service, the program's console for waits and failure messages. What
// differs is who serves the bus, how the HIL build gets onto the target, and what a power cycle is:
//
// - VmTarget: the DeviceScript VM (`devs run <bytecode> --tcp`) joins the harness's own bus on
//   TCP 127.0.0.1:8082; a power cycle kills the VM process and starts it again on its flash.
// - BoardTarget: `devs devtools` serves the bus (ws 8081, TCP 8082) and, with --serial, bridges a
//   board running the DeviceScript runtime on USB serial onto it; the harness joins as a client,
//   stops the board's program, clears its settings, deploys the HIL build with
//   `devs deploy --tcp` (sha256 checked) and starts it. A power cycle is the Jacdac control
//   service's reset (or `powerCycleCommand`, e.g. a USB hub port switched off and on). Without a
//   board, `standIn: true` puts the DeviceScript VM in the board's place: `devs run --tcp --wait`
//   joins devtools' bus as the board would and waits for the deploy; after a reset (the WASM
//   runtime halts: "Program terminated with exit(0)") the harness starts it again on its flash,
//   as the chip would reboot.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clearSettings,
  connectJacdacBus,
  deployOverTcp,
  devtoolsSerialCandidates,
  resetDevice,
  samePort,
  spawnDevs,
  startDevtools,
  startProgram,
  startVmBus,
  stopProgram,
  waitForDeviceScriptDevice,
  type Devtools,
  type DevsProcess,
  type VmBus,
} from '@reeflink/devices';
import type { JDDevice } from 'jacdac-ts';
import { forgetChild, recordChild } from './children.ts';
import type { BuiltFirmware } from './firmware.ts';

/** Kills a devs child and drops its pid record (children.ts). */
async function killRecorded(p: DevsProcess | null): Promise<void> {
  if (!p) return;
  await p.kill();
  forgetChild(p.pid);
}

/** The program's console (every boot, in order), with waits on it. */
export class ConsoleLog {
  readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];

  push(line: string): void {
    this.lines.push(line);
    for (const w of this.waiters.splice(0)) w();
  }

  /** A line of the harness's own (a boot, a reset) among the program's. */
  note(what: string): void {
    this.push(`--- ${what} ---`);
  }

  /** Resolves with the first line matching `pattern` from index `from`; rejects after timeoutMs. */
  waitForLine(pattern: RegExp, timeoutMs: number, from = 0): Promise<{ line: string; index: number }> {
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        reject(new Error(`no console line matching ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (timedOut) return;
        for (let i = from; i < this.lines.length; i++) {
          if (pattern.test(this.lines[i]!)) {
            clearTimeout(deadline);
            resolve({ line: this.lines[i]!, index: i });
            return;
          }
        }
        this.waiters.push(check);
      };
      check();
    });
  }

  text(): string {
    return this.lines.join('\n');
  }
}

export interface BuoyTarget {
  /** What runs the firmware, for test names and messages. */
  readonly description: string;
  readonly console: ConsoleLog;
  /** The Jacdac bus on which the harness hosts its simulated devices. */
  openBus(): Promise<VmBus>;
  /**
   * Puts the HIL build on the target and starts it with empty settings (it then waits for its
   * provisioning). Returns the device id whose Settings service to write (undefined: the only one).
   */
  load(bus: VmBus, firmware: BuiltFirmware): Promise<string | undefined>;
  /** Power cut (or reset): the program restarts from flash, RAM and the platform counter lost. */
  powerCycle(): Promise<void>;
  /** Stops the target's processes and closes the bus. */
  stop(): Promise<void>;
  /** Extra text for failure messages (e.g. the devtools log). */
  diagnostics(): string;
}

/** The DeviceScript VM on the harness's own bus (the default target). */
export class VmTarget implements BuoyTarget {
  readonly description = 'DeviceScript VM (devs run --tcp)';
  readonly console = new ConsoleLog();
  private bus: VmBus | null = null;
  private firmware: BuiltFirmware | null = null;
  private devs: DevsProcess | null = null;
  private boots = 0;

  async openBus(): Promise<VmBus> {
    this.bus = await startVmBus();
    return this.bus;
  }

  async load(_bus: VmBus, firmware: BuiltFirmware): Promise<undefined> {
    this.firmware = firmware;
    this.startVm();
    return undefined;
  }

  private startVm(): void {
    const fw = this.firmware!;
    this.console.note(`VM run ${this.boots++}`);
    const devs = spawnDevs(['run', fw.program, '--tcp'], { cwd: fw.dir, onLine: (l) => this.console.push(l) });
    recordChild(devs.pid, 'devs run main_hil');
    this.devs = devs;
  }

  async powerCycle(): Promise<void> {
    await this.killVm();
    this.startVm();
  }

  private async killVm(): Promise<void> {
    const d = this.devs;
    this.devs = null;
    await killRecorded(d);
  }

  async stop(): Promise<void> {
    await this.killVm();
    await this.bus?.close();
    this.bus = null;
  }

  diagnostics(): string {
    return '';
  }
}

export interface BoardTargetOptions {
  /**
   * The board's serial port (HIL_PORT). `devs devtools --serial` has no port option: it opens the
   * first USB serial port of a DeviceScript vendor (DEVTOOLS_SERIAL_VENDOR_IDS); this port must be
   * that one (checked when the ports can be listed).
   */
  port?: string;
  /** The DeviceScript VM stands in for the board (no hardware; `port` unused). */
  standIn?: boolean;
  /** The board's Jacdac device id (needed only when several DeviceScript devices are on the bus). */
  deviceId?: string;
  /** A shell command that cuts the board's power and restores it (e.g. uhubctl); default: Jacdac reset. */
  powerCycleCommand?: string;
  /** How long to wait for the board on devtools' bus, ms. Default 60 000. */
  attachTimeoutMs?: number;
}

/** The stand-in board's device id: not the CLI's default one, which `devs deploy`'s own VM uses. */
export const STAND_IN_DEVICE_ID = 'b0a4d51e00000001';

/** A board running the DeviceScript runtime behind `devs devtools` (or the VM standing in for one). */
export class BoardTarget implements BuoyTarget {
  readonly description: string;
  readonly console = new ConsoleLog();
  private devtools: Devtools | null = null;
  private bus: VmBus | null = null;
  private device: JDDevice | null = null;
  private standIn: DevsProcess | null = null;
  private standInDir: string | null = null;
  private boots = 0;
  /** Deploy time and size, for the report. */
  deployed: { bytes: number; ms: number } | null = null;

  constructor(private readonly o: BoardTargetOptions) {
    if (!o.standIn && !o.port) throw new Error('BoardTarget: a serial port (HIL_PORT) or standIn');
    this.description = o.standIn ? 'DeviceScript VM standing in for a board behind devs devtools' : `board on ${o.port} behind devs devtools --serial`;
  }

  async openBus(): Promise<VmBus> {
    if (!this.o.standIn) await this.checkPort();
    this.devtools = await startDevtools({
      serial: !this.o.standIn,
      // A board's console comes through devtools ("DEV> "); the stand-in's from its own process.
      ...(this.o.standIn ? {} : { onConsoleLine: (l: string) => this.console.push(l) }),
      onSpawn: (pid) => recordChild(pid, 'devs devtools'),
      onExit: (pid) => forgetChild(pid),
    });
    this.bus = await connectJacdacBus(8082, 30_000, () => this.console.note('devtools closed the bus connection'));
    if (this.o.standIn) {
      this.standInDir = mkdtempSync(join(tmpdir(), 'reeflink-hil-board-'));
      this.startStandIn();
    }
    return this.bus;
  }

  /** HIL_PORT must exist, and be the port devtools will open (when the ports can be listed). */
  private async checkPort(): Promise<void> {
    const port = this.o.port!;
    if (!existsSync(port)) throw new Error(`HIL_PORT=${port} does not exist`);
    let candidates;
    try {
      candidates = await devtoolsSerialCandidates();
    } catch (e) {
      this.console.note(`could not list serial ports (${(e as Error).message}); devtools opens the first DeviceScript board it finds`);
      return;
    }
    const first = candidates[0];
    if (!first || !samePort(first.path, port)) {
      const list = candidates.map((c) => `${c.path} (${c.vendorId}:${c.productId} ${c.serialNumber ?? ''})`).join(', ') || 'none';
      throw new Error(`HIL_PORT=${port}, but devs devtools --serial opens the first port of a DeviceScript vendor: ${list}. Unplug the other boards.`);
    }
  }

  private startStandIn(): void {
    this.console.note(`stand-in VM run ${this.boots++}`);
    const p = spawnDevs(['run', '--tcp', '--wait', '--device-id', STAND_IN_DEVICE_ID], { cwd: this.standInDir!, onLine: (l) => this.console.push(l) });
    recordChild(p.pid, 'devs run --wait (stand-in board)');
    this.standIn = p;
  }

  private async killStandIn(): Promise<void> {
    const p = this.standIn;
    this.standIn = null;
    await killRecorded(p);
  }

  async load(bus: VmBus, firmware: BuiltFirmware): Promise<string> {
    const deviceId = this.o.standIn ? STAND_IN_DEVICE_ID : this.o.deviceId;
    // devtools may die on its own (e.g. `udevadm` missing: serialport cannot list the ports).
    const devtoolsDied = this.devtools!.process.exited.then((code) => {
      throw new Error(`devs devtools exited (${code})`);
    });
    const device = await Promise.race([
      waitForDeviceScriptDevice(bus, { ...(deviceId ? { deviceId } : {}), timeoutMs: this.o.attachTimeoutMs ?? 60_000 }),
      devtoolsDied,
    ]).catch((e: Error) => {
      throw new Error(`${this.description}: ${e.message}\n${this.console.lines.slice(-10).join('\n')}\n${this.diagnostics()}`);
    });
    devtoolsDied.catch(() => {});
    this.device = device;
    this.console.note(`device ${device.deviceId}: stop, clear settings, deploy`);
    // As devtools does for a deploy: autostart off and the program stopped; then a clean slate
    // (state of an earlier run, keys, fault bits), the HIL build, and the program started.
    await stopProgram(device);
    await clearSettings(device);
    const r = await deployOverTcp(firmware.program, device, {
      onSpawn: (pid) => recordChild(pid, 'devs deploy --tcp'),
      onExit: (pid) => forgetChild(pid),
    });
    this.deployed = { bytes: r.bytes, ms: r.ms };
    this.console.note(`deployed ${r.bytes} B in ${r.ms} ms`);
    await startProgram(device);
    return device.deviceId;
  }

  async powerCycle(): Promise<void> {
    if (this.o.powerCycleCommand) {
      this.console.note(`power cycle: ${this.o.powerCycleCommand}`);
      await runShell(this.o.powerCycleCommand);
      return;
    }
    if (!this.device) throw new Error('board not loaded');
    this.console.note('Jacdac control reset');
    const halted = this.standIn ? this.waitForHalt(this.standIn) : null;
    // (If the reset itself fails, its error is the one reported, not the halt's timeout.)
    halted?.catch(() => {});
    await resetDevice(this.device);
    if (halted) {
      // The chip's reboot: the halted WASM runtime is started again on its flash.
      await halted;
      await this.killStandIn();
      this.startStandIn();
    }
  }

  /** The stand-in VM after a reset: emscripten's exit(0) halts the runtime, the process lives on. */
  private async waitForHalt(p: DevsProcess, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!/Program terminated with exit\(/.test(p.output()) && !p.hasExited()) {
      if (Date.now() > deadline) throw new Error(`the stand-in VM did not halt on the Jacdac reset within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.killStandIn();
    await this.bus?.close();
    this.bus = null;
    await this.devtools?.stop();
    this.devtools = null;
    if (this.standInDir) rmSync(this.standInDir, { recursive: true, force: true });
    this.standInDir = null;
  }

  diagnostics(): string {
    const dt = this.devtools?.output() ?? '';
    return dt ? `--- devtools log (last 30 lines) ---\n${dt.split('\n').slice(-30).join('\n')}` : '';
  }
}

function runShell(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`power cycle command exited ${code}: ${command}\n${out}`))));
  });
}

/**
 * The target of a test run from the environment: HIL_PORT (a board behind devtools --serial,
 * with HIL_DEVICE_ID and HIL_POWER_CYCLE_CMD optional), else null.
 */
export function boardFromEnv(env: NodeJS.ProcessEnv = process.env): BoardTarget | null {
  if (!env.HIL_PORT) return null;
  return new BoardTarget({
    port: env.HIL_PORT,
    ...(env.HIL_DEVICE_ID ? { deviceId: env.HIL_DEVICE_ID } : {}),
    ...(env.HIL_POWER_CYCLE_CMD ? { powerCycleCommand: env.HIL_POWER_CYCLE_CMD } : {}),
  });
}
