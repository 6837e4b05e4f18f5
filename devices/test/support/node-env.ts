// The TestEnv of Node for the shared cases (src/app/testing/check.ts).
import type { TestEnv } from '../../src/app/testing/check.ts';
import type { TimedResult } from '../../src/app/ports.ts';

export const NODE_ENV: TestEnv = {
  yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)),
  withTimeout: <T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, timedOut: true, message: `timed out after ${ms} ms` }), ms);
      op().then(
        (value) => {
          clearTimeout(timer);
          resolve({ ok: true, value });
        },
        (e: unknown) => {
          clearTimeout(timer);
          resolve({ ok: false, timedOut: false, message: e instanceof Error ? e.message : String(e) });
        },
      );
    }),
  hang: <T>() => new Promise<T>(() => {}),
};
