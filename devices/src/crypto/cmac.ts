// AES-CMAC, RFC 4493 (= NIST SP 800-38B with AES-128): the message integrity code of LoRaWAN
// (1.0.4 §4.4 data frames, §6.2.2/§6.2.3 join frames use the first 4 bytes of it).
import { Aes128, Bytes } from "./aes128.js"

/** RFC 4493 §2.3 Generate_Subkey: doubles L in GF(2^128) (shift left, xor Rb = 0x87 on carry). */
function double(block: number[]): number[] {
    const out: number[] = []
    for (let i = 0; i < 16; i++) out.push(0)
    let carry = 0
    for (let i = 15; i >= 0; i--) {
        const b = block[i]
        out[i] = ((b << 1) | carry) & 0xff
        carry = b >> 7
    }
    if (carry) out[15] ^= 0x87
    return out
}

/** A CMAC key: the expanded AES key and the two subkeys K1, K2, computed once per key. */
export class Cmac {
    private aes: Aes128
    private k1: number[]
    private k2: number[]

    constructor(key: Bytes) {
        this.aes = new Aes128(key)
        const zero: number[] = []
        for (let i = 0; i < 16; i++) zero.push(0)
        this.k1 = double(this.aes.encrypt(zero))
        this.k2 = double(this.k1)
    }

    /**
     * The 16-byte CMAC of the concatenation head ‖ body[bodyOff..bodyOff+bodyLen) (RFC 4493 §2.4).
     * The two parts let LoRaWAN's B0 block precede the frame without copying the frame.
     */
    macParts(head: Bytes, body: Bytes, bodyOff: number, bodyLen: number): number[] {
        const total = head.length + bodyLen
        const x: number[] = []
        for (let i = 0; i < 16; i++) x.push(0)
        // Number of blocks; an empty message is one (padded) block.
        const n = total === 0 ? 1 : Math.ceil(total / 16)
        const lastComplete = total > 0 && total % 16 === 0
        let pos = 0
        for (let blk = 0; blk < n; blk++) {
            const last = blk === n - 1
            for (let j = 0; j < 16; j++) {
                let m: number
                if (pos < total) {
                    m = pos < head.length ? head[pos] & 0xff : body[bodyOff + pos - head.length] & 0xff
                } else {
                    // Padding 10*: 0x80 right after the message, then zeros (only in the last block).
                    m = pos === total ? 0x80 : 0
                }
                if (last) m ^= lastComplete ? this.k1[j] : this.k2[j]
                x[j] ^= m
                pos++
            }
            this.aes.encryptBlock(x, 0, x, 0)
        }
        return x
    }

    /** The 16-byte CMAC of msg. */
    mac(msg: Bytes): number[] {
        return this.macParts(msg, msg, 0, 0)
    }
}
