import { ScienceError, attempt, type ScienceErrorDetail } from '../errors.js';
import { applyModel, invertModel } from './models.js';
import { pressureTemperatureRaw } from './strainGauge.js';
import type { CalibrationRecord, CalibrationSet, SensorRef } from './records.js';

/**
 * Raw channels of one buoy CTD sample, as decoded from the uplink.
 * Time is epoch milliseconds UTC (phenomenonTime).
 */
export interface RawCtdSample {
  time: number;
  /** Thermistor count n. */
  temperature?: number;
  /** Conductivity cell count (f = raw / countsPerKHz kHz). */
  conductivity?: number;
  /** Pressure bridge count. */
  pressure?: number;
  /** Pressure-sensor temperature count, only for 'pressure-temperature-counts' strain gauges. */
  pressureTemperature?: number;
}

/** Which physical sensor produced each channel of a buoy at that time. */
export interface CtdSensors {
  temperature?: SensorRef;
  conductivity?: SensorRef;
  pressure?: SensorRef;
}

/** A calibrated value and the calibration record that produced it. */
export interface CalibratedValue {
  value: number;
  calibrationId: string;
}

export interface CalibratedCtdSample {
  time: number;
  temperature_degC?: CalibratedValue;
  /** S/m, as Sea-Bird sheets and OceanSITES CNDC; × 10 for mS/cm. */
  conductivity_S_m?: CalibratedValue;
  pressure_dbar?: CalibratedValue;
  /** One entry per channel that could not be calibrated; the raw value is kept by the caller. */
  errors: ScienceErrorDetail[];
}

export interface CtdCalibrationOptions {
  /**
   * Sea pressure used by the conductivity model when the buoy has no
   * pressure sensor (mooring design depth, dbar). Without it and without a
   * pressure channel, conductivity is a MISSING_INPUT error.
   */
  nominalPressure_dbar?: number;
}

function channel(
  set: CalibrationSet,
  sensor: SensorRef,
  time: number,
  compute: (record: CalibrationRecord) => number,
  errors: ScienceErrorDetail[],
): CalibratedValue | undefined {
  const found = set.find(sensor, time);
  if (!found.ok) {
    errors.push(found.error);
    return undefined;
  }
  const result = attempt(() => compute(found.value));
  if (!result.ok) {
    errors.push(result.error);
    return undefined;
  }
  return { value: result.value, calibrationId: found.value.id };
}

/**
 * Calibrates one CTD sample: temperature first, then pressure (its
 * compensation may be the water temperature), then conductivity (which
 * needs both). A channel that fails leaves an error and no value; the
 * other channels still come out.
 */
export function calibrateCtdSample(
  raw: RawCtdSample,
  sensors: CtdSensors,
  set: CalibrationSet,
  options: CtdCalibrationOptions = {},
): CalibratedCtdSample {
  const errors: ScienceErrorDetail[] = [];
  const out: CalibratedCtdSample = { time: raw.time, errors };

  if (raw.temperature !== undefined && sensors.temperature) {
    const n = raw.temperature;
    const v = channel(set, sensors.temperature, raw.time, (r) => applyModel(r.model, n, {}, r.id), errors);
    if (v) out.temperature_degC = v;
  }
  if (raw.pressure !== undefined && sensors.pressure) {
    const n = raw.pressure;
    const v = channel(
      set,
      sensors.pressure,
      raw.time,
      (r) => {
        const compensation =
          r.model.kind === 'pressure-strain-gauge' && r.model.compensation === 'water-temperature'
            ? out.temperature_degC?.value
            : raw.pressureTemperature;
        return applyModel(r.model, n, compensation === undefined ? {} : { compensation }, r.id);
      },
      errors,
    );
    if (v) out.pressure_dbar = v;
  }
  if (raw.conductivity !== undefined && sensors.conductivity) {
    const n = raw.conductivity;
    const t = out.temperature_degC?.value;
    const p = out.pressure_dbar?.value ?? options.nominalPressure_dbar;
    const inputs = { ...(t === undefined ? {} : { t90_degC: t }), ...(p === undefined ? {} : { p_dbar: p }) };
    const v = channel(set, sensors.conductivity, raw.time, (r) => applyModel(r.model, n, inputs, r.id), errors);
    if (v) out.conductivity_S_m = v;
  }
  return out;
}

/** Physical values of one sample, for the simulator. */
export interface PhysicalCtdSample {
  time: number;
  temperature_degC?: number;
  conductivity_S_m?: number;
  pressure_dbar?: number;
}

/**
 * The simulator's direction: physical values → the raw readings the buoy
 * would send with these calibrations (real numbers; the simulator rounds).
 * Throws ScienceError when a value has no raw reading.
 */
export function rawCtdSampleFor(
  sample: PhysicalCtdSample,
  sensors: CtdSensors,
  set: CalibrationSet,
  options: CtdCalibrationOptions = {},
): RawCtdSample {
  const out: RawCtdSample = { time: sample.time };
  const record = (sensor: SensorRef): CalibrationRecord => {
    const found = set.find(sensor, sample.time);
    if (!found.ok) throw new ScienceError(found.error);
    return found.value;
  };
  const t = sample.temperature_degC;
  if (t !== undefined && sensors.temperature) {
    const r = record(sensors.temperature);
    out.temperature = invertModel(r.model, t, {}, r.id);
  }
  if (sample.pressure_dbar !== undefined && sensors.pressure) {
    const r = record(sensors.pressure);
    if (r.model.kind === 'pressure-strain-gauge') {
      // The simulator has no separate pressure-sensor temperature: use the water's.
      const compensation = r.model.compensation === 'water-temperature' ? t : t === undefined ? undefined : pressureTemperatureRaw(r.model, t, r.id);
      if (compensation !== undefined && r.model.compensation === 'pressure-temperature-counts') out.pressureTemperature = compensation;
      out.pressure = invertModel(r.model, sample.pressure_dbar, compensation === undefined ? {} : { compensation }, r.id);
    } else {
      out.pressure = invertModel(r.model, sample.pressure_dbar, {}, r.id);
    }
  }
  if (sample.conductivity_S_m !== undefined && sensors.conductivity) {
    const r = record(sensors.conductivity);
    const p = sample.pressure_dbar ?? options.nominalPressure_dbar;
    const inputs = { ...(t === undefined ? {} : { t90_degC: t }), ...(p === undefined ? {} : { p_dbar: p }) };
    out.conductivity = invertModel(r.model, sample.conductivity_S_m, inputs, r.id);
  }
  return out;
}
