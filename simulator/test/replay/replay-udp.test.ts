// End to end without the server: the bundled fleet replays four days through its virtual
// gateways to a real UDP socket; the test's own minimal server acknowledges, checks the MIC,
// decrypts, decodes and calibrates every frame and compares with the NetCDF files themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyModel, calibrateCtdSample, CalibrationSet, deriveCtd, type CtdSensors } from '@reeflink/server/science';
import type { MeasurementBatch } from '@reeflink/codecs';
import { readTimeSeriesFile } from '../../src/netcdf/index.js';
import { runReplay, type Fleet, type ReplayResult } from '../../src/index.js';
import { startDecodingServer, type Received } from '../support/decoding-server.js';
import { bundledFleet, FROM, until, sources } from '../support/bundled.js';

let fleet: Fleet;
let server: Awaited<ReturnType<typeof startDecodingServer>>;
let result: ReplayResult;

beforeAll(async () => {
  fleet = await bundledFleet();
  server = await startDecodingServer(fleet);
  result = await runReplay({ fleet, sourceCache: sources, from: FROM, to: until(4), target: { udp: server.address, statIntervalS: 21600 }, seed: 7 });
});
afterAll(() => server.close());

/** Source values by time, read straight from the file with the fleet's QC choice. */
async function sourceSeries(file: string, code: string): Promise<Map<number, number>> {
  const s = await readTimeSeriesFile(file, { skipBadRecords: true });
  const values = s.parameters[code as 'TEMP']!.levels[0]!.values;
  const out = new Map<number, number>();
  s.timesMs.forEach((t, i) => out.set(t, values[i]!));
  return out;
}

function measurementFrames(buoyId: string): Received[] {
  // One copy per frame: gateways forward the same frame several times.
  const seen = new Set<number>();
  return server.received.filter((r) => r.device === buoyId && r.fPort === 1 && !seen.has(r.fCnt!) && seen.add(r.fCnt!));
}

