import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { aesCmac } from '../../src/lorawan/aes-cmac.js'
import { cryptUplinkFrmPayload, uplinkMic } from '../../src/lorawan/frame-crypto.js'
import { readUplinkFrame } from '../../src/lorawan/index.js'
import { buildWithLoraPacket, fCntMSBytes, lora, loraPacketDecrypt, loraPacketMic } from './lora-packet-frames.js'
import { UPLINK_VECTORS } from './vectors.js'
import { frameSpec, key } from './arbitraries.js'

const h = (s: string): Buffer => Buffer.from(s, 'hex')

describe('AES-CMAC against RFC 4493 §4', () => {
  const key = h('2b7e151628aed2a6abf7158809cf4f3c')
  const message = h(
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
  )
  const examples: [number, string][] = [
    [0, 'bb1d6929e95937287fa37d129b756746'],
    [16, '070a16b46b4d4144f79bdd9dd04a287c'],
    [40, 'dfa66747de9ae63030ca32611497c827'],
    [64, '51f0bebf7e3b9d92fc49741779363cfe'],
  ]
  for (const [length, mac] of examples) {
    it(`example with ${length} bytes`, () => expect(aesCmac(key, message.subarray(0, length)).toString('hex')).toBe(mac))
  }
})

describe('MIC and FRMPayload decryption on published vectors', () => {
  for (const v of UPLINK_VECTORS) {
    it(v.name, () => {
      const read = readUplinkFrame(h(v.phy))
      if (!read.ok || read.value.kind !== 'data-up') throw new Error('not a data frame')
      const f = read.value
      expect(uplinkMic(h(v.nwkSKey), f.micInput, f.devAddrWire, v.fCnt).toString('hex')).toBe(v.mic)
      if (v.payload !== undefined && v.appSKey !== undefined) {
        const key = f.fPort === 0 ? h(v.nwkSKey) : h(v.appSKey)
        expect(cryptUplinkFrmPayload(key, f.devAddrWire, v.fCnt, f.frmPayload).toString('hex')).toBe(v.payload)
      }
    })
  }

  it('The Things Stack EncryptUplink: 01020304 -> cff30b4e at FCnt 1', () => {
    // TheThingsNetwork/lorawan-stack pkg/crypto/data_messages_test.go TestUplinkDownlinkEncryption
    const out = cryptUplinkFrmPayload(Buffer.alloc(16, 1), h('04030201'), 1, h('01020304'))
    expect(out.toString('hex')).toBe('cff30b4e')
  })

  it('the counter above 65 535 only verifies with its upper half in little-endian order (lora-packet)', () => {
    const v = UPLINK_VECTORS.find((x) => x.fCnt > 0xffff)
    if (v === undefined) throw new Error('no vector above 65535')
    const packet = lora.fromWire(h(v.phy))
    expect(lora.verifyMIC(packet, h(v.nwkSKey), undefined, fCntMSBytes(v.fCnt))).toBe(true)
    const bigEndian = Buffer.alloc(2)
    bigEndian.writeUInt16BE(v.fCnt >>> 16)
    expect(lora.verifyMIC(packet, h(v.nwkSKey), undefined, bigEndian)).toBe(false)
    // and our MIC is not the one of the 16-bit counter alone
    const f = readUplinkFrame(h(v.phy))
    if (!f.ok || f.value.kind !== 'data-up') throw new Error('not a data frame')
    expect(uplinkMic(h(v.nwkSKey), f.value.micInput, f.value.devAddrWire, v.fCnt & 0xffff).toString('hex')).not.toBe(v.mic)
  })
})

describe('node:crypto MIC and decryption agree with lora-packet', () => {
  it('on frames lora-packet builds: random keys, DevAddr, FCnt to 2^32-1, payloads 0..242, FOpts, FPort 0', () => {
    fc.assert(
      fc.property(frameSpec, (spec) => {
        const phy = buildWithLoraPacket(spec)
        const read = readUplinkFrame(phy)
        if (!read.ok || read.value.kind !== 'data-up') throw new Error(`rejected: ${JSON.stringify(read)}`)
        const f = read.value
        const mic = uplinkMic(spec.nwkSKey, f.micInput, f.devAddrWire, spec.fCnt)
        expect(mic.equals(f.mic)).toBe(true)
        expect(mic.equals(loraPacketMic(phy, spec.nwkSKey, spec.fCnt))).toBe(true)
        const key = spec.fPort === 0 ? spec.nwkSKey : spec.appSKey
        const plain = cryptUplinkFrmPayload(key, f.devAddrWire, spec.fCnt, f.frmPayload)
        expect(plain.equals(spec.payload)).toBe(true)
        if (f.frmPayload.length > 0) expect(plain.equals(loraPacketDecrypt(phy, spec.appSKey, spec.nwkSKey, spec.fCnt))).toBe(true)
      }),
      { numRuns: 1500 },
    )
  })

  it('on arbitrary MIC inputs and payloads (not only well-formed frames)', () => {
    fc.assert(
      fc.property(
        key,
        key,
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat({ max: 0xffffffff }),
        fc.uint8Array({ minLength: 8, maxLength: 251, size: 'max' }),
        (nwkSKey, appSKey, devAddrWire, fCnt, body) => {
          // a data-up MHDR and the DevAddr in place, the rest arbitrary: lora-packet reads the fields it needs from there
          const micInput = Buffer.from(body)
          micInput[0] = 0x40
          micInput.set(devAddrWire, 1)
          micInput[5] = 0 // no FOpts, so everything after FCnt is FPort | FRMPayload
          micInput.writeUInt16LE(fCnt & 0xffff, 6) // lora-packet takes the low half from the frame
          const phy = Buffer.concat([micInput, Buffer.alloc(4)])
          expect(uplinkMic(nwkSKey, micInput, devAddrWire, fCnt).equals(loraPacketMic(phy, nwkSKey, fCnt))).toBe(true)
          const frm = micInput.subarray(9)
          if (frm.length > 0) {
            const theirs = loraPacketDecrypt(phy, appSKey, nwkSKey, fCnt)
            const ours = cryptUplinkFrmPayload(micInput[8] === 0 ? nwkSKey : appSKey, devAddrWire, fCnt, frm)
            expect(ours.equals(theirs)).toBe(true)
          }
        },
      ),
      { numRuns: 1500 },
    )
  })
})
