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

export class SimSensors {
  readonly temperature: AnalogSensorServer;
  readonly pressure: AnalogSensorServer;
  readonly conductivity: AnalogSensorServer;
  readonly ntc: AnalogSensorServer;
  readonly battery: AnalogSensorServer;

  constructor(vm: VmBus, initial: SimReadings) {
    this.temperature = new AnalogSensorServer(SRV_DC_VOLTAGE_MEASUREMENT, { readingValues: [initial.temperatureRaw] });
    this.pressure = new AnalogSensorServer(SRV_AIR_PRESSURE, { readingValues: [initial.pressureRaw] });
    this.conductivity = new AnalogSensorServer(SRV_DC_CURRENT_MEASUREMENT, { readingValues: [initial.conductivityRaw] });
    this.ntc = new AnalogSensorServer(SRV_POTENTIOMETER, { readingValues: [initial.ntcRatio] });
    this.battery = new AnalogSensorServer(SRV_LIGHT_LEVEL, { readingValues: [initial.batteryRatio] });
    vm.addServer('sim TSYS01', this.temperature);
    vm.addServer('sim MS5837', this.pressure);
    vm.addServer('sim EZO-EC', this.conductivity);
    vm.addServer('sim NTC', this.ntc);
    vm.addServer('sim battery', this.battery);
  }

  set(r: Partial<SimReadings>): void {
    if (r.temperatureRaw !== undefined) this.temperature.reading.setValues([r.temperatureRaw]);
    if (r.pressureRaw !== undefined) this.pressure.reading.setValues([r.pressureRaw]);
    if (r.conductivityRaw !== undefined) this.conductivity.reading.setValues([r.conductivityRaw]);
    if (r.ntcRatio !== undefined) this.ntc.reading.setValues([r.ntcRatio]);
    if (r.batteryRatio !== undefined) this.battery.reading.setValues([r.batteryRatio]);
  }
}
