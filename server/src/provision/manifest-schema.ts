// JSON Schema of the fleet manifest (docs/fleet-manifest.md). Structure only: cross-references
// (a device's station, a sensor's calibrations) and the science checks (coefficients, validity
// overlaps, QC thresholds) are done by validate-manifest.ts, which names the path of the bad field.

const hex = (bytes: number) => ({ type: 'string', pattern: `^[0-9A-Fa-f]{${bytes * 2}}$` })
// A date (midnight UTC) or a date-time with an explicit offset; Date.parse then checks the values.
const isoTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$' }
const sensorRef = {
  type: 'object',
  required: ['type', 'serial'],
  additionalProperties: false,
  properties: { type: { type: 'string', minLength: 1 }, serial: { type: 'string', minLength: 1 }, model: { type: 'string' }, manufacturer: { type: 'string' } },
}

export const CHANNELS = ['temperature', 'pressure', 'conductivity', 'battery'] as const
export type Channel = (typeof CHANNELS)[number]

export const manifestSchema = {
  $id: 'https://reeflink.dev/schemas/fleet-manifest.json',
  type: 'object',
  required: ['stations'],
  additionalProperties: false,
  properties: {
    network: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        producer: { type: 'string' },
        license: { type: 'string' },
        contact: { type: 'string' },
      },
    },
    stations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'name', 'latitude', 'longitude', 'depthM'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' },
          name: { type: 'string', minLength: 1 },
          description: { type: 'string' },
          network: { type: 'string' },
          producer: { type: 'string' },
          latitude: { type: 'number', minimum: -90, maximum: 90 },
          longitude: { type: 'number', minimum: -180, maximum: 180 },
          depthM: { type: 'number', minimum: 0, maximum: 11000 },
          citation: { type: 'string' },
          doi: { type: 'string' },
          license: { type: 'string' },
          qcProfile: { enum: ['reef-lagoon', 'deep-water'] },
        },
      },
    },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['devEui', 'station', 'sensors'],
        additionalProperties: false,
        properties: {
          devEui: hex(8),
          name: { type: 'string' },
          station: { type: 'string' },
          abp: {
            type: 'object',
            required: ['devAddr', 'nwkSKey', 'appSKey'],
            additionalProperties: false,
            properties: { devAddr: hex(4), nwkSKey: hex(16), appSKey: hex(16), relaxedFCnt: { type: 'boolean' } },
          },
          // OTAA (LoRaWAN 1.0.4): reeflink answers the device's joins (docs/otaa.md). devAddr fixes
          // the address every join gives; without it one is allocated from the configured prefix.
          otaa: {
            type: 'object',
            required: ['joinEui', 'appKey'],
            additionalProperties: false,
            properties: { joinEui: hex(8), appKey: hex(16), devAddr: hex(4) },
          },
          networkServer: {
            type: 'object',
            additionalProperties: false,
            properties: { deviceId: { type: 'string', minLength: 1 } },
          },
          sensors: {
            type: 'object',
            minProperties: 1,
            additionalProperties: false,
            properties: Object.fromEntries(CHANNELS.map((c) => [c, sensorRef])),
          },
        },
        oneOf: [{ required: ['abp'] }, { required: ['otaa'] }, { required: ['networkServer'] }],
      },
    },
    calibrations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'sensor', 'validFrom', 'unit', 'model', 'provenance'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          sensor: sensorRef,
          validFrom: isoTime,
          validUntil: { anyOf: [isoTime, { type: 'null' }] },
          unit: { type: 'string', minLength: 1 },
          model: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' } } },
          provenance: {
            type: 'object',
            required: ['calibrationSheet', 'calibrationDate', 'enteredBy'],
            additionalProperties: false,
            properties: { calibrationSheet: { type: 'string' }, calibrationDate: { type: 'string' }, enteredBy: { type: 'string' } },
          },
        },
      },
    },
    qc: {
      type: 'array',
      items: {
        type: 'object',
        required: ['station', 'quantity', 'config'],
        additionalProperties: false,
        properties: {
          station: { type: 'string' },
          quantity: { enum: ['TEMP', 'PSAL', 'PRES'] },
          config: { type: 'object' },
        },
      },
    },
  },
} as const
