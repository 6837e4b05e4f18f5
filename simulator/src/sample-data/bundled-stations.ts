// The stations of the bundled sample dataset (simulator/data/): three fictional moorings around
// Nouméa, New Caledonia, shaped like ReefTEMPS stations (a lagoon CTD, an outer reef-slope
// temperature/pressure logger, a river-influenced bay). The data is synthetic; places and
// climate are plausible, the numbers are not observations.
import type { StationSpec, TideConstituent } from './station-spec.js';

/** Nouméa's mixed, mainly semi-diurnal tide (about 1.4 m spring range). */
const NOUMEA_TIDES: TideConstituent[] = [
  { name: 'M2', amplitude_m: 0.44, period_h: 12.4206012, phase_deg: 250 },
  { name: 'S2', amplitude_m: 0.12, period_h: 12.0, phase_deg: 275 },
  { name: 'N2', amplitude_m: 0.09, period_h: 12.65834751, phase_deg: 235 },
  { name: 'K2', amplitude_m: 0.03, period_h: 11.96723606, phase_deg: 270 },
  { name: 'K1', amplitude_m: 0.1, period_h: 23.93447213, phase_deg: 175 },
  { name: 'O1', amplitude_m: 0.07, period_h: 25.81933871, phase_deg: 150 },
  { name: 'P1', amplitude_m: 0.03, period_h: 24.06588766, phase_deg: 170 },
];

/** The same tide a little later and larger inside a bay. */
function bayTides(lagMinutes: number, gain: number): TideConstituent[] {
  return NOUMEA_TIDES.map((c) => ({
    ...c,
    amplitude_m: c.amplitude_m * gain,
    phase_deg: (c.phase_deg + (360 * lagMinutes) / 60 / c.period_h) % 360,
  }));
}

const PERIOD = { start: '2023-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z', intervalS: 600, utcOffset_h: 11 };

/** A strong summer heat wave common to the three stations (a regional event). */
const SUMMER_2024_HEAT_WAVE = { start: '2024-02-05T00:00:00Z', durationDays: 42, intensity_degC: 1.9 };

export const BUNDLED_STATIONS: readonly StationSpec[] = [
  {
    platformCode: 'NCAMD10',
    siteCode: 'AMEDEE',
    place: 'Amédée lighthouse lagoon, Nouméa',
    habitat: 'lagoon',
    latitude: -22.4752,
    longitude: 166.4571,
    nominalDepth_m: 10,
    parameters: ['TEMP', 'CNDC', 'PSAL', 'PRES'],
    ...PERIOD,
    temperature: {
      mean_degC: 24.6,
      seasonalAmplitude_degC: 2.7,
      warmestDayOfYear: 48,
      diurnalAmplitude_degC: 0.18,
      anomalySigma_degC: 0.35,
      internalTideCooling_degC: 0,
      heatWavesPerSummer: 0.8,
      heatWaveIntensity_degC: [0.7, 1.5],
      heatWaves: [SUMMER_2024_HEAT_WAVE],
    },
    salinity: {
      regime: 'lagoon',
      mean: 35.42,
      seasonalAmplitude: 0.14,
      saltiestDayOfYear: 315,
      anomalySigma: 0.04,
      freshetsPerWetSeason: 3,
      freshetDrop: [0.08, 0.45],
      freshetRecoveryDays: 6,
      tidalGradientPerM: 0.02,
    },
    tides: NOUMEA_TIDES,
    instrument: {
      model: 'SBE37-SM',
      serialNumber: '37-21874',
      manufacturer: 'Sea-Bird Scientific',
      noise: { TEMP: 0.002, CNDC: 0.0002, PRES: 0.002 },
      serviceEveryDays: 182,
      serviceHours: [2, 5],
      foulingDays: 20,
      spikeProbability: 1 / 20000,
      powerFailures: 1,
      conductivityDropouts: 2,
    },
  },
  {
    platformCode: 'NCABO25',
    siteCode: 'ABORE',
    place: 'Aboré reef outer slope, Nouméa',
    habitat: 'reef-slope',
    latitude: -22.4703,
    longitude: 166.3418,
    nominalDepth_m: 25,
    parameters: ['TEMP', 'PRES'],
    ...PERIOD,
    temperature: {
      mean_degC: 24.3,
      seasonalAmplitude_degC: 2.4,
      warmestDayOfYear: 52,
      diurnalAmplitude_degC: 0.04,
      anomalySigma_degC: 0.3,
      internalTideCooling_degC: 0.35,
      heatWavesPerSummer: 0.6,
      heatWaveIntensity_degC: [0.5, 1.2],
      heatWaves: [{ ...SUMMER_2024_HEAT_WAVE, intensity_degC: 1.3 }],
    },
    tides: NOUMEA_TIDES,
    instrument: {
      model: 'SBE39plus',
      serialNumber: '39-07312',
      manufacturer: 'Sea-Bird Scientific',
      noise: { TEMP: 0.002, CNDC: 0, PRES: 0.003 },
      serviceEveryDays: 365,
      serviceHours: [2, 4],
      foulingDays: 0,
      spikeProbability: 1 / 25000,
      powerFailures: 1,
      conductivityDropouts: 0,
    },
  },
  {
    platformCode: 'NCBOU03',
    siteCode: 'BOULARI',
    place: 'Boulari bay, Mont-Dore',
    habitat: 'bay',
    latitude: -22.2493,
    longitude: 166.5452,
    nominalDepth_m: 3,
    parameters: ['TEMP', 'PSAL'],
    ...PERIOD,
    temperature: {
      mean_degC: 24.9,
      seasonalAmplitude_degC: 3.2,
      warmestDayOfYear: 45,
      diurnalAmplitude_degC: 0.55,
      anomalySigma_degC: 0.4,
      internalTideCooling_degC: 0,
      heatWavesPerSummer: 0.9,
      heatWaveIntensity_degC: [0.8, 1.8],
      heatWaves: [{ ...SUMMER_2024_HEAT_WAVE, intensity_degC: 2.3 }],
    },
    salinity: {
      regime: 'bay',
      mean: 35.05,
      seasonalAmplitude: 0.35,
      saltiestDayOfYear: 310,
      anomalySigma: 0.08,
      freshetsPerWetSeason: 6,
      freshetDrop: [0.4, 4.5],
      freshetRecoveryDays: 3,
      tidalGradientPerM: 0.3,
    },
    tides: bayTides(12, 1.08),
    instrument: {
      model: 'SBE37-SM',
      serialNumber: '37-19542',
      manufacturer: 'Sea-Bird Scientific',
      noise: { TEMP: 0.002, CNDC: 0.0002, PRES: 0 },
      serviceEveryDays: 121,
      serviceHours: [1, 3],
      foulingDays: 25,
      spikeProbability: 1 / 15000,
      powerFailures: 1,
      conductivityDropouts: 1,
    },
  },
];
