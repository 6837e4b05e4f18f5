import { attempt, type ScienceErrorDetail } from './errors.js';
import type { CalibratedCtdSample } from './calibration/ctdSample.js';
import { depthFromPressure } from './seawater/depth.js';
import { practicalSalinity } from './seawater/practicalSalinity.js';

export interface DerivedCtdValues {
  /** PSS-78, dimensionless. */
  practicalSalinity?: number;
  /** Metres, positive down (−gsw_z_from_p). */
  depth_m?: number;
  errors: ScienceErrorDetail[];
}

export interface DeriveOptions {
  /** Deployment latitude, degrees north (for gravity in depth). */
  latitude_deg: number;
  /** Sea pressure for salinity when the buoy has no pressure sensor, dbar. */
  nominalPressure_dbar?: number;
  /** Sensor depth for depth-dependent QC climatology when there is no pressure sensor, m. */
  nominalDepth_m?: number;
}

/**
 * Derived quantities of one calibrated sample: salinity needs temperature,
 * conductivity and a pressure (measured or nominal); depth needs measured
 * pressure. Missing inputs simply leave the quantity out; failures are errors.
 */
export function deriveCtd(sample: CalibratedCtdSample, options: DeriveOptions): DerivedCtdValues {
  const out: DerivedCtdValues = { errors: [] };
  const t = sample.temperature_degC?.value;
  const c = sample.conductivity_S_m?.value;
  const measuredP = sample.pressure_dbar?.value;
  const p = measuredP ?? options.nominalPressure_dbar;
  if (t !== undefined && c !== undefined && p !== undefined) {
    const sp = attempt(() => practicalSalinity(c * 10, t, p));
    if (sp.ok) out.practicalSalinity = sp.value;
    else out.errors.push(sp.error);
  }
  if (measuredP !== undefined) {
    const d = attempt(() => depthFromPressure(measuredP, options.latitude_deg));
    if (d.ok) out.depth_m = d.value;
    else out.errors.push(d.error);
  }
  return out;
}
