// The regional parameters a Class A downlink needs, in one small table (LoRaWAN RP002-1.0.x):
// the data-rate list, the RX1 rule (frequency and RX1DROffset), the default RX2 channel and
// the downlink power. Only EU868 is described; a region is one entry here.

export type RegionName = 'EU868'

export interface RegionParams {
  name: RegionName
  /** LoRa data rates by DR index, "SF12BW125" style (FSK DRs left out). */
  dataRates: readonly string[]
  /** Largest FRMPayload (application bytes, no FOpts) by DR index. */
  maxPayloadBytes: readonly number[]
  /** RX1 frequency in Hz for an uplink heard on `uplinkHz`. */
  rx1FrequencyHz(uplinkHz: number): number
  /** RX1 data rate index for an uplink at `uplinkDr` with the session's RX1DROffset. */
  rx1DataRate(uplinkDr: number, rx1DrOffset: number): number
  /** RX2 defaults: frequency in Hz and data rate index. */
  rx2: { frequencyHz: number; dataRate: number }
  /** Default downlink TX power (dBm, conducted) for the gateway's txpk.powe. */
  downlinkPowerDbm: number
  /** LoRaWAN 1.0 defaults: RECEIVE_DELAY1 (s); RX2 opens one second later. */
  receiveDelay1S: number
  /** JOIN_ACCEPT_DELAY1 (s), for OTAA join accepts. */
  joinAcceptDelay1S: number
}

const EU868: RegionParams = {
  name: 'EU868',
  dataRates: ['SF12BW125', 'SF11BW125', 'SF10BW125', 'SF9BW125', 'SF8BW125', 'SF7BW125', 'SF7BW250'],
  // RP002 §2.4.6 (N without repeater compatibility).
  maxPayloadBytes: [51, 51, 51, 115, 242, 242, 242],
  // RP002 §2.4.7: RX1 uses the uplink's channel.
  rx1FrequencyHz: (uplinkHz) => uplinkHz,
  // RP002 §2.4.7: RX1 DR = max(0, uplink DR − RX1DROffset), offsets 0..5.
  rx1DataRate: (uplinkDr, offset) => Math.max(0, uplinkDr - offset),
  rx2: { frequencyHz: 869_525_000, dataRate: 0 },
  // 14 dBm: the usual EU868 gateway setting (16 dBm EIRP limit on the 868.1–868.5 MHz g1 band).
  downlinkPowerDbm: 14,
  receiveDelay1S: 1,
  joinAcceptDelay1S: 5,
}

export const REGIONS: Readonly<Record<RegionName, RegionParams>> = { EU868 }

export function region(name: string): RegionParams | undefined {
  return (REGIONS as Record<string, RegionParams | undefined>)[name.toUpperCase()]
}

/** DR index of a "SF9BW125" style data rate in the region, or undefined. */
export function dataRateIndex(params: RegionParams, dataRate: string): number | undefined {
  const i = params.dataRates.indexOf(dataRate.toUpperCase())
  return i < 0 ? undefined : i
}
