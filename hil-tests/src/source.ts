// The physical values the simulated sensors serve: records of a bundled NetCDF file
// (simulator/data, read by @reeflink/simulator's fleet reader and loadBuoyRecords), here the
// Amédée lagoon CTD buoy: 10-minute temperature, sea pressure and conductivity.
import { fileURLToPath } from 'node:url';
import { loadBuoyRecords, readFleetFile } from '@reeflink/simulator';
import type { PhysicalRecord } from './fleet.ts';

export interface SourceSeries {
  fileName: string;
  latitude: number;
  longitude: number;
  records: PhysicalRecord[];
}

/** `count` complete records from `start` of the bundled fleet's buoy `buoyId`. */
export async function loadSource(count: number, start = 0, buoyId = 'amedee-lagoon'): Promise<SourceSeries> {
  const fleet = await readFleetFile(fileURLToPath(import.meta.resolve('@reeflink/simulator/data/fleet.yaml')));
  const index = fleet.buoys.findIndex((b) => b.id === buoyId);
  if (index < 0) throw new Error(`no buoy ${buoyId} in the bundled fleet`);
  const r = await loadBuoyRecords(fleet, index);
  const records: PhysicalRecord[] = [];
  for (let i = start; i < r.timesMs.length && records.length < count; i++) {
    const t = r.temperature_degC?.[i];
    const p = r.pressure_dbar?.[i];
    const c = r.conductivity_S_m?.[i];
    if (t === undefined || p === undefined || c === undefined || !Number.isFinite(t) || !Number.isFinite(p) || !Number.isFinite(c)) continue;
    records.push({ timeMs: r.timesMs[i]!, temperature_degC: t, pressure_dbar: p, conductivity_S_m: c });
  }
  if (records.length < count) throw new Error(`${r.fileName}: only ${records.length} complete records from ${start}`);
  return { fileName: r.fileName, latitude: r.latitude, longitude: r.longitude, records };
}
