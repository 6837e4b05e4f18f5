// Where a replay sends what its virtual gateways heard: a Semtech UDP server (raw PHYPayloads,
// one datagram per gateway copy) or an MQTT broker in the shape of a network server's
// application integration (ChirpStack v4, The Things Stack v3: one decrypted event per frame).
import type { GatewaySpec } from '../fleet/fleet-types.js';
import type { BuoyTransmission } from '../buoy/virtual-buoy.js';
import type { FrameRecord } from './ledger.js';

/** One gateway's reception of a frame. */
export interface Reception {
  gateway: GatewaySpec;
  rssiDbm: number;
  snrDb: number;
  /** Concentrator counter at the end of reception, µs (wraps at 2^32). */
  tmst: number;
  /** Virtual time the copy leaves the gateway (after delay or store-and-forward), epoch ms. */
  forwardAtMs: number;
}

/** One thing to send at a virtual time: a gateway's copy (UDP) or a network-server event (MQTT). */
export interface ForwardAction {
  atMs: number;
  tx: BuoyTransmission;
  frame: FrameRecord;
  receptions: Reception[];
  /** A copy added by the duplicate fault. */
  duplicate: boolean;
}

export interface OutputCounters {
  /** Datagrams or publishes sent, status messages included (retries not counted). */
  sent: number;
  /** Gateway stat messages among them (UDP). */
  statMessages: number;
  acknowledged: number;
  unacknowledged: number;
  retransmissions: number;
  maxInFlight: number;
  /** Frames a modelled network server dropped (MQTT outputs: bad MIC or counter). */
  droppedByNetworkServer: number;
}

export interface UplinkOutput {
  readonly kind: 'semtech-udp' | 'chirpstack-mqtt' | 'tts-mqtt';
  start(): Promise<void>;
  /** What to send for a frame and when; `duplicateOf` is the reception the duplicate fault copies. */
  plan(tx: BuoyTransmission, receptions: Reception[], duplicateOf: Reception | undefined, duplicateGapMs: number): ForwardAction[];
  /**
   * Sends once the flow-control window has room; resolves when on the wire. May return
   * undefined when it sent at once (the replay then skips an await per datagram).
   */
  send(action: ForwardAction): Promise<void> | undefined | void;
  /** Gateway status messages, if the output has them (UDP). */
  sendGatewayStats?(atMs: number, offline: (gatewayId: string) => boolean): Promise<void>;
  inFlight(): number;
  drain(): Promise<void>;
  close(): Promise<void>;
  counters(): OutputCounters;
  /** Per gateway counters, when the output has gateways. */
  gatewayCounters?(): Record<string, unknown>;
}
