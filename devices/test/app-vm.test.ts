// The buoy application cases in the DeviceScript VM (src/app/app.vmtest.ts): every case must report
// ok, and the run must exit 0. About 20 s: the world cases run hundreds of simulated wakes.
import { beforeAll, describe, expect, it } from 'vitest';
import { UNIT_CASES } from '../src/app/testing/unit-cases.ts';
import { WORLD_CASES } from '../src/app/testing/world-cases.ts';
import { runVmCases, type VmCaseRun } from './support/vm-cases.ts';

describe('buoy application in the DeviceScript VM', () => {
  let vm: VmCaseRun;
  beforeAll(async () => {
    vm = await runVmCases('src/app/app.vmtest.ts');
  });

  it('exits 0', () => {
    expect(vm.run.timedOut, vm.tail).toBe(false);
    expect(vm.run.code, vm.tail).toBe(0);
  });

  it.each([...UNIT_CASES, ...WORLD_CASES].map((c) => [c.name]))('%s', (name) => {
    expect(vm.results.get(name), vm.tail).toBe('ok');
  });
});
