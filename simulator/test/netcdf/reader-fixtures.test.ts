import { describe, expect, it } from 'vitest';
import { readTimeSeries, readTimeSeriesFile } from '../../src/netcdf/index.js';
import { fixture, FIXTURES, IMOS_NRSROT } from './helpers.js';

const TEN_MINUTES = 600_000;

describe('real IMOS file (NRSROT SBE39, classic, TIME(101))', () => {
  it('reads times, TEMP and station metadata', async () => {
    const series = await readTimeSeriesFile(IMOS_NRSROT);
    expect(series.source.format).toBe('classic');
    expect(series.source.timeVariable).toBe('TIME');
    expect(series.timesMs.length).toBe(101);
    expect(new Date(series.timesMs[0]!).toISOString()).toBe('2018-12-13T08:00:00.000Z');
    expect(new Date(series.timesMs[100]!).toISOString()).toBe('2018-12-14T00:40:00.000Z');
    for (let i = 1; i < series.timesMs.length; i++) {
      expect(series.timesMs[i]! - series.timesMs[i - 1]!).toBe(TEN_MINUTES);
    }
    const temp = series.parameters.TEMP!;
    expect(temp.units).toBe('degrees_Celsius');
    expect(temp.levels).toHaveLength(1);
    expect(temp.levels[0]!.values[0]).toBeCloseTo(18.7032, 4);
    expect(temp.levels[0]!.values[100]).toBeCloseTo(18.0294, 4);
    expect(temp.levels[0]!.qc).toBeUndefined();
    expect(Object.keys(series.parameters)).toEqual(['TEMP']);
    expect(series.station).toMatchObject({ platformCode: 'NRSROT', siteCode: 'NRSROT', latitude: -31.9896166667, longitude: 115.38525 });
    expect(series.station.globalAttributes['Conventions']).toBe('CF-1.6,IMOS-1.4');
    expect(series.station.globalAttributes['site_nominal_depth']).toBe(61);
  });
});

describe('OceanSITES layout: TIME(UNLIMITED), DEPTH dimension, _QC flags, TIME_HR companion', () => {
  const bytes = fixture('oceansites-multi-depth.nc');

  it('reads one level per DEPTH with the level depth, NaN for _FillValue / missing_value, QC flags', () => {
    const series = readTimeSeries(bytes, { source: 'oceansites-multi-depth.nc' });
    expect(series.source.companionTimeVariables).toEqual(['TIME_HR']);
    expect(series.timesMs.length).toBe(6);
    expect(new Date(series.timesMs[0]!).toISOString()).toBe('2020-01-02T00:00:00.000Z');
    expect(series.timesMs[5]! - series.timesMs[0]!).toBe(5 * TEN_MINUTES);
    const temp = series.parameters.TEMP!;
    expect(temp.levels.map((l) => l.depthM)).toEqual([1, 10, 20]);
    expect(temp.qcVariableName).toBe('TEMP_QC');
    expect(temp.qcConvention).toBe('OceanSITES');
    expect(temp.levels[0]!.values[2]).toBeNaN();
    expect(temp.levels[2]!.values[3]).toBeCloseTo(40.5, 5);
    expect(Array.from(temp.levels[0]!.qc!)).toEqual([1, 1, 9, 1, 1, 3]);
    // A QC flag equal to the QC variable's _FillValue reads as 9 (missing).
    expect(Array.from(temp.levels[2]!.qc!)).toEqual([1, 1, 1, 4, 1, 9]);
    expect(series.parameters.PSAL!.levels[1]!.values[2]).toBeNaN();
    expect(series.station).toMatchObject({ platformCode: 'REEFTEST01', siteCode: 'LAGOON-TEST', latitude: -22.3, longitude: 166.4 });
  });

  it('unpacks scale_factor / add_offset (CNDC stored as short)', () => {
    const cndc = readTimeSeries(bytes).parameters.CNDC!;
    expect(cndc.units).toBe('S m-1');
    expect(cndc.levels[0]!.values[0]).toBeCloseTo(2300 * 0.001 + 3, 9);
    expect(cndc.levels[1]!.values[2]).toBeNaN();
    expect(cndc.qcVariableName).toBeUndefined();
  });

  it('skips bad records on request: flagged values become NaN', () => {
    const series = readTimeSeries(bytes, { skipBadRecords: true });
    const temp = series.parameters.TEMP!;
    expect(temp.levels[2]!.values[3]).toBeNaN(); // flag 4
    expect(temp.levels[0]!.values[5]).toBeNaN(); // flag 3
    expect(temp.levels[1]!.values[3]).toBeCloseTo(25.0, 5); // flag 2 stays
    expect(series.timesMs.length).toBe(6); // every record still has good values
  });

  it('reads the hourly companion series when asked', () => {
    const hourly = readTimeSeries(bytes, { timeVariable: 'TIME_HR' });
    expect(hourly.source.timeVariable).toBe('TIME_HR');
    expect(hourly.source.companionTimeVariables).toEqual(['TIME']);
    expect(hourly.timesMs.length).toBe(4);
    expect(hourly.timesMs[1]! - hourly.timesMs[0]!).toBe(3_600_000);
    const temp = hourly.parameters.TEMP!;
    expect(temp.variableName).toBe('TEMP_HR');
    expect(temp.levels).toHaveLength(3);
    expect(temp.levels[2]!.values[3]).toBeCloseTo(24.4, 5);
  });
});

