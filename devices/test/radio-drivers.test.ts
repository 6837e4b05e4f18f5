// SX1276 and SX1262 drivers against their register-level fakes, and the pipe radio over a
// loopback harness, in Node (the same checks run in the VM: test/radio-vm.test.ts). Each check
// returns the problems it found; the expected values come from the datasheets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_PAUSE } from '../src/crypto/pace.ts';
import { EU868 } from '../src/lorawan/regions/eu868.ts';
import { uplinkAirtimeMs, loraAirtimeMs } from '../src/radio/airtime.ts';
import { checkPipeRadio, checkSx1262, checkSx1276 } from '../src/radio/driver-checks.ts';
import { FakeSx1276 } from '../src/radio/fake-sx1276.ts';
import {
  decodeRx,
  decodeRxDone,
  decodeTx,
  decodeTxDone,
  encodeRx,
  encodeRxDone,
  encodeTx,
  encodeTxDone,
  fragment,
  Reassembler,
} from '../src/radio/pipe-protocol.ts';
import { Sx1276 } from '../src/radio/sx1276.ts';
import { VirtualClock } from '../src/radio/virtual-clock.ts';
import { timeOnAirMs } from '@reeflink/codecs';

describe('register-level drivers against the fakes', () => {
  it('SX1276: init, TX, RX windows, power, errors', async () => {
    expect(await checkSx1276(NO_PAUSE)).toEqual([]);
  });
  it('SX1262: init, TX, RX windows, errata, BUSY', async () => {
    expect(await checkSx1262(NO_PAUSE)).toEqual([]);
  });
  it('pipe radio over a loopback harness', async () => {
    expect(await checkPipeRadio(NO_PAUSE)).toEqual([]);
  });

  it('the fake catches a driver that breaks a datasheet rule (LongRangeMode outside Sleep)', async () => {
    const chip = new FakeSx1276();
    await chip.transfer([0x81, 0x01]); // FSK standby
    await chip.transfer([0x81, 0x81]); // LoRa bit set while in Standby: not allowed
    expect(chip.violations).toEqual(['LongRangeMode changed outside Sleep']);
  });

  it('the SX1276 waits for the window: RX single is entered at openAtMs, not before', async () => {
    const chip = new FakeSx1276();
    const clock = new VirtualClock(0, NO_PAUSE);
    const radio = new Sx1276({ spi: chip, reset: chip.reset, irq: chip.dio0, irq2: chip.dio1, busy: null, rxEnable: null, clock }, { paBoost: true });
    await radio.init();
    let enteredAt = -1;
    const transfer = chip.transfer.bind(chip);
    chip.transfer = async (tx) => {
      if (tx[0] === 0x81 && tx[1] === 0x86) enteredAt = clock.now();
      return transfer(tx);
    };
    await radio.receive({ frequencyHz: 869525000, sf: 12, bandwidthHz: 125000, codingRate: 5, openAtMs: 4321, timeoutSymbols: 6, maxLength: 64 });
    expect(enteredAt).toBe(4321);
  });
});

describe('airtime', () => {
  it('agrees with the codec\'s time-on-air for every EU868 data rate and payload size', () => {
    for (let dr = 0; dr <= 5; dr++) {
      const rate = EU868.dataRates[dr]!;
      for (let n = 0; n <= rate.maxPayload; n++) {
        expect(uplinkAirtimeMs(13 + n, rate.sf, rate.bandwidthHz)).toBeCloseTo(timeOnAirMs(rate, n, 0, true), 9);
      }
    }
  });
  it('matches the notes: 51 B at SF12 ≈ 2.79 s, at SF7 ≈ 0.118 s', () => {
    expect(uplinkAirtimeMs(64, 12, 125000)).toBeCloseTo(2793.5, 0);
    expect(uplinkAirtimeMs(64, 7, 125000)).toBeCloseTo(118.0, 0);
    // Downlinks carry no CRC: two bytes shorter on the air.
    expect(loraAirtimeMs(20, 7, 125000, 5, 8, false, true)).toBeLessThan(uplinkAirtimeMs(20, 7, 125000));
  });
});

describe('pipe protocol', () => {
  it('round-trips every message type', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.integer({ min: 100e6, max: 1000e6 }), fc.integer({ min: 5, max: 12 }), fc.constantFrom(125000, 250000, 500000), fc.integer({ min: -9, max: 22 }), fc.uint8Array({ maxLength: 255 }), (seq, f, sf, bw, power, frame) => {
        const tx = { seq, frequencyHz: f, sf, bandwidthHz: bw, codingRate: 5, powerDbm: power, frame: [...frame] };
        expect(decodeTx(encodeTx(tx))).toEqual(tx);
        const rx = { seq, frequencyHz: f, sf, bandwidthHz: bw, codingRate: 5, timeoutMs: 1234, maxLength: 242 };
        expect(decodeRx(encodeRx(rx))).toEqual(rx);
        expect(decodeTxDone(encodeTxDone(seq, 2793500))).toEqual({ seq, airtimeUs: 2793500 });
        const done = { seq, frame: frame.length ? [...frame] : null, rssiDbm: -117.5, snrDb: -7.25 };
        expect(decodeRxDone(encodeRxDone(done))).toEqual(done);
      }),
    );
  });

  it('fragments fit a Jacdac packet (≤ 236 bytes) and reassemble; a lost fragment drops the message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(255), (msg, id) => {
        const frags = fragment(id, [...msg]);
        for (const f of frags) expect(f.length).toBeLessThanOrEqual(236);
        const r = new Reassembler();
        const out = frags.map((f) => r.push(f));
        expect(out[out.length - 1]).toEqual([...msg]);
        if (frags.length > 2) {
          const r2 = new Reassembler();
          frags.splice(1, 1);
          expect(frags.map((f) => r2.push(f)).every((m) => m === null)).toBe(true);
          expect(r2.dropped).toBeGreaterThan(0);
        }
      }),
    );
  });
});
