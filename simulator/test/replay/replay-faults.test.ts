// Faults produce exactly what the ledger says: each run injects one kind of fault into a short
// replay of the bundled fleet and compares what a real UDP receiver got with the ledger.
import { afterEach, describe, expect, it } from 'vitest';
import type { MeasurementBatch, StatusMessage } from '@reeflink/codecs';
import { FAULT_DRIFT, FAULT_SPIKE, FAULT_STUCK, frameFate, runReplay, type FaultPlan, type Fleet, type ReplayResult } from '../../src/index.js';
import { firstArrivals, startDecodingServer, type DecodingServer } from '../support/decoding-server.js';
import { bundledFleet, DAY_MS, FROM, until, sources } from '../support/bundled.js';

const servers: DecodingServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function replay(faults: FaultPlan, days = 2, fleetChange?: (f: Fleet) => Fleet): Promise<{ result: ReplayResult; server: DecodingServer; fleet: Fleet }> {
  let fleet = await bundledFleet();
  if (fleetChange) fleet = fleetChange(structuredClone(fleet));
  const server = await startDecodingServer(fleet);
  servers.push(server);
  const result = await runReplay({ fleet, sourceCache: sources, from: FROM, to: until(days), target: { udp: server.address, statIntervalS: 0 }, faults, seed: 11 });
  return { result, server, fleet };
}

const key = (device: string | undefined, fCnt: number | undefined) => `${device}/${fCnt}`;

