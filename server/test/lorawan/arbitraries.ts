// fast-check generators shared by the LoRaWAN tests.

import fc from 'fast-check'
import type { FrameSpec } from './lora-packet-frames.js'

export const key = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b))
/** FOpts and payload sized as a real uplink: FOpts come out of the 242-byte application budget. */
export const frameSpec: fc.Arbitrary<FrameSpec> = fc
  .record({
    devAddr: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Buffer.from(b)),
    fCnt: fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 0xffff, 0x10000, 0xffffffff)),
    confirmed: fc.boolean(),
    adr: fc.boolean(),
    adrAckReq: fc.boolean(),
    ack: fc.boolean(),
    // FPort 0 (MAC commands, NwkSKey) and no FPort at all get a fair share
    fPort: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 255 }) },
    ),
    fOptsLength: fc.nat({ max: 15 }),
    nwkSKey: key,
    appSKey: key,
  })
  .chain((s) => {
    const fOptsLength = s.fPort === 0 ? 0 : s.fOptsLength
    return fc.record({
      fOpts: fc.uint8Array({ minLength: fOptsLength, maxLength: fOptsLength }).map((b) => Buffer.from(b)),
      payload: fc.uint8Array({ maxLength: s.fPort === null ? 0 : 242 - fOptsLength, size: 'max' }).map((b) => Buffer.from(b)),
    }).map(({ fOpts, payload }) => {
      const { fOptsLength: _, ...rest } = s
      return { ...rest, fOpts, payload }
    })
  })
