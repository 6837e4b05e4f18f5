// The firmware rules a virtual buoy follows, driven directly (no network): when it sends, what a
// frame carries, ages, status, duty cycle, queue limits, setBatch, confirmed uplinks.
import { describe, expect, it } from 'vitest';
import { decodeUplink, encodeMeasurements, type MeasurementBatch, type StatusMessage } from '@reeflink/codecs';
import { CalibrationSet } from '@reeflink/server/science';
import { ReplayLedger, VirtualBuoy, type BuoyRecords, type BuoySpec, type FirmwareSettings } from '../../src/index.js';
import { bundledFleet } from '../support/bundled.js';

const T0 = Date.parse('2024-03-01T00:00:00Z');

/** A smooth synthetic T/P series every 10 minutes. */
function records(n: number): BuoyRecords {
  const timesMs = new Float64Array(n).map((_, i) => T0 + i * 600_000);
  return {
    timesMs,
    temperature_degC: timesMs.map((_, i) => 25 + 0.3 * Math.sin(i / 20)),
    pressure_dbar: timesMs.map((_, i) => 25 + 0.5 * Math.sin(i / 12)),
    conductivity_S_m: undefined,
    salinity: undefined,
    latitude: -22.47,
    longitude: 166.34,
    nominalDepthM: 25,
    nominalPressureDbar: 25.1,
    platformCode: 'TEST',
    fileName: 'synthetic',
  };
}

async function buoy(n: number, firmware: Partial<FirmwareSettings> = {}, dataRate = 0) {
  const spec: BuoySpec = structuredClone((await bundledFleet()).buoys[1]!); // abore-slope: T + P
  spec.firmware = { ...spec.firmware, ...firmware };
  spec.radio = { ...spec.radio, dataRate };
  const ledger = new ReplayLedger();
  const b = new VirtualBuoy(spec, records(n), CalibrationSet.of(spec.calibrations), {}, { seed: 1, fromMs: T0, toMs: T0 + n * 600_000, ledger });
  return { b, ledger };
}

/** Runs the buoy to the end; `ack` decides each frame's acknowledgement. */
function drain(b: VirtualBuoy, ack: (i: number) => boolean = () => true) {
  const txs = [];
  for (let tx = b.nextTransmission(); tx; tx = b.nextTransmission()) {
    b.settle(tx.frame, ack(txs.length));
    txs.push(tx);
  }
  b.finish();
  return txs;
}

