import type { CalibrationRecord, ConductivityModel, StrainGaugeModel, ThermistorModel } from '../../src/science/index.js';

/**
 * SBE 37-IM coefficients and check values from OOI ion-functions,
 * ion_functions/data/test/test_ctd_functions.py
 * (test_ctd_sbe37im_*_instrument_recovered, values from SBE Data Processing).
 */
export const SBE37_THERMISTOR: ThermistorModel = {
  kind: 'thermistor-steinhart-hart',
  coefficients: { a0: -1.179278e-4, a1: 3.097942e-4, a2: -4.688854e-6, a3: 2.081274e-7 },
};

export const SBE37_CONDUCTIVITY: ConductivityModel = {
  kind: 'conductivity-sbe37',
  coefficients: { g: -9.899853e-1, h: 1.3141e-1, i: -4.18171e-4, j: 4.723872e-5, CPcor: -9.57e-8, CTcor: 3.25e-6, WBOTC: 4.8429e-7, countsPerKHz: 256_000 },
};

export const SBE37_PRESSURE: StrainGaugeModel = {
  kind: 'pressure-strain-gauge',
  compensation: 'pressure-temperature-counts',
  coefficients: {
    PA0: 1.202594e-1, PA1: 4.514834e-3, PA2: -1.091899e-11,
    PTEMPA0: -6.953022e1, PTEMPA1: 5.115592e-2, PTEMPA2: -3.918145e-7,
    PTCA0: 5.247204e5, PTCA1: 9.617295e-1, PTCA2: 6.296724e-3,
    PTCB0: 2.498163e1, PTCB1: -2.75e-4, PTCB2: 0,
  },
};

export const SBE37_CHECK = {
  temperatureCounts: [366964, 499888, 465784, 500403],
  temperature_degC: [10.9818, 3.8488, 5.452, 3.8255],
  pressureCounts: [533152, 571309, 632465, 828170],
  pressureTemperatureCounts: [1608, 1452, 1471, 1453],
  pressure_dbar: [16.159, 134.95, 325.258, 933.882],
  conductivityCounts: [1564991, 1457279, 1484332, 1462659],
  conductivity_S_m: [3.891373, 3.240767, 3.399795, 3.272396],
};

const provenance = { calibrationSheet: 'SBE37IM-0000 2016 sheet (OOI test values)', calibrationDate: '2016-01-15', enteredBy: 'test' };
const T0 = Date.UTC(2016, 0, 1);

export const SENSORS = {
  temperature: { sensorType: 'SBE37-temperature', serialNumber: '37-0001' },
  conductivity: { sensorType: 'SBE37-conductivity', serialNumber: '37-0001' },
  pressure: { sensorType: 'SBE37-pressure', serialNumber: '37-0001' },
};

export function sbe37Records(): CalibrationRecord[] {
  return [
    { id: 'cal-T-2016', sensor: SENSORS.temperature, validFrom: T0, validUntil: null, model: SBE37_THERMISTOR, unit: 'degC', provenance },
    { id: 'cal-C-2016', sensor: SENSORS.conductivity, validFrom: T0, validUntil: null, model: SBE37_CONDUCTIVITY, unit: 'S/m', provenance },
    { id: 'cal-P-2016', sensor: SENSORS.pressure, validFrom: T0, validUntil: null, model: SBE37_PRESSURE, unit: 'dbar', provenance },
  ];
}
