// What the sample-data generator needs to know about a station: where it is, what it measures,
// and the climate it sits in. Units are in the names; times are ISO 8601 UTC strings so a
// catalogue entry reads like the metadata sheet of a real mooring.

/** OceanSITES parameter codes the generator can write. */
export type SampleParameter = 'TEMP' | 'CNDC' | 'PSAL' | 'PRES';

/** One tidal constituent of sea level at the station. */
export interface TideConstituent {
  name: string;
  amplitude_m: number;
  period_h: number;
  /** Phase lag in degrees relative to 2000-01-01T00:00Z. */
  phase_deg: number;
}

/** A marine heat wave placed on purpose (the generator adds random ones too). */
export interface HeatWaveSpec {
  /** ISO date of onset. */
  start: string;
  durationDays: number;
  /** Peak warming above the seasonal climatology, °C. */
  intensity_degC: number;
}

export interface TemperatureClimate {
  mean_degC: number;
  /** Half the peak-to-peak seasonal range, °C. */
  seasonalAmplitude_degC: number;
  /** Day of year of the seasonal maximum (austral summer: mid-February). */
  warmestDayOfYear: number;
  /** Summer diurnal amplitude at the sensor depth, °C (large on shallow flats, tiny on slopes). */
  diurnalAmplitude_degC: number;
  /** Slow anomalies (weeks), standard deviation °C. */
  anomalySigma_degC: number;
  /** Cooling by internal tides lifting deeper water onto the slope, °C (0 in lagoons). */
  internalTideCooling_degC: number;
  /** Random heat waves: expected number per austral summer, and peak range, °C. */
  heatWavesPerSummer: number;
  heatWaveIntensity_degC: [number, number];
  heatWaves: HeatWaveSpec[];
}

/**
 * Salinity regimes of New Caledonian coastal waters: the open reef slope stays near the
 * Coral Sea's 35.5; the lagoon freshens a little in the wet season (January–April) after
 * rain; bays at river mouths drop by several units after heavy rain and cyclones.
 */
export type SalinityRegimeName = 'oceanic' | 'lagoon' | 'bay';

export interface SalinityRegime {
  regime: SalinityRegimeName;
  mean: number;
  seasonalAmplitude: number;
  /** Day of year of the seasonal maximum (end of the dry season). */
  saltiestDayOfYear: number;
  anomalySigma: number;
  /** Rain events per wet season, and their salinity drop range. */
  freshetsPerWetSeason: number;
  freshetDrop: [number, number];
  freshetRecoveryDays: number;
  /** Salinity change per metre of tide (flood brings lagoon water into the bay). */
  tidalGradientPerM: number;
}

export interface InstrumentSpec {
  /** e.g. "SBE37-SM" — written as sensor_model on each variable. */
  model: string;
  serialNumber: string;
  manufacturer: string;
  /** White noise of the sensor, in each parameter's unit. */
  noise: { TEMP: number; CNDC: number; PRES: number };
  /** Service visits (sensor swap, cleaning): days between, and hours out of the water. */
  serviceEveryDays: number;
  serviceHours: [number, number];
  /** Days of conductivity-cell fouling before each service (0: none). */
  foulingDays: number;
  /** Spike probability per value. */
  spikeProbability: number;
  /** Power failures (records missing) and conductivity dropouts (fill values) over the period. */
  powerFailures: number;
  conductivityDropouts: number;
}

export interface StationSpec {
  platformCode: string;
  siteCode: string;
  /** Place name, for titles. */
  place: string;
  habitat: 'lagoon' | 'reef-slope' | 'bay';
  latitude: number;
  longitude: number;
  nominalDepth_m: number;
  parameters: SampleParameter[];
  /** First record time and end (exclusive), ISO 8601. */
  start: string;
  end: string;
  intervalS: number;
  /** Hours ahead of UTC, for the diurnal cycle (New Caledonia: +11). */
  utcOffset_h: number;
  temperature: TemperatureClimate;
  salinity?: SalinityRegime;
  tides: TideConstituent[];
  instrument: InstrumentSpec;
}
