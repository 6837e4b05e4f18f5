// The HIL scenarios, written once for every target (./target.ts): test/virtual-buoy.test.ts runs
// them on the DeviceScript VM, test/physical-board.test.ts on a board behind `devs devtools
// --serial`, test/devtools-board.test.ts (some of them) on the VM standing in for that board.
// They run in this order on one rig; each leaves the buoy sampling normally (air unmuted,
// sensors plugged), so a file may also run a subset. docs/hil.md "Scenarios".
import { expect } from 'vitest';
import type { MeasurementBatch, StatusMessage } from '@reeflink/codecs';
import { applyModel } from '@reeflink/server/science';
import { HIL_CALIBRATIONS } from './fleet.ts';
import type { Heard, HilRig } from './rig.ts';
import { metricSum, waitForObservations, type StaObservation } from './sta.ts';

/** phenomenonTime vs the window a record was served in: ages are whole seconds, readings stream. */
export const TIME_SLACK_MS = 2500;

export interface ScenarioContext {
  rig: HilRig;
  /** Datastream ids of HIL_STATION by ObservedProperty name. */
  ids: Map<string, number>;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void> | void;
}

const isMeasurement = (h: Heard) => h.message?.type === 'measurements';
const isStatus = (h: Heard) => h.message?.type === 'status';

/** Checks stored temperature observations against the records the rig served; returns how many matched. */
export function checkAgainstSource(rig: HilRig, obs: StaObservation[]): number {
  let matched = 0;
  for (const o of obs) {
    // Which record's count gives this value (the forward model of the served count).
    const s = rig.served.find((x) => Math.abs(applyModel(HIL_CALIBRATIONS.temperature, x.raw.temperatureRaw) - o.result) < 1e-9);
    expect(s, `observation ${o.id} (${o.result} °C) is no served record's value`).toBeDefined();
    // Within the codec's quantisation (one count) of the NetCDF value.
    expect(Math.abs(o.result - s!.record.temperature_degC)).toBeLessThan(2e-4);
    expect(o.phenomenonTimeMs).toBeGreaterThanOrEqual(s!.fromMs - TIME_SLACK_MS);
    expect(o.phenomenonTimeMs).toBeLessThanOrEqual((s!.untilMs ?? Date.now()) + TIME_SLACK_MS);
    matched++;
  }
  return matched;
}

/** Boots, sends its status, and the first sample reaches the SensorThings API with its value and time. */
export const bootToObservation: Scenario = {
  name: 'boot → first uplink → observation in the SensorThings API',
  async run({ rig, ids }) {
    const status = await rig.waitHeard(isStatus, 60_000);
    expect(status.uplink.micOk).toBe(true);
    expect(status.message as StatusMessage).toMatchObject({ type: 'status', resetCause: 'power_on', sensorFaults: [], sampleIntervalS: rig.intervalS });

    const first = await rig.waitHeard(isMeasurement, 60_000);
    const batch = first.message as MeasurementBatch;
    const s0 = rig.recordOf(batch.samples[0]!);
    expect(s0, 'the first sample carries a served record').toBeDefined();

    const tId = ids.get('Sea water temperature')!;
    const pId = ids.get('Sea water pressure')!;
    const cId = ids.get('Sea water electrical conductivity')!;
    const phenomenonMs = first.rx.timeMs - batch.samples[0]!.ageS * 1000;
    const [t] = await Promise.all([
      waitForObservations(rig.server, tId, (o) => o.some((x) => x.phenomenonTimeMs === phenomenonMs)),
      waitForObservations(rig.server, pId, (o) => o.some((x) => x.phenomenonTimeMs === phenomenonMs)),
      waitForObservations(rig.server, cId, (o) => o.some((x) => x.phenomenonTimeMs === phenomenonMs)),
    ]);
    const obs = t.find((x) => x.phenomenonTimeMs === phenomenonMs)!;
    expect(obs.result).toBeCloseTo(s0!.record.temperature_degC, 3);
    expect(checkAgainstSource(rig, [obs])).toBe(1);
    const p = (await waitForObservations(rig.server, pId, () => true)).find((x) => x.phenomenonTimeMs === phenomenonMs)!;
    const c = (await waitForObservations(rig.server, cId, () => true)).find((x) => x.phenomenonTimeMs === phenomenonMs)!;
    expect(Math.abs(p.result - s0!.record.pressure_dbar)).toBeLessThan(6e-4);
    expect(Math.abs(c.result - s0!.record.conductivity_S_m)).toBeLessThan(1e-5);
  },
};

