// A fleet: virtual gateways and the virtual buoys they hear, each buoy bound to a recorded time
// series, its LoRaWAN session (ABP), its sensors and their calibration records. This is the
// validated, resolved form; parse-fleet.ts builds it from YAML and says where a field is wrong.
import type { CalibrationRecord, SensorRef } from '@reeflink/server/science';

/** The buoy's measurement channels, as the codec names them (without "Raw"). */
export type Channel = 'temperature' | 'pressure' | 'conductivity';
export const CHANNELS: readonly Channel[] = ['temperature', 'pressure', 'conductivity'];

export interface GatewaySpec {
  id: string;
  /** Gateway EUI, 16 lower-case hex digits. */
  eui: string;
  latitude: number;
  longitude: number;
  altitudeM: number;
  antennaGainDbi: number;
}

/**
 * Which variables of the source file feed which channel. Conductivity comes from CNDC (S/m)
 * or, when the file only has salinity, is computed from PSAL with the temperature and the
 * measured (or nominal) pressure.
 */
export interface SourceVariables {
  temperature?: string;
  pressure?: string;
  conductivity?: string;
  salinity?: string;
}

export interface BuoySource {
  /** Absolute path of the NetCDF file. */
  file: string;
  /** Depth level index in the file (0 for single-level files). */
  depthLevel: number;
  variables: SourceVariables;
  /** Drop values whose QC flag is bad (3, 4, 9) before replaying. */
  skipBadRecords: boolean;
}

export interface DeviceSession {
  devEui: string;
  /** Big-endian hex as printed (e.g. "26011b2c"). */
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
  /** 32-bit uplink frame counter of the first frame. */
  fCntStart: number;
}

export interface RadioSettings {
  /** EU868 data rate 0..5 (SF12..SF7 at 125 kHz). */
  dataRate: number;
  txPowerDbm: number;
  antennaGainDbi: number;
}

/**
 * The firmware's sampling, queueing and batching rules (docs/simulator.md, "Buoy rules"); names
 * and defaults follow the firmware's BuoyConfig and BuoyOptions (devices/src/app).
 */
export interface FirmwareSettings {
  version: string;
  /** Nominal sampling interval, s (the source's own times are used; this goes in status). */
  sampleIntervalS: number;
  /** Samples the queue holds; full, it sends what fits, then evicts the oldest. */
  queueCapacity: number;
  /** 0 = send when the queue holds more than a frame carries; N = send every N samples. */
  samplesPerUplink: number;
  /** 0 = the data rate's maximum application payload; else 18..242. */
  maxPayloadBytes: number;
  /** Send what is queued once the oldest sample is this old, s. */
  maxHoldS: number;
  statusIntervalS: number;
  /** Uplink airtime allowed in any 24 h, ms (The Things Network fair use: 30 000). */
  dailyAirtimeMs: number;
  maxUplinksPerWake: number;
  /** Seconds from waking to the earliest start of a transmission (sensor warm-up, radio start). */
  wakeDelayS: number;
  /** Confirmed uplinks: samples leave the queue only once the network acknowledged them. */
  confirmed: boolean;
  batteryMv: number;
}

export type SensorSpecs = Partial<Record<Channel, SensorRef>>;

export interface BuoySpec {
  id: string;
  name: string;
  source: BuoySource;
  /** Position: from the fleet file, else the source's station metadata (filled when loading). */
  latitude: number | undefined;
  longitude: number | undefined;
  /** Sensor depth, m; for conductivity/salinity without a pressure channel. */
  nominalDepthM: number | undefined;
  device: DeviceSession;
  radio: RadioSettings;
  firmware: FirmwareSettings;
  sensors: SensorSpecs;
  calibrations: CalibrationRecord[];
}

export interface Fleet {
  name: string;
  region: 'EU868';
  /** The fleet file's directory (source paths are resolved against it). */
  baseDir: string;
  gateways: GatewaySpec[];
  buoys: BuoySpec[];
}
