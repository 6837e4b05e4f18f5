// What the UDP server knows about each gateway: where to send its downlinks (the address of its
// last PULL_DATA), its last status report, its last TX_ACK and per-gateway counters. Bounded:
// gateway EUIs come off the wire unauthenticated, so the least recently heard are forgotten.
import type { GatewayStat } from './stat.js'
import type { TxAckReport } from './txpk.js'

export interface GatewayAddress {
  address: string
  port: number
  family: string
}

export interface GatewayCounters {
  pushData: number
  pullData: number
  txAck: number
  /** rxpk entries received, accepted (made durable), and rejected (CRC, bad fields…). */
  rxpk: number
  rxpkAccepted: number
  rxpkRejected: number
  downlinksSent: number
  downlinksRejectedByGateway: number
}

export interface TxAckRecord extends TxAckReport {
  gatewayEui: string
  token: number
  /** True when the token is one of our PULL_RESP tokens still awaiting its TX_ACK. */
  matched: boolean
  receivedAtMs: number
}

export interface GatewayState {
  gatewayEui: string
  /** Protocol version of the gateway's latest datagram (PULL_RESP echoes it). */
  version: number
  /** Where PULL_RESP goes: the source of the latest PULL_DATA. */
  downlinkAddress?: GatewayAddress
  lastPullDataAtMs?: number
  lastPushDataAtMs?: number
  lastStat?: GatewayStat
  lastStatAtMs?: number
  lastTxAck?: TxAckRecord
  counters: GatewayCounters
}

export class GatewayRegistry {
  private readonly byEui = new Map<string, GatewayState>()

  constructor(private readonly maxGateways: number) {}

  /** The gateway's state, created on first contact; marks it most recently heard. */
  touch(gatewayEui: string, version: number): GatewayState {
    let state = this.byEui.get(gatewayEui)
    if (state) {
      this.byEui.delete(gatewayEui)
    } else {
      state = {
        gatewayEui,
        version,
        counters: { pushData: 0, pullData: 0, txAck: 0, rxpk: 0, rxpkAccepted: 0, rxpkRejected: 0, downlinksSent: 0, downlinksRejectedByGateway: 0 },
      }
      if (this.byEui.size >= this.maxGateways) {
        const oldest = this.byEui.keys().next()
        if (!oldest.done) this.byEui.delete(oldest.value)
      }
    }
    state.version = version
    this.byEui.set(gatewayEui, state)
    return state
  }

  get(gatewayEui: string): GatewayState | undefined {
    return this.byEui.get(gatewayEui)
  }

  all(): GatewayState[] {
    return [...this.byEui.values()]
  }
}
