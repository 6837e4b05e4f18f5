// The physical-board transport without a board: `devs devtools` (no --serial) serves the Jacdac
// bus, the DeviceScript VM joins it as the board would (`devs run --tcp --wait`, its own device
// id and flash), the harness joins as a client, stops the "board"'s program, clears its
// settings, deploys the HIL build with `devs deploy --tcp` (sha256 of the program checked) and
// provisions it; the scenarios of src/scenarios.ts then run as on hardware. The reboot scenario
// uses the board's power cycle: the Jacdac control service's reset (the stand-in VM halts and is
// started again on its flash, as the chip reboots). docs/hil.md "Physical target".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootToObservation, reboot, type ScenarioContext } from '../src/scenarios.ts';
import { startHilRig } from '../src/start.ts';
import { BoardTarget, STAND_IN_DEVICE_ID } from '../src/target.ts';

describe('board transport (devs devtools + devs deploy --tcp), the VM standing in for the board', () => {
  let ctx: ScenarioContext;
  let target: BoardTarget;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    target = new BoardTarget({ standIn: true });
    const started = await startHilRig({ recordCount: 100, intervalS: 2, target });
    ctx = { rig: started.rig, ids: started.ids };
    stop = started.stop;
  });

  afterAll(() => stop?.());

  it('the HIL build was deployed over devtools to the board and runs there', () => {
    expect(target.deployed?.bytes).toBeGreaterThan(0);
    const lines = target.console.lines;
    const deployedAt = lines.findIndex((l) => /^--- deployed \d+ B/.test(l));
    expect(deployedAt, lines.join('\n')).toBeGreaterThan(0);
    // The program that started after the deploy is the HIL build (not the VM's own: it got none with --wait).
    expect(lines.slice(deployedAt).some((l) => /^start: .*_hil/.test(l)), lines.join('\n')).toBe(true);
    expect(lines.some((l) => l.includes(STAND_IN_DEVICE_ID))).toBe(true);
  });

  it(bootToObservation.name, () => bootToObservation.run(ctx));
  it(`${reboot.name} (Jacdac control reset)`, () => reboot.run(ctx));
});