describe('OceanSITES (TIME, DEPTH, LATITUDE, LONGITUDE) shape in 64-bit offset format', () => {
  it('reads depth levels through the single-point LATITUDE/LONGITUDE dimensions', () => {
    const series = readTimeSeries(fixture('oceansites-grid-shape.nc'));
    expect(series.source.format).toBe('64-bit-offset');
    expect(series.timesMs.length).toBe(4);
    expect(new Date(series.timesMs[3]!).toISOString()).toBe('2020-01-01T03:00:00.000Z');
    const temp = series.parameters.TEMP!;
    expect(temp.levels.map((l) => l.depthM)).toEqual([5, 15]);
    expect(Array.from(temp.levels[1]!.values, (v) => Math.round(v * 10) / 10)).toEqual([19.5, 19.6, 19.7, 19.8]);
    expect(temp.levels[0]!.values[2]).toBeNaN();
    expect(Array.from(temp.levels[1]!.qc!)).toEqual([1, 4, 1, 1]);
    expect(series.parameters.PRES!.levels[1]!.values[3]).toBeCloseTo(15.3, 5);
    expect(series.station).toMatchObject({ latitude: 10.5, longitude: -120.25, platformCode: 'GRIDTEST' });
  });

  it('drops a record when skipping bad values leaves nothing good', () => {
    // Record 2: TEMP fill (flag 9) at 5 m; with PRES also flagged nothing would remain,
    // but PRES has no QC variable, so the record stays.
    const series = readTimeSeries(fixture('oceansites-grid-shape.nc'), { skipBadRecords: true });
    expect(series.timesMs.length).toBe(4);
    expect(series.parameters.TEMP!.levels[1]!.values[1]).toBeNaN();
  });
});

describe('IMOS layout: *_quality_control flags, scalar coordinates, NOMINAL_DEPTH', () => {
  it('reads all five parameters with IMOS flags and the nominal depth', async () => {
    const series = await readTimeSeriesFile(`${FIXTURES}/imos-quality-control.nc`);
    expect(Object.keys(series.parameters)).toEqual(['TEMP', 'PSAL', 'CNDC', 'PRES', 'DEPTH']);
    expect(series.parameters.TEMP!.qcConvention).toBe('IMOS');
    expect(series.parameters.TEMP!.qcVariableName).toBe('TEMP_quality_control');
    expect(series.parameters.PRES!.qcVariableName).toBeUndefined();
    expect(series.station.nominalDepthM).toBe(22);
    expect(series.station.latitude).toBe(-35.05);
    expect(new Date(series.timesMs[1]!).toISOString()).toBe('2001-01-01T06:00:00.000Z');
    expect(Array.from(series.parameters.DEPTH!.levels[0]!.qc!)).toEqual([1, 1, 1, 1, 9]);
  });

  it('honours custom bad flags and drops records flagged bad everywhere', () => {
    const all = readTimeSeries(fixture('imos-quality-control.nc'), { skipBadRecords: true });
    expect(all.parameters.TEMP!.levels[0]!.values[2]).toBeNaN();
    expect(all.parameters.PSAL!.levels[0]!.values[2]).toBeNaN();
    expect(all.timesMs.length).toBe(5);
    // Only flag 3 bad: TEMP's 4 stays, PSAL's 3 goes.
    const onlyFlag3 = readTimeSeries(fixture('imos-quality-control.nc'), { skipBadRecords: true, badQcFlags: [3] });
    expect(onlyFlag3.parameters.TEMP!.levels[0]!.values[2]).toBeCloseTo(35.9, 4);
    expect(onlyFlag3.parameters.PSAL!.levels[0]!.values[2]).toBeNaN();
    // TIME_quality_control is 1 throughout: calling 1 bad drops every record.
    const strict = readTimeSeries(fixture('imos-quality-control.nc'), { skipBadRecords: true, badQcFlags: [1] });
    expect(strict.timesMs.length).toBe(0);
    expect(strict.skippedRecords.bad).toBe(5);
    expect(strict.parameters.TEMP!.levels[0]!.values.length).toBe(0);
  });
});
