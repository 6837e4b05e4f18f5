// The firmware on virtual hardware: the HIL build (devices/src/main_hil.ts) in the DeviceScript
// VM, joined to a jacdac-ts bus on TCP 127.0.0.1:8082 that hosts the simulated sensors and the
// pipe radio's air (PipeAir). The harness provisions the ABP keys and the HIL settings through
// the VM's Settings service, so nothing secret is compiled in.
import {
  agreeingNtcRatio,
  PipeAir,
  SimSensors,
  spawnDevs,
  startVmBus,
  writeVmSettings,
  type AirTransmission,
  type AirWindow,
  type DevsProcess,
  type VmBus,
} from '@reeflink/devices';
import { forgetChild, recordChild } from './children.ts';
import type { BuiltFirmware } from './firmware.ts';

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
  private vm: VmBus | null = null;
  private devs: DevsProcess | null = null;
  air!: PipeAir;
  sensors!: SimSensors;
  /** Console lines of every VM process started so far (one entry per boot of the VM process). */
  readonly runs: DevsProcess[] = [];

  constructor(private readonly o: VirtualBuoyOptions) {}

  /** Starts the bus, the sensors and the air, then the VM, and provisions it. */
  async start(): Promise<void> {
    this.vm = await startVmBus();
    this.air = new PipeAir({ onTransmit: this.o.onTransmit, onWindow: this.o.onWindow });
    this.vm.addServer('lora pipe', this.air);
    this.sensors = new SimSensors(this.vm, { ...this.o.initial, ntcRatio: agreeingNtcRatio(this.o.initial.temperatureRaw) ?? 0.5, batteryRatio: this.o.batteryRatio ?? 0.6 });
    await this.startVm(true);
  }

  private async startVm(provision: boolean): Promise<void> {
    const devs = spawnDevs(['run', this.o.firmware.program, '--tcp'], { cwd: this.o.firmware.dir });
    recordChild(devs.pid, 'devs run main_hil');
    this.devs = devs;
    this.runs.push(devs);
    if (provision) {
      const { otaa, keys } = this.o;
      // Written in order, the key last: the program starts once lw_appkey (OTAA) or lw_devaddr (ABP) is there.
      const lorawan = otaa
        ? { lw_deveui: otaa.devEui.toUpperCase(), lw_joineui: otaa.joinEui.toUpperCase(), lw_appkey: otaa.appKey.toUpperCase() }
        : { lw_nwkskey: keys.nwkSKey.toUpperCase(), lw_appskey: keys.appSKey.toUpperCase(), lw_devaddr: keys.devAddr.toUpperCase() };
      await writeVmSettings(this.vm!, { hil_interval: this.o.intervalS, hil_hold: this.o.holdS ?? 1, hil_dr: this.o.dataRate ?? 5, ...lorawan });
    }
    await devs.waitForLine(/^hil: pipe bound/, 60_000);
  }

  /** Serves these raw readings from now on (and an NTC ratio that agrees with the temperature). */
  set(r: Partial<RawReadings>): void {
    const ntc = r.temperatureRaw !== undefined ? agreeingNtcRatio(r.temperatureRaw) : null;
    this.sensors.set({ ...r, ...(ntc !== null ? { ntcRatio: ntc } : {}) });
  }

  /** The current VM process (its console). */
  get process(): DevsProcess {
    if (!this.devs) throw new Error('virtual buoy not started');
    return this.devs;
  }

  /** Wall-clock times of the power cycles done so far. */
  readonly powerCycles: number[] = [];

  /** Kills the VM process (a power cut) and starts it again on the same flash: a reboot. */
  async powerCycle(): Promise<void> {
    this.powerCycles.push(Date.now());
    await this.killVm();
    await this.startVm(false);
  }

  private async killVm(): Promise<void> {
    const d = this.devs;
    this.devs = null;
    if (d) {
      await d.kill();
      forgetChild(d.pid);
    }
  }

  async stop(): Promise<void> {
    await this.killVm();
    this.air?.close();
    await this.vm?.close();
    this.vm = null;
  }

  /** Every console line of every VM process, for failure messages. */
  consoleText(): string {
    return this.runs.map((r, i) => `--- VM run ${i} ---\n${r.lines.join('\n')}`).join('\n');
  }
}
