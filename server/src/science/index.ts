/**
 * @reeflink/server/science: calibration, seawater science and real-time
 * QC as pure functions. Documented in docs/calibration.md and docs/qc.md.
 *
 * Units are in the names: degC (ITS-90), dbar (sea pressure), S/m and
 * mS/cm, m (depth positive down). Times are epoch milliseconds UTC
 * (QC functions also take Date). Failures are ScienceError values with a
 * stable code, the record and the field; nothing returns a silent NaN.
 */

// Errors
export { ScienceError, attempt } from './errors.js';
export type { Result, ScienceErrorCode, ScienceErrorDetail } from './errors.js';

// Seawater
export { practicalSalinity } from './seawater/practicalSalinity.js';
export { conductivityFromSalinity } from './seawater/conductivityFromSalinity.js';
export { depthFromPressure, heightFromPressure, pressureFromDepth } from './seawater/depth.js';
export { t68FromT90, t90FromT68 } from './seawater/temperatureScales.js';

// Calibration models and their inverses
export { RAW_MAX } from './calibration/rawRange.js';
export { thermistorTemperature, thermistorRaw } from './calibration/thermistor.js';
export type { ThermistorModel, ThermistorCoefficients } from './calibration/thermistor.js';
export { conductivityValue, conductivityRaw, SBE37_COUNTS_PER_KHZ } from './calibration/conductivity.js';
export type { ConductivityModel, ConductivityCoefficients } from './calibration/conductivity.js';
export { strainGaugePressure, strainGaugeRaw, pressureTemperatureRaw } from './calibration/strainGauge.js';
export type { StrainGaugeModel, StrainGaugeCoefficients, StrainGaugeCompensation } from './calibration/strainGauge.js';
export { polynomialValue, polynomialRaw, linearValue, linearRaw } from './calibration/polynomial.js';
export type { PolynomialModel, LinearModel } from './calibration/polynomial.js';
export { applyModel, invertModel, modelUnit } from './calibration/models.js';
export type { CalibrationModel, CalibrationModelKind, ModelInputs } from './calibration/models.js';
export { validateModel, MODEL_KINDS } from './calibration/validateModel.js';

// Calibration records
export { CalibrationSet, checkCalibrationSet, sensorKey, validateCalibrationRecord } from './calibration/records.js';
export type { CalibrationProvenance, CalibrationRecord, SensorRef } from './calibration/records.js';
export { calibrateCtdSample, rawCtdSampleFor } from './calibration/ctdSample.js';
export type {
  CalibratedCtdSample,
  CalibratedValue,
  CtdCalibrationOptions,
  CtdSensors,
  PhysicalCtdSample,
  RawCtdSample,
} from './calibration/ctdSample.js';
export { calibrateChannel } from './calibration/channel.js';
export { affectedPeriods, mergePeriods } from './calibration/changes.js';
export type { AffectedPeriod } from './calibration/changes.js';

// Derived quantities
export { deriveCtd } from './derive.js';
export type { DeriveOptions, DerivedCtdValues } from './derive.js';

// QARTOD QC, shaped like ioos_qc
export {
  QartodFlag,
  OceanSitesFlag,
  OCEANSITES_FLAG_MEANINGS,
  OCEANSITES_FLAG_VALUES,
  aggregateFlag,
  qartodAggregate,
  toOceanSitesFlag,
} from './qc/flags.js';
export type { Values } from './qc/flags.js';
export { grossRangeTest } from './qc/grossRange.js';
export type { GrossRangeConfig, Span } from './qc/grossRange.js';
export { climatologyTest } from './qc/climatology.js';
export type { ClimatologyConfig, ClimatologyMember, ClimatologyPeriod } from './qc/climatology.js';
export { spikeTest } from './qc/spike.js';
export type { SpikeConfig, SpikeMethod } from './qc/spike.js';
export { rateOfChangeTest } from './qc/rateOfChange.js';
export type { RateOfChangeConfig } from './qc/rateOfChange.js';
export { flatLineTest } from './qc/flatLine.js';
export type { FlatLineConfig } from './qc/flatLine.js';
export type { TimeInput, Times } from './qc/time.js';

// Per-datastream configuration and streaming QC
export { DEEP_WATER_QC, REEF_LAGOON_QC, validateQcConfig } from './qc/config.js';
export type { DatastreamQcConfig, QcVariable } from './qc/config.js';
export { QcStream, QcWindow, emptyQcState, windowLength } from './qc/stream.js';
export type { QcAdvance, QcResult, QcSample, QcStepOutput, QcStreamState, QcTestFlags } from './qc/stream.js';

// Reprocessing
export { qcLeadInSamples, reprocessCtd } from './reprocess.js';
export type { CtdQcConfigs, ProcessedCtdSample, ReprocessRequest, ReprocessResult } from './reprocess.js';
