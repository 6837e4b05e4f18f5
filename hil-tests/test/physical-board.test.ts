// The same scenarios on a real board (bench set-up: hil-tests/README.md). They run only with
// HIL_PORT set; without it each case reports "skipped: no board" and never counts as passing.
// The board transport (flashing the HIL build, the radio's air through a bench gateway, the
// sensor simulator on the board's I2C bus) is not built yet: with HIL_PORT set these cases
// fail with that message rather than pass.
import { describe, it } from 'vitest';

const port = process.env.HIL_PORT;
const noBoard = !port;
const name = (scenario: string) => (noBoard ? `${scenario} (skipped: no board)` : `${scenario} on ${port}`);

function notBuilt(): never {
  throw new Error(`HIL_PORT=${port}: the physical-board transport is not implemented yet (docs/hil.md "Physical target")`);
}

describe(noBoard ? 'physical board — skipped: no board (set HIL_PORT)' : `physical board on ${port}`, () => {
  it.skipIf(noBoard)(name('boot → first uplink → observation in the SensorThings API'), notBuilt);
  it.skipIf(noBoard)(name('a run of samples matches the source'), notBuilt);
  it.skipIf(noBoard)(name('radio silence → queue → catch-up'), notBuilt);
  it.skipIf(noBoard)(name('a sensor stops answering → status flags it'), notBuilt);
  it.skipIf(noBoard)(name('reboot → FCnt continues, no replay rejection'), notBuilt);
  it.skipIf(noBoard)(name('duty cycle measured from the transmissions'), notBuilt);
});
