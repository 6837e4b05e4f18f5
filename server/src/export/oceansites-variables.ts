// OceanSITES 1.4 variables for the quantities the store holds: CF standard names, units and valid
// ranges (OceanSITES parameter table), and the reference table 2 flag attributes.
import { OCEANSITES_FLAG_MEANINGS, OCEANSITES_FLAG_VALUES } from '../science/qc/flags.js'

export interface OceanSitesParameter {
  standardName: string
  longName: string
  /** CF/UDUNITS unit of the variable; the store's units (°C, PSU, S/m, dbar) need no conversion. */
  units: string
  validMin: number
  validMax: number
}

export const OCEANSITES_PARAMETERS: Record<string, OceanSitesParameter> = {
  TEMP: { standardName: 'sea_water_temperature', longName: 'sea water temperature in-situ ITS-90 scale', units: 'degree_Celsius', validMin: -2.5, validMax: 40 },
  PSAL: { standardName: 'sea_water_practical_salinity', longName: 'practical salinity', units: '1', validMin: 2, validMax: 42 },
  CNDC: { standardName: 'sea_water_electrical_conductivity', longName: 'electrical conductivity', units: 'S m-1', validMin: 0, validMax: 8.5 },
  PRES: { standardName: 'sea_water_pressure_due_to_sea_water', longName: 'sea water pressure, equals 0 at sea-level', units: 'decibar', validMin: -1, validMax: 12000 },
}

export function isOceanSitesParameter(quantity: string | null): quantity is keyof typeof OCEANSITES_PARAMETERS {
  return quantity !== null && Object.hasOwn(OCEANSITES_PARAMETERS, quantity)
}

export const FLAG_VALUES: readonly number[] = OCEANSITES_FLAG_VALUES
export const FLAG_MEANINGS = OCEANSITES_FLAG_MEANINGS
export const FILL_FLOAT = 99999
export const FILL_QC = -128
export const MISSING_QC = 9
