// ChirpStack (application events, Gateway Bridge frames) and The Things Stack messages → the
// normalised records: golden examples, zero-valued fields left out, and fuzzing from the goldens.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseGatewayBridgeUplink } from '../../src/ingest/chirpstack/gatewayFrame.js'
import { parseChirpstackUplinkEvent } from '../../src/ingest/chirpstack/uplinkEvent.js'
import type { Parsed, RejectionReason } from '../../src/ingest/rejections.js'
import { parseTtsApplicationUp } from '../../src/ingest/tts/applicationUp.js'
import type { AppUplink, PhyUplink } from '../../src/ingest/types.js'
import { fixture } from './helpers.js'
import { mutatedMessage } from './mutate.js'

const NOW = Date.UTC(2024, 2, 5, 10, 22, 32)
const hex = (s: string) => Buffer.from(s, 'hex')
const EU868_SF12 = { frequencyHz: 868_100_000, dataRate: 'SF12BW125', codingRate: '4/5' }

function value<T>(p: Parsed<T>): T {
  if (!p.ok) throw new Error(`${p.rejection.reason}: ${p.rejection.detail}`)
  return p.value
}

const REASONS: RejectionReason[] = ['missing-field', 'invalid-field', 'invalid-base64', 'crc-failed', 'no-crc', 'topic-mismatch', 'not-an-uplink']

describe('ChirpStack v4 application "up" event', () => {
  const parse = (name: string) => value(parseChirpstackUplinkEvent(fixture(name), 'chirpstack-application-mqtt', NOW))

  it('reads the documented example, where fCnt 0 is left out', () => {
    expect(parse('chirpstack/app-up-docs.json')).toEqual<AppUplink>({
      kind: 'app',
      source: 'chirpstack-application-mqtt',
      devEui: '0101010101010101',
      devAddr: '00189440',
      fPort: 1,
      fCnt: 0,
      payload: hex('aa'),
      receivedAtMs: NOW,
      networkTime: '2022-07-18T09:34:15.775023242Z',
      networkDedupId: '3ac7e3c4-4401-4b8d-9386-a5c902f9202d',
      receptions: [{ gatewayId: '0016c001f153a14c', rssiDbm: -36, snrDb: 10.5, frequencyHz: 867_100_000, dataRate: 'SF11BW125', codingRate: '4/5' }],
    })
  })

  it('reads a first uplink from two gateways; omitted snr and channel stay omitted', () => {
    expect(parse('chirpstack/app-up-first-uplink.json')).toEqual<AppUplink>({
      kind: 'app',
      source: 'chirpstack-application-mqtt',
      devEui: '70b3d57ed0061a2c',
      devAddr: '260b1a2c',
      fPort: 1,
      fCnt: 0,
      payload: hex('17030372c011ec618894626cfa8244ca04100dc780'),
      receivedAtMs: NOW,
      networkTime: '2024-03-05T10:22:31.842233127Z',
      networkDedupId: '6f0a4b4e-3c1d-4a8e-9b61-0c1f7a2d9e55',
      receptions: [
        { gatewayId: 'b827ebfffe6a1c2d', time: '2024-03-05T10:22:31.418262Z', rssiDbm: -112, snrDb: -7.2, channel: 2, rfChain: 1, ...EU868_SF12 },
        { gatewayId: '7276ff000b031df7', rssiDbm: -118, ...EU868_SF12 },
      ],
    })
  })

  it('reads an uplink without FRMPayload: no fPort, no data → FPort 0, empty payload', () => {
    expect(parse('chirpstack/app-up-empty.json')).toMatchObject({ fPort: 0, fCnt: 12, payload: Buffer.alloc(0) })
  })

  it('reads the emit-fields style (fCnt: 0 written, object: null)', () => {
    expect(parse('chirpstack/app-up-emit-fields.json')).toMatchObject({ devEui: '70b3d57ed0061a2d', fPort: 2, fCnt: 0, payload: hex('01') })
  })

  it.each([
    [{ deviceInfo: {} }, 'missing-field', 'up.deviceInfo.devEui is missing'],
    [{ deviceInfo: { devEui: '0101' } }, 'invalid-field', 'up.deviceInfo.devEui: expected 16 hex digits, got the string "0101"'],
    [{ deviceInfo: { devEui: '0101010101010101' }, fCnt: -1 }, 'invalid-field', 'up.fCnt: expected an integer in [0, 4294967295], got number -1'],
    [{ deviceInfo: { devEui: '0101010101010101' }, fPort: 256 }, 'invalid-field', 'up.fPort: expected an integer in [0, 255], got number 256'],
    [{ deviceInfo: { devEui: '0101010101010101' }, data: 'not base64!' }, 'invalid-base64', 'up.data: not base64: the string "not base64!"'],
    [{ deviceInfo: { devEui: '0101010101010101' }, rxInfo: [{ rssi: -1 }] }, 'missing-field', 'up.rxInfo[0].gatewayId is missing'],
  ])('rejects %j as %s', (event, reason, detail) => {
    expect(parseChirpstackUplinkEvent(event, 'chirpstack-application-http', NOW)).toEqual({ ok: false, rejection: { reason, detail } })
  })
})

