// Replay throughput of the bundled fleet (3 buoys, 3 gateways) to a local Semtech UDP sink that
// acknowledges every PUSH_DATA, at full speed. Ratios compare with raw limits measured in the
// same run: the same number of PUSH_DATA/PUSH_ACK round trips through bare sockets with the same
// window (the UDP limit), and lora-packet building the same number of frames (the frame
// reference: the replay builds its frames on node:crypto, byte for byte lora-packet's, so its
// frame rates can now exceed this baseline).
// The full path through the server comes with the server's ingest.
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { buildUplinkFrameWithLoraPacket, readFleetFile, runReplay, semtech, sessionKeys, SourceCache, startUdpAckSink, BUNDLED_FLEET_FILE, type UplinkOutput } from '../src/index.js';

import type { BenchRow } from '../../scripts/bench-row.js';

const FROM = Date.parse('2023-03-01T00:00:00Z');
const DAYS = 60;
const WINDOW = 32;

/** PUSH_DATA/PUSH_ACK round trips per second through bare sockets, `window` in flight. */
async function rawUdpRate(datagrams: number, bytes: Buffer): Promise<number> {
  const sink = await startUdpAckSink();
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, () => r()));
  let acked = 0;
  let sent = 0;
  const t0 = performance.now();
  await new Promise<void>((done) => {
    const pump = () => {
      while (sent < datagrams && sent - acked < WINDOW) {
        bytes.writeUInt16BE(sent & 0xffff, 1);
        socket.send(bytes, sink.port, sink.host);
        sent++;
      }
    };
    socket.on('message', () => {
      acked++;
      if (acked === datagrams) done();
      else pump();
    });
    pump();
  });
  const rate = datagrams / ((performance.now() - t0) / 1000);
  socket.close();
  await sink.close();
  return rate;
}

/** lora-packet frames per second (MIC + encryption): what building each uplink cost before node:crypto. */
function framesPerSecond(n: number): number {
  const keys = sessionKeys('01de0001', '000102030405060708090a0b0c0d0e01', '0f0e0d0c0b0a09080706050403020101');
  const payload = new Uint8Array(51).fill(7);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) buildUplinkFrameWithLoraPacket(keys, { fCnt: i, fPort: 1, payload, confirmed: false });
  return n / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<BenchRow[]> {
  const fleet = await readFleetFile(BUNDLED_FLEET_FILE);
  const sourceCache = new SourceCache();
  const to = FROM + DAYS * 86_400_000;

  // Simulation alone: an output that drops everything.
  let dropped = 0;
  const nowhere: UplinkOutput = {
    kind: 'semtech-udp',
    start: async () => {},
    plan: (tx, receptions) => receptions.map((r) => ({ atMs: r.forwardAtMs, tx, frame: tx.frame, receptions: [r], duplicate: false })),
    send: async () => void dropped++,
    inFlight: () => 0,
    drain: async () => {},
    close: async () => {},
    counters: () => ({ sent: dropped, acknowledged: 0, unacknowledged: 0, retransmissions: 0, maxInFlight: 0, droppedByNetworkServer: 0, statMessages: 0 }),
  };
  // Warm-up: files parsed, code compiled.
  await runReplay({ fleet, from: FROM, to: FROM + 5 * 86_400_000, target: { output: nowhere }, sourceCache });

  const sink = await startUdpAckSink();
  let t0 = performance.now();
  const { summary } = await runReplay({ fleet, from: FROM, to, target: { udp: sink.address, maxInFlight: WINDOW, statIntervalS: 0 }, sourceCache });
  const wallS = (performance.now() - t0) / 1000;
  await sink.close();

  t0 = performance.now();
  const simulated = await runReplay({ fleet, from: FROM, to, target: { output: nowhere }, sourceCache });
  const simS = (performance.now() - t0) / 1000;

  const frames = summary.totals.sent;
  const datagrams = summary.output.sent;
  const samples = summary.totals.samplesSent;
  const push = semtech.encodePushData(0, '0000000000dec0a1', { rxpk: [{ time: '2024-01-01T00:00:00.000000Z', tmms: 0, tmst: 0, freq: 868.1, chan: 0, rfch: 1, stat: 1, modu: 'LORA', datr: 'SF12BW125', codr: '4/5', rssi: -110, lsnr: -5.5, size: 64, data: Buffer.alloc(64).toString('base64') }] });
  const udpLimit = await rawUdpRate(datagrams, push);
  const frameLimit = framesPerSecond(Math.min(frames, 5000));
  const buoyYears = (fleet.buoys.length * DAYS) / 365.25;
  return [
    { name: `replay to local UDP sink, ${fleet.buoys.length} buoys x ${DAYS} days: PUSH_DATA acknowledged`, value: datagrams / wallS, unit: 'datagrams/s', baseline: udpLimit, ratio: datagrams / wallS / udpLimit },
    { name: 'replay to local UDP sink: uplink frames (one per buoy transmission)', value: frames / wallS, unit: 'frames/s', baseline: frameLimit, ratio: frames / wallS / frameLimit },
    { name: 'replay to local UDP sink: samples carried', value: samples / wallS, unit: 'samples/s' },
    { name: 'replay to local UDP sink: buoy-years of 10-minute data per wall minute', value: (buoyYears / wallS) * 60, unit: 'buoy-years/min' },
    { name: 'replay simulation only (no output): uplink frames', value: simulated.summary.totals.sent / simS, unit: 'frames/s', baseline: frameLimit, ratio: simulated.summary.totals.sent / simS / frameLimit },
  ];
}
