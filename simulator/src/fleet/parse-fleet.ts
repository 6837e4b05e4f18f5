// Fleet file (YAML) → validated Fleet. Every problem is collected with the path of its field
// and its line, then thrown together as one FleetError. Reading the NetCDF sources is a later
// step (load-fleet.ts): this one needs no file system beyond the text.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { checkCalibrationSet, validateCalibrationRecord, type CalibrationRecord, type SensorRef } from '@reeflink/server/science';
import { FieldReader } from './field-reader.js';
import { FleetError } from './fleet-error.js';
import {
  CHANNELS,
  type BuoySpec,
  type Channel,
  type DeviceSession,
  type FirmwareSettings,
  type Fleet,
  type GatewaySpec,
  type RadioSettings,
  type SensorSpecs,
  type SourceVariables,
} from './fleet-types.js';
import { parseYamlSource, withLines, type YamlSource } from './yaml-source.js';

/** The firmware's defaults (devices/src/app/config.ts DEFAULT_CONFIG, queue.ts, context.ts). */
export const FIRMWARE_DEFAULTS: FirmwareSettings = {
  version: '0.1.0',
  sampleIntervalS: 600,
  queueCapacity: 1008,
  samplesPerUplink: 0,
  maxPayloadBytes: 0,
  maxHoldS: 10_800,
  statusIntervalS: 86_400,
  dailyAirtimeMs: 30_000,
  maxUplinksPerWake: 8,
  wakeDelayS: 2,
  confirmed: false,
  batteryMv: 4100,
};

export const RADIO_DEFAULTS: RadioSettings = { dataRate: 0, txPowerDbm: 14, antennaGainDbi: 0 };

const TOP_KEYS = ['version', 'name', 'region', 'defaults', 'gateways', 'buoys'];
const GATEWAY_KEYS = ['id', 'eui', 'latitude', 'longitude', 'altitudeM', 'antennaGainDbi'];
const BUOY_KEYS = ['id', 'name', 'source', 'latitude', 'longitude', 'nominalDepthM', 'device', 'radio', 'firmware', 'sensors', 'calibrations'];
const SOURCE_KEYS = ['file', 'depthLevel', 'variables', 'skipBadRecords'];
const VARIABLE_KEYS = ['temperature', 'pressure', 'conductivity', 'salinity'];
const DEVICE_KEYS = ['devEui', 'devAddr', 'nwkSKey', 'appSKey', 'fCntStart'];
const RADIO_KEYS = Object.keys(RADIO_DEFAULTS);
const FIRMWARE_KEYS = Object.keys(FIRMWARE_DEFAULTS);
const SENSOR_KEYS = ['type', 'serial'];

function readGateway(f: FieldReader): GatewaySpec | undefined {
  if (!f.object(GATEWAY_KEYS)) return undefined;
  const id = f.at('id').string();
  const eui = f.at('eui').hex(8);
  const latitude = f.at('latitude').number({ min: -90, max: 90 });
  const longitude = f.at('longitude').number({ min: -180, max: 180 });
  const altitudeM = f.at('altitudeM').number({ min: -100, max: 9000 }, 10);
  const antennaGainDbi = f.at('antennaGainDbi').number({ min: -10, max: 20 }, 3);
  if (id === undefined || eui === undefined || latitude === undefined || longitude === undefined || altitudeM === undefined || antennaGainDbi === undefined) return undefined;
  return { id, eui, latitude, longitude, altitudeM, antennaGainDbi };
}

function readRadio(f: FieldReader, defaults: RadioSettings): RadioSettings {
  if (f.present && !f.object(RADIO_KEYS)) return defaults;
  return {
    dataRate: f.at('dataRate').number({ min: 0, max: 5, integer: true }, defaults.dataRate) ?? defaults.dataRate,
    txPowerDbm: f.at('txPowerDbm').number({ min: -10, max: 27 }, defaults.txPowerDbm) ?? defaults.txPowerDbm,
    antennaGainDbi: f.at('antennaGainDbi').number({ min: -10, max: 20 }, defaults.antennaGainDbi) ?? defaults.antennaGainDbi,
  };
}

