// Radio drivers in the DeviceScript VM (src/radio/radio.vmtest.ts): the driver checks pass there,
// and the frames the MAC pushed through the SX1276 driver into the fake chip's FIFO verify and
// decrypt with lora-packet.
import loraPacketModule from 'lora-packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_APPSKEY, TEST_NWKSKEY } from '../src/lorawan/vectors.ts';
import { type DevsResult, runVmTest, vmConsoleLines } from '../harness/devs.ts';

// lora-packet's typings declare an ES default export, but its CommonJS build replaces
// module.exports with the API object, which is what Node's default import then is.
const lp = loraPacketModule as unknown as typeof loraPacketModule.default;
const H = (s: string) => Buffer.from(s, 'hex');

describe('radio drivers in the DeviceScript VM (devs run src/radio/radio.vmtest.ts --test)', () => {
  let run: DevsResult;
  let lines: string[];
  let report: string;

  beforeAll(async () => {
    run = await runVmTest('src/radio/radio.vmtest.ts', 90_000);
    lines = vmConsoleLines(run.stdout);
    report = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-40).join('\n');
  });

  it('passes in the VM (exit code 0)', () => {
    expect(run.timedOut, report).toBe(false);
    expect(run.code, report).toBe(0);
  });

  it.each(['sx1276', 'sx1262', 'pipe'])('driver check %s found no problem', (name) => {
    expect(lines.filter((l) => l.startsWith(`PROBLEM ${name}:`))).toEqual([]);
    expect(lines).toContain(`CHECK ${name} 0`);
  });

  it('frames the MAC sent through the SX1276 driver verify and decrypt with lora-packet', () => {
    const frames = lines.filter((l) => l.startsWith('SXUP ')).map((l) => lp.fromWire(H(l.slice(5))));
    expect(frames).toHaveLength(2);
    expect(frames.map((p) => p.getFCnt())).toEqual([0, 1]);
    for (const p of frames) expect(lp.verifyMIC(p, H(TEST_NWKSKEY), undefined, Buffer.alloc(2))).toBe(true);
    expect(frames.map((p) => lp.decrypt(p, H(TEST_APPSKEY), H(TEST_NWKSKEY)).toString('hex'))).toEqual(['1020', '30']);
  });
});