describe('ChirpStack Gateway Bridge "up" frame', () => {
  const parse = (name: string, gw: string) => value(parseGatewayBridgeUplink(fixture(name), gw, NOW))

  it('reads the documented v4 example', () => {
    expect(parse('chirpstack/bridge-up-docs.json', '0016c001f153a14c')).toEqual<PhyUplink>({
      kind: 'phy',
      source: 'chirpstack-gateway-bridge-mqtt',
      phyPayload: hex('80a6fe6a018005000138873a7304'),
      receivedAtMs: NOW,
      reception: { gatewayId: '0016c001f153a14c', time: '2022-08-03T14:37:43.383634108Z', rssiDbm: -52, snrDb: 13.75, frequencyHz: 867_300_000, dataRate: 'SF7BW125', codingRate: '4/5' },
    })
  })

  it('reads a v4 frame with gwTime, channel and rfChain', () => {
    expect(parse('chirpstack/bridge-up-v4.json', 'b827ebfffe6a1c2d').reception).toEqual({
      gatewayId: 'b827ebfffe6a1c2d',
      time: '2024-03-05T10:22:31.418262Z',
      rssiDbm: -112,
      snrDb: -7.2,
      channel: 2,
      rfChain: 1,
      ...EU868_SF12,
    })
  })

  it('reads a v3 frame: base64 gatewayID, loRaSNR, bandwidth in kHz, null times', () => {
    const up = parse('chirpstack/bridge-up-v3.json', 'b827ebfffe6a1c2d')
    expect(up.phyPayload.toString('hex')).toBe('402c1a0b268001000195c840a471aae65abcc8d92847afef8c755d4c9d0b818ca23d')
    expect(up.reception).toEqual({ gatewayId: 'b827ebfffe6a1c2d', rssiDbm: -96, snrDb: 7.8, channel: 2, rfChain: 1, frequencyHz: 868_500_000, dataRate: 'SF9BW125', codingRate: '4/5' })
  })

  it('drops a BAD_CRC frame, and refuses a payload gateway that differs from the topic', () => {
    expect(parseGatewayBridgeUplink(fixture('chirpstack/bridge-up-bad-crc.json'), 'b827ebfffe6a1c2d', NOW)).toMatchObject({ ok: false, rejection: { reason: 'crc-failed' } })
    expect(parseGatewayBridgeUplink(fixture('chirpstack/bridge-up-v4.json'), '0016c001f153a14c', NOW)).toEqual({
      ok: false,
      rejection: { reason: 'topic-mismatch', detail: 'topic gateway 0016c001f153a14c, message gateway b827ebfffe6a1c2d' },
    })
  })
})

