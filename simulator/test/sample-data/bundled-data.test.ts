// The bundled dataset: the generator still produces the committed bytes, and the reader reads
// them back as plausible OceanSITES reef and lagoon series.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTimeSeries } from '../../src/netcdf/index.js';
import { BUNDLED_DATA_DIR, BUNDLED_STATIONS, generateStation, manifestEntry, SAMPLE_DATA_MANIFEST, sha256Hex, type SampleDataManifest } from '../../src/index.js';

const manifest: SampleDataManifest = JSON.parse(readFileSync(join(BUNDLED_DATA_DIR, SAMPLE_DATA_MANIFEST), 'utf8'));
const REGENERATE = 'the bundled sample data is stale: run `npm run sample-data -w simulator` and commit simulator/data';

function monthlyMeans(times: Float64Array, values: Float64Array): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  times.forEach((t, i) => {
    if (Number.isNaN(values[i]!)) return;
    const m = new Date(t).toISOString().slice(0, 7);
    const s = sums.get(m) ?? [0, 0];
    sums.set(m, [s[0] + values[i]!, s[1] + 1]);
  });
  return new Map([...sums].map(([m, [s, n]]) => [m, s / n]));
}

describe('bundled sample data', () => {
  it('is what the generator produces, byte for byte', () => {
    expect(manifest.files.map((f) => f.platformCode)).toEqual(BUNDLED_STATIONS.map((s) => s.platformCode));
    for (const station of BUNDLED_STATIONS) {
      const generated = generateStation(station, manifest.seed);
      const entry = manifest.files.find((f) => f.platformCode === station.platformCode)!;
      expect(manifestEntry(generated), REGENERATE).toEqual(entry);
      expect(sha256Hex(readFileSync(join(BUNDLED_DATA_DIR, entry.file))), `${entry.file}: ${REGENERATE}`).toBe(entry.sha256);
    }
    const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
    expect(total).toBeLessThan(8e6);
  });

  it('reads back as OceanSITES 1.4 station series', () => {
    for (const entry of manifest.files) {
      const bytes = readFileSync(join(BUNDLED_DATA_DIR, entry.file));
      const s = readTimeSeries(bytes, { source: entry.file });
      expect(s.source.format).toBe('classic');
      expect(s.station).toMatchObject({ platformCode: entry.platformCode, siteCode: entry.siteCode });
      expect(s.station.latitude).toBeLessThan(-22);
      expect(s.station.globalAttributes).toMatchObject({ data_mode: 'D', format_version: '1.4', data_type: 'OceanSITES time-series data' });
      expect(String(s.station.globalAttributes['citation'])).toContain(entry.platformCode);
      expect(s.timesMs.length).toBe(entry.records);
      expect(new Date(s.timesMs[0]!).toISOString()).toBe(entry.firstTime);
      expect(Object.keys(s.parameters).sort()).toEqual([...entry.parameters].sort());
      for (const code of entry.parameters) expect(s.parameters[code as 'TEMP']!.levels[0]!.qc, `${code}_QC`).toBeDefined();
      // 10-minute steps with gaps (service visits, a power failure): a few records short of 2 years.
      const steps = new Set<number>();
      for (let i = 1; i < s.timesMs.length; i++) steps.add(s.timesMs[i]! - s.timesMs[i - 1]!);
      expect(Math.min(...steps)).toBe(600_000);
      expect(Math.max(...steps)).toBeGreaterThan(4 * 86_400_000);
      expect(entry.records).toBeGreaterThan(0.97 * 105_264);
    }
  });

  it('holds seasons, a marine heat wave, tides, a salinity regime, flags', () => {
    const lagoon = readTimeSeries(readFileSync(join(BUNDLED_DATA_DIR, manifest.files[0]!.file)), { skipBadRecords: true });
    const temp = monthlyMeans(lagoon.timesMs, lagoon.parameters.TEMP!.levels[0]!.values);
    // Austral summer warm, winter cool, and February 2024 (heat wave) warmer than February 2023.
    expect(temp.get('2023-02')! - temp.get('2023-08')!).toBeGreaterThan(4);
    expect(temp.get('2024-02')! - temp.get('2023-02')!).toBeGreaterThan(0.6);
    // Semi-diurnal tide on the 10 m mooring: more than a metre of range in a day.
    const pres = lagoon.parameters.PRES!.levels[0]!.values;
    const day = Array.from(pres.subarray(0, 144)).filter((p) => !Number.isNaN(p));
    expect(Math.max(...day) - Math.min(...day)).toBeGreaterThan(0.6);
    expect(Math.max(...day)).toBeLessThan(11.5);
    const psal = lagoon.parameters.PSAL!.levels[0]!.values;
    const good = Array.from(psal).filter((v) => !Number.isNaN(v));
    expect(Math.min(...good)).toBeGreaterThan(34);
    expect(Math.max(...good)).toBeLessThan(36);
    // The bay freshens far more after rain.
    const bay = readTimeSeries(readFileSync(join(BUNDLED_DATA_DIR, manifest.files[2]!.file)), { skipBadRecords: true });
    expect(Math.min(...Array.from(bay.parameters.PSAL!.levels[0]!.values).filter((v) => !Number.isNaN(v)))).toBeLessThan(33);
    // Flags: good, fouling (2, 3), spikes (4), dropouts (9).
    const all = readTimeSeries(readFileSync(join(BUNDLED_DATA_DIR, manifest.files[0]!.file)));
    const flags = new Set(all.parameters.PSAL!.levels[0]!.qc);
    for (const f of [1, 2, 3, 4, 9]) expect(flags.has(f)).toBe(true);
  });
});
