// Demo replays: recorded data moved to the present (timeShiftMs), and a live run that catches up
// and then waits for the wall clock.
import { describe, expect, it } from 'vitest';
import { runReplay, startUdpAckSink } from '../../src/index.js';
import { bundledFleet, DAY_MS, FROM, sources, until } from '../support/bundled.js';

describe('time-shifted and live replays', () => {
  it('timestamps every reception at source time + shift', async () => {
    const times: number[] = [];
    const sink = await startUdpAckSink({ onDatagram: (d) => { for (const r of ((d.json as { rxpk?: { time: string }[] } | undefined)?.rxpk ?? [])) times.push(Date.parse(r.time)); } });
    try {
      const shift = 1000 * DAY_MS;
      const from = Date.parse(FROM) + shift;
      const { ledger } = await runReplay({ fleet: await bundledFleet(), sourceCache: sources, from, to: from + 0.25 * DAY_MS, timeShiftMs: shift, target: { udp: sink.address, statIntervalS: 0 }, seed: 3 });
      expect(times.length).toBeGreaterThan(0);
      for (const t of times) {
        expect(t).toBeGreaterThanOrEqual(from)
        expect(t).toBeLessThan(from + 0.3 * DAY_MS)
      }
      const heard = ledger.frames.filter((f) => f.heardBy.length > 0).map((f) => f.rxTimeMs);
      expect(Math.min(...heard)).toBeGreaterThanOrEqual(from);
    } finally {
      await sink.close();
    }
  });

  it('live: catches up at once, then waits for the present', async () => {
    const arrivals: [number, number][] = [];
    const sink = await startUdpAckSink({ onDatagram: (d) => { for (const r of (d.json as { rxpk?: { time: string }[] } | undefined)?.rxpk ?? []) arrivals.push([Date.now(), Date.parse(r.time)]); } });
    try {
      // The same replay, not live and unshifted, tells when the day's last frame is received
      // (replays are deterministic); shift the data so that it arrives 1.5 s from now.
      const dry = await runReplay({ fleet: await bundledFleet(), sourceCache: sources, from: until(0), to: until(1), target: { udp: sink.address, statIntervalS: 0 }, seed: 4 });
      const last = Math.max(...dry.ledger.frames.filter((f) => f.heardBy.length > 0).map((f) => f.rxTimeMs));
      arrivals.length = 0;
      const started = Date.now();
      const shift = started + 1500 - last;
      let waited = false;
      const { ledger } = await runReplay({ fleet: await bundledFleet(), sourceCache: sources, from: until(0) + shift, to: until(1) + shift, timeShiftMs: shift, live: true, target: { udp: sink.address, statIntervalS: 0 }, seed: 4, progressIntervalMs: 100, onProgress: (p) => { if (p.waitingForPresent) waited = true; } });
      expect(waited).toBe(true);
      const heard = ledger.frames.filter((f) => f.heardBy.length > 0).map((f) => f.rxTimeMs);
      expect(heard.length).toBeGreaterThan(10);
      // Nothing went out before its time, and frames of the past went out without waiting.
      expect(Date.now() - started).toBeLessThan(20_000);
      // No frame reached the gateway before its reception time (a few ms of scheduling aside).
      for (const [wall, rx] of arrivals) expect(wall).toBeGreaterThanOrEqual(rx - 25);
      // Some had to wait for the present: the window's last 2 s.
      expect(arrivals.some(([, rx]) => rx > started)).toBe(true);
    } finally {
      await sink.close();
    }
  }, 30_000);
});
