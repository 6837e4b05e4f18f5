// Frames built by lora-packet 0.9.3 (the library the simulator uses), the independent side of
// the cross-checks. lora-packet wants the upper 16 counter bits as FCntMSBytes in over-the-air
// (little-endian) order; big-endian silently breaks MIC and decryption past 65 535.

import loraPacketModule from 'lora-packet'

// lora-packet's typings declare an ES default export, but its CommonJS build replaces
// module.exports with the API object, which is what Node's default import then is.
export const lora = loraPacketModule as unknown as typeof loraPacketModule.default

export interface FrameSpec {
  /** 4 bytes, most significant first (as DevAddr is written). */
  devAddr: Buffer
  fCnt: number
  confirmed: boolean
  adr: boolean
  adrAckReq: boolean
  ack: boolean
  fOpts: Buffer
  /** null: no FPort, and then the payload must be empty. */
  fPort: number | null
  payload: Buffer
  nwkSKey: Buffer
  appSKey: Buffer
}

export function fCntMSBytes(fCnt: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(fCnt >>> 16)
  return b
}

export function buildWithLoraPacket(spec: FrameSpec): Buffer {
  const msb = fCntMSBytes(spec.fCnt)
  const packet = lora.fromFields(
    {
      MType: spec.confirmed ? 'Confirmed Data Up' : 'Unconfirmed Data Up',
      DevAddr: spec.devAddr,
      FCnt: spec.fCnt & 0xffff,
      FOpts: spec.fOpts,
      ...(spec.fPort === null ? {} : { FPort: spec.fPort }),
      payload: spec.payload,
      FCtrl: { ADR: spec.adr, ADRACKReq: spec.adrAckReq, ACK: spec.ack },
    },
    spec.appSKey,
    spec.nwkSKey,
    undefined,
    msb,
  )
  // fromFields leaves the MIC at EEEEEEEE when there is no FPort; compute it for every frame.
  lora.recalculateMIC(packet, spec.nwkSKey, undefined, msb)
  return packet.PHYPayload as Buffer
}

export function loraPacketMic(phy: Buffer, nwkSKey: Buffer, fCnt: number): Buffer {
  return lora.calculateMIC(lora.fromWire(phy), nwkSKey, undefined, fCntMSBytes(fCnt))
}

export function loraPacketDecrypt(phy: Buffer, appSKey: Buffer, nwkSKey: Buffer, fCnt: number): Buffer {
  return lora.decrypt(lora.fromWire(phy), appSKey, nwkSKey, fCntMSBytes(fCnt))
}
