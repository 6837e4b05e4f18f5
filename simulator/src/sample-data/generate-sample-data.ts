// Generates OceanSITES files for stations, deterministically from a seed, and writes the bundled
// dataset with a manifest of SHA-256 hashes (simulator/data/sample-data.json) so a test can
// check that the generator still produces the committed bytes.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetcdfEncoder } from '../netcdf/index.js';
import { ProgressMeter, type ProgressCallback } from '../progress.js';
import { BUNDLED_STATIONS } from './bundled-stations.js';
import { recordInstrument, type MeasuredSeries } from './instrument-record.js';
import { simulateOcean } from './ocean-model.js';
import { oceanSitesFileName, oceanSitesSpec } from './oceansites-file.js';
import type { StationSpec } from './station-spec.js';

/** Bump when the generator's output changes on purpose (it is written into every file). */
export const SAMPLE_DATA_GENERATOR = 'reeflink sample-data generator 1';
export const SAMPLE_DATA_SEED = 20240205;
export const SAMPLE_DATA_MANIFEST = 'sample-data.json';

/** simulator/data/, where the bundled files live. */
export const BUNDLED_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export interface GeneratedStation {
  station: StationSpec;
  fileName: string;
  bytes: Uint8Array;
  series: MeasuredSeries;
}

export interface ManifestEntry {
  file: string;
  platformCode: string;
  siteCode: string;
  parameters: string[];
  records: number;
  firstTime: string;
  lastTime: string;
  bytes: number;
  sha256: string;
}

export interface SampleDataManifest {
  generator: string;
  seed: number;
  files: ManifestEntry[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One station's file, in memory. */
export function generateStation(station: StationSpec, seed: number = SAMPLE_DATA_SEED): GeneratedStation {
  const ocean = simulateOcean(station, seed);
  const series = recordInstrument(station, ocean, seed);
  const encoder = new NetcdfEncoder(oceanSitesSpec(station, series, { seed, generator: SAMPLE_DATA_GENERATOR }));
  const bytes = encoder.header();
  encoder.finish();
  return { station, fileName: oceanSitesFileName(station), bytes, series };
}

export function manifestEntry(generated: GeneratedStation): ManifestEntry {
  const { station, series, bytes } = generated;
  const n = series.timesMs.length;
  const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
  return {
    file: generated.fileName,
    platformCode: station.platformCode,
    siteCode: station.siteCode,
    parameters: [...station.parameters],
    records: n,
    firstTime: iso(series.timesMs[0]),
    lastTime: iso(series.timesMs[n - 1]),
    bytes: bytes.length,
    sha256: sha256Hex(bytes),
  };
}

export interface WriteSampleDataOptions {
  stations?: readonly StationSpec[];
  seed?: number;
  onProgress?: ProgressCallback;
}

/** Writes every station's file and the manifest into `dir`; returns the manifest. */
export async function writeSampleData(dir: string = BUNDLED_DATA_DIR, options: WriteSampleDataOptions = {}): Promise<SampleDataManifest> {
  const stations = options.stations ?? BUNDLED_STATIONS;
  const seed = options.seed ?? SAMPLE_DATA_SEED;
  await mkdir(dir, { recursive: true });
  const meter = new ProgressMeter('sample-data', stations.length, 'stations');
  const files: ManifestEntry[] = [];
  for (const [k, station] of stations.entries()) {
    const generated = generateStation(station, seed);
    await writeFile(join(dir, generated.fileName), generated.bytes);
    files.push(manifestEntry(generated));
    options.onProgress?.({ ...meter.at(k + 1), phase: `sample-data ${station.platformCode}` });
  }
  const manifest: SampleDataManifest = { generator: SAMPLE_DATA_GENERATOR, seed, files };
  await writeFile(join(dir, SAMPLE_DATA_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
