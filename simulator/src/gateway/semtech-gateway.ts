// A virtual gateway speaking the Semtech UDP packet forwarder protocol to a real socket:
// PUSH_DATA upstream with flow control (at most maxInFlight datagrams waiting for their
// PUSH_ACK; a missing ack is retried with the same token, then given up and counted),
// PULL_DATA keepalives on the wall clock, TX_ACK for any PULL_RESP. What goes in each rxpk is
// decided by the replay; this class only delivers and counts.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import {
  decodeDatagram,
  encodePullData,
  encodePushData,
  encodeTxAck,
  PULL_ACK,
  PULL_RESP,
  PUSH_ACK,
  type PushPayload,
} from './semtech-protocol.js';

/** Version, token, type and gateway EUI before a PUSH_DATA's JSON. */
const PUSH_HEADER_BYTES = 12;

export interface UdpTarget {
  host: string;
  port: number;
}

/** "127.0.0.1:1700", "[::1]:1700" or { host, port }. */
export function parseUdpTarget(target: string | UdpTarget): UdpTarget {
  if (typeof target !== 'string') return target;
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(target) ?? /^([^:]+):(\d+)$/.exec(target);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) throw new GatewayError('GATEWAY_TARGET', `UDP target must be host:port, got "${target}"`);
  return { host: m[1]!, port };
}

export type GatewayErrorCode = 'GATEWAY_TARGET' | 'GATEWAY_SOCKET' | 'GATEWAY_CLOSED';

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export interface SemtechGatewayOptions<Tag> {
  eui: string;
  target: UdpTarget;
  /** PUSH_DATA datagrams sent and not yet acknowledged, at most. */
  maxInFlight?: number;
  ackTimeoutMs?: number;
  /** Re-sends of an unacknowledged PUSH_DATA (same token) before giving up. */
  maxRetries?: number;
  /** PULL_DATA period on the wall clock (0: only one at start). */
  keepaliveMs?: number;
  /** First token; tokens then count up (deterministic for a seed). */
  firstToken?: number;
  /** Called once per PUSH_DATA when its PUSH_ACK arrives (the first one, for retried datagrams). */
  onAck?: (tag: Tag) => void;
  /** Called when a PUSH_DATA was never acknowledged. */
  onGiveUp?: (tag: Tag) => void;
}

export interface GatewayCounters {
  pushSent: number;
  pushAcked: number;
  retransmissions: number;
  unacknowledged: number;
  pullSent: number;
  pullAcked: number;
  downlinks: number;
  /** Acks with unknown tokens, or datagrams that do not parse. */
  unexpected: number;
  /** Largest number of PUSH_DATA in flight seen. */
  maxInFlight: number;
}

interface InFlight<Tag> {
  datagram: Buffer;
  tag: Tag;
  retries: number;
  timer: NodeJS.Timeout;
}

export class SemtechUdpGateway<Tag = unknown> {
  readonly eui: string;
  readonly counters: GatewayCounters = { pushSent: 0, pushAcked: 0, retransmissions: 0, unacknowledged: 0, pullSent: 0, pullAcked: 0, downlinks: 0, unexpected: 0, maxInFlight: 0 };
  /** txpk objects of PULL_RESP received (downlinks are not yet delivered to buoys). */
  readonly downlinks: unknown[] = [];
  private readonly target: UdpTarget;
  private readonly maxInFlight: number;
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly keepaliveMs: number;
  private readonly inFlight = new Map<number, InFlight<Tag>>();
  private readonly waiters: (() => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private nextToken: number;
  /** PULL_DATA tokens count separately: keepalives run on the wall clock and must not shift PUSH_DATA tokens. */
  private nextPullToken: number;
  private socket: Socket | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  /** Version, token (0: written per datagram), PUSH_DATA, gateway EUI. */
  private readonly pushHeader: Buffer;

  constructor(private readonly options: SemtechGatewayOptions<Tag>) {
    this.eui = options.eui.toLowerCase();
    this.target = options.target;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 32);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2000;
    this.maxRetries = options.maxRetries ?? 2;
    this.keepaliveMs = options.keepaliveMs ?? 10_000;
    this.nextToken = (options.firstToken ?? 0) & 0xffff;
    this.nextPullToken = this.nextToken ^ 0x8000;
    this.pushHeader = encodePushData(0, this.eui, {}).subarray(0, PUSH_HEADER_BYTES);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    const socket = createSocket(isIP(this.target.host) === 6 ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('message', (msg) => this.onMessage(msg));
    socket.on('error', (e) => this.fail(new GatewayError('GATEWAY_SOCKET', `gateway ${this.eui}: ${e.message}`)));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.pull();
    if (this.keepaliveMs > 0) {
      this.keepalive = setInterval(() => this.pull(), this.keepaliveMs);
      this.keepalive.unref();
    }
  }

  /** Sends one PUSH_DATA once the window has room; resolves when it is on the wire (not acked). */
  async push(payload: PushPayload, tag: Tag): Promise<void> {
    await this.pushJson(JSON.stringify(payload), tag);
  }

  /**
   * push() with the JSON body already written (the replay builds it from cached parts). Sends at
   * once and returns undefined when the window has room; otherwise returns a promise that
   * resolves once it is sent (callers await only then: one await per datagram adds up).
   */
  pushJson(json: string, tag: Tag): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    // Earlier pushes still waiting for room go first: datagrams leave in call order.
    if (this.inFlight.size >= this.maxInFlight || this.waiters.length > 0) return this.pushLater(json, tag);
    this.sendPush(json, tag);
    return undefined;
  }

