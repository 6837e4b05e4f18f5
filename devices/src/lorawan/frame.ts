// LoRaWAN 1.0.4 data frames (TS001-1.0.4 §4): building uplinks and parsing downlinks, with
// FRMPayload encryption (§4.3.3) and the MIC (§4.4). Pure functions over number[], the same in Node
// and in the DeviceScript VM.
//
//   PHYPayload = MHDR(1) | MACPayload | MIC(4)
//   MACPayload = FHDR | FPort(0..1) | FRMPayload(0..N)
//   FHDR       = DevAddr(4, LE) | FCtrl(1) | FCnt(2, LE: the 16 low bits) | FOpts(0..15)
//
// Cost in the VM: one AES block with its CTR/CMAC bookkeeping is ~3 200 opcodes, so a 242-byte
// payload (16 blocks to encrypt, 17 to sign) must not be encrypted and signed in one synchronous
// step (measured: InfiniteLoop). The builder and the parser are therefore split into stages
// (encrypt / sign, verify / decrypt); the MAC pauses between them (crypto/pace.ts).
import { Aes128, Bytes } from "../crypto/aes128.js"
import { Cmac } from "../crypto/cmac.js"
import { Pause } from "../crypto/pace.js"
import { copyBytes, pushUint32LE, readUint16LE, readUint32LE } from "./bytes.js"
import { macError, macOk, MacResult } from "./errors.js"

/** MHDR.MType (§4.2.1). */
export const enum MType {
    JoinRequest = 0,
    JoinAccept = 1,
    UnconfirmedUp = 2,
    UnconfirmedDown = 3,
    ConfirmedUp = 4,
    ConfirmedDown = 5,
    Proprietary = 7,
}

/** MHDR.Major for LoRaWAN R1 (§4.2.2). */
export const MAJOR_R1 = 0
/** MHDR(1) + FHDR without FOpts(7) + MIC(4): the shortest valid data frame. */
export const MIN_DATA_FRAME = 12
/** FOpts carries at most 15 bytes of MAC commands (FOptsLen is 4 bits). */
export const MAX_FOPTS = 15
/** Longest PHYPayload any LoRa radio in LoRaWAN carries. */
export const MAX_PHY_PAYLOAD = 255

export const DIR_UP = 0
export const DIR_DOWN = 1

/** FCtrl bits (§4.3.1). */
export const FCTRL_ADR = 0x80
export const FCTRL_ADR_ACK_REQ = 0x40 // uplink only
export const FCTRL_ACK = 0x20
export const FCTRL_FPENDING = 0x10 // downlink only (ClassB in uplinks)

/**
 * The A_i / B0 block shared by encryption (§4.3.3, first byte 0x01, last byte i) and the MIC
 * (§4.4, first byte 0x49, last byte len(msg)): 0x?? | 4×0x00 | Dir | DevAddr | FCnt (32 bits) | 0x00 | ??.
 */
function counterBlock(first: number, dir: number, devAddr: number, fCnt: number, last: number): number[] {
    const b: number[] = [first, 0, 0, 0, 0, dir]
    pushUint32LE(b, devAddr)
    pushUint32LE(b, fCnt)
    b.push(0, last)
    return b
}

/**
 * FRMPayload encryption and decryption (the same operation: XOR with AES(K, A_i), §4.3.3.1).
 * K is AppSKey for FPort > 0 and NwkSKey for FPort 0. ⌈len/16⌉ AES blocks.
 */
export function cryptFrmPayload(key: Aes128, dir: number, devAddr: number, fCnt: number, data: Bytes): number[] {
    const out: number[] = []
    const s: number[] = []
    for (let i = 0; i < 16; i++) s.push(0)
    for (let blk = 0; blk * 16 < data.length; blk++) {
        const a = counterBlock(0x01, dir, devAddr, fCnt, blk + 1)
        key.encryptBlock(a, 0, s, 0)
        for (let j = 0; j < 16 && blk * 16 + j < data.length; j++) out.push((data[blk * 16 + j] ^ s[j]) & 0xff)
    }
    return out
}