function readFirmware(f: FieldReader, d: FirmwareSettings): FirmwareSettings {
  if (f.present && !f.object(FIRMWARE_KEYS)) return d;
  const int = (key: keyof FirmwareSettings, min: number, max: number) => f.at(key).number({ min, max, integer: true }, d[key] as number) ?? (d[key] as number);
  const maxPayloadBytes = int('maxPayloadBytes', 0, 242);
  if (maxPayloadBytes !== 0 && maxPayloadBytes < 18) f.at('maxPayloadBytes').problem('must be 0 (the data rate maximum) or 18..242');
  return {
    version: f.at('version').string(d.version) ?? d.version,
    sampleIntervalS: int('sampleIntervalS', 10, 65_535),
    queueCapacity: int('queueCapacity', 1, 1_000_000),
    samplesPerUplink: int('samplesPerUplink', 0, 255),
    maxPayloadBytes,
    maxHoldS: int('maxHoldS', 0, 16_777_215),
    statusIntervalS: int('statusIntervalS', 60, 16_777_215),
    dailyAirtimeMs: int('dailyAirtimeMs', 1000, 86_400_000),
    maxUplinksPerWake: int('maxUplinksPerWake', 1, 255),
    wakeDelayS: int('wakeDelayS', 0, 600),
    confirmed: f.at('confirmed').boolean(d.confirmed) ?? d.confirmed,
    batteryMv: int('batteryMv', 0, 65_535),
  };
}

function readDevice(f: FieldReader): DeviceSession | undefined {
  if (!f.object(DEVICE_KEYS)) return undefined;
  const devEui = f.at('devEui').hex(8);
  const devAddr = f.at('devAddr').hex(4);
  const nwkSKey = f.at('nwkSKey').hex(16);
  const appSKey = f.at('appSKey').hex(16);
  const fCntStart = f.at('fCntStart').number({ min: 0, max: 0xffffffff, integer: true }, 0) ?? 0;
  if (devEui === undefined || devAddr === undefined || nwkSKey === undefined || appSKey === undefined) return undefined;
  return { devEui, devAddr, nwkSKey, appSKey, fCntStart };
}

function readSensors(f: FieldReader): SensorSpecs {
  const sensors: SensorSpecs = {};
  if (!f.object([...CHANNELS])) return sensors;
  for (const channel of CHANNELS) {
    const s = f.at(channel);
    if (!s.present || !s.object(SENSOR_KEYS)) continue;
    const sensorType = s.at('type').string();
    const serial = s.at('serial').value;
    // Serial numbers are often all digits: accept a YAML number and keep its text.
    const serialNumber = typeof serial === 'number' && Number.isInteger(serial) ? String(serial) : s.at('serial').string();
    if (sensorType !== undefined && serialNumber !== undefined) sensors[channel] = { sensorType, serialNumber };
  }
  return sensors;
}

function readVariables(f: FieldReader): SourceVariables {
  const vars: SourceVariables = {};
  if (!f.object(VARIABLE_KEYS)) return vars;
  for (const key of VARIABLE_KEYS as (keyof SourceVariables)[]) {
    const v = f.at(key).optionalString();
    if (v !== undefined) vars[key] = v;
  }
  if (vars.conductivity && vars.salinity) f.at('salinity').problem('give conductivity or salinity (conductivity is computed from it), not both');
  if (Object.keys(vars).length === 0) f.problem('must bind at least one channel to a variable');
  return vars;
}

/**
 * Calibration records in the science module's form; validFrom/validUntil may be ISO text.
 * `complete` is false when a record was invalid (consistency checks then stay quiet).
 */
function readCalibrations(f: FieldReader): { records: CalibrationRecord[]; complete: boolean } {
  const records: CalibrationRecord[] = [];
  const items = f.list();
  for (const item of items) {
    if (!item.object()) continue;
    const raw = { ...(item.value as Record<string, unknown>) };
    const from = item.at('validFrom').time();
    if (from !== undefined) raw['validFrom'] = from;
    if (raw['validUntil'] !== null && raw['validUntil'] !== undefined) {
      const until = item.at('validUntil').time();
      if (until !== undefined) raw['validUntil'] = until;
    } else raw['validUntil'] = null;
    if (from === undefined) continue;
    const problems = validateCalibrationRecord(raw);
    for (const p of problems) item.at(p.field === '' ? 'id' : p.field).problem(p.message);
    if (problems.length === 0) records.push(raw as unknown as CalibrationRecord);
  }
  const complete = records.length === items.length;
  if (complete) {
    for (const p of checkCalibrationSet(records)) {
      const index = records.findIndex((r) => r.id === p.record);
      f.at(index).at(p.field).problem(p.message);
    }
  }
  return { records, complete };
}

