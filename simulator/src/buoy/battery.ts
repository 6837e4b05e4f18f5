// The buoy's battery as the status uplink reports it: a nominal voltage, optionally declining
// linearly (a dying cell, a fouled solar panel) down to the brown-out voltage where the buoy stops.

const DAY_MS = 86_400_000;
/** Below this the status uplink raises the battery fault bit. */
export const LOW_BATTERY_MV = 3500;

export class Battery {
  constructor(
    private readonly startMv: number,
    private readonly startMs: number,
    private readonly declineMvPerDay: number,
    private readonly cutoffMv: number,
  ) {}

  voltageMv(timeMs: number): number {
    return Math.max(0, this.startMv - (this.declineMvPerDay * Math.max(0, timeMs - this.startMs)) / DAY_MS);
  }

  /** True once the voltage is below the brown-out level (the decline never reverses here). */
  isDead(timeMs: number): boolean {
    return this.voltageMv(timeMs) < this.cutoffMv;
  }
}