/** MIC = cmac(NwkSKey, B0 | msg)[0..3] over msg = MHDR | FHDR | FPort | FRMPayload (§4.4). */
export function dataFrameMic(nwkSKey: Cmac, dir: number, devAddr: number, fCnt: number, msg: Bytes, msgLen: number): number[] {
    const b0 = counterBlock(0x49, dir, devAddr, fCnt, msgLen)
    const full = nwkSKey.macParts(b0, msg, 0, msgLen)
    return [full[0], full[1], full[2], full[3]]
}

/** What an uplink carries, before encryption. */
export interface UplinkFields {
    confirmed: boolean
    devAddr: number
    /** The full 32-bit FCntUp; the frame carries its 16 low bits, the crypto uses all 32. */
    fCnt: number
    adr: boolean
    adrAckReq: boolean
    /** Acknowledges the last confirmed downlink. */
    ack: boolean
    /** MAC commands in FOpts (plain text in LoRaWAN 1.0.x), at most 15 bytes. */
    fOpts: number[]
    /** null: no FPort and no FRMPayload (a frame that only carries FOpts). */
    fPort: number | null
    /** Already encrypted FRMPayload (see cryptFrmPayload); empty when fPort is null. */
    encryptedPayload: number[]
}

/** MHDR | FHDR | FPort | FRMPayload: the frame without its MIC. */
export function assembleUplink(f: UplinkFields): number[] {
    const out: number[] = [((f.confirmed ? MType.ConfirmedUp : MType.UnconfirmedUp) << 5) | MAJOR_R1]
    pushUint32LE(out, f.devAddr)
    let fCtrl = f.fOpts.length & 0x0f
    if (f.adr) fCtrl |= FCTRL_ADR
    if (f.adrAckReq) fCtrl |= FCTRL_ADR_ACK_REQ
    if (f.ack) fCtrl |= FCTRL_ACK
    out.push(fCtrl, f.fCnt & 0xff, (f.fCnt >> 8) & 0xff)
    for (let i = 0; i < f.fOpts.length; i++) out.push(f.fOpts[i] & 0xff)
    if (f.fPort !== null) {
        out.push(f.fPort & 0xff)
        for (let i = 0; i < f.encryptedPayload.length; i++) out.push(f.encryptedPayload[i])
    }
    return out
}

/** Appends the MIC to an assembled uplink (⌈(16 + len)/16⌉ AES blocks). */
export function signUplink(nwkSKey: Cmac, devAddr: number, fCnt: number, frame: number[]): number[] {
    const mic = dataFrameMic(nwkSKey, DIR_UP, devAddr, fCnt, frame, frame.length)
    const out = frame.slice(0)
    out.push(mic[0], mic[1], mic[2], mic[3])
    return out
}

/** Session keys as the crypto uses them. */
export interface SessionCrypto {
    nwkSKeyAes: Aes128
    nwkSKeyCmac: Cmac
    appSKeyAes: Aes128
}

export function sessionCrypto(nwkSKey: Bytes, appSKey: Bytes): SessionCrypto {
    const cmac = new Cmac(nwkSKey)
    return { nwkSKeyAes: new Aes128(nwkSKey), nwkSKeyCmac: cmac, appSKeyAes: new Aes128(appSKey) }
}

/** An uplink before encryption. */
export interface PlainUplink {
    confirmed: boolean
    devAddr: number
    fCnt: number
    adr: boolean
    adrAckReq: boolean
    ack: boolean
    fOpts: number[]
    fPort: number | null
    payload: number[]
}

function encryptUplinkPayload(keys: SessionCrypto, f: PlainUplink): number[] {
    const key = f.fPort === 0 ? keys.nwkSKeyAes : keys.appSKeyAes
    return f.fPort === null ? [] : cryptFrmPayload(key, DIR_UP, f.devAddr, f.fCnt, f.payload)
}

