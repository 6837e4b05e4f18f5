// The Semtech UDP packet forwarder server (protocol versions 1 and 2) on node:dgram.
//   PUSH_DATA → rxpk frames submitted to the sink → PUSH_ACK with the same token once durable
//               (the spec acks "immediately" and processes after; we ack after durability, and
//               send nothing when the sink fails — the forwarder counts it in its ackr stat).
//   PULL_DATA → PULL_ACK, and the sender's address is kept as the gateway's downlink route.
//   TX_ACK    → recorded against the PULL_RESP token it answers.
// Every bad datagram is a counted rejection; nothing here throws on input.
import { randomInt } from 'node:crypto'
import dgram from 'node:dgram'
import type { AddressInfo } from 'node:net'
import type { IngestCounters } from '../counters.js'
import { normaliseEui } from '../fields.js'
import type { Rejection } from '../rejections.js'
import { submitDurably, type IngestLogger } from '../submit.js'
import type { UplinkSink } from '../types.js'
import { GatewayRegistry, type GatewayState, type TxAckRecord } from './gateways.js'
import { parseGatewayDatagram, pullAck, pullResp, pushAck } from './packet.js'
import { parsePushData } from './pushData.js'
import { parseTxAck, validateTxpk, type TxPk } from './txpk.js'

const SOURCE = 'semtech-udp'

export interface SemtechUdpServerOptions {
  sink: UplinkSink
  counters: IngestCounters
  /** Default '0.0.0.0'. */
  host?: string
  /** Default 1700, the packet forwarder's default serv_port_up/serv_port_down. 0 = ephemeral. */
  port?: number
  /** Larger datagrams are rejected unread. Default 32 KiB, many times what one concentrator fetch yields. */
  maxDatagramBytes?: number
  /** Gateways remembered at once (least recently heard forgotten first). Default 1024. */
  maxGateways?: number
  /**
   * Per gateway EUI: datagrams per second (token bucket, a burst of one second's worth). Over it,
   * datagrams are dropped unanswered (no PUSH_ACK: the forwarder counts them lost). Default 1000.
   */
  maxDatagramsPerSecond?: number
  /** Per gateway EUI: PUSH_DATA waiting for their durable ack; more are dropped unanswered. Default 1000. */
  maxInFlightPerGateway?: number
  /** Server clock, epoch ms (tests pin it). */
  now?: () => number
  /** Called for every TX_ACK, matched to a PULL_RESP or not. */
  onTxAck?: (ack: TxAckRecord) => void
  logger?: IngestLogger
}

/** Requested socket receive buffer; the kernel grants at most net.core.rmem_max. */
export const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024

export type DownlinkError = { code: 'not-running' | 'unknown-gateway' | 'invalid-txpk' | 'send-failed'; detail: string }
export type DownlinkResult = { ok: true; token: number } | { ok: false; error: DownlinkError }

export const DEFAULT_MAX_DATAGRAM_BYTES = 32 * 1024
const MAX_PENDING_DOWNLINKS = 4096

export class SemtechUdpServer {
  private socket: dgram.Socket | undefined
  private readonly gateways: GatewayRegistry
  /** PULL_RESP token → gateway, until the TX_ACK arrives (oldest dropped past the bound). */
  private readonly pendingDownlinks = new Map<number, string>()
  private readonly now: () => number
  private readonly maxDatagramBytes: number
  private readonly limits = new WeakMap<GatewayState, { tokens: number; atMs: number; inFlight: number; warnedAtMs: number }>()
  /** Datagrams dropped by the per-gateway limits (rate or in-flight), since start. */
  limitedDatagrams = 0

  constructor(private readonly options: SemtechUdpServerOptions) {
    this.gateways = new GatewayRegistry(options.maxGateways ?? 1024)
    this.now = options.now ?? Date.now
    this.maxDatagramBytes = options.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES
  }