const sameSensor = (a: SensorRef, b: SensorRef) => a.sensorType === b.sensorType && a.serialNumber === b.serialNumber;

/** Channel ↔ variable ↔ sensor ↔ calibration consistency of one buoy. */
function checkBuoy(f: FieldReader, buoy: BuoySpec, calibrationsComplete: boolean): void {
  const bound: Record<Channel, boolean> = {
    temperature: buoy.source.variables.temperature !== undefined,
    pressure: buoy.source.variables.pressure !== undefined,
    conductivity: buoy.source.variables.conductivity !== undefined || buoy.source.variables.salinity !== undefined,
  };
  for (const channel of CHANNELS) {
    if (bound[channel] && !buoy.sensors[channel]) f.at('sensors').at(channel).problem(`is missing: source.variables feeds the ${channel} channel`);
    if (!bound[channel] && buoy.sensors[channel]) f.at('source.variables').at(channel).problem(`is missing: the buoy has a ${channel} sensor`);
  }
  if (bound.conductivity && !bound.temperature) f.at('source.variables.temperature').problem('is needed: conductivity calibration uses the temperature');
  for (const channel of CHANNELS) {
    const sensor = buoy.sensors[channel];
    if (calibrationsComplete && sensor && !buoy.calibrations.some((r) => sameSensor(r.sensor, sensor))) {
      f.at('calibrations').problem(`has no record for the ${channel} sensor ${sensor.sensorType}/${sensor.serialNumber}`);
    }
  }
  buoy.calibrations.forEach((r, j) => {
    const channel = CHANNELS.find((c) => buoy.sensors[c] && sameSensor(buoy.sensors[c]!, r.sensor));
    const at = f.at('calibrations').at(j);
    if (!channel) {
      at.at('sensor').problem(`${r.sensor.sensorType}/${r.sensor.serialNumber} is not one of this buoy's sensors`);
      return;
    }
    if (r.model.kind === 'pressure-strain-gauge' && r.model.compensation !== 'water-temperature') {
      at.at('model.compensation').problem('must be water-temperature: payload format v1 carries no pressure-sensor temperature channel');
    }
    if (r.model.kind === 'pressure-strain-gauge' && !bound.temperature) at.at('model').problem('a water-temperature strain gauge needs the temperature channel');
    const expected = { temperature: ['thermistor-steinhart-hart', 'polynomial', 'linear'], pressure: ['pressure-strain-gauge', 'polynomial', 'linear'], conductivity: ['conductivity-sbe37', 'polynomial', 'linear'] }[channel];
    if (!expected.includes(r.model.kind)) at.at('model.kind').problem(`${r.model.kind} does not calibrate a ${channel} channel (expected ${expected.join(', ')})`);
  });
}

function readBuoy(f: FieldReader, baseDir: string, defaults: { radio: RadioSettings; firmware: FirmwareSettings }): BuoySpec | undefined {
  if (!f.object(BUOY_KEYS)) return undefined;
  const id = f.at('id').string();
  const name = f.at('name').string(id ?? '') ?? '';
  const src = f.at('source');
  let source: BuoySpec['source'] | undefined;
  if (src.object(SOURCE_KEYS)) {
    const file = src.at('file').string();
    const variables = readVariables(src.at('variables'));
    const depthLevel = src.at('depthLevel').number({ min: 0, integer: true }, 0) ?? 0;
    const skipBadRecords = src.at('skipBadRecords').boolean(true) ?? true;
    if (file !== undefined) source = { file: isAbsolute(file) ? file : resolve(baseDir, file), depthLevel, variables, skipBadRecords };
  }
  const latitude = f.at('latitude').present ? f.at('latitude').number({ min: -90, max: 90 }) : undefined;
  const longitude = f.at('longitude').present ? f.at('longitude').number({ min: -180, max: 180 }) : undefined;
  const nominalDepthM = f.at('nominalDepthM').present ? f.at('nominalDepthM').number({ min: 0, max: 11_000 }) : undefined;
  const device = readDevice(f.at('device'));
  const radio = readRadio(f.at('radio'), defaults.radio);
  const firmware = readFirmware(f.at('firmware'), defaults.firmware);
  const sensors = readSensors(f.at('sensors'));
  const { records: calibrations, complete } = readCalibrations(f.at('calibrations'));
  if (id === undefined || source === undefined || device === undefined) return undefined;
  const buoy: BuoySpec = { id, name, source, latitude, longitude, nominalDepthM, device, radio, firmware, sensors, calibrations };
  checkBuoy(f, buoy, complete);
  return buoy;
}

