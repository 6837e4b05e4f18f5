// A minimal network server for tests, on a real UDP socket: acknowledges like a Semtech server
// (through startUdpAckSink), then does what the real server will do with each rxpk, with the
// same public libraries: lora-packet (MIC with the 32-bit counter, decryption), the codec, and
// the science forward models. It keeps every reception so tests can compare with the ledger.
import { decodeUplink, type Uplink } from '@reeflink/codecs';
import { loraPacket, startUdpAckSink, type Fleet, type Rxpk, type UdpAckSinkOptions } from '../../src/index.js';
import { PUSH_DATA, type Datagram, type PushPayload } from '../../src/gateway/semtech-protocol.js';

export interface Received {
  gatewayEui: string;
  token: number;
  rxpk: Rxpk;
  phy: Buffer;
  rxTimeMs: number;
  devAddr: string;
  /** undefined when no key and counter candidate gives a valid MIC. */
  device: string | undefined;
  fCnt: number | undefined;
  fPort: number | undefined;
  payload: Buffer | undefined;
  uplink: Uplink | undefined;
}

interface DeviceKeys {
  id: string;
  devAddr: string;
  nwkSKey: Buffer;
  appSKey: Buffer;
  lastFCnt: number | undefined;
}

function msBytes(fCnt: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE((fCnt >>> 16) & 0xffff);
  return b;
}

export type DecodingServer = Awaited<ReturnType<typeof startDecodingServer>>;

/** First arrival of each (device, fCnt), in arrival order: what a de-duplicating server processes. */
export function firstArrivals(received: readonly Received[]): Received[] {
  const seen = new Set<string>();
  return received.filter((r) => {
    if (r.device === undefined) return false;
    const key = `${r.device}/${r.fCnt}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function startDecodingServer(fleet: Fleet, options: Pick<UdpAckSinkOptions, 'ackPolicy'> = {}) {
  const devices = new Map<string, DeviceKeys>(
    fleet.buoys.map((b) => [b.device.devAddr, { id: b.id, devAddr: b.device.devAddr, nwkSKey: Buffer.from(b.device.nwkSKey, 'hex'), appSKey: Buffer.from(b.device.appSKey, 'hex'), lastFCnt: undefined }]),
  );
  const received: Received[] = [];
  const stats: PushPayload['stat'][] = [];
  const handle = (d: Datagram) => {
    if (d.type !== PUSH_DATA) return;
    const body = d.json as PushPayload;
    if (body.stat) stats.push(body.stat);
    for (const rxpk of body.rxpk ?? []) received.push(decode(d, rxpk));
  };
  const decode = (d: Datagram, rxpk: Rxpk): Received => {
    const phy = Buffer.from(rxpk.data, 'base64');
    const base: Received = { gatewayEui: d.eui!, token: d.token, rxpk, phy, rxTimeMs: Date.parse(rxpk.time), devAddr: '', device: undefined, fCnt: undefined, fPort: undefined, payload: undefined, uplink: undefined };
    if (phy.length < 12) return base;
    let packet: ReturnType<typeof loraPacket.fromWire>;
    try {
      packet = loraPacket.fromWire(phy);
    } catch {
      return base; // a corrupted header: not even a LoRaWAN frame
    }
    base.devAddr = packet.DevAddr?.toString('hex') ?? '';
    const dev = devices.get(base.devAddr);
    const fCnt16 = packet.isDataMessage() ? packet.getFCnt() : null;
    if (!dev || fCnt16 === null) return base;
    // 32-bit counter candidates: same upper half as the last one, the next, or a restart.
    const last = dev.lastFCnt ?? 0;
    const candidates = [(last & 0xffff0000) | fCnt16, ((last & 0xffff0000) + 0x10000) | fCnt16, fCnt16].map((c) => c >>> 0);
    const fCnt = candidates.find((c) => loraPacket.verifyMIC(packet, dev.nwkSKey, undefined, msBytes(c)));
    if (fCnt === undefined) return base;
    dev.lastFCnt = fCnt;
    const payload = loraPacket.decrypt(packet, dev.appSKey, dev.nwkSKey, msBytes(fCnt));
    const fPort = packet.getFPort() ?? 0;
    const decoded = decodeUplink(payload, fPort);
    return { ...base, device: dev.id, fCnt, fPort, payload, uplink: decoded.ok ? decoded.value : undefined };
  };
  const sink = await startUdpAckSink({ ...options, onDatagram: handle });
  return { address: sink.address, sink, received, stats, close: () => sink.close() };
}
