// LoRa time on air and LoRaWAN payload budgets: what the buoy's scheduler, the simulator and the
// benchmarks need to keep frames within a data rate's payload size, the EU868 duty cycle and
// The Things Network's fair-use airtime. Pure arithmetic, the same in Node and DeviceScript.
//
// Time on air per Semtech AN1200.13 ("LoRa Modem Designer's Guide"):
//   Tsym = 2^SF / BW
//   Tpreamble = (preamble + 4.25) · Tsym
//   payloadSymbols = 8 + max(ceil((8·PL − 4·SF + 28 + 16·CRC − 20·H) / (4·(SF − 2·DE))) · (CR + 4), 0)
// with PL the PHY payload in bytes (application payload + 13 bytes of LoRaWAN framing + FOpts),
// H = 0 (explicit header), CRC = 1 on uplinks, CR = 1 (coding rate 4/5), DE = 1 (low data rate
// optimisation) for SF11 and SF12 at 125 kHz.

/** LoRaWAN framing around the application payload: MHDR 1 + FHDR 7 + FPort 1 + MIC 4. */
export const LORAWAN_OVERHEAD_BYTES = 13

export interface DataRate {
  sf: number
  bandwidthHz: number
  /** Largest application payload (FRMPayload) at this data rate, FOpts included. */
  maxPayload: number
}

/** EU868 uplink data rates DR0..DR5 (LoRa, 125 kHz), LoRaWAN Regional Parameters RP002. */
export const EU868: DataRate[] = [
  { sf: 12, bandwidthHz: 125000, maxPayload: 51 },
  { sf: 11, bandwidthHz: 125000, maxPayload: 51 },
  { sf: 10, bandwidthHz: 125000, maxPayload: 51 },
  { sf: 9, bandwidthHz: 125000, maxPayload: 115 },
  { sf: 8, bandwidthHz: 125000, maxPayload: 242 },
  { sf: 7, bandwidthHz: 125000, maxPayload: 242 },
]

/** The Things Network fair-use policy: uplink airtime per device per day. */
export const TTN_DAILY_AIRTIME_MS = 30000
/** EU868 duty cycle of the g/g1 sub-bands where the default channels sit. */
export const EU868_DUTY_CYCLE = 0.01

export function timeOnAirMs(dr: DataRate, applicationBytes: number, fOptsBytes: number, uplink: boolean): number {
  const sf = dr.sf
  const tSym = Math.pow(2, sf) / dr.bandwidthHz
  const de = sf >= 11 && dr.bandwidthHz === 125000 ? 1 : 0
  const crc = uplink ? 1 : 0
  const pl = applicationBytes + LORAWAN_OVERHEAD_BYTES + fOptsBytes
  const num = 8 * pl - 4 * sf + 28 + 16 * crc
  let payloadSymbols = Math.ceil(num / (4 * (sf - 2 * de))) * 5
  if (payloadSymbols < 0) payloadSymbols = 0
  payloadSymbols += 8
  return (8 + 4.25 + payloadSymbols) * tSym * 1000
}

/** Minimum silence after a transmission so that one sub-band keeps its duty cycle. */
export function dutyCycleOffMs(airtimeMs: number, dutyCycle: number): number {
  return airtimeMs / dutyCycle - airtimeMs
}
