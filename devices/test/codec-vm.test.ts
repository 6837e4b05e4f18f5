// The payload codec gives the same bytes in the DeviceScript VM as in Node: runs
// src/codec.vmtest.ts in the VM (which checks every golden vector there and prints what it
// encoded) and compares each printed line with what Node's codec gives for the same vector.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeDownlink,
  decodeUplink,
  encodeDownlink,
  encodeMeasurements,
  encodeUplink,
  fromHex,
  toHex,
} from '@reeflink/codecs';
import { GOLDEN_VECTORS } from '@reeflink/codecs/vectors';
import type { GoldenVector } from '@reeflink/codecs/vectors/types';
import { type DevsResult, runVmTest, vmConsoleLines } from '../harness/devs.ts';

/** The line src/codec.vmtest.ts prints for v, computed with Node's codec. */
function nodeLine(v: GoldenVector): string {
  if (v.error) {
    const bytes = fromHex(v.hex) ?? [];
    const r = v.direction === 'uplink' ? decodeUplink(bytes, v.fPort) : decodeDownlink(bytes, v.fPort);
    return r.ok ? 'decoded' : `!${r.error.code}@${r.error.offset}`;
  }
  if (v.samples && v.budget !== undefined) {
    const r = encodeMeasurements(v.samples, v.budget);
    return r.ok ? toHex(r.value.bytes) : `encode failed: ${r.error.code}`;
  }
  const r = v.direction === 'uplink' ? encodeUplink(v.message) : encodeDownlink(v.message);
  return r.ok ? toHex(r.value.bytes) : `encode failed: ${r.error.code}`;
}

describe('codec in the DeviceScript VM (devs run src/codec.vmtest.ts --test)', () => {
  let run: DevsResult;
  let printed: Map<number, string[]>;
  let report: string;

  beforeAll(async () => {
    run = await runVmTest('src/codec.vmtest.ts', 90_000);
    const lines = vmConsoleLines(run.stdout);
    printed = new Map();
    for (const line of lines) {
      const m = /^VECTOR (\d+) (\S+)$/.exec(line);
      if (!m) continue;
      const i = Number(m[1]);
      printed.set(i, [...(printed.get(i) ?? []), m[2]!]);
    }
    // Shown when an assertion fails: the end of the VM's output (FAIL lines, exceptions, compile errors).
    const all = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    report = all.slice(-40).join('\n');
  });

  it('passes in the VM (exit code 0)', () => {
    expect(run.timedOut, report).toBe(false);
    expect(run.code, report).toBe(0);
  });

  it('printed one line for every vector', () => {
    const missing = GOLDEN_VECTORS.map((v, i) => (printed.get(i)?.length === 1 ? null : `${i} ${v.name}`)).filter(
      (x) => x !== null,
    );
    expect(missing, report).toEqual([]);
  });

  it.each(GOLDEN_VECTORS.map((v, i) => [i, v.name, v] as const))(
    'vector %i (%s): VM and Node give identical bytes',
    (i, _name, v) => {
      const expected = nodeLine(v);
      // Node's own output is the golden one (codecs/test checks it), so a mismatch is the VM's.
      if (!v.error) expect(expected).toBe(v.hex);
      expect(printed.get(i)?.[0], 'see the first test for the VM output').toBe(expected);
    },
  );
});