describe('virtual buoy rules', () => {
  it('sends a measurement frame when the queue holds more than one frame, carrying what fits', async () => {
    const { b, ledger } = await buoy(400, { statusIntervalS: 86_400, maxHoldS: 0 });
    const txs = drain(b);
    const frames = txs.filter((t) => t.frame.kind === 'measurements');
    expect(frames.length).toBeGreaterThan(5);
    let previousLast = -1;
    for (const t of frames) {
      const batch = decodeUplink(t.frame.payload, 1);
      if (!batch.ok) throw new Error(batch.error.message);
      const samples = (batch.value as MeasurementBatch).samples;
      expect(t.frame.payloadBytes).toBeLessThanOrEqual(51);
      expect(t.frame.rxTimeMs % 1000).toBe(0);
      const times = samples.map((s) => t.frame.rxTimeMs - s.ageS * 1000);
      // Oldest first, every record exactly once, in order.
      expect(times[0]).toBe(T0 + (previousLast + 1) * 600_000);
      previousLast = (times.at(-1)! - T0) / 600_000;
      // The frame was sent because one more sample would not have fitted.
      const withNext = [...samples.map((s) => ({ ...s, ageS: s.ageS + 600 })), { ...samples.at(-1)!, ageS: 0 }];
      expect(encodeMeasurements(withNext, 51)).toMatchObject({ ok: true });
      expect(t.frame.sampleCount).toBe(samples.length);
    }
    expect(ledger.counters('abore-slope').queuedAtEnd).toBeLessThanOrEqual(Math.max(...frames.map((t) => t.frame.sampleCount)));
  });

  it('waits for the duty cycle and the RX windows between frames, and ends frames on whole seconds', async () => {
    const { b } = await buoy(300, { statusIntervalS: 3600, maxHoldS: 0 });
    const txs = drain(b);
    for (let i = 1; i < txs.length; i++) {
      const prev = txs[i - 1]!.frame;
      expect(txs[i]!.frame.txStartMs).toBeGreaterThanOrEqual(prev.txStartMs + prev.airtimeMs * 100 - 1e-6);
      expect(txs[i]!.frame.txStartMs).toBeGreaterThanOrEqual(prev.rxTimeMs + 3000);
    }
  });

  it('keeps the daily airtime budget, leaving a status frame of it to status uplinks', async () => {
    // Noisy data packs few samples per frame: at SF12 the 30 s budget binds.
    const { b, ledger } = await buoy(144 * 4, { statusIntervalS: 21_600, dailyAirtimeMs: 15_000 });
    const txs = drain(b);
    for (const t of txs) {
      const used = txs.filter((u) => u.frame.rxTimeMs <= t.frame.rxTimeMs && u.frame.rxTimeMs > t.frame.rxTimeMs - 86_400_000).reduce((n, u) => n + u.frame.airtimeMs, 0);
      expect(used).toBeLessThanOrEqual(15_000);
    }
    // The budget binds: some frames go out late (oldest sample older than maxHoldS), none is lost.
    const oldest = txs.filter((t) => t.frame.kind === 'measurements').map((t) => {
      const batch = decodeUplink(t.frame.payload, 1);
      return batch.ok ? (batch.value as MeasurementBatch).samples[0]!.ageS : 0;
    });
    expect(Math.max(...oldest)).toBeGreaterThan(3 * 3600 + 600);
    expect(ledger.counters('abore-slope').evicted).toBe(0);
    expect(txs.filter((t) => t.frame.kind === 'status').length).toBeGreaterThanOrEqual(15);
  });

  it('reports status at start and every statusIntervalS, counting uplinks and queue', async () => {
    const { b } = await buoy(144 * 2, { statusIntervalS: 21_600 });
    const status = drain(b).filter((t) => t.frame.kind === 'status').map((t) => t.frame.status as StatusMessage);
    expect(status.length).toBe(8);
    expect(status[0]).toMatchObject({ resetCause: 'power_on', uplinksSent: 0, uptimeS: 5, batteryMv: 4100, sampleIntervalS: 600 });
    // Ends 2 s of wake-up plus a full SF12 frame (2.8 s) later, on the next whole second.
    expect(status[1]!.uptimeS).toBe(21_605);
    expect(status[1]!.uplinksSent).toBeGreaterThanOrEqual(1);
    expect(status[7]!.uplinksSent).toBeGreaterThan(status[1]!.uplinksSent + 5);
    expect(status[1]!.airtimeLast24hMs).toBeGreaterThan(0);
  });

  it('sends N samples per frame with setBatch N, and when the oldest sample is maxHoldS old', async () => {
    const batch = drain((await buoy(100, { samplesPerUplink: 6, statusIntervalS: 86_400 })).b).filter((t) => t.frame.kind === 'measurements');
    expect(batch.every((t) => t.frame.sampleCount === 6)).toBe(true);
    const late = drain((await buoy(100, { maxHoldS: 3600, statusIntervalS: 86_400 }, 5)).b).filter((t) => t.frame.kind === 'measurements');
    expect(late.map((t) => t.frame.sampleCount).slice(0, 5)).toEqual([7, 7, 7, 7, 7]);
  });

  it('confirmed uplinks keep unacknowledged samples; a full queue evicts the oldest and says so', async () => {
    const { b, ledger } = await buoy(200, { confirmed: true, queueCapacity: 50, statusIntervalS: 21_600 }, 0);
    // The network never acknowledges the first 150 transmissions.
    const txs = drain(b, (i) => i >= 150);
    const counters = ledger.counters('abore-slope');
    expect(counters.evicted).toBeGreaterThan(0);
    const fates = ledger.sampleFates('abore-slope', 'temperature');
    expect(fates.evicted).toBe(counters.evicted);
    const status = txs.filter((t) => t.frame.kind === 'status').map((t) => t.frame.status as StatusMessage);
    expect(Math.max(...status.map((s) => s.queueDepth))).toBe(50);
    expect(Math.max(...status.map((s) => s.droppedSamples))).toBeGreaterThan(0);
    // Every sample is settled exactly once.
    expect((fates.delivered ?? 0) + (fates.evicted ?? 0) + (fates['queued-at-end'] ?? 0) + (fates.lost ?? 0)).toBe(counters.sampled);
  });
});