describe('replay to a Semtech UDP socket', () => {
  it('delivers every frame of the ledger, once per hearing gateway, all acknowledged', () => {
    const { summary, ledger } = result;
    expect(summary.totals.sent).toBe(ledger.frames.length);
    expect(summary.totals.lostByDesign + summary.totals.delivered).toBe(summary.totals.sent);
    expect(server.received.length).toBe(summary.totals.receptions);
    expect(server.received.length).toBe(summary.totals.forwards);
    expect(summary.output.acknowledged).toBe(summary.output.sent);
    expect(summary.totals.unacknowledged).toBe(0);
    expect(server.received.every((r) => r.device !== undefined)).toBe(true);
    // Several gateways hear most frames.
    expect(summary.totals.receptions).toBeGreaterThan(2 * summary.totals.delivered);
  });

  it('sends rxpk as a GPS gateway would: virtual receive time, tmst, EU868 channel, LoRa data rate', () => {
    for (const r of server.received) {
      const frame = result.ledger.frames.find((f) => f.buoyId === r.device && f.fCnt === r.fCnt)!;
      expect(r.rxpk.time).toBe(new Date(frame.rxTimeMs).toISOString().replace('Z', '000Z'));
      expect(r.rxpk).toMatchObject({ stat: 1, modu: 'LORA', codr: '4/5', size: r.phy.length, rfch: 1 });
      expect([868.1, 868.3, 868.5]).toContain(r.rxpk.freq);
      expect(r.rxpk.datr).toBe(`SF${12 - frame.dataRate}BW125`);
      expect(Number.isInteger(r.rxpk.tmst)).toBe(true);
      expect(Number.isInteger(r.rxpk.lsnr * 4)).toBe(true);
    }
    expect(server.stats.length).toBeGreaterThan(0);
    expect(server.sink.counts.pullData).toBeGreaterThanOrEqual(fleet.gateways.length);
  });

  it('gives calibrated values equal to the NetCDF source within half a count, at rxpk.time − age', async () => {
    for (const [index, buoy] of fleet.buoys.entries()) {
      const set = CalibrationSet.of(buoy.calibrations);
      const sensors: CtdSensors = { ...buoy.sensors };
      const file = buoy.source.file;
      const temp = await sourceSeries(file, 'TEMP');
      const pres = buoy.source.variables.pressure ? await sourceSeries(file, 'PRES') : undefined;
      const cond = buoy.source.variables.conductivity ? await sourceSeries(file, 'CNDC') : undefined;
      const psal = buoy.source.variables.salinity ? await sourceSeries(file, 'PSAL') : undefined;
      const nominalPressure = (await import('@reeflink/server/science')).pressureFromDepth(buoy.nominalDepthM ?? 0, -22.25);
      let checked = 0;
      for (const frame of measurementFrames(buoy.id)) {
        for (const s of (frame.uplink as MeasurementBatch).samples) {
          const time = frame.rxTimeMs - s.ageS * 1000;
          expect(temp.has(time), `${buoy.id}: no source record at ${new Date(time).toISOString()}`).toBe(true);
          const raw = { time, temperature: s.temperatureRaw, pressure: s.pressureRaw, conductivity: s.conductivityRaw };
          const cal = calibrateCtdSample(raw, sensors, set, pres ? {} : { nominalPressure_dbar: nominalPressure });
          expect(cal.errors).toEqual([]);
          // Half a count of the channel's own model (the record valid at that time).
          const halfCount = (channel: 'temperature' | 'pressure' | 'conductivity', rawCount: number, inputs = {}) => {
            const rec = set.find(buoy.sensors[channel]!, time);
            if (!rec.ok) throw new Error(rec.error.message);
            return Math.abs(applyModel(rec.value.model, rawCount + 1, inputs) - applyModel(rec.value.model, rawCount, inputs)) / 2 + 1e-9;
          };
          const t = cal.temperature_degC!.value;
          expect(Math.abs(t - temp.get(time)!)).toBeLessThanOrEqual(halfCount('temperature', s.temperatureRaw!));
          if (pres) {
            const inputs = buoy.calibrations.some((c) => c.model.kind === 'pressure-strain-gauge') ? { compensation: t } : {};
            expect(Math.abs(cal.pressure_dbar!.value - pres.get(time)!)).toBeLessThanOrEqual(halfCount('pressure', s.pressureRaw!, inputs));
          }
          if (cond) {
            const inputs = { t90_degC: t, p_dbar: cal.pressure_dbar?.value ?? nominalPressure };
            expect(Math.abs(cal.conductivity_S_m!.value - cond.get(time)!)).toBeLessThanOrEqual(halfCount('conductivity', s.conductivityRaw!, inputs));
          }
          if (psal) {
            // Salinity comes back through conductivity: PSS-78 of the calibrated values at the nominal pressure.
            const derived = deriveCtd(cal, { latitude_deg: -22.25, nominalPressure_dbar: nominalPressure });
            expect(Math.abs(derived.practicalSalinity! - psal.get(time)!)).toBeLessThan(2e-4);
          }
          checked++;
        }
      }
      expect(checked, `${buoy.id}: samples checked`).toBeGreaterThan(index === 0 ? 500 : 400);
    }
  });

  it('crosses a dated recalibration: counts change, calibrated values do not', () => {
    // amedee-lagoon's thermistor has a new record from 2024-01-10 (inside the window).
    const rows = [...result.ledger.samples('amedee-lagoon', 'temperature')];
    const ids = new Set(rows.map((r) => r.calibrationId));
    expect(ids).toEqual(new Set(['amd-T-2022', 'amd-T-2024']));
    for (const r of rows) expect(Math.abs(r.expectedValue - r.sourceValue)).toBeLessThanOrEqual(r.quantum / 2 + 1e-9);
  });

  it('lists in the ledger exactly the samples the server decoded', () => {
    for (const buoy of fleet.buoys) {
      const decoded = new Map<number, number>();
      for (const f of measurementFrames(buoy.id)) for (const s of (f.uplink as MeasurementBatch).samples) decoded.set(f.rxTimeMs - s.ageS * 1000, s.temperatureRaw!);
      const expected = [...result.ledger.expectedSamples(buoy.id, 'temperature')];
      expect(expected.length).toBe(decoded.size);
      for (const s of expected) expect(decoded.get(s.timeMs)).toBe(s.raw);
    }
  });

  it('sends status uplinks that decode, with the buoy rules in force', () => {
    const status = server.received.filter((r) => r.fPort === 2 && r.uplink?.type === 'status');
    expect(status.length).toBeGreaterThanOrEqual(3 * 4 * 3); // 3 buoys, ~4 a day, 4 days (per gateway copy)
    for (const r of status) {
      expect(r.uplink).toMatchObject({ type: 'status', firmwareVersion: '0.1.0', sampleIntervalS: 600, batteryMv: 4100 });
    }
  });
});

describe('32-bit frame counters on the full path', () => {
  it('crosses 65 535: the server checks MIC and decrypts with the upper bits it tracks', async () => {
    const base = await bundledFleet();
    const fleet = { ...base, buoys: base.buoys.map((b) => ({ ...b, device: { ...b.device, fCntStart: 65_530 } })) };
    const own = await startDecodingServer(fleet);
    try {
      const { ledger } = await runReplay({ fleet, sourceCache: sources, from: FROM, to: until(1), target: { udp: own.address, statIntervalS: 0 }, seed: 2 });
      expect(Math.max(...ledger.frames.map((f) => f.fCnt))).toBeGreaterThan(65_540);
      expect(own.received.every((r) => r.device !== undefined)).toBe(true);
      for (const r of own.received) expect(ledger.frames.some((f) => f.buoyId === r.device && f.fCnt === r.fCnt)).toBe(true);
    } finally {
      await own.close();
    }
  });
});
