// The Semtech UDP server over real sockets on 127.0.0.1: acknowledgements tied to the sink,
// downlink routing, TX_ACK records, and a fuzzer that must not take the server down.
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IngestCounters } from '../../src/ingest/counters.js'
import { SemtechUdpServer } from '../../src/ingest/semtech/server.js'
import type { TxAckRecord } from '../../src/ingest/semtech/gateways.js'
import { fixtureText, pullData, pushData, TestGateway, TestSink, txAck } from './helpers.js'

const GW = 'b827ebfffe6a1c2d'
const isPushAck = (token: number) => (b: Buffer) => b.length === 4 && b[3] === 0x01 && b.readUInt16BE(1) === token

let sink: TestSink
let counters: IngestCounters
let server: SemtechUdpServer
let gateway: TestGateway
let txAcks: TxAckRecord[]

beforeEach(async () => {
  sink = new TestSink()
  counters = new IngestCounters()
  txAcks = []
  server = new SemtechUdpServer({ sink, counters, host: '127.0.0.1', port: 0, maxDatagramBytes: 4096, onTxAck: (a) => txAcks.push(a) })
  const { port } = await server.start()
  gateway = await TestGateway.open(port)
})

afterEach(async () => {
  await gateway.close()
  await server.close()
})

describe('PUSH_DATA', () => {
  it('submits the rxpk frames and answers PUSH_ACK with the same version and token', async () => {
    const ack = gateway.next(isPushAck(0x1234))
    await gateway.send(pushData(2, 0x1234, GW, fixtureText('semtech/sx1302-push-data.json')))
    expect(await ack).toEqual(Buffer.from([2, 0x12, 0x34, 0x01]))
    expect(sink.durable.map((u) => u.kind === 'phy' && u.reception.gatewayId)).toEqual([GW, GW])
    expect(counters.accepted('semtech-udp')).toBe(2)
    const state = server.gateway(GW.toUpperCase())
    expect(state?.lastStat?.temperatureC).toBe(31.4)
    expect(state?.counters).toMatchObject({ pushData: 1, rxpk: 2, rxpkAccepted: 2, rxpkRejected: 0 })
  })

  it('answers a protocol version 1 forwarder in version 1', async () => {
    const ack = gateway.next(isPushAck(77))
    await gateway.send(pushData(1, 77, GW, fixtureText('semtech/spec-push-data.json')))
    expect(await ack).toEqual(Buffer.from([1, 0, 77, 0x01]))
    expect(sink.durable).toHaveLength(3)
  })

  it('sends PUSH_ACK only after submit() resolved', async () => {
    sink.mode = 'manual'
    let acked = false
    const ack = gateway.next(isPushAck(5)).then((b) => ((acked = true), b))
    await gateway.send(pushData(2, 5, GW, fixtureText('semtech/crc-mixed-push-data.json')))
    await sink.waitForCalls(1)
    // A round trip through the server after the PUSH_DATA: had a PUSH_ACK been sent, it would be here first.
    await gateway.probe(GW, 900)
    expect(acked).toBe(false)
    sink.resolveNext()
    expect(await ack).toEqual(Buffer.from([2, 0, 5, 0x01]))
  })

  it('sends no PUSH_ACK when submit() rejects, and counts the frames as sink-failed', async () => {
    sink.mode = 'reject'
    await gateway.send(pushData(2, 6, GW, fixtureText('semtech/sx1302-push-data.json')))
    await sink.waitForCalls(1)
    await gateway.probe(GW, 901)
    expect(gateway.received.filter(isPushAck(6))).toEqual([])
    expect(counters.rejected({ source: 'semtech-udp', reason: 'sink-failed' })).toBe(2)
    expect(counters.accepted()).toBe(0)
  })

  it('drops CRC-failed and CRC-less frames, counts them, and still acknowledges the datagram', async () => {
    const ack = gateway.next(isPushAck(8))
    await gateway.send(pushData(2, 8, GW, fixtureText('semtech/crc-mixed-push-data.json')))
    await ack
    expect(sink.durable).toHaveLength(1)
    expect(counters.rejected({ reason: 'crc-failed' })).toBe(1)
    expect(counters.rejected({ reason: 'no-crc' })).toBe(1)
  })

  it('acknowledges a status-only report without calling the sink', async () => {
    const ack = gateway.next(isPushAck(9))
    await gateway.send(pushData(2, 9, GW, fixtureText('semtech/stat-only-push-data.json')))
    await ack
    expect(sink.calls).toEqual([])
    expect(server.gateway(GW)?.lastStat?.downlinksReceived).toBe(1)
  })

  it('does not acknowledge a PUSH_DATA whose JSON is broken', async () => {
    await gateway.send(pushData(2, 10, GW, '{"rxpk":[{"stat":1,'))
    await gateway.probe(GW, 902)
    expect(gateway.received.filter(isPushAck(10))).toEqual([])
    expect(counters.rejected({ reason: 'invalid-json' })).toBe(1)
  })
})

