// The cheap "whole queue fits" bound never says yes when the codec would not take every sample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMeasurements } from '@reeflink/codecs';
import { QueueFitBound } from '../../src/buoy/queue-fit-bound.js';

const column = (base: number, step: number) => fc.array(fc.integer({ min: -step, max: step }), { minLength: 1, maxLength: 80 }).map((d) => d.reduce<number[]>((acc, x) => [...acc, Math.max(0, Math.min(0xffffff, (acc.at(-1) ?? base) + x))], []));

describe('queue fit bound', () => {
  it('implies encodeMeasurements consumes the whole queue', () => {
    let saidYes = 0;
    fc.assert(
      fc.property(
        column(120_000, 300),
        column(5_000, 40),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(18, 51, 115, 242),
        fc.integer({ min: 0, max: 4000 }),
        (t, p, channels, budget, newestAgeS) => {
          const n = Math.min(t.length, p.length);
          const bound = new QueueFitBound();
          const samples = [];
          const end = 10_000_000_000 + newestAgeS * 1000;
          for (let i = 0; i < n; i++) {
            const raw = { temperatureRaw: t[i]!, ...(channels & 1 ? { pressureRaw: p[i]! } : {}), ...(channels & 2 && i % 7 !== 3 ? { conductivityRaw: t[i]! + 10_000 } : {}) };
            const timeMs = 10_000_000_000 - (n - 1 - i) * 600_000;
            bound.push({ timeMs, raw });
            samples.push({ ...raw, ageS: Math.round((end - timeMs) / 1000) });
          }
          if (bound.certainlyFits(end, budget)) {
            saidYes++;
            const r = encodeMeasurements(samples, budget);
            expect(r.ok && r.value.consumed).toBe(n);
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(saidYes).toBeGreaterThan(50);
  });

  it('holds for irregular sampling: fractional seconds, jitter, gaps, big steps (fast-check)', () => {
    let saidYes = 0;
    const gap = fc.oneof(
      { weight: 6, arbitrary: fc.constant(600_000) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 1_200_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 40_000_000 }) },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(gap, fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -40, max: 40 }), fc.integer({ min: -30_000, max: 30_000 })), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom(11, 18, 51, 115, 242),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 0xffffff }),
        (steps, channels, budget, newestAgeMs, start) => {
          const bound = new QueueFitBound();
          const samples = [];
          let timeMs = 10_000_000_000;
          let t = start;
          let p = 5000;
          let c = 0xffffff - start;
          const raws = [];
          const times = [];
          for (const [dt, dT, dP, dC] of steps) {
            timeMs += dt;
            t = Math.max(0, Math.min(0xffffff, t + dT));
            p = Math.max(0, Math.min(0xffffff, p + dP));
            c = Math.max(0, Math.min(0xffffff, c + dC));
            times.push(timeMs);
            raws.push({ ...(channels & 1 || channels === 0 ? { temperatureRaw: t } : {}), ...(channels & 2 ? { pressureRaw: p } : {}), ...(channels & 4 ? { conductivityRaw: c } : {}) });
          }
          const end = times.at(-1)! + newestAgeMs;
          for (let i = 0; i < raws.length; i++) {
            bound.push({ timeMs: times[i]!, raw: raws[i]! });
            samples.push({ ...raws[i]!, ageS: Math.round((end - times[i]!) / 1000) });
          }
          if (samples.some((s) => s.ageS > 0xffffff)) return;
          if (bound.certainlyFits(end, budget)) {
            saidYes++;
            const r = encodeMeasurements(samples, budget);
            expect(r.ok && r.value.consumed).toBe(samples.length);
          }
        },
      ),
      { numRuns: 600 },
    );
    expect(saidYes).toBeGreaterThan(50);
  });

  it('answers most wakes of a regular 10-minute series without the encoder', () => {
    // Smooth T, P, C every 600 s at 51 bytes: the queue is priced close to what the codec packs.
    const bound = new QueueFitBound();
    const samples = [];
    let firstUnsure = 0;
    for (let i = 0; i < 60 && firstUnsure === 0; i++) {
      const timeMs = i * 600_000;
      const raw = { temperatureRaw: 400_000 + Math.round(300 * Math.sin(i / 9)) + (i % 3), pressureRaw: 50_000 + (i % 5), conductivityRaw: 900_000 + Math.round(200 * Math.sin(i / 9)) };
      bound.push({ timeMs, raw });
      samples.push({ timeMs, raw });
      const end = timeMs + 60_000;
      if (!bound.certainlyFits(end, 51)) firstUnsure = samples.length;
    }
    const end = samples.at(-1)!.timeMs + 60_000;
    const r = encodeMeasurements(samples.map((s) => ({ ...s.raw, ageS: Math.round((end - s.timeMs) / 1000) })), 51);
    expect(r.ok).toBe(true);
    // The bound stops being sure at most two samples before the encoder stops taking them all.
    expect(r.ok && r.value.consumed).toBeGreaterThanOrEqual(firstUnsure - 1);
    expect(firstUnsure).toBeGreaterThanOrEqual((r.ok ? r.value.consumed : 0) - 1);
  });

  it('recomputes after the head of the queue goes', () => {
    const bound = new QueueFitBound();
    for (let i = 0; i < 10; i++) bound.push({ timeMs: i * 600_000, raw: { temperatureRaw: i === 1 ? 16_000_000 : 100 } });
    expect(bound.certainlyFits(10 * 600_000, 16)).toBe(false); // (the codec takes 8 of the 10)
    bound.removeFirst(2); // the outlier is gone
    expect(bound.certainlyFits(10 * 600_000, 16)).toBe(true);
  });
});
