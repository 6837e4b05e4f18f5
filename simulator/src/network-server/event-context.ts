// What a network-server event needs beyond the frame: names and ids the integration would carry.
import type { BuoyTransmission } from '../buoy/virtual-buoy.js';
import type { Reception } from '../replay/uplink-output.js';

export interface NetworkServerIdentity {
  /** ChirpStack application id (a UUID) or The Things Stack application id. */
  applicationId: string;
  applicationName: string;
  /** ChirpStack tenant id, or The Things Stack tenant ("ttn" on The Things Network). */
  tenantId: string;
  tenantName: string;
  deviceProfileId: string;
  deviceProfileName: string;
}

export interface UplinkEventInput {
  tx: BuoyTransmission;
  receptions: Reception[];
  /** The network server's receive time (first copy + de-duplication delay), epoch ms. */
  networkTimeMs: number;
  /** Deterministic id of this event (ChirpStack deduplicationId, TTS correlation id). */
  eventId: string;
  deviceName: string;
}

/** A UUID v4-shaped string from 16 random bytes (deterministic for a seed). */
export function uuidFromBytes(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** RFC 3339 with nanoseconds and an explicit offset, as ChirpStack writes times. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000+00:00');
}