  private async pushLater(json: string, tag: Tag): Promise<void> {
    do await new Promise<void>((r) => this.waiters.push(r));
    while (this.inFlight.size >= this.maxInFlight && !this.failure);
    if (this.failure) throw this.failure;
    this.sendPush(json, tag);
  }

  private sendPush(json: string, tag: Tag): void {
    const token = this.allocateToken();
    const datagram = Buffer.allocUnsafe(PUSH_HEADER_BYTES + Buffer.byteLength(json));
    this.pushHeader.copy(datagram, 0);
    datagram.writeUInt16BE(token, 1);
    datagram.write(json, PUSH_HEADER_BYTES);
    const entry: InFlight<Tag> = { datagram, tag, retries: 0, timer: this.ackTimer(token) };
    this.inFlight.set(token, entry);
    if (this.inFlight.size > this.counters.maxInFlight) this.counters.maxInFlight = this.inFlight.size;
    this.counters.pushSent++;
    this.send(datagram);
  }

  /** Resolves once every PUSH_DATA was acknowledged or given up. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 && !this.failure) await new Promise<void>((r) => this.drainWaiters.push(r));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.keepalive) clearInterval(this.keepalive);
    for (const entry of this.inFlight.values()) clearTimeout(entry.timer);
    this.inFlight.clear();
    const socket = this.socket;
    this.socket = undefined;
    this.fail(new GatewayError('GATEWAY_CLOSED', `gateway ${this.eui} is closed`));
    if (socket) await new Promise<void>((r) => socket.close(() => r()));
  }

  private allocateToken(): number {
    for (let i = 0; i < 65536; i++) {
      const token = this.nextToken;
      this.nextToken = (this.nextToken + 1) & 0xffff;
      if (!this.inFlight.has(token)) return token;
    }
    throw new GatewayError('GATEWAY_SOCKET', 'no free token: 65 536 datagrams in flight');
  }

  private ackTimer(token: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.onAckTimeout(token), this.ackTimeoutMs);
    timer.unref();
    return timer;
  }

  private onAckTimeout(token: number): void {
    const entry = this.inFlight.get(token);
    if (!entry) return;
    if (entry.retries < this.maxRetries) {
      entry.retries++;
      this.counters.retransmissions++;
      entry.timer = this.ackTimer(token);
      this.send(entry.datagram);
      return;
    }
    this.inFlight.delete(token);
    this.counters.unacknowledged++;
    this.options.onGiveUp?.(entry.tag);
    this.released();
  }

  private onMessage(msg: Buffer): void {
    const d = decodeDatagram(msg);
    if (!d.ok) {
      this.counters.unexpected++;
      return;
    }
    const { type, token } = d.value;
    if (type === PUSH_ACK) {
      const entry = this.inFlight.get(token);
      if (!entry) {
        this.counters.unexpected++;
        return;
      }
      clearTimeout(entry.timer);
      this.inFlight.delete(token);
      this.counters.pushAcked++;
      this.options.onAck?.(entry.tag);
      this.released();
    } else if (type === PULL_ACK) {
      this.counters.pullAcked++;
    } else if (type === PULL_RESP) {
      this.counters.downlinks++;
      this.downlinks.push((d.value.json as { txpk?: unknown } | undefined)?.txpk);
      this.send(encodeTxAck(token, this.eui));
    } else {
      this.counters.unexpected++;
    }
  }

  private released(): void {
    this.waiters.shift()?.();
    if (this.inFlight.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  private pull(): void {
    this.counters.pullSent++;
    this.send(encodePullData(this.nextPullToken, this.eui));
    this.nextPullToken = (this.nextPullToken + 1) & 0xffff;
  }

  private send(datagram: Buffer): void {
    this.socket?.send(datagram, this.target.port, this.target.host, this.afterSend);
  }

  /** One callback for every send (a closure per datagram costs at replay rates). */
  private readonly afterSend = (e: Error | null): void => {
    if (e) this.fail(new GatewayError('GATEWAY_SOCKET', `gateway ${this.eui} cannot send to ${this.target.host}:${this.target.port}: ${e.message}`));
  };

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) w();
    for (const w of this.drainWaiters.splice(0)) w();
  }
}
