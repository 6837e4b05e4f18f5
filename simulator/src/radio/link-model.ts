// A simple over-water link budget for 868 MHz: log-distance path loss from a buoy antenna just
// above the sea, a gain for gateway height, log-normal shadowing per reception, and the
// gateway's noise floor. Good enough to decide which gateways hear a frame and to give rxpk
// plausible RSSI and SNR; not a propagation model.
import type { Random } from '../random/seeded-random.js';
import { demodulationFloorDb } from './eu868-channels.js';

const EARTH_RADIUS_KM = 6371.0088;
/** Path loss at 1 km for a buoy antenna ~1 m above the sea (measured LoRa links over water: 105–115 dB). */
const LOSS_AT_1_KM_DB = 110;
const PATH_LOSS_EXPONENT = 2.9;
/** −174 dBm/Hz + 10·log10(125 kHz) + 6 dB receiver noise figure. */
export const NOISE_FLOOR_DBM = -174 + 10 * Math.log10(125_000) + 6;
/** Concentrators report SNR in quarter dB and rarely above this. */
const MAX_REPORTED_SNR_DB = 13.5;

export interface Position {
  latitude: number;
  longitude: number;
}

export function distanceKm(a: Position, b: Position): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface LinkInput {
  distanceKm: number;
  txPowerDbm: number;
  txAntennaGainDbi: number;
  rxAntennaGainDbi: number;
  gatewayAltitudeM: number;
  spreadingFactor: number;
  /** Shadowing standard deviation, dB (0 for a deterministic link). */
  shadowingDb: number;
}

export interface LinkResult {
  heard: boolean;
  /** Channel RSSI as reported (signal plus noise), integer dBm. */
  rssiDbm: number;
  /** SNR in quarter dB steps. */
  snrDb: number;
  /** SNR above the demodulation floor, dB (negative: not heard). */
  marginDb: number;
}

export function pathLossDb(km: number, gatewayAltitudeM: number): number {
  const d = Math.max(km, 0.05);
  // Height gain of a raised gateway antenna over the 10 m reference, capped (two-ray regime).
  const heightGain = Math.min(18, 20 * Math.log10(Math.max(1, gatewayAltitudeM / 10)));
  return LOSS_AT_1_KM_DB + 10 * PATH_LOSS_EXPONENT * Math.log10(d) - heightGain;
}

export function linkBudget(input: LinkInput, random: Random | undefined): LinkResult {
  const shadowing = input.shadowingDb > 0 && random ? input.shadowingDb * random.gauss() : 0;
  const signal = input.txPowerDbm + input.txAntennaGainDbi + input.rxAntennaGainDbi - pathLossDb(input.distanceKm, input.gatewayAltitudeM) + shadowing;
  const snr = signal - NOISE_FLOOR_DBM;
  const margin = snr - demodulationFloorDb(input.spreadingFactor);
  const rssi = 10 * Math.log10(10 ** (signal / 10) + 10 ** (NOISE_FLOOR_DBM / 10));
  return {
    heard: margin >= 0,
    rssiDbm: Math.round(rssi),
    snrDb: Math.round(Math.min(snr, MAX_REPORTED_SNR_DB) * 4) / 4,
    marginDb: margin,
  };
}
