// OceanSITES 1.4 variables for the quantities the store holds: CF standard names, units and valid
// ranges (OceanSITES parameter table), and the reference table 2 flag attributes.
import { OCEANSITES_FILL_FLOAT, OCEANSITES_PARAMETERS } from '@reeflink/simulator/netcdf'
import { OCEANSITES_FLAG_MEANINGS, OCEANSITES_FLAG_VALUES } from '../science/qc/flags.js'

export { OCEANSITES_PARAMETERS, type OceanSitesParameter } from '@reeflink/simulator/netcdf'

export function isOceanSitesParameter(quantity: string | null): quantity is keyof typeof OCEANSITES_PARAMETERS {
  return quantity !== null && Object.hasOwn(OCEANSITES_PARAMETERS, quantity)
}

export const FLAG_VALUES: readonly number[] = OCEANSITES_FLAG_VALUES
export const FLAG_MEANINGS = OCEANSITES_FLAG_MEANINGS
export const FILL_FLOAT = OCEANSITES_FILL_FLOAT
export const MISSING_QC = 9
