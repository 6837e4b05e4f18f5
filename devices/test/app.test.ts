// The buoy application in Node: the same cases the VM runs (src/app/app.vmtest.ts).
import { describe, it } from 'vitest';
import { UNIT_CASES } from '../src/app/testing/unit-cases.ts';
import { WORLD_CASES } from '../src/app/testing/world-cases.ts';
import { NODE_ENV } from './support/node-env.ts';

describe('buoy application units (shared cases, Node)', () => {
  it.each(UNIT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await c.run(NODE_ENV);
  });
});

describe('buoy application in a simulated world (shared cases, Node)', () => {
  it.each(WORLD_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await c.run(NODE_ENV);
  });
});
