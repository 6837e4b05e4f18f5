// ChirpStack v4 application integration "up" event, JSON encoding (integration marshaler json):
// topic application/{applicationId}/device/{devEui}/event/up. Zero and false fields are left
// out, as ChirpStack's protobuf JSON mapping does.
import type { NetworkServerIdentity, UplinkEventInput } from './event-context.js';
import { rfc3339 } from './event-context.js';

export function chirpstackUplinkTopic(identity: NetworkServerIdentity, devEui: string): string {
  return `application/${identity.applicationId}/device/${devEui}/event/up`;
}

function omitZero<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== false && v !== undefined)) as Partial<T>;
}

export function chirpstackUplinkEvent(identity: NetworkServerIdentity, input: UplinkEventInput): Record<string, unknown> {
  const { tx, receptions } = input;
  const frame = tx.frame;
  const gatewayTime = rfc3339(frame.rxTimeMs);
  return {
    deduplicationId: input.eventId,
    time: gatewayTime,
    deviceInfo: {
      tenantId: identity.tenantId,
      tenantName: identity.tenantName,
      applicationId: identity.applicationId,
      applicationName: identity.applicationName,
      deviceProfileId: identity.deviceProfileId,
      deviceProfileName: identity.deviceProfileName,
      deviceName: input.deviceName,
      devEui: frame.devEui,
      tags: {},
    },
    devAddr: frame.devAddr,
    ...omitZero({ dr: frame.dataRate, fCnt: frame.fCnt, fPort: frame.fPort, confirmed: frame.confirmed }),
    data: Buffer.from(frame.payload).toString('base64'),
    rxInfo: receptions.map((r) => ({
      gatewayId: r.gateway.eui,
      uplinkId: r.tmst,
      gwTime: gatewayTime,
      nsTime: rfc3339(input.networkTimeMs),
      rssi: r.rssiDbm,
      snr: r.snrDb,
      ...omitZero({ channel: tx.channel.chan, rfChain: tx.channel.rfch }),
      location: { latitude: r.gateway.latitude, longitude: r.gateway.longitude, altitude: r.gateway.altitudeM },
      context: Buffer.from(Uint32Array.of(r.tmst).buffer).toString('base64'),
      metadata: { region_config_id: 'eu868', region_common_name: 'EU868' },
      crcStatus: 'CRC_OK',
    })),
    txInfo: {
      frequency: tx.channel.frequencyHz,
      modulation: { lora: { bandwidth: tx.rate.bandwidthHz, spreadingFactor: tx.rate.sf, codeRate: 'CR_4_5' } },
    },
    regionConfigId: 'eu868',
  };
}
