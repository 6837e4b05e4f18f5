// The firmware's uplink rules (devices/src/app/schedule.ts), as pure functions the virtual buoy
// calls (docs/simulator.md "Buoy rules"):
// - pack the queue oldest first with encodeMeasurements under the data rate's budget;
// - send when the queue holds more than one frame carries ("fill"), N samples with setBatch N
//   ("batch"), or whatever fits when the oldest sample has waited maxHoldS or the queue is full
//   ("hold");
// - every frame keeps the EU868 1 % duty cycle and the daily airtime budget; measurement frames
//   leave one status frame's airtime of it;
// - time: a frame ends on a whole second, so ages (counted to the end of the frame, when the
//   gateway timestamps it) are exact; the next frame also waits for the RX windows.
import { EU868_DUTY_CYCLE, timeOnAirMs, type DataRate } from '@reeflink/codecs';
import type { FirmwareSettings } from '../fleet/fleet-types.js';

/** Class A: RX1 opens 1 s and RX2 2 s after the uplink; the radio is busy until then. */
export const RX_WINDOWS_MS = 3000;

/** Application payload budget: setBatch maxPayloadBytes, capped by the data rate's maximum (no FOpts). */
export function payloadBudget(firmware: FirmwareSettings, rate: DataRate): number {
  return firmware.maxPayloadBytes > 0 ? Math.min(firmware.maxPayloadBytes, rate.maxPayload) : rate.maxPayload;
}

export interface SendDecision {
  queueLength: number;
  /** Samples the frame built from the head of the queue carries. */
  consumed: number;
  oldestAgeS: number;
  firmware: FirmwareSettings;
}

export function shouldSendMeasurements(d: SendDecision): boolean {
  if (d.queueLength === 0) return false;
  const hold = (d.firmware.maxHoldS > 0 && d.oldestAgeS >= d.firmware.maxHoldS) || d.queueLength >= d.firmware.queueCapacity;
  const due = d.firmware.samplesPerUplink > 0 ? d.queueLength >= d.firmware.samplesPerUplink : d.consumed < d.queueLength;
  return hold || due;
}

/**
 * Uplink airtime of the last 24 h, and when a frame fits the daily budget. Status frames may use
 * the whole budget; measurement frames leave `reserveMs` (one status frame) to it.
 */
export class AirtimeBudget {
  private readonly entries: { endMs: number; airtimeMs: number }[] = [];

  usedMs(nowMs: number): number {
    let sum = 0;
    for (const e of this.entries) if (e.endMs > nowMs - DAY_MS) sum += e.airtimeMs;
    return sum;
  }

  /** Earliest time ≥ nowMs when `airtimeMs` more stays within `limitMs`; Infinity if never. */
  earliestMs(nowMs: number, airtimeMs: number, limitMs: number): number {
    if (airtimeMs > limitMs) return Number.POSITIVE_INFINITY;
    let used = this.usedMs(nowMs);
    if (used + airtimeMs <= limitMs) return nowMs;
    for (const e of this.entries) {
      if (e.endMs <= nowMs - DAY_MS) continue;
      used -= e.airtimeMs;
      if (used + airtimeMs <= limitMs) return e.endMs + DAY_MS;
    }
    return Number.POSITIVE_INFINITY;
  }

  record(endMs: number, airtimeMs: number): void {
    this.entries.push({ endMs, airtimeMs });
    while (this.entries.length > 0 && this.entries[0]!.endMs <= endMs - DAY_MS) this.entries.shift();
  }
}

const DAY_MS = 86_400_000;

export interface Slot {
  /** Start of the transmission and end of reception (a whole second), epoch ms. */
  txStartMs: number;
  rxEndMs: number;
  airtimeMs: number;
}

/**
 * When a frame of `payloadBytes` can go: its end is the first whole second after the earliest
 * start plus the airtime of a full-budget frame, so the end does not depend on the size the
 * encoder will pick (ages are computed before encoding).
 */
export function frameEndMs(earliestStartMs: number, rate: DataRate, budgetBytes: number): number {
  return Math.ceil((earliestStartMs + timeOnAirMs(rate, budgetBytes, 0, true)) / 1000) * 1000;
}

export function slotFor(rxEndMs: number, rate: DataRate, payloadBytes: number): Slot {
  const airtimeMs = timeOnAirMs(rate, payloadBytes, 0, true);
  return { txStartMs: rxEndMs - airtimeMs, rxEndMs, airtimeMs };
}

/** Earliest start of the next transmission in the same sub-band after this one. */
export function dutyCycleFreeAt(slot: Slot): number {
  return slot.txStartMs + slot.airtimeMs / EU868_DUTY_CYCLE;
}
