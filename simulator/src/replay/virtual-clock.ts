// Virtual time of a replay mapped onto the wall clock: at speed s, virtual time advances s times
// faster than real time (1 = real time); at speed Infinity ('max') it advances as fast as the
// receiver acknowledges (flow control is the only brake). The wall clock is injectable so
// tests check the pacing without waiting.

export interface WallClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: WallClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        signal?.removeEventListener('abort', done);
        clearTimeout(timer);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export class VirtualClock {
  private readonly wallStart: number;

  constructor(
    readonly fromMs: number,
    readonly speed: number,
    private readonly wall: WallClock = systemClock,
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0 (1 = real time, Infinity = as fast as possible), got ${speed}`);
    this.wallStart = wall.now();
  }

  /** Wall-clock time (the WallClock's unit, ms) when virtual time `virtualMs` is due. */
  wallTimeOf(virtualMs: number): number {
    return this.wallStart + (virtualMs - this.fromMs) / this.speed;
  }

  /** Waits until `virtualMs` is due; returns at once at infinite speed or when late. */
  async until(virtualMs: number, signal?: AbortSignal): Promise<void> {
    if (this.speed === Number.POSITIVE_INFINITY) return;
    const wait = this.wallTimeOf(virtualMs) - this.wall.now();
    if (wait > 0) await this.wall.sleep(wait, signal);
  }

  /** How far behind schedule the replay runs, wall ms (0 at infinite speed). */
  lagMs(virtualMs: number): number {
    if (this.speed === Number.POSITIVE_INFINITY) return 0;
    return Math.max(0, this.wall.now() - this.wallTimeOf(virtualMs));
  }

  /** The virtual time due now. */
  virtualNow(): number {
    return this.fromMs + (this.wall.now() - this.wallStart) * this.speed;
  }
}

/**
 * Catch up, then real time: virtual time is epoch milliseconds, and an event is due when the
 * wall clock (Date.now()) reaches it — at once while the replay is behind the present.
 */
export class LiveClock {
  constructor(private readonly sleep: WallClock['sleep'] = systemClock.sleep) {}

  async until(virtualMs: number, signal?: AbortSignal): Promise<void> {
    const wait = virtualMs - Date.now();
    if (wait > 0) await this.sleep(wait, signal);
  }

  lagMs(virtualMs: number): number {
    return Math.max(0, Date.now() - virtualMs);
  }

  virtualNow(): number {
    return Date.now();
  }
}
