// The Semtech formats without sockets: golden PUSH_DATA bodies → PhyUplinks, header parsing,
// txpk checks, and properties over generated and random input.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseGatewayDatagram } from '../../src/ingest/semtech/packet.js'
import { parsePushData } from '../../src/ingest/semtech/pushData.js'
import { parseTxAck, validateTxpk } from '../../src/ingest/semtech/txpk.js'
import { fixtureText, pushData, semtechHeader } from './helpers.js'

const GW = 'b827ebfffe6a1c2d'
const NOW = Date.UTC(2024, 2, 5, 10, 22, 32)

function body(name: string): Buffer {
  return Buffer.from(fixtureText(name))
}

describe('PUSH_DATA golden bodies', () => {
  it('reads the PROTOCOL.TXT example: LoRa with mixed base64url, FSK with a numeric datr', () => {
    const parsed = parsePushData(body('semtech/spec-push-data.json'), GW, NOW)
    expect(parsed.ok && parsed.value.rejections).toEqual([])
    const uplinks = parsed.ok ? parsed.value.uplinks : []
    expect(uplinks.map((u) => u.phyPayload.toString('hex'))).toEqual([
      'f834b808668309d1bee3c78934cdd56a2fb30e9b11ef53e7f423c0f6e08e37ce',
      '544553545f5041434b45545f31323334',
      'cac811978e76c4d2dea7d4b5353220da5a26283c54827dc327b0c4f9bd3402cb',
    ])
    expect(uplinks[0]).toEqual({
      kind: 'phy',
      source: 'semtech-udp',
      phyPayload: expect.any(Buffer),
      receivedAtMs: NOW,
      reception: {
        gatewayId: GW,
        time: '2013-03-31T16:21:17.528002Z',
        tmst: 3512348611,
        rssiDbm: -35,
        snrDb: 5.1,
        frequencyHz: 866_349_812,
        dataRate: 'SF7BW125',
        codingRate: '4/6',
        channel: 2,
        rfChain: 0,
      },
    })
    // FSK: datr is the bit rate, no SNR, no coding rate.
    expect(uplinks[1].reception).toEqual({
      gatewayId: GW,
      time: '2013-03-31T16:21:17.530974Z',
      tmst: 3512348514,
      rssiDbm: -75,
      frequencyHz: 869_100_000,
      dataRate: '50000',
      channel: 9,
      rfChain: 1,
    })
  })

  it('reads an sx1302 forwarder: stat with temperature, and a time derived from tmms when time is absent', () => {
    const parsed = parsePushData(body('semtech/sx1302-push-data.json'), GW, NOW)
    if (!parsed.ok) throw new Error(parsed.rejection.detail)
    const { uplinks, rejections, stat } = parsed.value
    expect(rejections).toEqual([])
    expect(uplinks.map((u) => u.phyPayload.toString('hex'))).toEqual([
      '402c1a0b268001000195c840a471aae65abcc8d92847afef8c755d4c9d0b818ca23d',
      '402c1a0b268007000146093a6043192d5462a9bbb07faa3def8ddb5e806e3ec3607f',
    ])
    expect(uplinks[0].reception).toEqual({
      gatewayId: GW,
      time: '2024-03-05T10:22:31.418262Z',
      tmst: 3104729155,
      rssiDbm: -96,
      snrDb: 7.8,
      frequencyHz: 868_500_000,
      dataRate: 'SF9BW125',
      codingRate: '4/5',
      channel: 2,
      rfChain: 1,
    })
    // tmms 1393669371107 is GPS time: UTC is 18 leap seconds behind.
    expect(uplinks[1].reception.time).toBe('2024-03-05T10:22:33.107Z')
    expect(stat).toEqual({
      time: '2024-03-05T10:22:31Z',
      latitudeDeg: -22.27631,
      longitudeDeg: 166.44807,
      altitudeM: 12,
      rxReceived: 3,
      rxOk: 2,
      rxForwarded: 2,
      ackRatePercent: 100,
      downlinksReceived: 0,
      txEmitted: 0,
      temperatureC: 31.4,
    })
  })

  it('drops CRC-failed and CRC-less frames with their reason, keeps the good one', () => {
    const parsed = parsePushData(body('semtech/crc-mixed-push-data.json'), GW, NOW)
    if (!parsed.ok) throw new Error(parsed.rejection.detail)
    expect(parsed.value.rejections.map((r) => r.reason)).toEqual(['crc-failed', 'no-crc'])
    expect(parsed.value.uplinks.map((u) => u.phyPayload.toString('hex'))).toEqual([
      '402c1a0b26800000015f2fd9d00dc765484b51ec3b05832f69b9e5bd298f05b41416',
    ])
  })

  it('reads a status-only report', () => {
    const parsed = parsePushData(body('semtech/stat-only-push-data.json'), GW, NOW)
    expect(parsed.ok && parsed.value).toEqual({ uplinks: [], rejections: [], stat: expect.objectContaining({ time: '2024-03-05T10:30:31Z', downlinksReceived: 1 }) })
  })

  it('takes RSSI, SNR and channel from the strongest antenna of a multi-antenna rsig', () => {
    const parsed = parsePushData(body('semtech/multi-antenna-push-data.json'), GW, NOW)
    expect(parsed.ok && parsed.value.uplinks[0].reception).toMatchObject({ rssiDbm: -99, snrDb: 1.2, channel: 0, dataRate: 'SF10BW125' })
  })

  it.each([
    [{ rxpk: [{ stat: 1, data: 'qg==', size: 2 }] }, 'size-mismatch', 'rxpk[0].size: 2 but data decodes to 1 bytes'],
    [{ rxpk: [{ stat: 1, data: 'q g==' }] }, 'invalid-base64', 'rxpk[0].data: not base64: the string "q g=="'],
    [{ rxpk: [{ stat: 1 }] }, 'missing-field', 'rxpk[0].data is missing'],
    [{ rxpk: [{ data: 'qg==' }] }, 'missing-field', 'rxpk[0].stat is missing'],
    [{ rxpk: [{ stat: 1, data: 'qg==', rssi: '-35' }] }, 'invalid-field', 'rxpk[0].rssi: expected a number, got the string "-35"'],
    [{ rxpk: [{ stat: 1, data: 'qg==', modu: 'LORA', datr: 50000 }] }, 'invalid-field', 'rxpk[0].datr: 50000 is not a LORA data rate'],
    [{ rxpk: [{ stat: 1, data: 'qg==', modu: 'FSK', datr: 'SF7BW125' }] }, 'invalid-field', 'rxpk[0].datr: "SF7BW125" is not a FSK data rate'],
    [{ rxpk: [{ stat: 1, data: 'qg==', time: '31/03/2013' }] }, 'invalid-field', 'rxpk[0].time: not an RFC 3339 time: the string "31/03/2013"'],
    [{ rxpk: [{ stat: 1, data: 'qg==', tmst: 2 ** 32 }] }, 'invalid-field', 'rxpk[0].tmst: expected an integer in [0, 4294967295], got number 4294967296'],
    [{ rxpk: [{ stat: 1, data: Buffer.alloc(256).toString('base64') }] }, 'invalid-field', 'rxpk[0].data: 256 bytes, a radio frame holds at most 255'],
    [{ rxpk: [7] }, 'invalid-field', 'rxpk[0]: expected an object'],
    [{ rxpk: [{ stat: 1, data: 'qg==', tmms: 2 ** 53 - 1 }] }, 'invalid-field', 'rxpk[0].tmms: expected an integer in [0, 4398046511104], got number 9007199254740991'],
    [{ rxpk: [{ stat: 1, data: 'qg==', freq: 1e308 }] }, 'invalid-field', 'rxpk[0].freq: 1e+308 MHz'],
  ])('rejects %j as %s', (json, reason, detail) => {
    const parsed = parsePushData(Buffer.from(JSON.stringify(json)), GW, NOW)
    expect(parsed.ok && parsed.value.rejections).toEqual([{ reason, detail }])
  })

  it('rejects a body that is not a JSON object, or whose rxpk is not an array', () => {
    expect(parsePushData(Buffer.from('{"rxpk":'), GW, NOW)).toMatchObject({ ok: false, rejection: { reason: 'invalid-json' } })
    expect(parsePushData(Buffer.from('[1]'), GW, NOW)).toMatchObject({ ok: false, rejection: { reason: 'invalid-json' } })
    expect(parsePushData(Buffer.from('{"rxpk":{}}'), GW, NOW)).toMatchObject({ ok: false, rejection: { reason: 'invalid-field' } })
  })
})