/** Every stored value and time matches the record served then. */
export const runOfSamples: Scenario = {
  name: 'a run of samples matches the source',
  async run({ rig, ids }) {
    const wanted = 8;
    const from = rig.heard.length;
    // Wait for frames carrying samples of at least `wanted` distinct records after this point.
    const startIndex = rig.served.length;
    await rig.waitHeard(() => {
      const seen = new Set<number>();
      for (const h of rig.heard.slice(from)) {
        if (h.message?.type !== 'measurements') continue;
        for (const s of h.message.samples) {
          const r = rig.recordOf(s);
          if (r && rig.served.indexOf(r) >= startIndex) seen.add(rig.served.indexOf(r));
        }
      }
      return seen.size >= wanted;
    }, 150_000, from);
    await rig.flushed();
    const sent = rig.heard.filter((h) => h.forwarded && isMeasurement(h)).reduce((n, h) => n + (h.message as MeasurementBatch).samples.length, 0);
    const obs = await waitForObservations(rig.server, ids.get('Sea water temperature')!, (o) => o.length >= sent);
    expect(obs.length).toBe(sent);
    expect(checkAgainstSource(rig, obs)).toBe(sent);
    expect(rig.heard.every((h) => h.uplink.micOk)).toBe(true);
  },
};

// Found two firmware bugs (docs/hil.md "Bugs this rig found"): a failed send dropped the samples,
// and the samples held through the silence came back with ages several seconds too young (the
// clock lost each program restart's time and a watchdog reboot's whole wake).
/** Samples queue while the air is dead, then catch up with their true ages. */
export const radioSilence: Scenario = {
  name: 'radio silence → queue → catch-up',
  async run({ rig }) {
    const air = rig.buoy.air;
    const heardFrom = rig.heard.length;
    air.mute = true;
    const mutedAt = Date.now();
    // The MAC's transmissions now fail (no TX_DONE); wait for three failed transmissions.
    const deadTx = () => air.attempts.filter((a) => !a.answered && a.startedAtMs >= mutedAt).length;
    await rig.until(() => deadTx() >= 3, 120_000, 'silence with three failed transmissions');
    air.mute = false;
    const unmutedAt = Date.now();
    // The first two measurement frames after the silence must carry the samples taken during
    // it (at least one per failed wake), with ages that date them inside the silence.
    const after = () => rig.heard.slice(heardFrom).filter((h) => isMeasurement(h) && h.rx.timeMs >= unmutedAt);
    await rig.until(() => after().length >= 2, 120_000, 'two measurement frames after the silence');
    const muted = after()
      .flatMap((h) => (h.message as MeasurementBatch).samples.map((s) => ({ h, s, phenomenonMs: h.rx.timeMs - s.ageS * 1000 })))
      .filter((x) => x.phenomenonMs < unmutedAt - TIME_SLACK_MS);
    expect(muted.length).toBeGreaterThanOrEqual(3);
    for (const { s, phenomenonMs } of muted) {
      // By the temperature count, read first: the rig may serve the next record while a sample's
      // three channels are read, so pressure can come from the next record (rig.recordOf needs both).
      const records = rig.served.filter((x) => x.raw.temperatureRaw === s.temperatureRaw);
      expect(records.length, `sample ${s.temperatureRaw} is a served record`).toBeGreaterThan(0);
      const windows = records.map((r) => `${r.fromMs - TIME_SLACK_MS}..${(r.untilMs ?? Date.now()) + TIME_SLACK_MS}`);
      const dated = records.some((r) => phenomenonMs >= r.fromMs - TIME_SLACK_MS && phenomenonMs <= (r.untilMs ?? Date.now()) + TIME_SLACK_MS);
      expect(dated, `sample ${s.temperatureRaw} (age ${s.ageS} s) dated ${phenomenonMs}, served in ${windows.join(', ')}`).toBe(true);
    }
  },
};

