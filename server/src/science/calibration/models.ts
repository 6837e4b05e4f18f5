import { ScienceError } from '../errors.js';
import { conductivityRaw, conductivityValue, type ConductivityModel } from './conductivity.js';
import {
  linearRaw,
  linearValue,
  polynomialRaw,
  polynomialValue,
  type LinearModel,
  type PolynomialModel,
} from './polynomial.js';
import { strainGaugePressure, strainGaugeRaw, type StrainGaugeModel } from './strainGauge.js';
import { thermistorRaw, thermistorTemperature, type ThermistorModel } from './thermistor.js';

/** Every calibration model a record can hold; `kind` selects the equation. */
export type CalibrationModel =
  | ThermistorModel
  | ConductivityModel
  | StrainGaugeModel
  | PolynomialModel
  | LinearModel;

export type CalibrationModelKind = CalibrationModel['kind'];

/**
 * What a model needs besides its own raw reading. Conductivity needs the
 * sample's calibrated temperature and pressure; the strain gauge needs its
 * compensation input (pt counts or water temperature, see strainGauge.ts).
 */
export interface ModelInputs {
  t90_degC?: number;
  p_dbar?: number;
  compensation?: number;
}

function need(value: number | undefined, record: string, field: keyof ModelInputs): number {
  if (value === undefined) {
    throw new ScienceError({ code: 'MISSING_INPUT', record, field, message: `this model needs ${field}` });
  }
  return value;
}

/** Forward model: raw reading → physical value in the model's unit. */
export function applyModel(model: CalibrationModel, raw: number, inputs: ModelInputs = {}, record: string = model.kind): number {
  switch (model.kind) {
    case 'thermistor-steinhart-hart':
      return thermistorTemperature(model, raw, record);
    case 'conductivity-sbe37':
      return conductivityValue(model, raw, need(inputs.t90_degC, record, 't90_degC'), need(inputs.p_dbar, record, 'p_dbar'), record);
    case 'pressure-strain-gauge':
      return strainGaugePressure(model, raw, need(inputs.compensation, record, 'compensation'), record);
    case 'polynomial':
      return polynomialValue(model, raw, record);
    case 'linear':
      return linearValue(model, raw, record);
  }
}

/** Inverse model: physical value → raw reading (a real number; the simulator rounds it). */
export function invertModel(model: CalibrationModel, value: number, inputs: ModelInputs = {}, record: string = model.kind): number {
  switch (model.kind) {
    case 'thermistor-steinhart-hart':
      return thermistorRaw(model, value, record);
    case 'conductivity-sbe37':
      return conductivityRaw(model, value, need(inputs.t90_degC, record, 't90_degC'), need(inputs.p_dbar, record, 'p_dbar'), record);
    case 'pressure-strain-gauge':
      return strainGaugeRaw(model, value, need(inputs.compensation, record, 'compensation'), record);
    case 'polynomial':
      return polynomialRaw(model, value, record);
    case 'linear':
      return linearRaw(model, value, record);
  }
}

/** Unit of each model's output, fixed so stored values are comparable across records. */
export function modelUnit(model: CalibrationModel): string | null {
  switch (model.kind) {
    case 'thermistor-steinhart-hart':
      return 'degC';
    case 'conductivity-sbe37':
      return 'S/m';
    case 'pressure-strain-gauge':
      return 'dbar';
    default:
      return null; // generic models: the record's `unit` says
  }
}
