// MQTT over Wi-Fi: the LoRaWAN MAC over MqttRadio publishes the same PHYPayloads a gateway would
// forward (lora-packet verifies them) and takes downlinks from <root>/phy/down; MqttPayloadLink
// publishes plain payloads per FPort. A fake broker port stands in for @devicescript/net.
import loraPacketModule from 'lora-packet';
import { describe, expect, it } from 'vitest';
import { NO_PAUSE } from '../src/crypto/pace.ts';
import { LoRaWanMac } from '../src/lorawan/mac.ts';
import { MqttPayloadLink } from '../src/lorawan/mqtt-payload-link.ts';
import { EU868 } from '../src/lorawan/regions/eu868.ts';
import { MemoryStore } from '../src/lorawan/store.ts';
import { TEST_APPSKEY, TEST_DEVADDR, TEST_NWKSKEY } from '../src/lorawan/vectors.ts';
import { deviceTopic, type MqttPort } from '../src/radio/mqtt-port.ts';
import { MqttRadio } from '../src/radio/mqtt-radio.ts';
import { VirtualClock } from '../src/radio/virtual-clock.ts';

const lp = loraPacketModule as unknown as typeof loraPacketModule.default;
const H = (s: string) => Buffer.from(s, 'hex');

class FakeBroker implements MqttPort {
  published: { topic: string; payload: number[] }[] = [];
  subs: { pattern: string; handler: (topic: string, payload: number[]) => void }[] = [];
  up = true;
  /** Called on every publish: lets the test answer like a server would. */
  onPublish: (topic: string, payload: number[]) => void = () => {};
  connected() {
    return this.up;
  }
  async publish(topic: string, payload: number[]) {
    if (!this.up) return false;
    this.published.push({ topic, payload });
    this.onPublish(topic, payload);
    return true;
  }
  async subscribe(pattern: string, handler: (topic: string, payload: number[]) => void) {
    this.subs.push({ pattern, handler });
    return true;
  }
  deliver(topic: string, payload: number[]) {
    for (const s of this.subs) {
      const p = s.pattern.endsWith('+') ? topic.startsWith(s.pattern.slice(0, -1)) : topic === s.pattern;
      if (p) s.handler(topic, payload);
    }
  }
}

const ROOT = deviceTopic('0004A30B001C0530');

describe('LoRaWAN frames over MQTT (MqttRadio)', () => {
  it('publishes verifiable PHYPayloads to <root>/phy/up and takes a downlink from <root>/phy/down', async () => {
    const broker = new FakeBroker();
    const clock = new VirtualClock(0, NO_PAUSE);
    const store = new MemoryStore();
    store.values = { lw_devaddr: JSON.stringify(TEST_DEVADDR), lw_nwkskey: JSON.stringify(TEST_NWKSKEY), lw_appskey: JSON.stringify(TEST_APPSKEY) };
    const mac = new LoRaWanMac({ region: EU868, radio: new MqttRadio(broker, clock, ROOT, 20), clock, store });
    broker.onPublish = (topic) => {
      if (topic !== `${ROOT}/phy/up` || broker.published.length !== 1) return;
      const down = lp.fromFields({ MType: 'Unconfirmed Data Down', DevAddr: H(TEST_DEVADDR), FCnt: 0, FPort: 9, payload: H('beef') }, H(TEST_APPSKEY), H(TEST_NWKSKEY));
      broker.deliver(`${ROOT}/phy/down`, [...down.getPHYPayload()!]);
    };
    const dl = await mac.send({ fPort: 4, payload: [1, 2, 3], confirmed: false });
    await mac.send({ fPort: 4, payload: [4], confirmed: false });
    expect(ROOT).toBe('reeflink/v1/0004a30b001c0530');
    expect(broker.published.map((m) => m.topic)).toEqual([`${ROOT}/phy/up`, `${ROOT}/phy/up`]);
    const p = lp.fromWire(Buffer.from(broker.published[0]!.payload));
    expect(lp.verifyMIC(p, H(TEST_NWKSKEY))).toBe(true);
    expect([...lp.decrypt(p, H(TEST_APPSKEY), H(TEST_NWKSKEY))]).toEqual([1, 2, 3]);
    expect(dl).toMatchObject({ fPort: 9, payload: [0xbe, 0xef] });
    // No airtime on Wi-Fi: the second uplink does not wait for the EU868 duty cycle.
    expect(clock.now()).toBeLessThan(10_000);
  });

  it('a broken connection is a radio_error, not a crash', async () => {
    const broker = new FakeBroker();
    broker.up = false;
    const clock = new VirtualClock(0, NO_PAUSE);
    const store = new MemoryStore();
    store.values = { lw_devaddr: JSON.stringify(TEST_DEVADDR), lw_nwkskey: JSON.stringify(TEST_NWKSKEY), lw_appskey: JSON.stringify(TEST_APPSKEY) };
    const mac = new LoRaWanMac({ region: EU868, radio: new MqttRadio(broker, clock, ROOT, 20), clock, store });
    const r = await mac.sendFrame({ fPort: 4, payload: [1], confirmed: false });
    expect(r).toMatchObject({ ok: false, error: { code: 'radio_error' } });
  });
});

describe('plain payloads over MQTT (MqttPayloadLink)', () => {
  it('publishes to <root>/up/<fPort> and returns a downlink from <root>/down/<fPort>', async () => {
    const broker = new FakeBroker();
    const clock = new VirtualClock(0, NO_PAUSE);
    const link = new MqttPayloadLink({ port: broker, clock, topicRoot: ROOT, maxPayload: 242, downlinkWaitMs: 3000 });
    expect(await link.start()).toBe(true);
    expect(broker.subs.map((s) => s.pattern)).toEqual([`${ROOT}/down/+`]);
    broker.onPublish = () => broker.deliver(`${ROOT}/down/12`, [7, 7]);
    const dl = await link.send({ fPort: 2, payload: [1, 2], confirmed: false });
    expect(broker.published).toEqual([{ topic: `${ROOT}/up/2`, payload: [1, 2] }]);
    expect(dl).toEqual({ fPort: 12, payload: [7, 7], rssiDbm: 0, snrDb: 0 });
    broker.onPublish = () => broker.deliver(`${ROOT}/down/999`, [1]); // not a valid FPort: ignored
    expect(await link.send({ fPort: 2, payload: [3], confirmed: false })).toBeNull();
    await expect(link.send({ fPort: 2, payload: new Array(243).fill(0), confirmed: false })).rejects.toThrow(/invalid_uplink/);
    expect(link.stats()).toMatchObject({ uplinksSent: 2, downlinksReceived: 1 });
  });
});
