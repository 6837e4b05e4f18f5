// Over-the-air activation, LoRaWAN 1.0.4 §6.2: the Join-request the device sends, the
// Join-accept it receives, and the session keys both sides derive from it.
//
//   Join-request = MHDR(0x00) | JoinEUI(8, LE) | DevEUI(8, LE) | DevNonce(2, LE) | MIC(4)
//   Join-accept  = MHDR(0x20) | aes128_decrypt(AppKey, JoinNonce(3) | NetID(3) | DevAddr(4) |
//                  DLSettings(1) | RxDelay(1) | [CFList(16)] | MIC(4))
//
// The network server encrypts the Join-accept with AES *decryption*, so the device recovers it
// with AES *encryption* (§6.2.3): the device needs no inverse cipher. 1.0.4 devices use a DevNonce
// counter (never a random value) and accept only a JoinNonce greater than the last one; both
// must survive reboots (the MAC persists them).
import { Aes128, Bytes } from "../crypto/aes128.js"
import { Cmac } from "../crypto/cmac.js"
import { bytesEqual, copyBytes, toHex, pushUint16LE, pushUint24LE, readUint24LE, readUint32LE, reversed } from "./bytes.js"
import { macError, macOk, MacResult } from "./errors.js"
import { MAJOR_R1, MType } from "./frame.js"

export const JOIN_REQUEST_LENGTH = 23
export const JOIN_ACCEPT_LENGTH = 17
export const JOIN_ACCEPT_WITH_CFLIST_LENGTH = 33

/** joinEui and devEui as written by people (MSB first); they are reversed on the air. */
export function buildJoinRequest(appKey: Cmac, joinEui: Bytes, devEui: Bytes, devNonce: number): number[] {
    const msg: number[] = [(MType.JoinRequest << 5) | MAJOR_R1]
    const je = reversed(joinEui)
    const de = reversed(devEui)
    for (let i = 0; i < 8; i++) msg.push(je[i])
    for (let i = 0; i < 8; i++) msg.push(de[i])
    pushUint16LE(msg, devNonce)
    const mic = appKey.mac(msg)
    msg.push(mic[0], mic[1], mic[2], mic[3])
    return msg
}

export interface JoinAccept {
    joinNonce: number
    netId: number
    devAddr: number
    /** DLSettings bits 6..4. */
    rx1DrOffset: number
    /** DLSettings bits 3..0. */
    rx2DataRate: number
    /** RxDelay bits 3..0 in seconds; 0 means 1 s (§5.7). */
    rxDelaySeconds: number
    /** The 16 CFList bytes, or null. */
    cfList: number[] | null
}

/** Decrypts and authenticates a Join-accept (3 to 4 AES blocks); does not check JoinNonce order. */
export function openJoinAccept(appKeyAes: Aes128, appKeyCmac: Cmac, phy: Bytes): MacResult<JoinAccept> {
    if (phy.length !== JOIN_ACCEPT_LENGTH && phy.length !== JOIN_ACCEPT_WITH_CFLIST_LENGTH)
        return macError("malformed_frame", "Join-accept of " + phy.length + " bytes (17 or 33)")
    const mhdr = phy[0] & 0xff
    if (mhdr >> 5 !== MType.JoinAccept || (mhdr & 3) !== MAJOR_R1)
        return macError("unexpected_frame_type", "MHDR " + toHex([mhdr]) + " is not a Join-accept")
    const plain: number[] = [mhdr]
    const block: number[] = []
    for (let i = 0; i < 16; i++) block.push(0)
    for (let off = 1; off < phy.length; off += 16) {
        appKeyAes.encryptBlock(phy, off, block, 0)
        for (let i = 0; i < 16; i++) plain.push(block[i])
    }
    const n = plain.length - 4
    // The MIC covers MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList.
    const expected = appKeyCmac.macParts([], plain, 0, n)
    if (!bytesEqual(copyBytes(expected, 0, 4), copyBytes(plain, n, n + 4))) return macError("mic_mismatch", "Join-accept MIC")
    const dl = plain[11]
    return macOk({
        joinNonce: readUint24LE(plain, 1),
        netId: readUint24LE(plain, 4),
        devAddr: readUint32LE(plain, 7),
        rx1DrOffset: (dl >> 4) & 0x07,
        rx2DataRate: dl & 0x0f,
        rxDelaySeconds: plain[12] & 0x0f,
        cfList: phy.length === JOIN_ACCEPT_WITH_CFLIST_LENGTH ? copyBytes(plain, 13, 29) : null,
    })
}

/**
 * LoRaWAN 1.0.x session keys (§6.2.5):
 *   NwkSKey = aes128_encrypt(AppKey, 0x01 | JoinNonce | NetID | DevNonce | pad16)
 *   AppSKey = aes128_encrypt(AppKey, 0x02 | JoinNonce | NetID | DevNonce | pad16)
 */
export function deriveSessionKeys(appKeyAes: Aes128, joinNonce: number, netId: number, devNonce: number): { nwkSKey: number[]; appSKey: number[] } {
    const block = (kind: number): number[] => {
        const b: number[] = [kind]
        pushUint24LE(b, joinNonce)
        pushUint24LE(b, netId)
        pushUint16LE(b, devNonce)
        while (b.length < 16) b.push(0)
        return appKeyAes.encrypt(b)
    }
    return { nwkSKey: block(0x01), appSKey: block(0x02) }
}
