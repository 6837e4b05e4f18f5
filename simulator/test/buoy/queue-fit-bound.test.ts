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

  it('recomputes after the head of the queue goes', () => {
    const bound = new QueueFitBound();
    for (let i = 0; i < 10; i++) bound.push({ timeMs: i * 600_000, raw: { temperatureRaw: i === 1 ? 16_000_000 : 100 } });
    expect(bound.certainlyFits(10 * 600_000, 18)).toBe(false);
    bound.removeFirst(2); // the outlier is gone
    expect(bound.certainlyFits(10 * 600_000, 18)).toBe(true);
  });
});