/** Its channel goes missing, the others keep reporting, the status flags it, even after a power cut. */
export const sensorFault: Scenario = {
  name: 'a sensor stops answering → status flags it, even after a power cut',
  async run({ rig }) {
    const heardFrom = rig.heard.length;
    rig.buoy.sensors.unplug('conductivity');
    const partial = () =>
      rig.heard.slice(heardFrom).flatMap((h) => (h.message?.type === 'measurements' ? h.message.samples : [])).filter((s) => s.conductivityRaw === undefined);
    await rig.waitHeard(() => partial().length >= 2, 120_000, heardFrom);
    for (const s of partial()) {
      expect(s.temperatureRaw).toBeDefined();
      expect(s.pressureRaw).toBeDefined();
      expect(rig.recordOf(s), 'temperature and pressure still carry the served record').toBeDefined();
    }
    // Statuses go out after a boot and daily; ask for one now with a configuration downlink
    // (requestStatus) delivered in the next receive window.
    const downFrom = rig.heard.length;
    rig.queueConfig({ seq: 1, commands: [{ command: 'requestStatus' }] });
    const ack = await rig.waitHeard((h) => h.message?.type === 'configAck', 90_000, downFrom);
    expect(ack.message).toMatchObject({ seq: 1, results: [{ command: 'requestStatus', result: 'ok' }] });
    const status = await rig.waitHeard(isStatus, 90_000, downFrom);
    expect((status.message as StatusMessage).sensorFaults).toContain('conductivity');
    expect((status.message as StatusMessage).downlinksReceived).toBeGreaterThanOrEqual(1);
    rig.buoy.sensors.plug('conductivity');
    const back = rig.heard.length;
    await rig.waitHeard((h) => h.message?.type === 'measurements' && h.message.samples.some((x) => x.conductivityRaw !== undefined), 90_000, back);

    // A fault not yet reported survives a power cut (it used to be cleared by a cold boot): the
    // sensor fails again, comes back, and the power is cut before any status went out. The first
    // status after the cut (the boot status if the cut hit an awake buoy, else one asked for by
    // downlink) must still name it, though the sensor has answered since.
    const again = rig.heard.length;
    rig.buoy.sensors.unplug('conductivity');
    await rig.waitHeard((h) => h.message?.type === 'measurements' && h.message.samples.some((x) => x.conductivityRaw === undefined), 90_000, again);
    rig.buoy.sensors.plug('conductivity');
    const cutFrom = rig.heard.length;
    expect(rig.heard.slice(again).some(isStatus), 'no status between the fault and the power cut').toBe(false);
    await rig.buoy.powerCycle();
    rig.queueConfig({ seq: 2, commands: [{ command: 'requestStatus' }] });
    const afterCut = await rig.waitHeard(isStatus, 90_000, cutFrom);
    expect((afterCut.message as StatusMessage).sensorFaults).toContain('conductivity');
  },
};

/** FCnt continues and the server rejects nothing (no replay). */
export const reboot: Scenario = {
  name: 'reboot → FCnt continues, no replay rejection',
  async run({ rig }) {
    const lastFCnt = Math.max(...rig.heard.map((h) => h.uplink.fCnt));
    const from = rig.heard.length;
    await rig.buoy.powerCycle();
    const next = await rig.waitHeard(isMeasurement, 90_000, from);
    expect(next.uplink.fCnt).toBeGreaterThan(lastFCnt);
    // Frame counters strictly increase across every frame the air heard, through every reboot and power cut.
    const fcnts = rig.heard.map((h) => h.uplink.fCnt);
    for (let i = 1; i < fcnts.length; i++) expect(fcnts[i]!).toBeGreaterThan(fcnts[i - 1]!);
    await rig.flushed();
    const forwarded = rig.heard.filter((h) => h.forwarded).length;
    await rig.until(() => rig.heard.filter((h) => h.forwarded).every((h) => h.acked), 30_000, 'PUSH_ACK for every frame');
    const metrics = await rig.server.metrics();
    expect(metricSum(metrics, 'reeflink_pipeline_rejections_total')).toBe(0);
    expect(metricSum(metrics, 'reeflink_source_rejections_total')).toBe(0);
    expect(metricSum(metrics, 'reeflink_uplinks_total{outcome="accepted"}')).toBeGreaterThanOrEqual(forwarded);
  },
};

/** Each transmission waits 99 × the previous airtime; airtime per hour measured. */
export const dutyCycle: Scenario = {
  name: 'duty cycle measured from the transmissions',
  run({ rig }) {
    const attempts = rig.buoy.air.attempts;
    const cycles = rig.buoy.powerCycles;
    let airtime = 0;
    for (const a of attempts) airtime += a.airtimeMs;
    const spanMs = Date.now() - attempts[0]!.startedAtMs;
    const violations: string[] = [];
    let checked = 0;
    for (let i = 1; i < attempts.length; i++) {
      const prev = attempts[i - 1]!;
      const cur = attempts[i]!;
      // A power cut loses what the MAC kept in RAM about the band: not checked across one.
      if (cycles.some((t) => t > prev.startedAtMs && t < cur.startedAtMs)) continue;
      checked++;
      const gap = cur.startedAtMs - (prev.startedAtMs + prev.airtimeMs);
      // 100 ms for the VM ↔ harness latency of TX_DONE (the firmware times from its arrival).
      if (gap < 99 * prev.airtimeMs - 100) violations.push(`#${i}: ${gap.toFixed(0)} ms after ${prev.airtimeMs.toFixed(1)} ms on air`);
    }
    const perHourS = (airtime / spanMs) * 3600;
    console.log(
      `hil duty cycle: ${attempts.length} transmissions (${attempts.filter((a) => !a.answered).length} into dead air), ${airtime.toFixed(0)} ms on air in ${(spanMs / 1000).toFixed(0)} s = ${perHourS.toFixed(1)} s/h (${((100 * airtime) / spanMs).toFixed(2)} %); ${checked} gaps checked`,
    );
    expect(checked).toBeGreaterThan(5);
    expect(violations).toEqual([]);
    expect(perHourS).toBeLessThanOrEqual(36);
  },
};

/** Every scenario, in the order they run on one rig. */
export const ALL_SCENARIOS: Scenario[] = [bootToObservation, runOfSamples, radioSilence, sensorFault, reboot, dutyCycle];
