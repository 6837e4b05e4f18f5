// LoRaWAN 1.0.x data downlinks (unconfirmed / confirmed data down) on node:crypto.
//
//   PHYPayload = MHDR | DevAddr (LE) | FCtrl | FCnt (LE, 16 bits) | [FPort | FRMPayload] | MIC
//   FRMPayload: AES-CTR-like keystream Ai = 0x01 | 0x00 x4 | Dir=1 | DevAddr | FCntDown (32, LE) | 0x00 | i,
//               key AppSKey, or NwkSKey for FPort 0 (TS001-1.0.4 §4.3.3)
//   MIC = aes128_cmac(NwkSKey, B0 | msg)[0..3], B0 = 0x49 | 0x00 x4 | Dir=1 | DevAddr | FCntDown | 0x00 | len(msg) (§4.4)
// Checked against lora-packet in server/test/downlink/class-a.test.ts. MIC and keystream: lorawan/frame-crypto.ts.
import { cryptFrmPayload, frameMic } from '../lorawan/frame-crypto.js'

const MTYPE_UNCONFIRMED_DOWN = 0x60
const MTYPE_CONFIRMED_DOWN = 0xa0

export interface DataDownlinkFields {
  /** 8 lower-case hex digits, most significant byte first (as consoles write it). */
  devAddr: string
  /** Full 32-bit FCntDown; the low 16 bits go on the air. */
  fCntDown: number
  confirmed: boolean
  /** FCtrl.ACK: acknowledges the device's last confirmed uplink. */
  ack: boolean
  /** FCtrl.FPending: more downlinks wait. */
  fPending: boolean
  /** FCtrl.ADR (the network runs ADR). Default false. */
  adr?: boolean
  /** null: no FPort and no FRMPayload (an empty frame, e.g. an ACK alone). */
  fPort: number | null
  /** Plain FRMPayload. */
  payload: Buffer
  /** MAC commands in FOpts (plain, ≤ 15 bytes; LoRaWAN 1.0 does not encrypt them). */
  fOpts?: Buffer
}

export interface SessionKeys {
  nwkSKey: Buffer
  appSKey: Buffer
}

/** Encrypts (or decrypts) a downlink FRMPayload. */
export function cryptDownlinkFrmPayload(key: Buffer, devAddrWire: Buffer, fCnt: number, data: Buffer): Buffer {
  return cryptFrmPayload('down', key, devAddrWire, fCnt, data)
}

/** The PHYPayload of a data downlink. Throws RangeError on fields no frame can carry (callers validate first). */
export function buildDataDownlink(f: DataDownlinkFields, keys: SessionKeys): Buffer {
  if (!/^[0-9a-f]{8}$/.test(f.devAddr)) throw new RangeError('devAddr must be 8 lower-case hex digits')
  if (!Number.isInteger(f.fCntDown) || f.fCntDown < 0 || f.fCntDown > 0xffffffff) throw new RangeError('fCntDown must be a 32-bit counter')
  const fOpts = f.fOpts ?? Buffer.alloc(0)
  if (fOpts.length > 15) throw new RangeError('FOpts hold at most 15 bytes')
  if (f.fPort === null && f.payload.length > 0) throw new RangeError('a payload needs an FPort')
  if (f.fPort !== null && (!Number.isInteger(f.fPort) || f.fPort < 0 || f.fPort > 223)) throw new RangeError('FPort must be 0..223')
  if (f.fPort === 0 && fOpts.length > 0) throw new RangeError('FPort 0 carries MAC commands: no FOpts with it')
  const devAddrWire = Buffer.from(f.devAddr, 'hex').reverse()
  const header = Buffer.alloc(8)
  header[0] = f.confirmed ? MTYPE_CONFIRMED_DOWN : MTYPE_UNCONFIRMED_DOWN
  devAddrWire.copy(header, 1)
  header[5] = (f.adr ? 0x80 : 0) | (f.ack ? 0x20 : 0) | (f.fPending ? 0x10 : 0) | fOpts.length
  header.writeUInt16LE(f.fCntDown & 0xffff, 6)
  const parts = [header, fOpts]
  if (f.fPort !== null) {
    const key = f.fPort === 0 ? keys.nwkSKey : keys.appSKey
    parts.push(Buffer.from([f.fPort]), cryptDownlinkFrmPayload(key, devAddrWire, f.fCntDown, f.payload))
  }
  const msg = Buffer.concat(parts)
  if (msg.length + 4 > 255) throw new RangeError(`the frame would be ${msg.length + 4} bytes (at most 255)`)
  const mic = frameMic('down', keys.nwkSKey, msg, devAddrWire, f.fCntDown)
  return Buffer.concat([msg, mic])
}
