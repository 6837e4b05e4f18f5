// The firmware builds for every board in boards/ (devs build src/main_<board>.ts) and gives bytecode.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firmwareTargets } from '../harness/boards.ts';
import { buildFirmware, DEVICES_DIR, DEVS_CODE_LIMIT, functionBytes } from '../harness/devs.ts';

const targets = firmwareTargets();

describe('firmware build per board', () => {
  it('finds the boards', () => {
    expect(targets.length).toBeGreaterThanOrEqual(2);
  });

  it.each(targets.map((t) => [t.boardId, t] as const))('%s: builds to bytecode', async (_id, t) => {
    expect(existsSync(join(DEVICES_DIR, t.entry)), `missing entry point devices/${t.entry}`).toBe(true);
    const r = await buildFirmware(t.entry, 90_000);
    const output = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '').slice(-3000);
    expect(r.code, output).toBe(0);
    expect(r.bytecodeBytes, output).toBeGreaterThan(0);
    // The runtime refuses to load an image over 64 KiB of function bytecode (verify.c, 1051).
    const functions = functionBytes().total;
    expect(functions).toBeLessThan(DEVS_CODE_LIMIT);
    console.log(`firmware ${t.boardId}: ${r.bytecodeBytes} bytes of bytecode, ${functions} of functions`);
  });
});
