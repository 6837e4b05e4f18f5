// The EU868 default uplink channels and how a Semtech gateway reports them: the three
// mandatory 125 kHz channels sit on radio 1 of the reference global_conf.json
// (centre 868.5 MHz, IF −400/−200/0 kHz), as chan 0–2.
import { EU868, type DataRate } from '@reeflink/codecs';

export interface UplinkChannel {
  frequencyHz: number;
  /** Concentrator IF channel (rxpk.chan). */
  chan: number;
  /** RF chain (rxpk.rfch). */
  rfch: number;
}

export const EU868_DEFAULT_CHANNELS: readonly UplinkChannel[] = [
  { frequencyHz: 868_100_000, chan: 0, rfch: 1 },
  { frequencyHz: 868_300_000, chan: 1, rfch: 1 },
  { frequencyHz: 868_500_000, chan: 2, rfch: 1 },
];

export function eu868DataRate(dr: number): DataRate {
  const rate = EU868[dr];
  if (!rate) throw new RangeError(`EU868 data rate must be 0..${EU868.length - 1}, got ${dr}`);
  return rate;
}

/** "SF12BW125", as rxpk.datr. */
export function loraDatr(rate: DataRate): string {
  return `SF${rate.sf}BW${rate.bandwidthHz / 1000}`;
}

/** Demodulation floor (SNR, dB) of LoRa per spreading factor (SX1276 datasheet, table 13). */
export function demodulationFloorDb(sf: number): number {
  return -5 - 2.5 * (sf - 6);
}
