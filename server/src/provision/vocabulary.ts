// The quantities a reeflink station serves, with their CF standard names (NERC vocabulary server
// URLs as ObservedProperty definitions) and UCUM units (SensorThings unitOfMeasurement).

export type QuantityCode = 'TEMP' | 'CNDC' | 'PRES' | 'PSAL' | 'DEPTH' | 'BATT'

export interface Quantity {
  code: QuantityCode
  name: string
  description: string
  /** CF standard name, or null when CF has none. */
  standardName: string | null
  definition: string
  unit: { name: string; symbol: string; definition: string }
}

const ucum = (code: string) => `http://www.opengis.net/def/uom/UCUM/0/${code}`
const cf = (name: string) => `http://vocab.nerc.ac.uk/standard_name/${name}/`

export const QUANTITIES: Record<QuantityCode, Quantity> = {
  TEMP: {
    code: 'TEMP',
    name: 'Sea water temperature',
    description: 'In situ sea water temperature, ITS-90',
    standardName: 'sea_water_temperature',
    definition: cf('sea_water_temperature'),
    unit: { name: 'degree Celsius', symbol: '°C', definition: ucum('Cel') },
  },
  CNDC: {
    code: 'CNDC',
    name: 'Sea water electrical conductivity',
    description: 'Electrical conductivity of sea water',
    standardName: 'sea_water_electrical_conductivity',
    definition: cf('sea_water_electrical_conductivity'),
    unit: { name: 'siemens per metre', symbol: 'S/m', definition: ucum('S/m') },
  },
  PRES: {
    code: 'PRES',
    name: 'Sea water pressure',
    description: 'Sea pressure (absolute pressure minus one standard atmosphere)',
    standardName: 'sea_water_pressure_due_to_sea_water',
    definition: cf('sea_water_pressure_due_to_sea_water'),
    unit: { name: 'decibar', symbol: 'dbar', definition: ucum('dbar') },
  },
  PSAL: {
    code: 'PSAL',
    name: 'Sea water practical salinity',
    description: 'Practical salinity (PSS-78) derived from conductivity, temperature and pressure',
    standardName: 'sea_water_practical_salinity',
    definition: cf('sea_water_practical_salinity'),
    unit: { name: 'practical salinity unit', symbol: 'PSU', definition: ucum('1') },
  },
  DEPTH: {
    code: 'DEPTH',
    name: 'Depth',
    description: 'Sensor depth below the sea surface derived from pressure (TEOS-10 gsw_z_from_p)',
    standardName: 'depth',
    definition: cf('depth'),
    unit: { name: 'metre', symbol: 'm', definition: ucum('m') },
  },
  BATT: {
    code: 'BATT',
    name: 'Battery voltage',
    description: 'Supply voltage of the buoy, from its status uplinks',
    standardName: null,
    definition: 'urn:reeflink:def:observed-property:battery_voltage',
    unit: { name: 'volt', symbol: 'V', definition: ucum('V') },
  },
}

/** Payload channel → the quantity it measures. */
export const CHANNEL_QUANTITY = { temperature: 'TEMP', pressure: 'PRES', conductivity: 'CNDC', battery: 'BATT' } as const

export const MEASUREMENT_OBSERVATION_TYPE = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement'
