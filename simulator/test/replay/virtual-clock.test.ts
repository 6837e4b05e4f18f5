// Pacing without waiting: a fake wall clock records the sleeps the replay asks for.
import { describe, expect, it } from 'vitest';
import { runReplay, startUdpAckSink, VirtualClock, type WallClock } from '../../src/index.js';
import { bundledFleet, FROM, until, sources } from '../support/bundled.js';

function fakeWall(): WallClock & { sleeps: number[] } {
  let now = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('virtual clock', () => {
  it('maps virtual time to wall time at the given speed', async () => {
    const wall = fakeWall();
    const clock = new VirtualClock(0, 60, wall);
    await clock.until(60_000);
    expect(wall.sleeps).toEqual([1000]);
    await clock.until(30_000); // already due: no wait
    expect(wall.sleeps).toEqual([1000]);
    expect(clock.lagMs(30_000)).toBe(500);
    expect(() => new VirtualClock(0, 0, wall)).toThrow(/speed/);
    const max = new VirtualClock(0, Number.POSITIVE_INFINITY, wall);
    await max.until(1e12);
    expect(wall.sleeps).toEqual([1000]);
  });

  it('paces a replay: at 3600× the wall time spent is the virtual span / 3600', async () => {
    const wall = fakeWall();
    const sink = await startUdpAckSink();
    try {
      const fleet = await bundledFleet();
      const { summary, ledger } = await runReplay({ fleet, sourceCache: sources, from: FROM, to: until(0.5), speed: 3600, target: { udp: sink.address, statIntervalS: 0 }, wallClock: wall, seed: 1 });
      const slept = wall.sleeps.reduce((a, b) => a + b, 0);
      // The fake wall clock moves only by the sleeps: it ends at the last forward's virtual time / 3600.
      const last = Math.max(...ledger.frames.filter((f) => f.heardBy.length > 0).map((f) => f.rxTimeMs));
      expect(slept).toBeCloseTo((last - Date.parse(FROM)) / 3600, 6);
      expect(wall.sleeps.length).toBeGreaterThan(10);
      expect(summary.speed).toBe(3600);
    } finally {
      await sink.close();
    }
  });
});