describe('faults on demand, counted exactly', () => {
  it('packet loss: lost frames never arrive, every other frame does', async () => {
    const { result, server } = await replay({ all: { packetLoss: 0.3 } });
    const lost = result.ledger.frames.filter((f) => f.lost === 'packet-loss');
    expect(lost.length).toBe(result.summary.totals.lostByReason['packet-loss']);
    expect(lost.length).toBeGreaterThan(10);
    const arrived = new Set(firstArrivals(server.received).map((r) => key(r.device, r.fCnt)));
    for (const f of result.ledger.frames) expect(arrived.has(key(f.buoyId, f.fCnt))).toBe(frameFate(f) === 'delivered');
    expect(arrived.size).toBe(result.summary.totals.delivered);
    // Samples of lost frames are lost by design; the rest are expected.
    const expected = [...result.ledger.expectedSamples(undefined, 'temperature')].length;
    const decoded = firstArrivals(server.received).filter((r) => r.fPort === 1).reduce((n, r) => n + (r.uplink as MeasurementBatch).samples.length, 0);
    expect(decoded).toBe(expected);
  });

  it('duplicate reception: one gateway forwards the same rxpk twice, as many times as the ledger says', async () => {
    const { result, server } = await replay({ all: { duplicate: 0.25 } });
    const { totals } = result.summary;
    expect(totals.duplicates).toBeGreaterThan(10);
    expect(server.received.length).toBe(totals.receptions + totals.duplicates);
    const copies = new Map<string, number>();
    for (const r of server.received) copies.set(`${r.gatewayEui}/${r.rxpk.data}`, (copies.get(`${r.gatewayEui}/${r.rxpk.data}`) ?? 0) + 1);
    expect([...copies.values()].filter((n) => n === 2).length).toBe(totals.duplicates);
    expect([...copies.values()].every((n) => n <= 2)).toBe(true);
  });

  it('delay and reordering: late frames keep their reception time; those overtaken are flagged', async () => {
    const { result, server } = await replay({ all: { delay: { probability: 0.3, maxS: 4 * 3600 } } });
    const delayed = result.ledger.frames.filter((f) => f.delayedMs > 0);
    expect(delayed.length).toBeGreaterThan(5);
    for (const r of server.received) {
      const f = result.ledger.frames.find((x) => x.buoyId === r.device && x.fCnt === r.fCnt)!;
      expect(Date.parse(r.rxpk.time)).toBe(f.rxTimeMs);
    }
    // A frame reaching the server after a higher counter of its device is what the ledger flags.
    const highest = new Map<string, number>();
    const overtaken = new Set<string>();
    for (const r of firstArrivals(server.received)) {
      const h = highest.get(r.device!) ?? -1;
      if (r.fCnt! <= h) overtaken.add(key(r.device, r.fCnt));
      else highest.set(r.device!, r.fCnt!);
    }
    expect(overtaken.size).toBeGreaterThan(0);
    const flagged = new Set(result.ledger.frames.filter((f) => f.counterNotIncreasing).map((f) => key(f.buoyId, f.fCnt)));
    expect(flagged).toEqual(overtaken);
    expect(result.summary.totals.counterNotIncreasing).toBe(overtaken.size);
  });

  it('corrupt frames and wrong keys: exactly the flagged frames fail the MIC check', async () => {
    const { result, server } = await replay({ all: { corrupt: 0.15 }, buoys: { 'abore-slope': { wrongKeys: { probability: 0.4 } } } }, 3);
    const bad = result.ledger.frames.filter((f) => f.heardBy.length > 0 && (f.corrupted || f.wrongKeys));
    expect(result.summary.totals.corrupted).toBeGreaterThan(3);
    expect(result.summary.totals.wrongKeys).toBeGreaterThan(3);
    expect(result.summary.totals.rejectedByDesign).toBe(bad.length);
    const failed = server.received.filter((r) => r.device === undefined);
    expect(failed.length).toBe(bad.reduce((n, f) => n + f.heardBy.length, 0));
    const badPayloads = new Set(bad.map((f) => f.phyPayload.toString('base64')));
    for (const r of failed) expect(badPayloads.has(r.rxpk.data)).toBe(true);
    for (const f of bad) for (const s of result.ledger.samples(f.buoyId, 'temperature')) if (s.frameId === f.id) expect(s.fate).toMatch(/corrupted|wrong-keys/);
  });

  it('FCnt reset: the counter restarts at 0, a RAM queue is lost, status says why', async () => {
    const at = Date.parse(FROM) + 1.3 * DAY_MS;
    const { result, server } = await replay({ buoys: { 'amedee-lagoon': { fcntReset: { at: [at], keepQueue: false } } } });
    const frames = result.ledger.frames.filter((f) => f.buoyId === 'amedee-lagoon');
    const before = frames.filter((f) => f.txStartMs < at);
    const after = frames.filter((f) => f.txStartMs >= at);
    expect(after[0]!.fCnt).toBe(0);
    expect(after.map((f) => f.fCnt)).toEqual(after.map((_, i) => i));
    // A server enforcing increasing counters drops every frame until the counter passes the old one.
    const oldMax = Math.max(...before.map((f) => f.fCnt));
    for (const f of after) expect(f.counterNotIncreasing).toBe(f.fCnt <= oldMax);
    const counters = result.summary.buoys['amedee-lagoon']!.counters;
    expect(counters.reboots).toBe(1);
    expect(counters.lostOnReboot).toBeGreaterThan(0);
    expect(result.ledger.sampleFates('amedee-lagoon', 'temperature')['lost-on-reboot']).toBe(counters.lostOnReboot);
    const firstStatus = server.received.find((r) => r.device === 'amedee-lagoon' && r.fPort === 2 && r.rxTimeMs >= at)!;
    expect(firstStatus.fCnt).toBe(0);
    expect(firstStatus.uplink as StatusMessage).toMatchObject({ resetCause: 'watchdog', uplinksSent: 0 });
    expect((firstStatus.uplink as StatusMessage).uptimeS).toBeLessThan(700);
  });

  it('gateway backhaul outage: store-and-forward delivers everything late, with the reception times', async () => {
    const from = Date.parse(FROM) + 0.5 * DAY_MS;
    const to = from + 0.5 * DAY_MS;
    const { result, server } = await replay({ gateways: { 'amedee-lighthouse': { outages: [{ from, to, mode: 'backhaul' }] } } });
    const eui = '0000000000dec0a2';
    const stored = server.received.filter((r) => r.gatewayEui === eui && r.rxTimeMs >= from && r.rxTimeMs < to);
    expect(stored.length).toBeGreaterThan(5);
    const positions = stored.map((r) => server.received.indexOf(r));
    const othersDuring = server.received.flatMap((r, i) => (r.gatewayEui !== eui && r.rxTimeMs < to ? [i] : []));
    const firstAfter = server.received.findIndex((r) => r.rxTimeMs > to);
    // Held until the link returns: after every copy the other gateways forwarded during the outage,
    // before anything received after it.
    expect(Math.min(...positions)).toBeGreaterThan(Math.max(...othersDuring));
    expect(Math.max(...positions)).toBeLessThan(firstAfter);
    expect(result.summary.totals.lostByDesign).toBe(0);
    expect(result.ledger.frames.filter((f) => f.heardBy.includes('amedee-lighthouse') && f.rxTimeMs >= from && f.rxTimeMs < to).every((f) => f.delayedMs > 0)).toBe(true);
  });

  it('all gateways down, confirmed uplinks: the queue grows, then drains with older ages', async () => {
    const from = Date.parse(FROM) + 0.5 * DAY_MS;
    const to = from + 0.5 * DAY_MS;
    const down = { outages: [{ from, to, mode: 'down' as const }] };
    const { result, server } = await replay(
      { gateways: { 'noumea-ird': down, 'amedee-lighthouse': down, 'mont-dore': down } },
      2,
      // A private network: no fair-use airtime limit, or the retries would exhaust it.
      (f) => ({ ...f, buoys: f.buoys.filter((b) => b.id === 'abore-slope').map((b) => ({ ...b, firmware: { ...b.firmware, confirmed: true, dailyAirtimeMs: 3_600_000 } })) }),
    );
    const lost = result.ledger.frames.filter((f) => f.lost === 'gateway-down');
    expect(lost.length).toBeGreaterThan(5);
    // Confirmed: nothing is lost, the samples wait in the queue.
    const fates = result.ledger.sampleFates('abore-slope', 'temperature');
    expect(Object.keys(fates).sort()).toEqual(['delivered', 'queued-at-end']);
    const statuses = server.received.filter((r) => r.fPort === 2).map((r) => r.uplink as StatusMessage);
    expect(Math.max(...statuses.map((s) => s.queueDepth))).toBeGreaterThan(12 * 6 - 10);
    const ages = firstArrivals(server.received)
      .filter((r) => r.fPort === 1 && r.rxTimeMs >= to)
      .flatMap((r) => (r.uplink as MeasurementBatch).samples.map((s) => s.ageS));
    expect(Math.max(...ages)).toBeGreaterThan(12 * 3600 - 600);
    // Catch-up: several frames right after the outage, spaced by the duty cycle.
    const catchUp = result.ledger.frames.filter((f) => f.kind === 'measurements' && f.rxTimeMs >= to && f.rxTimeMs < to + 3600_000);
    expect(catchUp.length).toBeGreaterThan(3);
    for (let i = 1; i < catchUp.length; i++) expect(catchUp[i]!.txStartMs - catchUp[i - 1]!.txStartMs).toBeGreaterThanOrEqual(catchUp[i - 1]!.airtimeMs * 100 - 1e-6);
  });

  it('sensor spikes, stuck values and drift change exactly the flagged samples', async () => {
    const t0 = Date.parse(FROM);
    const { result } = await replay({
      buoys: {
        'abore-slope': {
          sensors: {
            temperature: { spikes: { probability: 0.05, amplitude: 2 }, stuck: [{ from: t0 + 0.5 * DAY_MS, to: t0 + 0.75 * DAY_MS }] },
            pressure: { drift: { from: t0 + DAY_MS, perDay: 0.5 } },
          },
        },
      },
    });
    const temps = [...result.ledger.samples('abore-slope', 'temperature')];
    const spikes = temps.filter((s) => s.sensorFaults & FAULT_SPIKE);
    const stuck = temps.filter((s) => s.sensorFaults & FAULT_STUCK);
    expect(spikes.length).toBeGreaterThan(5);
    expect(stuck.length).toBe(36);
    for (const s of temps) {
      const off = Math.abs(s.expectedValue - s.sourceValue);
      if (s.sensorFaults & FAULT_SPIKE) expect(off).toBeGreaterThan(0.9);
      else if (!(s.sensorFaults & FAULT_STUCK)) expect(off).toBeLessThanOrEqual(s.quantum / 2 + 1e-9);
      expect(Math.abs(s.expectedValue - s.sentValue)).toBeLessThanOrEqual(s.quantum / 2 + 1e-9);
    }
    expect(new Set(stuck.map((s) => s.raw)).size).toBe(1);
    for (const s of result.ledger.samples('abore-slope', 'pressure')) {
      const drift = s.timeMs >= t0 + DAY_MS ? (0.5 * (s.timeMs - t0 - DAY_MS)) / DAY_MS : 0;
      expect(Math.abs(s.sentValue - s.sourceValue - drift)).toBeLessThan(1e-9);
      expect((s.sensorFaults & FAULT_DRIFT) !== 0).toBe(s.timeMs > t0 + DAY_MS);
    }
  });

  it('battery decline: status shows it, the buoy stops at the brown-out voltage', async () => {
    const { result, server } = await replay({ buoys: { 'boulari-bay': { battery: { declineMvPerDay: 300, cutoffMv: 3400 } } } }, 2.5);
    const statuses = server.received.filter((r) => r.device === 'boulari-bay' && r.fPort === 2).map((r) => r.uplink as StatusMessage);
    const volts = [...new Set(statuses.map((s) => s.batteryMv))];
    expect(volts.length).toBeGreaterThan(3);
    expect([...volts].sort((a, b) => b - a)).toEqual(volts);
    expect(statuses.some((s) => s.sensorFaults.includes('battery'))).toBe(true);
    const deadAt = Date.parse(FROM) + ((4100 - 3400) / 300) * DAY_MS;
    const last = result.ledger.frames.filter((f) => f.buoyId === 'boulari-bay').at(-1)!;
    expect(last.rxTimeMs).toBeLessThan(deadAt + 600_000);
    expect(result.summary.buoys['boulari-bay']!.counters.notSampledBatteryDead).toBe(result.summary.buoys['boulari-bay']!.counters.records - result.summary.buoys['boulari-bay']!.counters.sampled - result.summary.buoys['boulari-bay']!.counters.missingInSource);
    expect(result.summary.buoys['boulari-bay']!.counters.notSampledBatteryDead).toBeGreaterThan(20);
  });
});
