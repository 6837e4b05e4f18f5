// A configuration downlink from the operator to the firmware, through reeflink serve's Class A
// scheduler: `reeflink downlink <devEui> --interval 10` queues it in the server's store; after
// the buoy's next uplink the server sends a PULL_RESP (RX1: uplink tmst + 1 s, same channel and
// SF) to the rig's gateway, which TX_ACKs it and puts it on the air for that receive window; the
// firmware's MAC accepts it, the application applies it and answers with a configAck (fPort 3),
// which marks the queue item acked; the samples in the SensorThings API are then spaced by the
// new interval. docs/hil.md "Downlinks", docs/downlinks.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDownlink, type MeasurementBatch, type StatusMessage } from '@reeflink/codecs';
import { loraPacket } from '@reeflink/simulator';
import { HIL_GATEWAY_EUI, HIL_KEYS } from '../src/fleet.ts';
import type { HilRig, Heard } from '../src/rig.ts';
import { metricSum, observations, waitForObservations } from '../src/sta.ts';
import { startHilRig } from '../src/start.ts';

/** The VM's compressed interval (docs/hil.md "Time"), and the one the downlink sets (the codec's minimum). */
const INTERVAL_S = 2;
const NEW_INTERVAL_S = 10;
const DEV_EUI = '70b3d57ed00f0001';

const isMeasurement = (h: Heard) => h.message?.type === 'measurements';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

function spacingsS(times: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push((times[i]! - times[i - 1]!) / 1000);
  return out;
}

describe('downlink: setInterval from the operator to the buoy through reeflink serve', () => {
  let rig: HilRig;
  let tId: number;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const started = await startHilRig({ recordCount: 100, intervalS: INTERVAL_S });
    ({ rig, stop } = started);
    tId = started.ids.get('Sea water temperature')!;
  });

  afterAll(() => stop?.());

  it('queues setInterval with the CLI, the buoy applies it, acknowledges it, and samples at the new spacing', async () => {
    // Before: the compressed interval (the VM's wake time makes it ~4–6 s in practice).
    await rig.waitHeard(isMeasurement, 60_000);
    const before = await waitForObservations(rig.server, tId, (o) => o.length >= 6, 60_000);

    const queued = await rig.enqueueDownlink(DEV_EUI, ['--interval', String(NEW_INTERVAL_S), '--request-status']);
    expect(queued).toMatch(/queued #1 pending fPort 10 config seq 1: setInterval 10 s, requestStatus/);
    const from = rig.heard.length;

    // The server answers the next uplink through the gateway; the air delivers it in RX1.
    await rig.until(() => rig.serverDownlinks.some((d) => d.delivered), 60_000, 'a server downlink delivered in a receive window');
    const down = rig.serverDownlinks.find((d) => d.delivered)!;
    const uplinkBefore = [...rig.heard].reverse().find((h) => h.tx.endedAtMs <= down.dueMs)!;
    expect(down.txpk).toMatchObject({ imme: false, ipol: true, modu: 'LORA', datr: `SF${uplinkBefore.tx.sf}BW125`, freq: uplinkBefore.tx.frequencyHz / 1e6 });
    // tmst = the uplink's tmst + 1 s: due one second after the frame's airtime ended.
    expect(Math.abs(down.dueMs - (uplinkBefore.tx.endedAtMs + 1000))).toBeLessThan(50);
    const p = loraPacket.fromWire(down.phy);
    expect(p.getMType()).toBe('Unconfirmed Data Down');
    expect(p.getFCnt()).toBe(0);
    expect(p.getFPort()).toBe(10);
    const nwk = Buffer.from(HIL_KEYS.nwkSKey, 'hex');
    expect(loraPacket.verifyMIC(p, nwk)).toBe(true);
    const expected = encodeDownlink({ type: 'config', seq: 1, commands: [{ command: 'setInterval', intervalS: NEW_INTERVAL_S }, { command: 'requestStatus' }] });
    expect(loraPacket.decrypt(p, Buffer.from(HIL_KEYS.appSKey, 'hex'), nwk).toString('hex')).toBe(Buffer.from(expected.ok ? expected.value.bytes : []).toString('hex'));

    // The firmware applied it: configAck on fPort 3, then a status with the new interval.
    const ack = await rig.waitHeard((h) => h.message?.type === 'configAck', 60_000, from);
    expect(ack.message).toMatchObject({ seq: 1, results: [{ command: 'setInterval', result: 'ok' }, { command: 'requestStatus', result: 'ok' }] });
    const status = await rig.waitHeard((h) => h.message?.type === 'status', 60_000, from);
    expect((status.message as StatusMessage).sampleIntervalS).toBe(NEW_INTERVAL_S);
    await rig.until(() => ack.acked, 10_000, 'PUSH_ACK of the configAck');
    const listed = JSON.parse(await rig.enqueueDownlink(DEV_EUI, ['--list', '--json']));
    expect(listed[0]).toMatchObject({ id: 1, state: 'acked', fCntDown: 0, gatewayId: HIL_GATEWAY_EUI });

    // After: samples taken once the new interval applies, read back from SensorThings.
    const appliedAtMs = down.windowOpenedAtMs!;
    const after = await waitForObservations(rig.server, tId, (o) => o.filter((x) => x.phenomenonTimeMs > appliedAtMs + NEW_INTERVAL_S * 1000).length >= 6, 120_000);
    // The first spacing spans the boot (restart, role binding, provisioning): left out.
    const beforeSpacing = spacingsS(before.map((o) => o.phenomenonTimeMs)).slice(1);
    const afterTimes = after.filter((x) => x.phenomenonTimeMs > appliedAtMs + NEW_INTERVAL_S * 1000).map((o) => o.phenomenonTimeMs);
    const afterSpacing = spacingsS(afterTimes);
    console.log(`sample spacing before ${beforeSpacing.join(', ')} s; after ${afterSpacing.join(', ')} s`);
    expect(median(beforeSpacing)).toBeLessThan(NEW_INTERVAL_S - 2);
    // Samples sit on the buoy's interval grid, each taken when the VM has woken (4–6 s of wake
    // latency that varies with load), so single spacings jitter by a few seconds; the mean over
    // five spacings is the interval within that jitter / 5, and none is at the old rate.
    for (const s of afterSpacing) expect(s).toBeGreaterThan(NEW_INTERVAL_S / 2);
    const meanAfter = (afterTimes[afterTimes.length - 1]! - afterTimes[0]!) / 1000 / afterSpacing.length;
    expect(Math.abs(meanAfter - NEW_INTERVAL_S)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(median(afterSpacing) - NEW_INTERVAL_S)).toBeLessThanOrEqual(2);

    // Every sample the buoy sent is stored, and the server counted one data downlink, no TX_ACK error.
    const metrics = await rig.server.metrics();
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="sent",detail="data"\} 1$/m);
    expect(metricSum(metrics, 'reeflink_downlinks_total{outcome="tx_ack_error"')).toBe(0);
    const sent = rig.heard.filter((h) => h.forwarded && isMeasurement(h)).reduce((n, h) => n + (h.message as MeasurementBatch).samples.length, 0);
    await rig.flushed();
    expect((await observations(rig.server, tId)).length).toBeGreaterThanOrEqual(sent - 1);
  });
});
