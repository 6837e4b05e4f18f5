// The MQTT output against a real broker (aedes on an ephemeral port): one decrypted event per
// frame in ChirpStack v4 or The Things Stack v3 JSON, QoS 1, frames a network server would
// reject left out.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { decodeUplink, type MeasurementBatch } from '@reeflink/codecs';
import { frameFate, runReplay, type ReplayResult } from '../../src/index.js';
import { bundledFleet, FROM, until, sources } from '../support/bundled.js';

let broker: Aedes;
let server: Server;
let url: string;

beforeAll(async () => {
  broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
});

async function capture(topic: string, run: () => Promise<ReplayResult>): Promise<{ messages: { topic: string; body: Record<string, any> }[]; result: ReplayResult }> {
  const client = await mqtt.connectAsync(url);
  const messages: { topic: string; body: Record<string, any> }[] = [];
  client.on('message', (t, payload) => messages.push({ topic: t, body: JSON.parse(payload.toString()) }));
  await client.subscribeAsync(topic, { qos: 1 });
  const result = await run();
  // The publishes are acknowledged (QoS 1) before runReplay resolves; delivery to us follows.
  await expect.poll(() => messages.length).toBe(result.summary.output.acknowledged);
  await client.endAsync();
  return { messages, result };
}

describe('MQTT output', () => {
  it('publishes ChirpStack v4 up events with the decrypted payload, one per delivered frame', async () => {
    const fleet = await bundledFleet();
    const { messages, result } = await capture('application/+/device/+/event/up', () =>
      runReplay({ fleet, sourceCache: sources, from: FROM, to: until(1), target: { mqtt: { url, format: 'chirpstack', identity: { applicationId: 'app-1' } } }, faults: { all: { corrupt: 0.1, packetLoss: 0.1 } }, seed: 5 }),
    );
    const delivered = result.ledger.frames.filter((f) => frameFate(f) === 'delivered');
    expect(messages.length).toBe(delivered.length);
    expect(result.summary.output.droppedByNetworkServer).toBe(result.summary.totals.corrupted);
    for (const m of messages) {
      const b = m.body;
      const frame = delivered.find((f) => f.devEui === b.deviceInfo.devEui && f.fCnt === (b.fCnt ?? 0))!;
      expect(m.topic).toBe(`application/app-1/device/${frame.devEui}/event/up`);
      expect(b.time).toBe(new Date(frame.rxTimeMs).toISOString().replace('Z', '000000+00:00'));
      expect(b.devAddr).toBe(frame.devAddr);
      expect(b.fPort).toBe(frame.fPort);
      expect('confirmed' in b).toBe(false); // false fields are omitted
      expect(Buffer.from(b.data, 'base64')).toEqual(Buffer.from(frame.payload));
      expect(b.rxInfo.map((r: any) => r.gatewayId).sort()).toEqual(frame.heardBy.map((id) => fleet.gateways.find((g) => g.id === id)!.eui).sort());
      expect(b.txInfo.modulation.lora.spreadingFactor).toBe(12 - frame.dataRate);
      expect(decodeUplink(Buffer.from(b.data, 'base64'), b.fPort).ok).toBe(true);
    }
  });

  it('publishes The Things Stack v3 uplink messages whose samples match the ledger', async () => {
    const fleet = await bundledFleet();
    const { messages, result } = await capture('v3/+/devices/+/up', () =>
      runReplay({ fleet, sourceCache: sources, from: FROM, to: until(1), target: { mqtt: { url, format: 'tts', identity: { applicationId: 'reef', tenantId: 'ttn' } } }, seed: 5 }),
    );
    expect(messages.length).toBe(result.summary.totals.delivered);
    const decoded = new Map<string, number>();
    for (const m of messages) {
      const u = m.body.uplink_message;
      expect(m.topic).toBe(`v3/reef@ttn/devices/${m.body.end_device_ids.device_id}/up`);
      expect(m.body.end_device_ids.dev_eui).toMatch(/^[0-9A-F]{16}$/);
      expect(u.settings.frequency).toMatch(/^868[135]00000$/);
      expect(u.rx_metadata.length).toBeGreaterThan(0);
      if (u.f_port !== 1) continue;
      const batch = decodeUplink(Buffer.from(u.frm_payload, 'base64'), 1);
      if (!batch.ok) throw new Error(batch.error.message);
      const rx = Date.parse(u.settings.time);
      for (const s of (batch.value as MeasurementBatch).samples) decoded.set(`${m.body.end_device_ids.device_id}@${rx - s.ageS * 1000}`, s.temperatureRaw!);
    }
    const expected = [...result.ledger.expectedSamples(undefined, 'temperature')];
    expect(decoded.size).toBe(expected.length);
    for (const s of expected) expect(decoded.get(`${s.buoyId}@${s.timeMs}`)).toBe(s.raw);
  });

  it('says clearly when the broker is not there', async () => {
    const fleet = await bundledFleet();
    await expect(runReplay({ fleet, sourceCache: sources, from: FROM, to: until(0.1), target: { mqtt: { url: 'mqtt://127.0.0.1:1', format: 'tts' } } })).rejects.toThrow(/cannot connect to the MQTT broker at mqtt:\/\/127.0.0.1:1/);
  });
});