describe('downlinks', () => {
  const txpk = { tmst: 3105729155, freq: 869.525, rfch: 0, powe: 14, modu: 'LORA' as const, datr: 'SF9BW125', codr: '4/5', ipol: true, data: 'YCwaCyaAAAABjn6wJw==' }

  it('cannot send to a gateway that never sent PULL_DATA', async () => {
    expect(await server.sendDownlink(GW, txpk)).toMatchObject({ ok: false, error: { code: 'unknown-gateway' } })
  })

  it('answers PULL_DATA with PULL_ACK and routes PULL_RESP to its source; TX_ACK is recorded against the token', async () => {
    const pullAck = gateway.next((b) => b[3] === 0x04)
    await gateway.send(pullData(2, 0xabcd, GW))
    expect(await pullAck).toEqual(Buffer.from([2, 0xab, 0xcd, 0x04]))
    expect(server.gateway(GW)?.downlinkAddress).toMatchObject({ address: '127.0.0.1' })

    const pullResp = gateway.next((b) => b[3] === 0x03)
    const sent = await server.sendDownlink(GW, txpk)
    if (!sent.ok) throw new Error(sent.error.detail)
    const datagram = await pullResp
    expect(datagram[0]).toBe(2)
    expect(datagram.readUInt16BE(1)).toBe(sent.token)
    expect(JSON.parse(datagram.subarray(4).toString())).toEqual({ txpk: { ...txpk, size: 13 } })

    await gateway.send(txAck(2, sent.token, GW, '{"txpk_ack":{"error":"TOO_LATE"}}'))
    await gateway.probe(GW, 903)
    expect(txAcks).toEqual([{ accepted: false, error: 'TOO_LATE', gatewayEui: GW, token: sent.token, matched: true, receivedAtMs: expect.any(Number) }])
    expect(server.gateway(GW)?.counters).toMatchObject({ downlinksSent: 1, txAck: 1, downlinksRejectedByGateway: 1 })

    await gateway.send(txAck(2, sent.token, GW))
    await gateway.probe(GW, 904)
    // Already answered: a second TX_ACK for the token is recorded but matches nothing.
    expect(txAcks[1]).toMatchObject({ accepted: true, matched: false })
  })

  it('refuses an invalid txpk without sending anything', async () => {
    await gateway.probe(GW, 905)
    expect(await server.sendDownlink(GW, { ...txpk, datr: 'SF13BW125' })).toMatchObject({ ok: false, error: { code: 'invalid-txpk' } })
    await gateway.probe(GW, 906)
    expect(gateway.received.filter((b) => b[3] === 0x03)).toEqual([])
  })
})

describe('bad datagrams', () => {
  it('counts oversized, truncated, unknown and wrong-direction datagrams, and keeps serving', async () => {
    await gateway.send(Buffer.alloc(5000, 0x7b))
    await gateway.send(Buffer.from([2, 0, 1]))
    await gateway.send(Buffer.from([9, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8]))
    await gateway.send(Buffer.from([2, 0, 1, 0x04]))
    await gateway.probe(GW, 907)
    expect(counters.rejectionRows().map((r) => [r.reason, r.count])).toEqual([
      ['too-large', 1],
      ['truncated', 1],
      ['unknown-packet-type', 1],
      ['unsupported-version', 1],
    ])
  })

  it('survives fuzzed datagrams and accounts for each one', async () => {
    let token = 1000
    const anyDatagram = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
      // A valid header with random JSON-ish bodies, or the same with bytes flipped.
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.jsonValue()).map(([t, v]) => pushData(2, t, GW, JSON.stringify(v))),
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat(200), fc.nat(255)).map(([t, at, byte]) => {
        const d = pushData(2, t, GW, fixtureText('semtech/sx1302-push-data.json'))
        d[12 + (at % (d.length - 12))] = byte
        return d
      }),
    )
    await fc.assert(
      fc.asyncProperty(anyDatagram, async (datagram) => {
        const before = counters.rejected() + counters.accepted() + acceptedDatagrams()
        await gateway.send(datagram)
        await gateway.probe(GW, token++)
        // Each datagram left a trace (a rejection, a frame, or a counted PUSH_DATA / PULL_DATA /
        // TX_ACK) besides the probe's own PULL_DATA.
        expect(counters.rejected() + counters.accepted() + acceptedDatagrams() - before).toBeGreaterThanOrEqual(2)
      }),
      { numRuns: 300 },
    )
    // Still a working server afterwards.
    const ack = gateway.next(isPushAck(0x4242))
    await gateway.send(pushData(2, 0x4242, GW, fixtureText('semtech/spec-push-data.json')))
    await ack
  })
})

function acceptedDatagrams(): number {
  return server.allGateways().reduce((n, g) => n + g.counters.pushData + g.counters.pullData + g.counters.txAck, 0)
}
