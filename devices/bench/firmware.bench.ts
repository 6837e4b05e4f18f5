// Firmware rows:
// - bytecode size per board: bytes of DeviceScript bytecode that `devs build src/main_<board>.ts`
//   produces (what is deployed to the board's flash). No baseline: a size, not a speed.
// - uplinks and airtime per day at the default settings (10-minute samples, as many per frame as
//   fit, 3 h maximum hold, daily status), computed by running the firmware's own scheduler
//   (src/app, in Node) over two simulated days of the codecs' realistic reef-lagoon series and
//   counting the second day. Baseline: The Things Network's fair use, 30 s/day.
import { decodeUplink, TTN_DAILY_AIRTIME_MS } from '@reeflink/codecs';
import { realisticSeries } from '@reeflink/codecs/testing/series';
import { buoyOptions } from '../src/app/context.ts';
import { DEFAULT_CONFIG } from '../src/app/config.ts';
import { BuoyWorld } from '../src/app/testing/simulation.ts';
import { firmwareTargets } from '../harness/boards.ts';
import { buildFirmware } from '../harness/devs.ts';
import { NODE_ENV } from '../test/support/node-env.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

const DAY_MS = 86_400_000;

async function sizeRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // One build at a time: devs always writes .devicescript/bin/bytecode.devs.
  for (const t of firmwareTargets()) {
    const r = await buildFirmware(t.entry, 120_000);
    if (r.bytecodeBytes === null) {
      throw new Error(`devs build ${t.entry} failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
    }
    rows.push({ name: `firmware bytecode, ${t.boardId}`, value: r.bytecodeBytes, unit: 'B' });
  }
  return rows;
}

/** Day 2 of a simulated buoy at EU868 data rate `dr` with the default configuration. */
async function dayRows(dr: number, label: string): Promise<BenchRow[]> {
  const series = realisticSeries({ count: 2 * 144 + 10, seed: 7 });
  const world = new BuoyWorld(NODE_ENV, buoyOptions({ firmwareVersion: '0.2.0', initialConfig: DEFAULT_CONFIG }), dr);
  world.temperature.value = (i) => series[i]!.temperatureRaw!;
  world.pressure.value = (i) => series[i]!.pressureRaw!;
  world.conductivity.value = (i) => series[i]!.conductivityRaw!;
  await world.runUntil(2 * DAY_MS);
  const day2 = world.sent.filter((u) => u.atMs >= DAY_MS && u.atMs < 2 * DAY_MS);
  const frames = day2.filter((u) => u.fPort === 1);
  const airtimeMs = day2.reduce((sum, u) => sum + u.airtimeMs, 0);
  let samples = 0;
  for (const f of frames) {
    const r = decodeUplink(f.bytes, f.fPort);
    if (r.ok && r.value.type === 'measurements') samples += r.value.samples.length;
  }
  return [
    { name: `uplinks per day, default settings, ${label}`, value: day2.length, unit: 'uplinks' },
    { name: `measurement frames per day, default settings, ${label}`, value: frames.length, unit: 'frames' },
    { name: `samples per measurement frame (mean), ${label}`, value: frames.length ? samples / frames.length : 0, unit: 'samples' },
    {
      name: `uplink airtime per day, default settings, ${label}`,
      value: airtimeMs / 1000,
      unit: 's',
      baseline: TTN_DAILY_AIRTIME_MS / 1000,
      ratio: airtimeMs / TTN_DAILY_AIRTIME_MS,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [
    ...(await sizeRows()),
    ...(await dayRows(0, 'EU868 DR0 (SF12, 51 B)')),
    ...(await dayRows(5, 'EU868 DR5 (SF7, 242 B)')),
  ];
}
