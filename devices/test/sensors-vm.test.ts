// The sensor driver cases in the DeviceScript VM (src/sensors/sensors.vmtest.ts): every case must
// report ok, and the run must exit 0.
import { beforeAll, describe, expect, it } from 'vitest';
import { SENSOR_CASES } from '../src/sensors/testing/sensor-cases.ts';
import { runVmCases, type VmCaseRun } from './support/vm-cases.ts';

describe('sensor drivers in the DeviceScript VM', () => {
  let vm: VmCaseRun;
  beforeAll(async () => {
    vm = await runVmCases('src/sensors/sensors.vmtest.ts');
  });

  it('exits 0', () => {
    expect(vm.run.timedOut, vm.tail).toBe(false);
    expect(vm.run.code, vm.tail).toBe(0);
  });

  it.each(SENSOR_CASES.map((c) => [c.name]))('%s', (name) => {
    expect(vm.results.get(name), vm.tail).toBe('ok');
  });
});
