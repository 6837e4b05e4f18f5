import type { ScienceErrorDetail } from '../errors.js';
import { CONDUCTIVITY_COEFFICIENTS } from './conductivity.js';
import { isMonotonicOnRawRange } from './polynomial.js';
import { STRAIN_GAUGE_COEFFICIENTS, STRAIN_GAUGE_PTEMP_COEFFICIENTS } from './strainGauge.js';
import { THERMISTOR_COEFFICIENTS } from './thermistor.js';

const REQUIRED: Record<string, readonly string[]> = {
  'thermistor-steinhart-hart': THERMISTOR_COEFFICIENTS,
  'conductivity-sbe37': CONDUCTIVITY_COEFFICIENTS,
  'pressure-strain-gauge': STRAIN_GAUGE_COEFFICIENTS,
  linear: ['slope', 'offset'],
};
const OPTIONAL: Record<string, readonly string[]> = {
  'conductivity-sbe37': ['countsPerKHz', 'WBOTC'],
  'pressure-strain-gauge': STRAIN_GAUGE_PTEMP_COEFFICIENTS,
};

export const MODEL_KINDS = [
  'thermistor-steinhart-hart',
  'conductivity-sbe37',
  'pressure-strain-gauge',
  'polynomial',
  'linear',
] as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Checks a model as it arrives from JSON or the store: known kind, every
 * required coefficient present and finite, no stray NaN in optional ones,
 * and an invertible shape. Returns every problem, not just the first.
 */
export function validateModel(model: unknown, record: string): ScienceErrorDetail[] {
  const errors: ScienceErrorDetail[] = [];
  const err = (code: ScienceErrorDetail['code'], field: string, message: string, value?: unknown) => {
    const e: ScienceErrorDetail = { code, record, field, message };
    if (value !== undefined) e.value = value;
    errors.push(e);
  };
  if (!isRecord(model)) {
    err('INVALID_RECORD', 'model', 'model must be an object');
    return errors;
  }
  const kind = model['kind'];
  if (typeof kind !== 'string' || !(MODEL_KINDS as readonly string[]).includes(kind)) {
    err('INVALID_RECORD', 'model.kind', `unknown model kind; expected one of ${MODEL_KINDS.join(', ')}`, kind);
    return errors;
  }
  const coefficients = model['coefficients'];
  if (!isRecord(coefficients)) {
    err('MISSING_COEFFICIENT', 'model.coefficients', 'coefficients object is missing');
    return errors;
  }
  const finite = (name: string, required: boolean) => {
    const v = coefficients[name];
    if (v === undefined && !required) return;
    if (v === undefined) err('MISSING_COEFFICIENT', `model.coefficients.${name}`, `coefficient ${name} is missing`);
    else if (typeof v !== 'number' || !Number.isFinite(v)) err('MISSING_COEFFICIENT', `model.coefficients.${name}`, `coefficient ${name} must be a finite number`, v);
  };
  for (const name of REQUIRED[kind] ?? []) finite(name, true);
  for (const name of OPTIONAL[kind] ?? []) finite(name, false);

  if (kind === 'pressure-strain-gauge') {
    const comp = model['compensation'];
    if (comp !== 'pressure-temperature-counts' && comp !== 'water-temperature') {
      err('INVALID_RECORD', 'model.compensation', "compensation must be 'pressure-temperature-counts' or 'water-temperature'", comp);
    } else if (comp === 'pressure-temperature-counts') {
      for (const name of STRAIN_GAUGE_PTEMP_COEFFICIENTS) finite(name, true);
    }
    if (coefficients['PTCB0'] === 0) err('OUTSIDE_MODEL_DOMAIN', 'model.coefficients.PTCB0', 'PTCB0 must not be 0', 0);
    if (coefficients['PA1'] === 0 && coefficients['PA2'] === 0) err('NOT_INVERTIBLE', 'model.coefficients.PA1', 'PA1 and PA2 are both 0');
  }
  if (kind === 'conductivity-sbe37') {
    if (coefficients['h'] === 0) err('NOT_INVERTIBLE', 'model.coefficients.h', 'h must not be 0');
    const cpk = coefficients['countsPerKHz'];
    if (typeof cpk === 'number' && !(cpk > 0)) err('OUTSIDE_MODEL_DOMAIN', 'model.coefficients.countsPerKHz', 'countsPerKHz must be > 0', cpk);
  }
  if (kind === 'thermistor-steinhart-hart' && coefficients['a1'] === 0 && coefficients['a3'] === 0) {
    err('NOT_INVERTIBLE', 'model.coefficients.a1', 'a1 and a3 are both 0');
  }
  if (kind === 'linear' && coefficients['slope'] === 0) {
    err('NOT_INVERTIBLE', 'model.coefficients.slope', 'slope must not be 0', 0);
  }
  if (kind === 'polynomial') {
    const c = coefficients['c'];
    if (!Array.isArray(c) || c.length < 2) {
      err('MISSING_COEFFICIENT', 'model.coefficients.c', 'polynomial needs at least c0 and c1', c);
    } else {
      c.forEach((v, k) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) err('MISSING_COEFFICIENT', `model.coefficients.c[${k}]`, `c${k} must be a finite number`, v);
      });
      if (errors.length === 0 && !isMonotonicOnRawRange(c as number[])) {
        err('NOT_INVERTIBLE', 'model.coefficients.c', 'polynomial is not monotonic over the raw range 0…2²⁴−1');
      }
    }
  }
  return errors;
}
