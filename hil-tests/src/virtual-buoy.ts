// The buoy's world for the firmware under test: the HIL build (devices/src/main_hil.ts) on a
// target (./target.ts: the DeviceScript VM by default, or a board behind `devs devtools`), joined
// to a Jacdac bus on which the harness hosts the simulated sensors and the pipe radio's air
// (PipeAir). The harness provisions the ABP keys (or OTAA root keys) and the HIL settings through
// the target's Settings service, so nothing secret is compiled in.
import {
  agreeingNtcRatio,
  PipeAir,
  SimSensors,
  writeVmSettings,
  type AirTransmission,
  type AirWindow,
  type VmBus,
} from '@reeflink/devices';
import type { BuiltFirmware } from './firmware.ts';
import { VmTarget, type BuoyTarget } from './target.ts';

export interface RawReadings {
  temperatureRaw: number;
  pressureRaw: number;
  conductivityRaw: number;
}

export interface AbpKeys {
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
}

/** OTAA provisioning (MSB-first hex, as a console shows them): the firmware joins instead of using ABP keys. */
export interface OtaaKeys {
  devEui: string;
  joinEui: string;
  appKey: string;
}

export interface VirtualBuoyOptions {
  firmware: BuiltFirmware;
  /** Where the firmware runs; default a new VmTarget (the DeviceScript VM). */
  target?: BuoyTarget;
  keys: AbpKeys;
  /** When set, the VM is provisioned for OTAA (lw_deveui, lw_joineui, lw_appkey) and `keys` is not written. */
  otaa?: OtaaKeys;
  /** Sampling interval, s (compressed time: docs/hil.md). */
  intervalS: number;
  /** maxHoldS, s. */
  holdS?: number;
  /** EU868 data rate (5 = SF7BW125). */
  dataRate?: number;
  initial: RawReadings;
  batteryRatio?: number;
  onTransmit: (tx: AirTransmission) => void;
  onWindow?: (w: AirWindow, delivered: boolean) => void;
}

export class VirtualBuoy {
  private bus: VmBus | null = null;
  readonly target: BuoyTarget;
  air!: PipeAir;
  sensors!: SimSensors;

  constructor(private readonly o: VirtualBuoyOptions) {
    this.target = o.target ?? new VmTarget();
  }

  /** Opens the bus, starts the sensors and the air, loads the firmware on the target, and provisions it. */
  async start(): Promise<void> {
    this.bus = await this.target.openBus();
    this.air = new PipeAir({ onTransmit: this.o.onTransmit, onWindow: this.o.onWindow });
    this.bus.addServer('lora pipe', this.air);
    this.sensors = new SimSensors(this.bus, { ...this.o.initial, ntcRatio: agreeingNtcRatio(this.o.initial.temperatureRaw) ?? 0.5, batteryRatio: this.o.batteryRatio ?? 0.6 });
    const from = this.target.console.lines.length;
    const deviceId = await this.target.load(this.bus, this.o.firmware);
    const { otaa, keys } = this.o;
    // Written in order, the key last: the program starts once lw_appkey (OTAA) or lw_devaddr (ABP) is there.
    const lorawan = otaa
      ? { lw_deveui: otaa.devEui.toUpperCase(), lw_joineui: otaa.joinEui.toUpperCase(), lw_appkey: otaa.appKey.toUpperCase() }
      : { lw_nwkskey: keys.nwkSKey.toUpperCase(), lw_appskey: keys.appSKey.toUpperCase(), lw_devaddr: keys.devAddr.toUpperCase() };
    await writeVmSettings(this.bus, { hil_interval: this.o.intervalS, hil_hold: this.o.holdS ?? 1, hil_dr: this.o.dataRate ?? 5, ...lorawan }, 60_000, deviceId);
    await this.waitRunning(from);
  }

  /** Until the program has its radio pipe (after a start or a power cycle). */
  private async waitRunning(from: number): Promise<void> {
    await this.target.console.waitForLine(/hil: pipe bound/, 60_000, from).catch((e: Error) => {
      throw new Error(`${this.target.description}: ${e.message}\n${this.consoleText(40)}`);
    });
  }

  /** Serves these raw readings from now on (and an NTC ratio that agrees with the temperature). */
  set(r: Partial<RawReadings>): void {
    const ntc = r.temperatureRaw !== undefined ? agreeingNtcRatio(r.temperatureRaw) : null;
    this.sensors.set({ ...r, ...(ntc !== null ? { ntcRatio: ntc } : {}) });
  }

  /** Wall-clock times of the power cycles done so far. */
  readonly powerCycles: number[] = [];

  /** A power cut (VM: the process killed and started again on its flash; board: a reset or the power switch), then running again. */
  async powerCycle(): Promise<void> {
    this.powerCycles.push(Date.now());
    const from = this.target.console.lines.length;
    await this.target.powerCycle();
    await this.waitRunning(from);
  }

  async stop(): Promise<void> {
    this.air?.close();
    await this.target.stop();
    this.bus = null;
  }

  /** The program's console over every boot (its last `tail` lines) and the target's diagnostics, for failure messages. */
  consoleText(tail = Infinity): string {
    const lines = this.target.console.lines;
    const text = lines.slice(Math.max(0, lines.length - tail)).join('\n');
    const d = this.target.diagnostics();
    return d ? `${text}\n${d}` : text;
  }
}
