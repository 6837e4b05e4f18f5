// Class A transmission: answer an uplink in its RX1 (or RX2) window through the gateway that
// heard it best. This is the one place that turns "these gateways heard the uplink" plus a
// ready PHYPayload into a Semtech txpk and a PULL_RESP; the data-downlink scheduler
// (./scheduler.ts) and OTAA join accepts both go through it.
//
//   const r = await scheduleClassA(udpServer, { receptions: up.receptions, receivedAtMs: up.firstReceivedAtMs },
//                                  joinAcceptPhy, { rx1DelayS: 5 })           // JOIN_ACCEPT_DELAY1
//   if (!r.ok) log.warn({ code: r.error.code }, r.error.detail)
//   else pending.set(r.token, …)                                            // its TX_ACK carries r.token
//
// Timing (Semtech txpk, imme false): tmst = uplink tmst + RX1 delay (µs, 32-bit wrap). RX2 opens
// one second after RX1 on the region's RX2 channel. RX1 is used when the uplink's frequency and
// data rate are known and its window has not passed yet (the server's own clock, from the first
// copy's arrival, with a lead for the backhaul); otherwise RX2, if that has not passed either.
import type { GatewayReception } from '../ingest/types.js'
import type { DownlinkResult } from '../ingest/semtech/server.js'
import type { TxPk } from '../ingest/semtech/txpk.js'
import { dataRateIndex, REGIONS, type RegionParams } from './region.js'

/** Where Class A answers go: the Semtech UDP server implements this. */
export interface ClassAGateways {
  /** True when a PULL_RESP can reach the gateway (a PULL_DATA was seen from it). */
  canSendTo(gatewayId: string): boolean
  sendDownlink(gatewayId: string, txpk: TxPk): Promise<DownlinkResult>
}

/** What is known about the uplink being answered. */
export interface ClassAUplink {
  /** Every gateway's reception (the deduplicator's `receptions`). */
  receptions: readonly GatewayReception[]
  /** Server clock when the first copy arrived, epoch ms (the deduplicator's `firstReceivedAtMs`). */
  receivedAtMs: number
}

export type ClassAWindow = 'rx1' | 'rx2'

export interface ClassAOptions {
  /** RX1 delay in seconds: 1 for data (RECEIVE_DELAY1), 5 for join accepts. Default: the region's RECEIVE_DELAY1. */
  rx1DelayS?: number
  /** Default EU868. */
  region?: RegionParams
  /** Session RX1DROffset. Default 0. */
  rx1DrOffset?: number
  /** RX2 channel when the device was configured away from the region default (RXParamSetupReq). */
  rx2?: { frequencyHz: number; dataRate: string }
  /** 'auto' (default): RX1 when usable, else RX2. 'rx2' forces RX2 (e.g. an SF12 answer for range). */
  window?: 'auto' | ClassAWindow
  /** txpk.powe (dBm). Default: the region's downlink power. */
  powerDbm?: number
  /** The PULL_RESP must leave this many ms before the window opens (backhaul + gateway JIT). Default 50. */
  leadMs?: number
  /** Server clock, epoch ms. Default Date.now. */
  now?: () => number
}

export type ClassAErrorCode =
  /** No reception carries a tmst from a gateway with a downlink route (a PULL_DATA seen). */
  | 'no-gateway'
  /** Both windows have passed (the pipeline took longer than the RX2 delay). */
  | 'too-late'
  /** RX1 is forced but the uplink's frequency or data rate is unknown. */
  | 'no-rx1-parameters'
  /** The UDP server could not send (not running, invalid txpk, socket error). */
  | 'send-failed'

export type ClassAResult =
  | { ok: true; gatewayId: string; window: ClassAWindow; token: number; txpk: TxPk }
  | { ok: false; error: { code: ClassAErrorCode; detail: string } }

export type ClassAPlan =
  | { ok: true; gatewayId: string; window: ClassAWindow; txpk: TxPk }
  | { ok: false; error: { code: Exclude<ClassAErrorCode, 'send-failed'>; detail: string } }

/**
 * Receptions that can carry an answer, best first: a tmst and a downlink route, then the highest
 * SNR (the gateway the device hears best on a symmetric link), then RSSI.
 */
export function rankGateways(receptions: readonly GatewayReception[], canSendTo: (gatewayId: string) => boolean): GatewayReception[] {
  return receptions
    .filter((r) => r.tmst !== undefined && canSendTo(r.gatewayId))
    .sort((a, b) => (b.snrDb ?? -Infinity) - (a.snrDb ?? -Infinity) || (b.rssiDbm ?? -Infinity) - (a.rssiDbm ?? -Infinity))
}

