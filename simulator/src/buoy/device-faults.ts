// Device-side fault schedules of a virtual buoy: when it reboots, and the wrong keys it signs
// with when the wrong-keys fault strikes.
import type { SessionKeys } from '../lorawan/uplink-frame.js';
import type { Random } from '../random/seeded-random.js';
import type { BuoyFaults } from '../replay/fault-plan.js';

const DAY_MS = 86_400_000;

/** Reboot times: the listed ones plus a Poisson process of `perDay`, within [from, to). */
export function rebootTimes(faults: BuoyFaults, random: Random, fromMs: number, toMs: number): number[] {
  const out = (faults.fcntReset?.at ?? []).filter((t) => t >= fromMs && t < toMs);
  const perDay = faults.fcntReset?.perDay ?? 0;
  if (perDay > 0) {
    for (let t = fromMs; ; ) {
      t += (-Math.log(1 - random.uniform()) / perDay) * DAY_MS;
      if (t >= toMs) break;
      out.push(Math.round(t));
    }
  }
  return out.sort((a, b) => a - b);
}

/** Session keys other than the device's (same DevAddr): frames the server must reject. */
export function randomKeys(random: Random, devAddr: string): SessionKeys {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => random.int(256)));
  return { devAddr: Buffer.from(devAddr, 'hex'), nwkSKey: bytes(16), appSKey: bytes(16) };
}
