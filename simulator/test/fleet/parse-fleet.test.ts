// Fleet files: the bundled one parses; every kind of mistake is reported with the path of the
// field, and its line, all at once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { BUNDLED_FLEET_FILE, FleetError, fleetFromValue, loadFleetRecords, parseFleet, readFleetFile } from '../../src/index.js';

const bundledText = readFileSync(BUNDLED_FLEET_FILE, 'utf8');

/** The bundled fleet as a value, changed by `edit`, parsed again. */
function issuesAfter(edit: (fleet: any) => void): { path: string; message: string; line?: number }[] {
  const value = YAML.parse(bundledText);
  edit(value);
  try {
    fleetFromValue(value, { source: 'edited' });
  } catch (e) {
    if (e instanceof FleetError) return [...e.issues];
    throw e;
  }
  return [];
}

describe('fleet file', () => {
  it('reads the bundled fleet: gateways, buoys, sessions, sensors, dated calibrations', async () => {
    const fleet = await readFleetFile(BUNDLED_FLEET_FILE);
    expect(fleet.gateways.map((g) => g.id)).toEqual(['noumea-ird', 'amedee-lighthouse', 'mont-dore']);
    expect(fleet.buoys.map((b) => b.id)).toEqual(['amedee-lagoon', 'abore-slope', 'boulari-bay']);
    const amedee = fleet.buoys[0]!;
    expect(amedee.device).toEqual({ devEui: '0000000000dec001', devAddr: '01de0001', nwkSKey: '000102030405060708090a0b0c0d0e01', appSKey: '0f0e0d0c0b0a09080706050403020101', fCntStart: 0 });
    expect(amedee.firmware).toMatchObject({ sampleIntervalS: 600, statusIntervalS: 21600, confirmed: false });
    expect(amedee.radio.dataRate).toBe(3);
    expect(amedee.calibrations.find((c) => c.id === 'amd-T-2024')).toMatchObject({ validFrom: Date.parse('2024-01-10T00:00:00Z'), validUntil: null });
    expect(amedee.source.file).toMatch(/simulator\/data\/OS_NCAMD10_202301_D_CTD\.nc$/);
    const records = await loadFleetRecords(fleet, { fromMs: Date.parse('2024-01-01T00:00:00Z'), toMs: Date.parse('2024-01-02T00:00:00Z') });
    for (const r of records) expect(r.timesMs.length).toBeGreaterThan(100); // gaps and QC-skipped records aside, 144 a day
    for (const r of records) expect(r.timesMs.length).toBeLessThanOrEqual(144);
    expect(records[2]!.conductivity_S_m!.some((c) => c > 4 && c < 7)).toBe(true);
    expect(records[2]!.nominalPressureDbar).toBeCloseTo(3.02, 2);
  });

  it('names the path and line of a YAML syntax error', () => {
    try {
      parseFleet('version: 1\ngateways:\n  - id: a\n   eui: x\n', { source: 'bad.yaml' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FleetError);
      expect((e as FleetError).code).toBe('FLEET_YAML');
      expect((e as FleetError).issues[0]!.line).toBe(4);
      expect((e as Error).message).toMatch(/^bad\.yaml: 1 problem/);
    }
  });

  it('reports every bad field with its path and line', () => {
    const text = bundledText
      .replace('devAddr: "01de0002"', 'devAddr: 01de0002x')
      .replace('nwkSKey: "000102030405060708090a0b0c0d0e03"', 'nwkSKey: "0001020304"')
      .replace('radio: { dataRate: 0 }', 'radio: { dataRate: 7 }');
    try {
      parseFleet(text, { source: 'fleet.yaml' });
      expect.unreachable();
    } catch (e) {
      const issues = (e as FleetError).issues;
      expect(issues.map((i) => i.path)).toEqual(['buoys[1].device.devAddr', 'buoys[1].radio.dataRate', 'buoys[2].device.nwkSKey']);
      const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
      expect(issues[0]!.line).toBe(line('01de0002x'));
      expect(issues[2]!.message).toMatch(/32 hex digits \(16 bytes\), got 10/);
      expect((e as Error).message).toContain('buoys[1].radio.dataRate (line');
    }
  });

  it('explains that YAML read an unquoted hex key as a number', () => {
    const issues = issuesAfter((f) => (f.buoys[0].device.devAddr = 1234567));
    expect(issues).toEqual([{ path: 'buoys[0].device.devAddr', message: expect.stringMatching(/YAML read a number: quote it/) }]);
  });

  it('checks calibration records with the science module, under their path', () => {
    const issues = issuesAfter((f) => {
      f.buoys[0].calibrations[0].model.coefficients.a1 = 'x';
      f.buoys[0].calibrations[1].validFrom = '2023-06-01T00:00:00Z'; // overlaps amd-T-2022
      f.buoys[1].calibrations[1].provenance.calibrationDate = 'yesterday';
    });
    expect(issues.map((i) => i.path)).toEqual([
      'buoys[0].calibrations[0].model.coefficients.a1',
      'buoys[1].calibrations[1].provenance.calibrationDate',
    ]);
    const overlap = issuesAfter((f) => (f.buoys[0].calibrations[1].validFrom = '2023-06-01T00:00:00Z'));
    expect(overlap).toEqual([{ path: 'buoys[0].calibrations[1].validFrom', message: expect.stringMatching(/before amd-T-2022/) }]);
  });

  it('checks sensors, variables and calibrations against each other', () => {
    const issues = issuesAfter((f) => {
      delete f.buoys[0].sensors.pressure;
      f.buoys[1].calibrations[1].model = {
        kind: 'pressure-strain-gauge',
        compensation: 'pressure-temperature-counts',
        coefficients: { ...f.buoys[0].calibrations[3].model.coefficients, PTEMPA0: -6.953022e1, PTEMPA1: 5.115592e-2, PTEMPA2: -3.918145e-7 },
      };
      f.buoys[2].calibrations.pop();
      f.buoys[2].source.variables.conductivity = 'CNDC';
    });
    expect(issues).toEqual([
      { path: 'buoys[0].sensors.pressure', message: 'is missing: source.variables feeds the pressure channel' },
      { path: 'buoys[0].calibrations[3].sensor', message: 'SBE37SM-pressure/37-21874 is not one of this buoy\'s sensors' },
      { path: 'buoys[1].calibrations[1].model.compensation', message: expect.stringMatching(/water-temperature/) },
      { path: 'buoys[2].source.variables.salinity', message: expect.stringMatching(/not both/) },
      { path: 'buoys[2].calibrations', message: 'has no record for the conductivity sensor SBE37SM-conductivity/37-19542' },
    ]);
  });

  it('refuses duplicates, unknown fields and missing sections', () => {
    expect(issuesAfter((f) => (f.buoys[1].device.devAddr = f.buoys[0].device.devAddr))).toEqual([
      { path: 'buoys[1].device.devAddr', message: 'duplicate DevAddr 01de0001 (also at buoys[0])' },
    ]);
    const issues = issuesAfter((f) => {
      f.buoys[2].id = 'amedee-lagoon';
      f.gateways[1].eui = f.gateways[0].eui;
      f.buoys[0].firmware = { statusIntervalSeconds: 10 };
      delete f.buoys[1].source.file;
    });
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      expect.stringMatching(/^buoys\[0\]\.firmware\.statusIntervalSeconds: unknown field/),
      'buoys[1].source.file: is missing',
      'gateways[1].eui: duplicate gateway EUI 0000000000dec0a1 (also at gateways[0])',
      'buoys[2].id: duplicate buoy id amedee-lagoon (also at buoys[0])',
    ]);
  });

  it('names the source variable a file lacks', async () => {
    const text = bundledText.replace('variables: { temperature: TEMP, pressure: PRES }', 'variables: { temperature: TEMP, pressure: PRESSURE }');
    const fleet = parseFleet(text, { source: 'fleet.yaml', baseDir: BUNDLED_FLEET_FILE.replace(/fleet\.yaml$/, '') });
    await expect(loadFleetRecords(fleet)).rejects.toMatchObject({
      code: 'FLEET_SOURCE',
      issues: [{ path: 'buoys[1].source.variables.pressure', message: 'PRESSURE is not in OS_NCABO25_202301_D_TP.nc (it has TEMP, PRES)' }],
    });
  });
});
