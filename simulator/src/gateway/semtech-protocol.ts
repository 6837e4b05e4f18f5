// The Semtech UDP packet forwarder protocol, version 2 (packet_forwarder PROTOCOL.TXT): a 4-byte
// header (version, 2-byte random token, type), the gateway EUI for upstream messages, then JSON.
// Encoding and decoding only; the socket and flow control live in semtech-gateway.ts.

export const PROTOCOL_VERSION = 2;
export const PUSH_DATA = 0;
export const PUSH_ACK = 1;
export const PULL_DATA = 2;
export const PULL_RESP = 3;
export const PULL_ACK = 4;
export const TX_ACK = 5;

/** One received packet as the forwarder reports it. Keys in the order packet_forwarder writes them. */
export interface Rxpk {
  /** UTC time of reception (GPS-disciplined), ISO 8601 with microseconds. */
  time: string;
  /** GPS time of reception, ms since 1980-01-06. */
  tmms: number;
  /** Concentrator microsecond counter at the end of reception (wraps at 2^32). */
  tmst: number;
  freq: number;
  chan: number;
  rfch: number;
  stat: 1 | 0 | -1;
  modu: 'LORA';
  datr: string;
  codr: string;
  rssi: number;
  lsnr: number;
  size: number;
  /** PHYPayload, base64 (padded). */
  data: string;
}

export interface GatewayStat {
  /** "2014-01-12 08:59:28 GMT". */
  time: string;
  lati: number;
  long: number;
  alti: number;
  rxnb: number;
  rxok: number;
  rxfw: number;
  ackr: number;
  dwnb: number;
  txnb: number;
}

export interface PushPayload {
  rxpk?: Rxpk[];
  stat?: GatewayStat;
}

function header(token: number, type: number, euiHex?: string): Buffer {
  const b = Buffer.alloc(euiHex ? 12 : 4);
  b[0] = PROTOCOL_VERSION;
  b.writeUInt16BE(token & 0xffff, 1);
  b[3] = type;
  if (euiHex) Buffer.from(euiHex, 'hex').copy(b, 4);
  return b;
}

export function encodePushData(token: number, euiHex: string, payload: PushPayload): Buffer {
  return Buffer.concat([header(token, PUSH_DATA, euiHex), Buffer.from(JSON.stringify(payload))]);
}

export function encodePullData(token: number, euiHex: string): Buffer {
  return header(token, PULL_DATA, euiHex);
}

export function encodeTxAck(token: number, euiHex: string, error = 'NONE'): Buffer {
  return Buffer.concat([header(token, TX_ACK, euiHex), Buffer.from(JSON.stringify({ txpk_ack: { error } }))]);
}

export function encodeAck(token: number, type: typeof PUSH_ACK | typeof PULL_ACK): Buffer {
  return header(token, type);
}

export interface Datagram {
  version: number;
  token: number;
  type: number;
  /** Gateway EUI (PUSH_DATA, PULL_DATA, TX_ACK), lower-case hex. */
  eui?: string;
  /** Parsed JSON body (PUSH_DATA, PULL_RESP, TX_ACK). */
  json?: unknown;
}

/** Parses any datagram of the protocol; returns a message instead of throwing on junk. */
export function decodeDatagram(b: Uint8Array): { ok: true; value: Datagram } | { ok: false; error: string } {
  if (b.length < 4) return { ok: false, error: `datagram of ${b.length} bytes, a header needs 4` };
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: Datagram = { version: buf[0]!, token: buf.readUInt16BE(1), type: buf[3]! };
  if (out.version !== 1 && out.version !== 2) return { ok: false, error: `protocol version ${out.version}, expected 1 or 2` };
  let body = 4;
  if (out.type === PUSH_DATA || out.type === PULL_DATA || out.type === TX_ACK) {
    if (buf.length < 12) return { ok: false, error: `type ${out.type} needs a gateway EUI (12 bytes), got ${buf.length}` };
    out.eui = buf.subarray(4, 12).toString('hex');
    body = 12;
  }
  if (buf.length > body) {
    try {
      out.json = JSON.parse(buf.subarray(body).toString('utf8'));
    } catch (e) {
      return { ok: false, error: `JSON body does not parse: ${(e as Error).message}` };
    }
  }
  return { ok: true, value: out };
}

/** GPS − UTC in seconds, from the leap seconds since 1980 (IERS Bulletin C). */
const LEAP_SECONDS_UTC = [
  '1981-07-01', '1982-07-01', '1983-07-01', '1985-07-01', '1988-01-01', '1990-01-01', '1991-01-01', '1992-07-01', '1993-07-01',
  '1994-07-01', '1996-01-01', '1997-07-01', '1999-01-01', '2006-01-01', '2009-01-01', '2012-07-01', '2015-07-01', '2017-01-01',
].map((d) => Date.parse(`${d}T00:00:00Z`));
const GPS_EPOCH_MS = Date.UTC(1980, 0, 6);

export function gpsTimeMs(utcMs: number): number {
  let leap = 0;
  for (const t of LEAP_SECONDS_UTC) if (utcMs >= t) leap++;
  return utcMs - GPS_EPOCH_MS + leap * 1000;
}

/** rxpk.time: ISO 8601 UTC with microseconds, "2024-03-01T10:20:30.000000Z". */
export function rxpkTime(utcMs: number): string {
  // toISOString always ends in ".sssZ": three more digits of zeros make microseconds.
  return `${new Date(utcMs).toISOString().slice(0, -1)}000Z`;
}

/** stat.time: "2014-01-12 08:59:28 GMT". */
export function statTime(utcMs: number): string {
  return new Date(utcMs).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' GMT');
}