  /** Binds the socket; resolves with the bound address (port 0 → the ephemeral port). */
  async start(): Promise<AddressInfo> {
    if (this.socket) return this.socket.address()
    const host = this.options.host ?? '0.0.0.0'
    // A large receive buffer: while a batch commits, gateways keep sending, and the Semtech
    // protocol never retransmits — a datagram the kernel drops is an uplink lost. The kernel caps
    // the size at net.core.rmem_max (4 MiB here; raise it on busy deployments).
    const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES })
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo))
    // A send failure to one gateway (ICMP unreachable…) must not take the server down.
    socket.on('error', (err) => this.options.logger?.warn({ source: SOURCE, err: err.message }, 'ingest: UDP socket error'))
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(this.options.port ?? 1700, host, () => {
        socket.off('error', reject)
        resolve()
      })
    })
    this.socket = socket
    return socket.address()
  }

  address(): AddressInfo | undefined {
    return this.socket?.address()
  }

  async close(): Promise<void> {
    const socket = this.socket
    if (!socket) return
    this.socket = undefined
    await new Promise<void>((resolve) => socket.close(() => resolve()))
  }

  gateway(gatewayEui: string): GatewayState | undefined {
    const eui = normaliseEui(gatewayEui)
    return eui === undefined ? undefined : this.gateways.get(eui)
  }

  allGateways(): GatewayState[] {
    return this.gateways.all()
  }

  /** True when a PULL_RESP can reach the gateway: a PULL_DATA was seen from it (its downlink route). */
  canSendTo(gatewayEui: string): boolean {
    const eui = normaliseEui(gatewayEui)
    return eui !== undefined && this.gateways.get(eui)?.downlinkAddress !== undefined
  }

  /**
   * Sends a PULL_RESP with {"txpk": txpk} to the gateway's downlink route (its last PULL_DATA
   * source). Resolves once handed to the OS with the token its TX_ACK will carry.
   */
  async sendDownlink(gatewayEui: string, txpk: TxPk): Promise<DownlinkResult> {
    const socket = this.socket
    if (!socket) return { ok: false, error: { code: 'not-running', detail: 'the UDP server is not started' } }
    const eui = normaliseEui(gatewayEui)
    const gateway = eui === undefined ? undefined : this.gateways.get(eui)
    if (!gateway || !gateway.downlinkAddress) {
      return { ok: false, error: { code: 'unknown-gateway', detail: `no PULL_DATA seen from gateway ${gatewayEui}` } }
    }
    const valid = validateTxpk(txpk)
    if (!valid.ok) return { ok: false, error: { code: 'invalid-txpk', detail: valid.rejection.detail } }
    const token = this.freeToken()
    const datagram = pullResp(gateway.version, token, JSON.stringify({ txpk: valid.value }))
    const { address, port } = gateway.downlinkAddress
    const sendError = await new Promise<Error | null>((resolve) => socket.send(datagram, port, address, (err) => resolve(err ?? null)))
    if (sendError) return { ok: false, error: { code: 'send-failed', detail: sendError.message } }
    this.rememberDownlink(token, gateway.gatewayEui)
    gateway.counters.downlinksSent++
    return { ok: true, token }
  }

  private onDatagram(datagram: Buffer, from: dgram.RemoteInfo): void {
    if (datagram.length > this.maxDatagramBytes) {
      return this.reject({ reason: 'too-large', detail: `datagram of ${datagram.length} bytes from ${from.address}:${from.port}, limit ${this.maxDatagramBytes}` })
    }
    const parsed = parseGatewayDatagram(datagram)
    if (!parsed.ok) return this.reject(parsed.rejection)
    const packet = parsed.value
    const gateway = this.gateways.touch(packet.gatewayEui, packet.version)
    if (!this.withinLimits(gateway, packet.type === 'push-data')) return
    switch (packet.type) {
      case 'pull-data':
        gateway.counters.pullData++
        gateway.downlinkAddress = { address: from.address, port: from.port, family: from.family }
        gateway.lastPullDataAtMs = this.now()
        return this.send(pullAck(packet.version, packet.token), from)
      case 'tx-ack':
        return this.onTxAck(gateway, packet.token, packet.json)
      case 'push-data':
        void this.onPushData(gateway, packet.version, packet.token, packet.json, from).finally(() => {
          const l = this.limits.get(gateway)
          if (l) l.inFlight--
        })
    }
  }

  /** Per-gateway token bucket and in-flight PUSH_DATA bound; counts a PUSH_DATA in when it passes. */
  private withinLimits(gateway: GatewayState, pushData: boolean): boolean {
    const rate = this.options.maxDatagramsPerSecond ?? 50000
    const maxInFlight = this.options.maxInFlightPerGateway ?? 10000
    const t = this.now()
    let l = this.limits.get(gateway)
    if (!l) this.limits.set(gateway, (l = { tokens: rate, atMs: t, inFlight: 0, warnedAtMs: 0 }))
    l.tokens = Math.min(rate, l.tokens + ((t - l.atMs) / 1000) * rate)
    l.atMs = t
    const over = l.tokens < 1 ? 'rate' : pushData && l.inFlight >= maxInFlight ? 'in-flight' : null
    if (over) {
      this.limitedDatagrams++
      if (t - l.warnedAtMs > 10_000) {
        l.warnedAtMs = t
        this.options.logger?.warn({ source: SOURCE, gateway: gateway.gatewayEui, limit: over, rate, maxInFlight }, 'ingest: gateway over its limit, datagrams dropped unanswered')
      }
      return false
    }
    l.tokens -= 1
    if (pushData) l.inFlight++
    return true
  }

  private async onPushData(gateway: GatewayState, version: number, token: number, json: Buffer, from: dgram.RemoteInfo): Promise<void> {
    const receivedAtMs = this.now()
    gateway.counters.pushData++
    gateway.lastPushDataAtMs = receivedAtMs
    const parsed = parsePushData(json, gateway.gatewayEui, receivedAtMs)
    // Undecodable JSON: nothing was taken in, so nothing is acknowledged.
    if (!parsed.ok) return this.reject(parsed.rejection)
    const { uplinks, rejections, stat, statRejection } = parsed.value
    for (const r of rejections) this.reject(r)
    if (statRejection) this.reject(statRejection)
    if (stat) {
      gateway.lastStat = stat
      gateway.lastStatAtMs = receivedAtMs
    }
    gateway.counters.rxpk += uplinks.length + rejections.length
    gateway.counters.rxpkRejected += rejections.length
    const durable = await submitDurably(this.options.sink, uplinks, this.options.counters, SOURCE, this.options.logger)
    if (!durable) return
    gateway.counters.rxpkAccepted += uplinks.length
    this.send(pushAck(version, token), from)
  }

  private onTxAck(gateway: GatewayState, token: number, json: Buffer): void {
    const parsed = parseTxAck(json)
    if (!parsed.ok) return this.reject(parsed.rejection)
    const matched = this.pendingDownlinks.get(token) === gateway.gatewayEui
    if (matched) this.pendingDownlinks.delete(token)
    const record: TxAckRecord = { ...parsed.value, gatewayEui: gateway.gatewayEui, token, matched, receivedAtMs: this.now() }
    gateway.counters.txAck++
    if (!record.accepted) gateway.counters.downlinksRejectedByGateway++
    gateway.lastTxAck = record
    this.options.onTxAck?.(record)
  }

  private reject(rejection: Rejection): void {
    this.options.counters.reject(SOURCE, rejection)
  }

  private send(datagram: Buffer, to: dgram.RemoteInfo): void {
    // Closed meanwhile (a PUSH_ACK after a slow sink): nothing to answer with.
    this.socket?.send(datagram, to.port, to.address)
  }

  private freeToken(): number {
    for (;;) {
      const token = randomInt(0, 0x10000)
      if (!this.pendingDownlinks.has(token)) return token
    }
  }

  private rememberDownlink(token: number, gatewayEui: string): void {
    if (this.pendingDownlinks.size >= MAX_PENDING_DOWNLINKS) {
      const oldest = this.pendingDownlinks.keys().next()
      if (!oldest.done) this.pendingDownlinks.delete(oldest.value)
    }
    this.pendingDownlinks.set(token, gatewayEui)
  }
}