describe('The Things Stack ApplicationUp', () => {
  const parse = (name: string) => value(parseTtsApplicationUp(fixture(name), 'tts-webhook', NOW))

  it('reads the documented example (which has no f_port: FPort 0)', () => {
    expect(parse('tts/up-docs.json')).toEqual<AppUplink>({
      kind: 'app',
      source: 'tts-webhook',
      devEui: '0004a30b001c0530',
      deviceId: 'dev1',
      devAddr: '00bcb929',
      fPort: 0,
      fCnt: 1,
      payload: hex('8241de'),
      receivedAtMs: NOW,
      networkTime: '2020-02-12T15:15:45.789585559Z',
      networkDedupId: 'ns:uplink:01E0WZGSZXZXZS8RFAWZX0F2FY',
      receptions: [
        { gatewayId: '9c5c8e00001a05c4', time: '2020-02-12T15:15:45.787Z', tmst: 2463457000, rssiDbm: -35, snrDb: 5, channel: 2, frequencyHz: 868_300_000, dataRate: 'SF7BW125', codingRate: '4/6' },
      ],
    })
  })

  it('reads a first uplink (f_cnt omitted) heard also through Packet Broker (no gateway EUI)', () => {
    expect(parse('tts/up-first-uplink.json')).toEqual<AppUplink>({
      kind: 'app',
      source: 'tts-webhook',
      devEui: '70b3d57ed0061a2c',
      deviceId: 'buoy-amedee-01',
      devAddr: '260b1a2c',
      fPort: 1,
      fCnt: 0,
      payload: hex('17030372c011ec618894626cfa8244ca04100dc780'),
      receivedAtMs: NOW,
      networkTime: '2024-03-05T10:22:31.655120449Z',
      networkDedupId: 'ns:uplink:01HR3Z8Q4X2Y7T0M9P4R6S8U1W',
      receptions: [
        { gatewayId: 'b827ebfffe6a1c2d', time: '2024-03-05T10:22:31.418262Z', tmst: 3104729155, rssiDbm: -112, snrDb: -7.2, channel: 2, ...EU868_SF12 },
        { gatewayId: 'packetbroker', time: '2024-03-05T10:22:31.418903Z', rssiDbm: -118, ...EU868_SF12 },
      ],
    })
  })

  it('reads an empty uplink (frm_payload omitted)', () => {
    expect(parse('tts/up-empty-payload.json')).toMatchObject({ fPort: 3, fCnt: 12, payload: Buffer.alloc(0) })
  })

  it('turns away a join-accept as not-an-uplink, and checks the MQTT topic ids', () => {
    expect(parseTtsApplicationUp(fixture('tts/join-accept.json'), 'tts-mqtt', NOW)).toEqual({
      ok: false,
      rejection: { reason: 'not-an-uplink', detail: 'no uplink_message (message carries join_accept)' },
    })
    expect(parseTtsApplicationUp(fixture('tts/up-docs.json'), 'tts-mqtt', NOW, { applicationId: 'app1', deviceId: 'dev2' })).toMatchObject({
      ok: false,
      rejection: { reason: 'topic-mismatch' },
    })
  })

  it('refuses a device without a DevEUI, naming the likely cause', () => {
    const msg = fixture('tts/up-docs.json')
    delete (msg.end_device_ids as Record<string, unknown>).dev_eui
    expect(parseTtsApplicationUp(msg, 'tts-mqtt', NOW)).toEqual({
      ok: false,
      rejection: { reason: 'missing-field', detail: 'up.end_device_ids.dev_eui is missing (an ABP device registered without a DevEUI?)' },
    })
  })
})

describe('fuzzing from the golden messages', () => {
  const cases: [string, (m: Record<string, unknown>) => Parsed<unknown>][] = [
    ['chirpstack/app-up-first-uplink.json', (m) => parseChirpstackUplinkEvent(m, 'chirpstack-application-mqtt', NOW)],
    ['chirpstack/bridge-up-v4.json', (m) => parseGatewayBridgeUplink(m, 'b827ebfffe6a1c2d', NOW)],
    ['chirpstack/bridge-up-v3.json', (m) => parseGatewayBridgeUplink(m, 'b827ebfffe6a1c2d', NOW)],
    ['tts/up-first-uplink.json', (m) => parseTtsApplicationUp(m, 'tts-mqtt', NOW, { applicationId: 'reeftemps-lagoon', deviceId: 'buoy-amedee-01' })],
  ]
  it.each(cases)('%s with any field changed or removed: a record or a named rejection, never a throw', (name, parse) => {
    fc.assert(
      fc.property(mutatedMessage(fixture(name)), (msg) => {
        const parsed = parse(msg as Record<string, unknown>)
        if (!parsed.ok) {
          expect(REASONS).toContain(parsed.rejection.reason)
          expect(parsed.rejection.detail.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 1500 },
    )
  })

  it('arbitrary JSON objects never make a parser throw', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (msg) => {
        for (const [, parse] of cases) parse(msg)
      }),
      { numRuns: 1000 },
    )
  })
})