function checkUnique<T>(items: { item: T; at: FieldReader }[], key: (t: T) => string, field: string, what: string): void {
  const seen = new Map<string, string>();
  for (const { item, at } of items) {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) at.at(field).problem(`duplicate ${what} ${k} (also at ${first})`);
    else seen.set(k, at.path);
  }
}

export interface ParseFleetOptions {
  /** Name for error messages (the file name). */
  source?: string;
  /** Directory source paths are relative to; default the current directory. */
  baseDir?: string;
}

/** Validates a fleet given as a parsed value (from YAML or JSON). */
export function fleetFromValue(value: unknown, options: ParseFleetOptions = {}, yaml?: YamlSource): Fleet {
  const source = options.source ?? 'fleet';
  const baseDir = options.baseDir ?? process.cwd();
  const root = FieldReader.root(value);
  if (!root.object(TOP_KEYS)) throw new FleetError('FLEET_INVALID', source, withLines(root.issues, yaml));
  root.at('version').number({ min: 1, max: 1, integer: true }, 1);
  const name = root.at('name').string('fleet') ?? 'fleet';
  root.at('region').oneOf(['EU868'] as const, 'EU868');
  const d = root.at('defaults');
  if (d.present) d.object(['radio', 'firmware']);
  const defaults = { radio: readRadio(d.at('radio'), RADIO_DEFAULTS), firmware: readFirmware(d.at('firmware'), FIRMWARE_DEFAULTS) };

  const gatewayFields = root.at('gateways').list();
  const gateways = gatewayFields.map((g) => ({ item: readGateway(g), at: g }));
  const buoyFields = root.at('buoys').list();
  const buoys = buoyFields.map((b) => ({ item: readBuoy(b, baseDir, defaults), at: b }));
  if (gatewayFields.length === 0 && root.at('gateways').present) root.at('gateways').problem('must list at least one gateway');
  if (buoyFields.length === 0 && root.at('buoys').present) root.at('buoys').problem('must list at least one buoy');

  const goodGateways = gateways.filter((g): g is { item: GatewaySpec; at: FieldReader } => g.item !== undefined);
  const goodBuoys = buoys.filter((b): b is { item: BuoySpec; at: FieldReader } => b.item !== undefined);
  checkUnique(goodGateways, (g) => g.id, 'id', 'gateway id');
  checkUnique(goodGateways, (g) => g.eui, 'eui', 'gateway EUI');
  checkUnique(goodBuoys, (b) => b.id, 'id', 'buoy id');
  checkUnique(goodBuoys, (b) => b.device.devEui, 'device.devEui', 'DevEUI');
  checkUnique(goodBuoys, (b) => b.device.devAddr, 'device.devAddr', 'DevAddr');

  if (root.issues.length > 0) throw new FleetError('FLEET_INVALID', source, withLines(root.issues, yaml));
  return { name, region: 'EU868', baseDir, gateways: goodGateways.map((g) => g.item), buoys: goodBuoys.map((b) => b.item) };
}

/** Parses and validates fleet YAML text. */
export function parseFleet(text: string, options: ParseFleetOptions = {}): Fleet {
  const yaml = parseYamlSource(text, options.source ?? 'fleet');
  return fleetFromValue(yaml.value, options, yaml);
}

/** Reads and validates a fleet file; source paths are relative to the file. */
export async function readFleetFile(path: string): Promise<Fleet> {
  const text = await readFile(path, 'utf8');
  return parseFleet(text, { source: path, baseDir: dirname(resolve(path)) });
}
