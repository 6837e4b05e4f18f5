// OceanSITES 1.4 conventions shared by every writer of OceanSITES files in reeflink (the
// simulator's sample data and the server's downloads): TIME in days since 1950, fill values,
// the parameter table (CF standard names, units, valid ranges) and attribute helpers.
import type { NcAttributeSpec, NcVariableSpec } from './writer/file-spec.js';

const DAYS_1950_TO_1970 = 7305;
const MS_PER_DAY = 86_400_000;

export const OCEANSITES_FILL_FLOAT = 99999;
export const OCEANSITES_FILL_QC = -128;

export interface OceanSitesParameter {
  standardName: string;
  longName: string;
  /** CF/UDUNITS unit of the variable. */
  units: string;
  validMin: number;
  validMax: number;
  /** Resolution attribute for instruments of the reef-network class. */
  resolution: number;
}

/** The OceanSITES parameters reeflink measures or derives. */
export const OCEANSITES_PARAMETERS: Record<'TEMP' | 'CNDC' | 'PSAL' | 'PRES', OceanSitesParameter> = {
  TEMP: { standardName: 'sea_water_temperature', longName: 'sea water temperature in-situ ITS-90 scale', units: 'degree_Celsius', validMin: -2.5, validMax: 40, resolution: 0.0001 },
  CNDC: { standardName: 'sea_water_electrical_conductivity', longName: 'electrical conductivity', units: 'S m-1', validMin: 0, validMax: 8.5, resolution: 0.00001 },
  PSAL: { standardName: 'sea_water_practical_salinity', longName: 'practical salinity', units: '1', validMin: 2, validMax: 42, resolution: 0.0001 },
  PRES: { standardName: 'sea_water_pressure_due_to_sea_water', longName: 'sea water pressure, equals 0 at sea-level', units: 'decibar', validMin: -1, validMax: 12000, resolution: 0.002 },
};

/** OceanSITES TIME: days since 1950-01-01T00:00:00Z. */
export function oceanSitesDays(ms: number): number {
  return ms / MS_PER_DAY + DAYS_1950_TO_1970;
}

/** ISO 8601 without milliseconds, as OceanSITES coverage attributes are written. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const ncText = (name: string, value: string): NcAttributeSpec => ({ name, type: 'char', value });
export const ncFloat = (name: string, value: number | number[]): NcAttributeSpec => ({ name, type: 'float', value });
export const ncDouble = (name: string, value: number): NcAttributeSpec => ({ name, type: 'double', value });

/** The TIME variable; `data` for fixed-size files, none when records are streamed. */
export function oceanSitesTimeVariable(data?: ArrayLike<number>): NcVariableSpec {
  return {
    name: 'TIME',
    type: 'double',
    dimensions: ['TIME'],
    attributes: [
      ncText('standard_name', 'time'),
      ncText('long_name', 'time'),
      ncText('units', 'days since 1950-01-01T00:00:00Z'),
      ncText('axis', 'T'),
      ncText('calendar', 'gregorian'),
      ncDouble('valid_min', 0),
      ncDouble('valid_max', 90000),
    ],
    ...(data === undefined ? {} : { data }),
  };
}

/** The attributes every OceanSITES parameter variable starts with: CF names, units, fill, range. */
export function oceanSitesParameterAttributes(p: OceanSitesParameter): NcAttributeSpec[] {
  return [
    ncText('standard_name', p.standardName),
    ncText('long_name', p.longName),
    ncText('units', p.units),
    ncFloat('_FillValue', OCEANSITES_FILL_FLOAT),
    ncFloat('valid_min', p.validMin),
    ncFloat('valid_max', p.validMax),
  ];
}

/** The attributes every `<PARAM>_QC` variable starts with (reference table 2, byte flags). */
export function oceanSitesQcAttributes(code: string): NcAttributeSpec[] {
  return [
    ncText('long_name', `quality flag of ${code}`),
    ncText('conventions', 'OceanSITES reference table 2'),
    { name: '_FillValue', type: 'byte', value: OCEANSITES_FILL_QC },
    { name: 'valid_min', type: 'byte', value: 0 },
    { name: 'valid_max', type: 'byte', value: 9 },
  ];
}
