// The replay writes each copy's PUSH_DATA JSON from parts cached per transmission; it must be
// JSON.stringify of the rxpk object byte for byte, for any copy of any frame.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRxpk, RxpkJsonWriter, semtech, type BuoyTransmission } from '../../src/index.js';
import { EU868_DEFAULT_CHANNELS, eu868DataRate } from '../../src/radio/eu868-channels.js';
import type { Reception } from '../../src/replay/uplink-output.js';

const gateway = { id: 'gw', eui: '0000000000dec0a1', latitude: 0, longitude: 0, altitudeM: 0, antennaGainDbi: 0 } as Reception['gateway'];

function transmission(rxTimeMs: number, phy: Buffer, channel: number, dr: number): BuoyTransmission {
  return {
    frame: { rxTimeMs, phyPayload: phy } as BuoyTransmission['frame'],
    channel: EU868_DEFAULT_CHANNELS[channel]!,
    rate: eu868DataRate(dr),
    txPowerDbm: 14,
    antennaGainDbi: 0,
    latitude: 0,
    longitude: 0,
  };
}

describe('rxpk JSON from cached parts', () => {
  it('is JSON.stringify of buildRxpk for every copy (fast-check)', () => {
    const writer = new RxpkJsonWriter();
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2099, 0, 1) }),
        fc.uint8Array({ minLength: 1, maxLength: 255 }),
        fc.nat({ max: 2 }),
        fc.nat({ max: 5 }),
        fc.array(fc.record({ tmst: fc.nat({ max: 2 ** 32 - 1 }), rssiDbm: fc.double({ min: -140, max: 0, noNaN: true }), snrDb: fc.oneof(fc.double({ min: -25, max: 15 }), fc.constant(-0)) }), { minLength: 1, maxLength: 4 }),
        (rxTimeMs, phy, channel, dr, copies) => {
          const tx = transmission(rxTimeMs, Buffer.from(phy), channel, dr);
          for (const c of copies) {
            const reception: Reception = { gateway, forwardAtMs: rxTimeMs, ...c };
            expect(writer.write(tx, reception)).toBe(JSON.stringify({ rxpk: [buildRxpk(tx, reception)] }));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('notices a new payload on the same transmission (corruption happens before sending, but be safe)', () => {
    const writer = new RxpkJsonWriter();
    const tx = transmission(Date.UTC(2024, 0, 1), Buffer.from([1, 2, 3]), 0, 0);
    const reception: Reception = { gateway, forwardAtMs: 0, tmst: 1, rssiDbm: -100, snrDb: -3.25 };
    writer.write(tx, reception);
    tx.frame.phyPayload = Buffer.from([4, 5, 6, 7]);
    const json = writer.write(tx, reception);
    expect(JSON.parse(json).rxpk[0]).toMatchObject({ size: 4, data: Buffer.from([4, 5, 6, 7]).toString('base64') });
    expect(semtech.decodeDatagram(Buffer.concat([semtech.encodePushData(1, gateway.eui, {}).subarray(0, 12), Buffer.from(json)]))).toMatchObject({ ok: true });
  });
});
