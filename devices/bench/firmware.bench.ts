// Firmware size per board: bytes of DeviceScript bytecode that `devs build src/main_<board>.ts`
// produces (what is deployed to the board's flash). No baseline: a size, not a speed.
import { firmwareTargets } from '../harness/boards.ts';
import { buildFirmware } from '../harness/devs.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

export async function run(): Promise<BenchRow[]> {
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