/** The txpk answering `uplink` through its best gateway, without sending it. Pure. */
export function planClassA(uplink: ClassAUplink, phyPayload: Buffer, canSendTo: (gatewayId: string) => boolean, options: ClassAOptions = {}): ClassAPlan {
  const best = rankGateways(uplink.receptions, canSendTo)[0]
  if (!best || best.tmst === undefined) {
    return { ok: false, error: { code: 'no-gateway', detail: `none of ${uplink.receptions.length} receiving gateway(s) has a tmst and a PULL_DATA route` } }
  }
  const params = options.region ?? REGIONS.EU868
  const rx1DelayS = options.rx1DelayS ?? params.receiveDelay1S
  const nowMs = (options.now ?? Date.now)()
  const leadMs = options.leadMs ?? 50
  const elapsedMs = nowMs - uplink.receivedAtMs
  const rx1Open = elapsedMs + leadMs < rx1DelayS * 1000
  const rx2Open = elapsedMs + leadMs < (rx1DelayS + 1) * 1000

  const rx1 = rx1Channel(best, params, options.rx1DrOffset ?? 0)
  const want = options.window ?? 'auto'
  let window: ClassAWindow
  if (want === 'rx1') {
    if (!rx1) return { ok: false, error: { code: 'no-rx1-parameters', detail: `gateway ${best.gatewayId} gave no usable frequency / data rate` } }
    if (!rx1Open) return { ok: false, error: { code: 'too-late', detail: `RX1 passed: ${elapsedMs} ms since the uplink, RX1 at ${rx1DelayS * 1000} ms` } }
    window = 'rx1'
  } else if (want === 'auto' && rx1 && rx1Open) {
    window = 'rx1'
  } else if (rx2Open) {
    window = 'rx2'
  } else {
    return { ok: false, error: { code: 'too-late', detail: `RX2 passed: ${elapsedMs} ms since the uplink, RX2 at ${(rx1DelayS + 1) * 1000} ms` } }
  }

  const channel =
    window === 'rx1' && rx1
      ? rx1
      : (options.rx2 ?? { frequencyHz: params.rx2.frequencyHz, dataRate: params.dataRates[params.rx2.dataRate] as string })
  const delayS = window === 'rx1' ? rx1DelayS : rx1DelayS + 1
  const txpk: TxPk = {
    imme: false,
    tmst: (best.tmst + delayS * 1_000_000) >>> 0,
    freq: Math.round(channel.frequencyHz / 100) / 10_000, // MHz with 100 Hz resolution
    rfch: 0,
    powe: options.powerDbm ?? params.downlinkPowerDbm,
    modu: 'LORA',
    datr: channel.dataRate,
    codr: '4/5',
    ipol: true,
    size: phyPayload.length,
    data: phyPayload.toString('base64'),
    ncrc: true,
  }
  return { ok: true, gatewayId: best.gatewayId, window, txpk }
}

/**
 * Plans and sends a Class A answer (PULL_RESP) through the uplink's best gateway. Resolves once
 * the datagram is handed to the OS; the gateway's verdict comes later as a TX_ACK carrying
 * `token` (TOO_LATE, COLLISION_PACKET… mean the device never got it).
 */
export async function scheduleClassA(gateways: ClassAGateways, uplink: ClassAUplink, phyPayload: Buffer, options: ClassAOptions = {}): Promise<ClassAResult> {
  const plan = planClassA(uplink, phyPayload, (id) => gateways.canSendTo(id), options)
  if (!plan.ok) return plan
  const sent = await gateways.sendDownlink(plan.gatewayId, plan.txpk)
  if (!sent.ok) return { ok: false, error: { code: 'send-failed', detail: `${sent.error.code}: ${sent.error.detail}` } }
  return { ok: true, gatewayId: plan.gatewayId, window: plan.window, token: sent.token, txpk: plan.txpk }
}

function rx1Channel(reception: GatewayReception, params: RegionParams, rx1DrOffset: number): { frequencyHz: number; dataRate: string } | undefined {
  if (reception.frequencyHz === undefined || reception.dataRate === undefined) return undefined
  const uplinkDr = dataRateIndex(params, reception.dataRate)
  if (uplinkDr === undefined) return undefined
  const dataRate = params.dataRates[params.rx1DataRate(uplinkDr, rx1DrOffset)]
  if (dataRate === undefined) return undefined
  return { frequencyHz: params.rx1FrequencyHz(reception.frequencyHz), dataRate }
}
