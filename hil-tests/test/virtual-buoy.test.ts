// The firmware's bytecode on virtual hardware, end to end: NetCDF records → calibration inverses
// → simulated sensors (Jacdac) → buoy application + LoRaWAN MAC in the DeviceScript VM → pipe
// radio → Semtech UDP → a real `reeflink serve` → SensorThings API. One rig for the file; the
// scenarios (src/scenarios.ts, shared with the board files) run in order on the same buoy.
// docs/hil.md.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ALL_SCENARIOS, type ScenarioContext } from '../src/scenarios.ts';
import { startHilRig } from '../src/start.ts';

/** Sampling interval in the VM, s: stands for the records' 10 minutes (×300; docs/hil.md "Time"). */
const INTERVAL_S = 2;

describe('virtual buoy (DeviceScript VM) through reeflink serve', () => {
  let ctx: ScenarioContext;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const started = await startHilRig({ recordCount: 200, intervalS: INTERVAL_S });
    ctx = { rig: started.rig, ids: started.ids };
    stop = started.stop;
  });

  afterAll(() => stop?.());

  for (const scenario of ALL_SCENARIOS) it(scenario.name, () => scenario.run(ctx));
});
