// The HIL buoy as the server knows it: one station and one ABP device whose keys the harness
// writes into the VM, whose sensors are the parts the firmware drives (TSYS01, MS5837-30BA,
// EZO-EC; devices/src/sensors), and whose calibrations are those parts' conversions
// (docs/firmware.md "Sensors"): TSYS01 datasheet polynomial in the ADC24 count with the
// simulated part's PROM, MS5837 P in 0.1 mbar → sea pressure dbar, EZO-EC 0.1 µS/cm → S/m.
// The same records give the raw counts the simulated sensors serve (calibration inverses), so a
// value read from the NetCDF record must come back out of the SensorThings API.
import { simTsys01Polynomial } from '@reeflink/devices';
import { CalibrationSet, invertModel, type CalibrationRecord } from '@reeflink/server/science';
import type { AbpKeys, RawReadings } from './virtual-buoy.ts';

export const HIL_DEV_EUI = '70b3d57ed00f0001';
export const HIL_GATEWAY_EUI = '00000000000f0a01';
export const HIL_STATION = 'HILVM001';
/** Demonstration keys for the virtual buoy only. */
export const HIL_KEYS: AbpKeys = { devAddr: '260f0001', nwkSKey: '2b7e151628aed2a6abf7158809cf4f3c', appSKey: '000102030405060708090a0b0c0d0e0f' };

const PROVENANCE = { calibrationSheet: 'reeflink HIL simulated parts (devices/src/sensors/sim-parts.ts)', calibrationDate: '2020-01-01', enteredBy: 'hil-tests' };
const SENSORS = {
  temperature: { type: 'TSYS01', serial: 'SIM-T-1' },
  pressure: { type: 'MS5837-30BA', serial: 'SIM-P-1' },
  conductivity: { type: 'EZO-EC', serial: 'SIM-C-1' },
} as const;

export const HIL_CALIBRATIONS = {
  temperature: { kind: 'polynomial' as const, coefficients: { c: simTsys01Polynomial() } },
  pressure: { kind: 'linear' as const, coefficients: { slope: 0.001, offset: -10.1325 } },
  conductivity: { kind: 'linear' as const, coefficients: { slope: 1e-5, offset: 0 } },
};

export function hilManifest(position: { latitude: number; longitude: number }) {
  const cal = (id: string, channel: keyof typeof SENSORS, unit: string) => ({
    id,
    sensor: { type: SENSORS[channel].type, serial: SENSORS[channel].serial },
    validFrom: '2020-01-01',
    validUntil: null,
    unit,
    model: HIL_CALIBRATIONS[channel],
    provenance: PROVENANCE,
  });
  return {
    network: { name: 'reeflink-hil', producer: 'reeflink hil-tests', license: 'CC-BY-4.0' },
    stations: [{ code: HIL_STATION, name: 'HIL virtual buoy', latitude: position.latitude, longitude: position.longitude, depthM: 10, qcProfile: 'reef-lagoon' }],
    devices: [
      {
        devEui: HIL_DEV_EUI,
        name: 'hil-vm-buoy',
        station: HIL_STATION,
        abp: { ...HIL_KEYS, relaxedFCnt: false },
        sensors: {
          temperature: { ...SENSORS.temperature, manufacturer: 'TE', model: 'TSYS01' },
          pressure: { ...SENSORS.pressure, manufacturer: 'TE', model: 'MS5837-30BA' },
          conductivity: { ...SENSORS.conductivity, manufacturer: 'Atlas Scientific', model: 'EZO-EC' },
        },
      },
    ],
    calibrations: [cal('hil-T', 'temperature', 'degC'), cal('hil-P', 'pressure', 'dbar'), cal('hil-C', 'conductivity', 'S/m')],
  };
}

export interface PhysicalRecord {
  timeMs: number;
  temperature_degC: number;
  pressure_dbar: number;
  conductivity_S_m: number;
}

/** Raw counts the firmware's parts would read for a physical record (rounded calibration inverses). */
export function rawFor(r: PhysicalRecord): RawReadings {
  return {
    temperatureRaw: Math.round(invertModel(HIL_CALIBRATIONS.temperature, r.temperature_degC)),
    pressureRaw: Math.round(invertModel(HIL_CALIBRATIONS.pressure, r.pressure_dbar)),
    conductivityRaw: Math.round(invertModel(HIL_CALIBRATIONS.conductivity, r.conductivity_S_m)),
  };
}

/** What the server should compute from those counts (the forward models). */
export { applyModel } from '@reeflink/server/science';
export type { CalibrationRecord, CalibrationSet };
