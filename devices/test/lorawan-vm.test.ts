// The LoRaWAN stack in the DeviceScript VM (src/lorawan/lorawan.vmtest.ts): it must pass there, and
// every frame the VM built — by the frame functions and by the MAC itself — must verify and
// decrypt with lora-packet in Node.
import loraPacketModule from 'lora-packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_APPSKEY, TEST_NWKSKEY } from '../src/lorawan/vectors.ts';
import { type DevsResult, runVmTest, vmConsoleLines } from '../harness/devs.ts';

// lora-packet's typings declare an ES default export, but its CommonJS build replaces
// module.exports with the API object, which is what Node's default import then is.
const lp = loraPacketModule as unknown as typeof loraPacketModule.default;
const H = (s: string) => Buffer.from(s, 'hex');
const msb = (fCnt: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(fCnt >>> 16);
  return b;
};

describe('LoRaWAN in the DeviceScript VM (devs run src/lorawan/lorawan.vmtest.ts --test)', () => {
  let run: DevsResult;
  let lines: string[];
  let report: string;

  beforeAll(async () => {
    run = await runVmTest('src/lorawan/lorawan.vmtest.ts', 90_000);
    lines = vmConsoleLines(run.stdout);
    report = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-40).join('\n');
  });

  it('passes in the VM (exit code 0)', () => {
    expect(run.timedOut, report).toBe(false);
    expect(run.code, report).toBe(0);
    expect(lines.some((l) => /^tests: \d+, pass: \d+, error: 0$/.test(l)), report).toBe(true);
  });

  it('every uplink the VM built verifies and decrypts with lora-packet (12 random frames, 32-bit FCnt)', () => {
    const field = (tag: string) => new Map(lines.filter((l) => l.startsWith(tag + ' ')).map((l) => [l.split(' ')[1]!, l.split(' ').slice(2)]));
    const keys = field('UPK');
    const fields = field('UPF');
    const phys = field('UPP');
    expect(phys.size).toBe(12);
    const uplinks: string[] = [];
    for (const [i, [phy]] of phys) {
      const [nwk, app] = keys.get(i)!;
      const [devAddr, fCnt, fPort, payload] = fields.get(i)!;
      const line = `frame ${i}: ${fields.get(i)!.join(' ')}`;
      uplinks.push(line);
      const p = lp.fromWire(H(phy!));
      const n = Number(fCnt);
      expect(p.DevAddr!.readUInt32BE(0), line).toBe(Number(devAddr));
      expect(p.getFCnt(), line).toBe(n & 0xffff);
      expect(p.getFPort(), line).toBe(Number(fPort));
      expect(lp.verifyMIC(p, H(nwk!), undefined, msb(n)), line).toBe(true);
      expect(lp.decrypt(p, H(app!), H(nwk!), msb(n)).toString('hex'), line).toBe(payload ?? '');
    }
    // The random inputs cover counters above 2^31, where DeviceScript's `%` would break.
    expect([...fields.values()].some((f) => Number(f[1]) > 2 ** 31)).toBe(true);
  });

  it('the MAC\'s own uplinks verify with lora-packet, with its answers to LinkADRReq and DevStatusReq', () => {
    const frames = lines.filter((l) => l.startsWith('MACUP ')).map((l) => lp.fromWire(H(l.slice(6))));
    expect(frames).toHaveLength(2);
    frames.forEach((p, i) => {
      expect(p.getFCnt()).toBe(i);
      expect(lp.verifyMIC(p, H(TEST_NWKSKEY), undefined, msb(i))).toBe(true);
      expect([...lp.decrypt(p, H(TEST_APPSKEY), H(TEST_NWKSKEY), msb(i))]).toEqual(i === 0 ? [1, 2, 3] : [4, 5, 6]);
    });
    expect(frames[1]!.FOpts!.toString('hex')).toBe('0307' + '06ff03');
  });

  it('FCntUp through @devicescript/settings: a reset skips the rest of the block, suspend() skips nothing', () => {
    expect(lines).toContain('FCNTS 0,1,8,9,10,11');
  });
});
