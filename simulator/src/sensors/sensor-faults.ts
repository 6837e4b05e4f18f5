// Sensor faults applied to the physical value before the virtual sensor turns it into counts:
// spikes, a sensor stuck on its last value, and linear drift. Each changed value is marked so
// the ledger can tell verify which samples differ from the source on purpose.
import type { Random } from '../random/seeded-random.js';
import type { SensorFaults } from '../replay/fault-plan.js';

export const FAULT_SPIKE = 1;
export const FAULT_STUCK = 2;
export const FAULT_DRIFT = 4;

const DAY_MS = 86_400_000;

export class SensorFaultInjector {
  private held: number | undefined;
  private last: number | undefined;

  constructor(
    private readonly faults: SensorFaults,
    private readonly random: Random,
  ) {}

  /** The value the sensor reports at `timeMs`, and the fault bits that changed it. */
  apply(timeMs: number, value: number): { value: number; faults: number } {
    let v = value;
    let faults = 0;
    const stuck = this.faults.stuck?.some((w) => timeMs >= w.from && timeMs < w.to) ?? false;
    if (stuck) {
      // Holds the last value reported before the fault (or the first one seen inside it).
      this.held ??= this.last ?? v;
      v = this.held;
      faults |= FAULT_STUCK;
    } else {
      this.held = undefined;
      const drift = this.faults.drift;
      if (drift && timeMs > drift.from) {
        v += (drift.perDay * (timeMs - drift.from)) / DAY_MS;
        if (drift.perDay !== 0) faults |= FAULT_DRIFT;
      }
      const spikes = this.faults.spikes;
      if (spikes && this.random.chance(spikes.probability)) {
        v += (this.random.chance(0.5) ? 1 : -1) * spikes.amplitude * this.random.between(0.5, 1);
        faults |= FAULT_SPIKE;
      }
    }
    if (!Number.isNaN(v)) this.last = v;
    return { value: v, faults };
  }
}