function assemblePlain(f: PlainUplink, enc: number[]): number[] {
    return assembleUplink({
        confirmed: f.confirmed,
        devAddr: f.devAddr,
        fCnt: f.fCnt,
        adr: f.adr,
        adrAckReq: f.adrAckReq,
        ack: f.ack,
        fOpts: f.fOpts,
        fPort: f.fPort,
        encryptedPayload: enc,
    })
}

/**
 * Builds an uplink in one synchronous step: for Node, and in the VM only for payloads up to
 * ~100 bytes (a 242-byte payload is 33 AES blocks, more than one VM slice allows).
 */
export function buildUplink(keys: SessionCrypto, f: PlainUplink): number[] {
    return signUplink(keys.nwkSKeyCmac, f.devAddr, f.fCnt, assemblePlain(f, encryptUplinkPayload(keys, f)))
}

/** The same frame in two stages with a pause between (≤ 16 and ≤ 17 AES blocks): any size in the VM. */
export async function buildUplinkPaced(keys: SessionCrypto, f: PlainUplink, pause: Pause): Promise<number[]> {
    await pause()
    const enc = encryptUplinkPayload(keys, f)
    await pause()
    return signUplink(keys.nwkSKeyCmac, f.devAddr, f.fCnt, assemblePlain(f, enc))
}

/** A data frame split into its fields, still encrypted and not yet authenticated. */
export interface ParsedDataFrame {
    mType: number
    devAddr: number
    fCtrl: number
    /** The 16 low bits of the frame counter, as sent. */
    fCnt16: number
    fOpts: number[]
    /** null when the frame has no FPort (and so no FRMPayload). */
    fPort: number | null
    encryptedPayload: number[]
    mic: number[]
}

/**
 * Splits a data frame (§4.3), checking lengths before reading anything: lora-packet, by
 * contrast, accepts FOptsLen past the end and takes the MIC from header bytes of short frames.
 */
export function parseDataFrame(phy: Bytes): MacResult<ParsedDataFrame> {
    if (phy.length < MIN_DATA_FRAME) return macError("malformed_frame", "data frame of " + phy.length + " bytes (minimum 12)")
    if (phy.length > MAX_PHY_PAYLOAD) return macError("malformed_frame", "frame of " + phy.length + " bytes (maximum 255)")
    const mhdr = phy[0] & 0xff
    const mType = mhdr >> 5
    if ((mhdr & 3) !== MAJOR_R1) return macError("unexpected_frame_type", "MHDR major " + (mhdr & 3))
    if (mType !== MType.UnconfirmedUp && mType !== MType.UnconfirmedDown && mType !== MType.ConfirmedUp && mType !== MType.ConfirmedDown)
        return macError("unexpected_frame_type", "MType " + mType + " is not a data frame")
    const fCtrl = phy[5] & 0xff
    const fOptsLen = fCtrl & 0x0f
    const macEnd = phy.length - 4
    if (8 + fOptsLen > macEnd) return macError("malformed_frame", "FOptsLen " + fOptsLen + " runs past the frame")
    const hasPort = macEnd > 8 + fOptsLen
    const fPort = hasPort ? phy[8 + fOptsLen] & 0xff : null
    return macOk({
        mType: mType,
        devAddr: readUint32LE(phy, 1),
        fCtrl: fCtrl,
        fCnt16: readUint16LE(phy, 6),
        fOpts: copyBytes(phy, 8, 8 + fOptsLen),
        fPort: fPort,
        encryptedPayload: hasPort ? copyBytes(phy, 9 + fOptsLen, macEnd) : [],
        mic: copyBytes(phy, macEnd, phy.length),
    })
}

/** True when the frame's MIC is right for the given direction and full 32-bit counter. */
export function verifyDataFrameMic(nwkSKey: Cmac, phy: Bytes, dir: number, devAddr: number, fCnt: number): boolean {
    const n = phy.length - 4
    const mic = dataFrameMic(nwkSKey, dir, devAddr, fCnt, phy, n)
    return mic[0] === (phy[n] & 0xff) && mic[1] === (phy[n + 1] & 0xff) && mic[2] === (phy[n + 2] & 0xff) && mic[3] === (phy[n + 3] & 0xff)
}
