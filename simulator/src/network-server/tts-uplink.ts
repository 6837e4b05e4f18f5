// The Things Stack v3 uplink message, as published on MQTT v3/{app}@{tenant}/devices/{device}/up
// and POSTed by webhooks. EUIs are upper-case, frequencies strings, durations "1.23s".
import type { NetworkServerIdentity, UplinkEventInput } from './event-context.js';

export function ttsUplinkTopic(identity: NetworkServerIdentity, deviceId: string): string {
  return `v3/${identity.applicationId}@${identity.tenantId}/devices/${deviceId}/up`;
}

export function ttsUplinkMessage(identity: NetworkServerIdentity, input: UplinkEventInput): Record<string, unknown> {
  const { tx, receptions } = input;
  const frame = tx.frame;
  const gatewayTime = new Date(frame.rxTimeMs).toISOString();
  const receivedAt = new Date(input.networkTimeMs).toISOString();
  return {
    end_device_ids: {
      device_id: input.deviceName,
      application_ids: { application_id: identity.applicationId },
      dev_eui: frame.devEui.toUpperCase(),
      dev_addr: frame.devAddr.toUpperCase(),
    },
    correlation_ids: [`as:up:${input.eventId}`],
    received_at: receivedAt,
    uplink_message: {
      f_port: frame.fPort,
      f_cnt: frame.fCnt,
      frm_payload: Buffer.from(frame.payload).toString('base64'),
      rx_metadata: receptions.map((r) => ({
        gateway_ids: { gateway_id: `gw-${r.gateway.id}`, eui: r.gateway.eui.toUpperCase() },
        time: gatewayTime,
        timestamp: r.tmst,
        rssi: r.rssiDbm,
        channel_rssi: r.rssiDbm,
        snr: r.snrDb,
        location: { latitude: r.gateway.latitude, longitude: r.gateway.longitude, altitude: r.gateway.altitudeM, source: 'SOURCE_REGISTRY' },
        channel_index: tx.channel.chan,
        received_at: receivedAt,
      })),
      settings: {
        data_rate: { lora: { bandwidth: tx.rate.bandwidthHz, spreading_factor: tx.rate.sf, coding_rate: '4/5' } },
        frequency: String(tx.channel.frequencyHz),
        timestamp: receptions[0]?.tmst ?? 0,
        time: gatewayTime,
      },
      received_at: receivedAt,
      ...(frame.confirmed ? { confirmed: true } : {}),
      consumed_airtime: `${(frame.airtimeMs / 1000).toFixed(6)}s`,
      network_ids: { net_id: '000013', tenant_id: identity.tenantId },
    },
  };
}
