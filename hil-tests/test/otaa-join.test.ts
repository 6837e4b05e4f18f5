// OTAA end to end: the firmware in the DeviceScript VM, provisioned with DevEUI / JoinEUI / AppKey
// only, joins through the rig's gateway and a real `reeflink serve`: Join-request on the air →
// PUSH_DATA → the server's join server → PULL_RESP (Join-accept at tmst + 5 s) → the air's RX1 →
// the firmware derives its session → first data uplink → observations in the SensorThings API.
// Then a power cut: the firmware keeps its OTAA session in flash and continues it (no rejoin),
// and the server keeps accepting it. docs/otaa.md, docs/hil.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasurementBatch } from '@reeflink/codecs';
import { loraPacket } from '@reeflink/simulator';
import { HIL_DEV_EUI, hilManifest } from '../src/fleet.ts';
import type { HilRig, Heard } from '../src/rig.ts';
import { metricSum, waitForObservations } from '../src/sta.ts';
import { startHilRig } from '../src/start.ts';

/** Demonstration OTAA root keys for the virtual buoy only. */
const OTAA = { devEui: HIL_DEV_EUI, joinEui: '70b3d57ed00f0000', appKey: '5e1c9a0b7d3f2e4a6c8b0d1f3a5c7e9b' };
const APP_KEY = Buffer.from(OTAA.appKey, 'hex');
const INTERVAL_S = 2;

const isJoinRequest = (h: Heard) => h.uplink.mType === 'Join Request';
const isData = (h: Heard) => h.uplink.mType === 'Unconfirmed Data Up' || h.uplink.mType === 'Confirmed Data Up';
const isMeasurement = (h: Heard) => h.message?.type === 'measurements';

function otaaManifest(position: { latitude: number; longitude: number }) {
  const m = hilManifest(position) as any;
  delete m.devices[0].abp;
  m.devices[0].otaa = { joinEui: OTAA.joinEui, appKey: OTAA.appKey };
  return m;
}

describe('OTAA join of the virtual buoy through reeflink serve', () => {
  let rig: HilRig;
  let ids: Map<string, number>;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, ids, stop } = await startHilRig({
      recordCount: 100,
      manifest: otaaManifest,
      // Unknown until the join: replaced by the keys derived from the server's Join-accept.
      keys: { devAddr: '00000000', nwkSKey: '00'.repeat(16), appSKey: '00'.repeat(16) },
      otaa: OTAA,
      intervalS: INTERVAL_S,
    }));
  });

  afterAll(() => stop?.());

  it('boot → Join-request → Join-accept from the server → first data uplink → observations in the API', async () => {
    const join = await rig.waitHeard(isJoinRequest, 60_000);
    const request = loraPacket.fromWire(join.tx.phy);
    expect(loraPacket.verifyMIC(request, undefined, APP_KEY)).toBe(true);
    expect(Buffer.from(request.DevEUI!).toString('hex')).toBe(OTAA.devEui);
    const devNonce = Buffer.from(request.DevNonce!);

    // The server answers through the gateway (PULL_RESP), in RX1: 5 s after the request, same channel and SF.
    await rig.until(() => rig.serverDownlinks.length > 0, 15_000, 'Join-accept PULL_RESP');
    const accept = rig.serverDownlinks[0]!;
    expect(accept.frequencyHz).toBe(join.tx.frequencyHz);
    expect(accept.sf).toBe(join.tx.sf);
    expect(accept.dueMs - join.tx.endedAtMs).toBeGreaterThan(4900);
    expect(accept.dueMs - join.tx.endedAtMs).toBeLessThan(5100);
    const plain = loraPacket.fromWire(loraPacket.decryptJoinAccept(loraPacket.fromWire(accept.phy), APP_KEY));
    expect(loraPacket.verifyMIC(plain, undefined, APP_KEY)).toBe(true);
    const keys = loraPacket.generateSessionKeys(APP_KEY, plain.NetID!, plain.AppNonce!, devNonce);
    rig.o.keys = { devAddr: Buffer.from(plain.DevAddr!).toString('hex'), nwkSKey: keys.NwkSKey.toString('hex'), appSKey: keys.AppSKey.toString('hex') };

    await rig.until(() => accept.delivered, 10_000, 'Join-accept delivered in a receive window');
    const first = await rig.waitHeard(isMeasurement, 60_000, rig.heard.indexOf(join) + 1);
    expect(first.uplink.micOk).toBe(true);
    expect(first.uplink.devAddr).toBe(rig.o.keys.devAddr);
    // Only one Join-request was needed.
    expect(rig.heard.filter(isJoinRequest)).toHaveLength(1);

    const batch = first.message as MeasurementBatch;
    const s0 = rig.recordOf(batch.samples[0]!);
    expect(s0, 'the first sample carries a served record').toBeDefined();
    const phenomenonMs = first.rx.timeMs - batch.samples[0]!.ageS * 1000;
    const t = await waitForObservations(rig.server, ids.get('Sea water temperature')!, (o) => o.some((x) => x.phenomenonTimeMs === phenomenonMs));
    expect(t.find((x) => x.phenomenonTimeMs === phenomenonMs)!.result).toBeCloseTo(s0!.record.temperature_degC, 3);

    await rig.flushed();
    const metrics = await rig.server.metrics();
    expect(metricSum(metrics, 'reeflink_uplinks_total{outcome="join_accepted"}')).toBe(1);
    expect(metricSum(metrics, 'reeflink_pipeline_rejections_total')).toBe(0);
  }, 120_000);

  it('after a reboot the buoy continues its OTAA session (no rejoin); the server accepts the higher FCnts', async () => {
    const before = rig.heard.filter(isData);
    const lastFCnt = Math.max(...before.map((h) => h.uplink.fCnt));
    const from = rig.heard.length;
    await rig.buoy.powerCycle();
    const next = await rig.waitHeard(isMeasurement, 60_000, from);
    expect(next.uplink.micOk).toBe(true); // the same session keys
    expect(next.uplink.fCnt).toBeGreaterThan(lastFCnt);
    expect(rig.heard.slice(from).filter(isJoinRequest)).toHaveLength(0);
    const fCnts = rig.heard.filter(isData).map((h) => h.uplink.fCnt);
    expect(fCnts).toEqual([...fCnts].sort((a, b) => a - b));
    expect(new Set(fCnts).size).toBe(fCnts.length);

    const batch = next.message as MeasurementBatch;
    const phenomenonMs = next.rx.timeMs - batch.samples[0]!.ageS * 1000;
    await waitForObservations(rig.server, ids.get('Sea water temperature')!, (o) => o.some((x) => x.phenomenonTimeMs === phenomenonMs));
    await rig.flushed();
    expect(rig.heard.filter((h) => h.forwarded).every((h) => h.acked)).toBe(true);
    const metrics = await rig.server.metrics();
    expect(metricSum(metrics, 'reeflink_uplinks_total{outcome="join_accepted"}')).toBe(1);
    expect(metricSum(metrics, 'reeflink_pipeline_rejections_total')).toBe(0);
  }, 90_000);
});
