// The simulated sensors the VM's src/sensors/jacdac-sim.ts binds to: one jacdac-ts server per
// channel, each on its own simulated device, with readings a test sets. The service for each
// channel, and what its reading means, is the table in src/sensors/jacdac-sim.ts.
import {
  AnalogSensorServer,
  SRV_AIR_PRESSURE,
  SRV_DC_CURRENT_MEASUREMENT,
  SRV_DC_VOLTAGE_MEASUREMENT,
  SRV_LIGHT_LEVEL,
  SRV_POTENTIOMETER,
} from 'jacdac-ts';
import type { VmBus } from './jacdac-tcp.ts';
import { ntcRatioAt } from '../src/sensors/ntc.ts';
import { SIM_NTC, SIM_TSYS01_K } from '../src/sensors/sim-parts.ts';
import { tsys01Celsius } from '../src/sensors/tsys01.ts';

export interface SimReadings {
  /** TSYS01 ADC24 count. */
  temperatureRaw: number;
  /** MS5837 compensated pressure, 0.1 mbar (≤ 4 194 303: the air pressure service is u22.10). */
  pressureRaw: number;
  /** EZO-EC conductivity, 0.1 µS/cm. */
  conductivityRaw: number;
  /** NTC divider, fraction of ADC full scale. */
  ntcRatio: number;
  /** Battery divider, fraction of ADC full scale. */
  batteryRatio: number;
}

const SIM_DEVICE_NAMES = { temperature: 'sim TSYS01', pressure: 'sim MS5837', conductivity: 'sim EZO-EC' } as const;

export class SimSensors {
  readonly temperature: AnalogSensorServer;
  readonly pressure: AnalogSensorServer;
  readonly conductivity: AnalogSensorServer;
  readonly ntc: AnalogSensorServer;
  readonly battery: AnalogSensorServer;

  constructor(
    private readonly vm: VmBus,
    initial: SimReadings,
  ) {
    this.temperature = new AnalogSensorServer(SRV_DC_VOLTAGE_MEASUREMENT, { readingValues: [initial.temperatureRaw] });
    this.pressure = new AnalogSensorServer(SRV_AIR_PRESSURE, { readingValues: [initial.pressureRaw] });
    this.conductivity = new AnalogSensorServer(SRV_DC_CURRENT_MEASUREMENT, { readingValues: [initial.conductivityRaw] });
    this.ntc = new AnalogSensorServer(SRV_POTENTIOMETER, { readingValues: [initial.ntcRatio] });
    this.battery = new AnalogSensorServer(SRV_LIGHT_LEVEL, { readingValues: [initial.batteryRatio] });
    vm.addServer(SIM_DEVICE_NAMES.temperature, this.temperature);
    vm.addServer(SIM_DEVICE_NAMES.pressure, this.pressure);
    vm.addServer(SIM_DEVICE_NAMES.conductivity, this.conductivity);
    vm.addServer('sim NTC', this.ntc);
    vm.addServer('sim battery', this.battery);
  }

  /** Takes a sensor's simulated device off the bus: the firmware's read of it times out. */
  unplug(channel: 'temperature' | 'pressure' | 'conductivity'): void {
    this.vm.removeServer(SIM_DEVICE_NAMES[channel]);
  }

  /** Puts it back (the firmware's role binds again). */
  plug(channel: 'temperature' | 'pressure' | 'conductivity'): void {
    this.vm.addServer(SIM_DEVICE_NAMES[channel], this[channel]);
  }

  set(r: Partial<SimReadings>): void {
    if (r.temperatureRaw !== undefined) this.temperature.reading.setValues([r.temperatureRaw]);
    if (r.pressureRaw !== undefined) this.pressure.reading.setValues([r.pressureRaw]);
    if (r.conductivityRaw !== undefined) this.conductivity.reading.setValues([r.conductivityRaw]);
    if (r.ntcRatio !== undefined) this.ntc.reading.setValues([r.ntcRatio]);
    if (r.batteryRatio !== undefined) this.battery.reading.setValues([r.batteryRatio]);
  }
}

/**
 * The NTC divider ratio that agrees with a TSYS01 count (the simulated part's PROM), so the
 * firmware's NTC cross-check raises no temperature fault; null when the count's °C is outside
 * what the NTC model can express (the test should then expect the fault).
 */
export function agreeingNtcRatio(temperatureRaw: number): number | null {
  const celsius = tsys01Celsius(temperatureRaw / 256, SIM_TSYS01_K);
  if (!Number.isFinite(celsius) || celsius < -40 || celsius > 85) return null;
  const r = ntcRatioAt(celsius, SIM_NTC);
  return Number.isFinite(r) && r > 0 && r < 1 ? r : null;
}

/** The simulated TSYS01's polynomial in its ADC24 count (docs/firmware.md "Sensors"): °C = Σ c[k]·count^k. */
export function simTsys01Polynomial(): number[] {
  const [k0, k1, k2, k3, k4] = SIM_TSYS01_K as [number, number, number, number, number];
  return [-1.5e-2 * k0, (1e-6 * k1) / 256, (-2e-11 * k2) / 256 ** 2, (4e-16 * k3) / 256 ** 3, (-2e-21 * k4) / 256 ** 4];
}
