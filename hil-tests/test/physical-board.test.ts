// The same scenarios (src/scenarios.ts) on a real board: a board running the DeviceScript runtime
// on USB serial (HIL_PORT), bridged onto a Jacdac bus by `devs devtools --serial`; the harness
// joins that bus as a client, deploys the HIL build with `devs deploy --tcp` and hosts the
// simulated sensors and the pipe radio's air there (src/target.ts BoardTarget; bench set-up in
// hil-tests/README.md "Physical bench"). Without HIL_PORT each case reports "skipped: no board"
// and never counts as passing. test/devtools-board.test.ts runs this transport without hardware.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ALL_SCENARIOS, type ScenarioContext } from '../src/scenarios.ts';
import { startHilRig } from '../src/start.ts';
import { boardFromEnv } from '../src/target.ts';

const port = process.env.HIL_PORT;
const noBoard = !port;
const name = (scenario: string) => (noBoard ? `${scenario} (skipped: no board)` : `${scenario} on ${port}`);
/** Sampling interval, s (compressed time, as in the VM: docs/hil.md "Time"). */
const INTERVAL_S = Number(process.env.HIL_INTERVAL_S ?? 2);

describe(noBoard ? 'physical board — skipped: no board (set HIL_PORT)' : `physical board on ${port}`, () => {
  let ctx: ScenarioContext;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const target = boardFromEnv();
    if (!target) return;
    const started = await startHilRig({ recordCount: 200, intervalS: INTERVAL_S, target });
    ctx = { rig: started.rig, ids: started.ids };
    stop = started.stop;
  });

  afterAll(() => stop?.());

  for (const scenario of ALL_SCENARIOS) it.skipIf(noBoard)(name(scenario.name), () => scenario.run(ctx));
});
