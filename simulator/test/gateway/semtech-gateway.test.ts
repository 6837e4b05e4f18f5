// The virtual gateway on real UDP sockets: protocol bytes, flow control, retries, keepalive,
// downlinks.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { parseUdpTarget, semtech, SemtechUdpGateway, startUdpAckSink, type UdpAckSink } from '../../src/index.js';

const sinks: UdpAckSink[] = [];
const gateways: SemtechUdpGateway<number>[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.close();
  for (const s of sinks.splice(0)) await s.close();
});

async function sink(policy?: Parameters<typeof startUdpAckSink>[0]) {
  const s = await startUdpAckSink(policy);
  sinks.push(s);
  return s;
}

function gateway(s: UdpAckSink, options: Partial<ConstructorParameters<typeof SemtechUdpGateway<number>>[0]> = {}) {
  const g = new SemtechUdpGateway<number>({ eui: '0000000000dec0a1', target: { host: s.host, port: s.port }, keepaliveMs: 0, ...options });
  gateways.push(g);
  return g;
}

describe('Semtech protocol', () => {
  it('encodes and decodes PUSH_DATA, PULL_DATA, acks and TX_ACK', () => {
    const push = semtech.encodePushData(0xbeef, '0000000000dec0a1', { rxpk: [] });
    expect([...push.subarray(0, 12)]).toEqual([2, 0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0xde, 0xc0, 0xa1]);
    expect(semtech.decodeDatagram(push)).toEqual({ ok: true, value: { version: 2, token: 0xbeef, type: 0, eui: '0000000000dec0a1', json: { rxpk: [] } } });
    expect([...semtech.encodeAck(7, semtech.PUSH_ACK)]).toEqual([2, 0, 7, 1]);
    expect(semtech.decodeDatagram(semtech.encodePullData(1, '0000000000dec0a1'))).toMatchObject({ ok: true, value: { type: 2 } });
    expect(semtech.decodeDatagram(semtech.encodeTxAck(9, '0000000000dec0a1'))).toMatchObject({ ok: true, value: { type: 5, json: { txpk_ack: { error: 'NONE' } } } });
    expect(semtech.decodeDatagram(Buffer.from([2, 0]))).toMatchObject({ ok: false });
    expect(semtech.decodeDatagram(Buffer.from([9, 0, 0, 1]))).toMatchObject({ ok: false, error: /version 9/ });
  });

  it('writes times as gateways do', () => {
    const ms = Date.parse('2024-02-29T12:34:56.789Z');
    expect(semtech.rxpkTime(ms)).toBe('2024-02-29T12:34:56.789000Z');
    expect(semtech.statTime(ms)).toBe('2024-02-29 12:34:56 GMT');
    // GPS time is 18 leap seconds ahead of UTC since 2017.
    expect(semtech.gpsTimeMs(ms)).toBe(ms - Date.UTC(1980, 0, 6) + 18_000);
    expect(semtech.gpsTimeMs(Date.UTC(1980, 0, 6))).toBe(0);
  });

  it('parses udp targets and refuses bad ones', () => {
    expect(parseUdpTarget('127.0.0.1:1700')).toEqual({ host: '127.0.0.1', port: 1700 });
    expect(parseUdpTarget('[::1]:1700')).toEqual({ host: '::1', port: 1700 });
    expect(() => parseUdpTarget('localhost')).toThrow(/host:port/);
    expect(() => parseUdpTarget('h:99999')).toThrow(/host:port/);
  });
});

describe('SemtechUdpGateway', () => {
  it('keeps at most maxInFlight PUSH_DATA unacknowledged', async () => {
    let unacked = 0;
    let worst = 0;
    const held: (() => void)[] = [];
    // Hold acks back and release them in bursts, so the window really fills.
    const s = await sink({
      ackPolicy: (_d, ack) => {
        held.push(ack);
        unacked++;
        worst = Math.max(worst, unacked);
        if (held.length >= 4) setTimeout(() => held.splice(0).forEach((a) => (unacked--, a())), 2);
      },
    });
    const acked: number[] = [];
    const g = gateway(s, { maxInFlight: 4, onAck: (n) => acked.push(n) });
    await g.start();
    for (let i = 0; i < 40; i++) await g.push({ rxpk: [] }, i);
    await g.drain();
    expect(worst).toBe(4);
    expect(g.counters.maxInFlight).toBe(4);
    expect(acked.sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    expect(g.counters).toMatchObject({ pushSent: 40, pushAcked: 40, unacknowledged: 0 });
  });

  it('retries with the same token, then gives up and counts', async () => {
    const tokens: number[] = [];
    const s = await sink({ ackPolicy: (d) => tokens.push(d.token) });
    const given: number[] = [];
    const g = gateway(s, { maxRetries: 2, ackTimeoutMs: 5, onGiveUp: (n) => given.push(n) });
    await g.start();
    await g.push({ rxpk: [] }, 42);
    await g.drain();
    expect(tokens.length).toBe(3);
    expect(new Set(tokens).size).toBe(1);
    expect(given).toEqual([42]);
    expect(g.counters).toMatchObject({ pushSent: 1, retransmissions: 2, unacknowledged: 1, pushAcked: 0 });
  });

  it('sends PULL_DATA, counts PULL_ACK, answers PULL_RESP with TX_ACK', async () => {
    const server = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const seen: number[] = [];
    server.on('message', (msg, from) => {
      const d = semtech.decodeDatagram(msg);
      if (!d.ok) return;
      seen.push(d.value.type);
      if (d.value.type === semtech.PULL_DATA) {
        server.send(semtech.encodeAck(d.value.token, semtech.PULL_ACK), from.port, from.address);
        const resp = Buffer.concat([Buffer.from([2, 0, 1, semtech.PULL_RESP]), Buffer.from(JSON.stringify({ txpk: { imme: true, data: 'AA==' } }))]);
        server.send(resp, from.port, from.address);
      }
    });
    try {
      const g = new SemtechUdpGateway<number>({ eui: '0000000000dec0a1', target: { host: '127.0.0.1', port: server.address().port }, keepaliveMs: 0 });
      gateways.push(g);
      await g.start();
      await expect.poll(() => seen.includes(semtech.TX_ACK)).toBe(true);
      expect(g.counters.pullSent).toBe(1);
      expect(g.counters.pullAcked).toBe(1);
      expect(g.counters.downlinks).toBe(1);
      expect(g.downlinks).toEqual([{ imme: true, data: 'AA==' }]);
    } finally {
      server.close();
    }
  });
});