// Any rxpk a forwarder may write: every field optional except stat 1 and data.
const rxpkArb = fc.record(
  {
    time: fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    tmst: fc.integer({ min: 0, max: 0xffffffff }),
    freq: fc.integer({ min: 150_000_000, max: 1_020_000_000 }).map((hz) => hz / 1e6),
    chan: fc.integer({ min: 0, max: 15 }),
    rfch: fc.integer({ min: 0, max: 1 }),
    modu: fc.constant('LORA'),
    datr: fc.tuple(fc.integer({ min: 7, max: 12 }), fc.constantFrom(125, 250, 500)).map(([sf, bw]) => `SF${sf}BW${bw}`),
    codr: fc.constantFrom('4/5', '4/6', '4/7', '4/8'),
    rssi: fc.integer({ min: -140, max: 0 }),
    lsnr: fc.integer({ min: -250, max: 150 }).map((x) => x / 10),
  },
  { requiredKeys: [] },
)

describe('PUSH_DATA properties', () => {
  it('maps every generated rxpk field to the reception, in any base64 spelling', () => {
    fc.assert(
      fc.property(rxpkArb, fc.uint8Array({ minLength: 1, maxLength: 255 }), fc.constantFrom('base64', 'base64url'), fc.boolean(), (fields, bytes, enc, withSize) => {
        const data = Buffer.from(bytes)
        const rxpk = { ...fields, stat: 1, data: data.toString(enc), ...(withSize ? { size: data.length } : {}) }
        const parsed = parsePushData(Buffer.from(JSON.stringify({ rxpk: [rxpk] })), GW, NOW)
        if (!parsed.ok) throw new Error(parsed.rejection.detail)
        expect(parsed.value.rejections).toEqual([])
        const [u] = parsed.value.uplinks
        expect(u.phyPayload.equals(data)).toBe(true)
        const expected: Record<string, unknown> = { gatewayId: GW }
        if (fields.time !== undefined) expected.time = fields.time
        if (fields.tmst !== undefined) expected.tmst = fields.tmst
        if (fields.freq !== undefined) expected.frequencyHz = Math.round(fields.freq * 1e6)
        if (fields.chan !== undefined) expected.channel = fields.chan
        if (fields.rfch !== undefined) expected.rfChain = fields.rfch
        if (fields.datr !== undefined) expected.dataRate = fields.datr
        if (fields.codr !== undefined) expected.codingRate = fields.codr
        if (fields.rssi !== undefined) expected.rssiDbm = fields.rssi
        if (fields.lsnr !== undefined) expected.snrDb = fields.lsnr
        expect(u.reception).toEqual(expected)
      }),
      { numRuns: 500 },
    )
  })

  it('accounts for every rxpk (an uplink or one rejection) and never throws, whatever the JSON', () => {
    const field = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(1, -1, 0, 'qg==', 'SF7BW125', 'LORA', 'FSK', 50000),
      // Extremes: a value that survives the type check can still break arithmetic or Date.
      fc.constantFrom(2 ** 53 - 1, 2 ** 32, 1e308, -1e308, 5e-324, '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z'),
      fc.double({ noNaN: true }),
    )
    const fields = fc.dictionary(fc.constantFrom('time', 'tmms', 'tmst', 'freq', 'chan', 'rfch', 'stat', 'modu', 'datr', 'codr', 'rssi', 'lsnr', 'size', 'data', 'rsig'), field)
    const rxpk = fc.oneof(
      fields,
      // A good frame with some fields overridden gets past the CRC and data checks.
      fields.map((f) => ({ stat: 1, data: 'qg==', ...f })),
      fields.map((f) => ({ ...f, stat: 1, data: 'qg==' })),
      fc.jsonValue(),
    )
    fc.assert(
      fc.property(fc.array(rxpk, { maxLength: 6 }), fc.option(fc.jsonValue()), (entries, stat) => {
        const json = JSON.stringify(stat === null ? { rxpk: entries } : { rxpk: entries, stat })
        const parsed = parsePushData(Buffer.from(json), GW, NOW)
        if (!parsed.ok) throw new Error(parsed.rejection.detail)
        expect(parsed.value.uplinks.length + parsed.value.rejections.length).toBe(entries.length)
        for (const r of parsed.value.rejections) expect(r.detail).toMatch(/^rxpk\[\d\]/)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('datagram header', () => {
  it('reads PUSH_DATA, PULL_DATA and TX_ACK in protocol versions 1 and 2', () => {
    expect(parseGatewayDatagram(pushData(1, 0xbeef, GW, '{}'))).toMatchObject({ ok: true, value: { type: 'push-data', version: 1, token: 0xbeef, gatewayEui: GW } })
    expect(parseGatewayDatagram(semtechHeader(2, 7, 0x02, GW))).toMatchObject({ ok: true, value: { type: 'pull-data', version: 2, token: 7 } })
    expect(parseGatewayDatagram(semtechHeader(2, 9, 0x05, GW))).toMatchObject({ ok: true, value: { type: 'tx-ack', token: 9, json: Buffer.alloc(0) } })
  })

  it.each([
    [Buffer.from([2, 0]), 'truncated'],
    [Buffer.from([2, 0, 1, 0, 0xb8, 0x27]), 'truncated'],
    [Buffer.from([3, 0, 1, 0]), 'unsupported-version'],
    [Buffer.from([2, 0, 1, 0x01]), 'unknown-packet-type'],
    [Buffer.from([2, 0, 1, 0x09, 1, 2, 3, 4, 5, 6, 7, 8]), 'unknown-packet-type'],
  ])('rejects %o as %s', (datagram, reason) => {
    expect(parseGatewayDatagram(datagram)).toMatchObject({ ok: false, rejection: { reason } })
  })

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void parseGatewayDatagram(Buffer.from(bytes))), { numRuns: 2000 })
  })
})

describe('txpk and TX_ACK', () => {
  const txpk = { tmst: 3105729155, freq: 868.5, rfch: 0, powe: 14, modu: 'LORA' as const, datr: 'SF9BW125', codr: '4/5', ipol: true, data: 'YCwaCyaAAAABjn6wJw' }

  it('fills in size and accepts unpadded data', () => {
    expect(validateTxpk(txpk)).toEqual({ ok: true, value: { ...txpk, size: 13 } })
  })

  it.each([
    [{ ...txpk, datr: 50000 }, 'invalid-field'],
    [{ ...txpk, modu: 'FSK' as const }, 'invalid-field'],
    [{ ...txpk, tmst: undefined }, 'missing-field'],
    [{ ...txpk, size: 12 }, 'size-mismatch'],
    [{ ...txpk, data: '%%' }, 'invalid-base64'],
    [{ ...txpk, freq: -1 }, 'invalid-field'],
  ])('refuses %j (%s)', (bad, reason) => {
    expect(validateTxpk(bad)).toMatchObject({ ok: false, rejection: { reason } })
  })

  it('reads TX_ACK: empty is success, "NONE" is success, an error code is a refusal, warnings kept', () => {
    expect(parseTxAck(Buffer.alloc(0))).toEqual({ ok: true, value: { accepted: true } })
    expect(parseTxAck(Buffer.from('{"txpk_ack":{"error":"NONE"}}\0'))).toEqual({ ok: true, value: { accepted: true } })
    expect(parseTxAck(Buffer.from('{"txpk_ack":{"error":"TOO_LATE"}}'))).toEqual({ ok: true, value: { accepted: false, error: 'TOO_LATE' } })
    expect(parseTxAck(Buffer.from('{"txpk_ack":{"warn":"TX_POWER","value":20}}'))).toEqual({ ok: true, value: { accepted: true, warn: 'TX_POWER', value: 20 } })
    expect(parseTxAck(Buffer.from('{"txpk_ack":'))).toMatchObject({ ok: false, rejection: { reason: 'invalid-json' } })
  })
})
