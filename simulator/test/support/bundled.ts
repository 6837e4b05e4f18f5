// The bundled fleet and a short replay window shared by the replay tests.
import { BUNDLED_FLEET_FILE, readFleetFile, SourceCache, type Fleet } from '../../src/index.js';

/** The bundled NetCDF files, parsed once per test file. */
export const sources = new SourceCache();

let fleet: Promise<Fleet> | undefined;
export function bundledFleet(): Promise<Fleet> {
  fleet ??= readFleetFile(BUNDLED_FLEET_FILE);
  return fleet;
}

export const FROM = '2024-01-08T00:00:00Z';
export const DAY_MS = 86_400_000;
export function until(days: number): number {
  return Date.parse(FROM) + days * DAY_MS;
}
