// AES-128 block encryption, FIPS-197 ("Advanced Encryption Standard", NIST, 2001), in plain
// TypeScript that runs unchanged in Node and in the DeviceScript VM (no Uint8Array, no BigInt).
//
// LoRaWAN only ever needs the forward cipher: FRMPayload encryption is AES in counter mode, the MIC
// is AES-CMAC, and the device "decrypts" a Join-accept with aes128_encrypt (the network server
// encrypted it with aes128_decrypt; LoRaWAN 1.0.4 §6.2.3). So there is no inverse cipher here.
//
// Speed and memory in the DeviceScript VM: a fiber may run ~128k opcodes without yielding, and the
// heap is about 64 KB (measured in the simulator; a number[] costs 8 bytes per element). The round
// function uses one 32-bit "T-table" (FIPS-197 §5.1 folded into 256 words, Daemen & Rijmen, "The
// Design of Rijndael", §4.2) and rotates it for the other three columns: ~2 700 VM opcodes a block
// and 2.3 KB of tables (four tables cost 8 KB more heap, which ran the VM test bench out of memory).

/** Bytes as any indexable container (number[], Buffer, Uint8Array). */
export interface Bytes {
    length: number
    [index: number]: number
}

/** The S-box (a Buffer: 1 byte per entry) and the T-table, built on first use. */
interface Tables {
    sbox: Buffer
    t0: number[]
}

let TABLES: Tables | null = null

/** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 §4.2.1, "xtime"). */
function xtime(b: number): number {
    return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff
}

/**
 * Builds the S-box (FIPS-197 §5.1.1: multiplicative inverse, then the affine map) and the four
 * T-tables once. The inverse comes from walking the powers of the generator 3 (log/antilog tables),
 * which is cheaper in the VM than a table literal in the bytecode would be to read.
 */
function buildTables(): Tables {
    const exp: number[] = []
    const log: number[] = []
    for (let i = 0; i < 256; i++) log.push(0)
    let x = 1
    for (let i = 0; i < 255; i++) {
        exp.push(x)
        log[x] = i
        x ^= xtime(x) // x * 3
    }
    const sbox = Buffer.alloc(256)
    const t0: number[] = []
    for (let i = 0; i < 256; i++) {
        const inv = i === 0 ? 0 : exp[(255 - log[i]) % 255]
        // Affine transformation: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
        let s = inv
        let r = inv
        for (let k = 0; k < 4; k++) {
            r = ((r << 1) | (r >> 7)) & 0xff
            s ^= r
        }
        s ^= 0x63
        sbox[i] = s
        const s2 = xtime(s)
        const s3 = s2 ^ s
        // Column (2s, s, s, 3s) of MixColumns, big-endian in a 32-bit word.
        t0.push((s2 << 24) | (s << 16) | (s << 8) | s3)
    }
    return { sbox: sbox, t0: t0 }
}

/** Round constants for the key expansion (FIPS-197 §5.2): x^(i-1) in GF(2^8). */
const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36]

/** An expanded AES-128 key: construct once per key, then encrypt any number of blocks. */
export class Aes128 {
    /** The 44 round-key words w[0..43] of FIPS-197 §5.2, big-endian. */
    private rk: number[]
    private tables: Tables

    /** `key` must be 16 bytes (keys are validated where they are read: lorawan/provisioning.ts). */
    constructor(key: Bytes) {
        if (TABLES === null) TABLES = buildTables()
        this.tables = TABLES
        const rk: number[] = []
        for (let i = 0; i < 4; i++)
            rk.push(((key[4 * i] & 0xff) << 24) | ((key[4 * i + 1] & 0xff) << 16) | ((key[4 * i + 2] & 0xff) << 8) | (key[4 * i + 3] & 0xff))
        const s = this.tables.sbox
        for (let i = 4; i < 44; i++) {
            let t = rk[i - 1]
            if (i % 4 === 0) {
                // SubWord(RotWord(t)) ^ Rcon
                t =
                    (s[(t >>> 16) & 0xff] << 24) |
                    (s[(t >>> 8) & 0xff] << 16) |
                    (s[t & 0xff] << 8) |
                    s[t >>> 24]
                t ^= RCON[i / 4 - 1] << 24
            }
            rk.push(rk[i - 4] ^ t)
        }
        this.rk = rk
    }

    /** Encrypts the 16 bytes at input[inOff] into out[outOff..outOff+15] (may be the same array). */
    encryptBlock(input: Bytes, inOff: number, out: Bytes, outOff: number): void {
        const rk = this.rk
        const tb = this.tables
        const t = tb.t0
        let s0 = (((input[inOff] & 0xff) << 24) | ((input[inOff + 1] & 0xff) << 16) | ((input[inOff + 2] & 0xff) << 8) | (input[inOff + 3] & 0xff)) ^ rk[0]
        let s1 = (((input[inOff + 4] & 0xff) << 24) | ((input[inOff + 5] & 0xff) << 16) | ((input[inOff + 6] & 0xff) << 8) | (input[inOff + 7] & 0xff)) ^ rk[1]
        let s2 = (((input[inOff + 8] & 0xff) << 24) | ((input[inOff + 9] & 0xff) << 16) | ((input[inOff + 10] & 0xff) << 8) | (input[inOff + 11] & 0xff)) ^ rk[2]
        let s3 = (((input[inOff + 12] & 0xff) << 24) | ((input[inOff + 13] & 0xff) << 16) | ((input[inOff + 14] & 0xff) << 8) | (input[inOff + 15] & 0xff)) ^ rk[3]
        // Rounds 1..9: SubBytes + ShiftRows + MixColumns + AddRoundKey. Column j of the output takes
        // row r from input column j + r; T_r(x) is T0(x) rotated right by 8r bits.
        for (let k = 4; k < 40; k += 4) {
            let a = t[(s1 >>> 16) & 0xff]
            let b = t[(s2 >>> 8) & 0xff]
            let c = t[s3 & 0xff]
            const u0 = t[s0 >>> 24] ^ ((a >>> 8) | (a << 24)) ^ ((b >>> 16) | (b << 16)) ^ ((c >>> 24) | (c << 8)) ^ rk[k]
            a = t[(s2 >>> 16) & 0xff]
            b = t[(s3 >>> 8) & 0xff]
            c = t[s0 & 0xff]
            const u1 = t[s1 >>> 24] ^ ((a >>> 8) | (a << 24)) ^ ((b >>> 16) | (b << 16)) ^ ((c >>> 24) | (c << 8)) ^ rk[k + 1]
            a = t[(s3 >>> 16) & 0xff]
            b = t[(s0 >>> 8) & 0xff]
            c = t[s1 & 0xff]
            const u2 = t[s2 >>> 24] ^ ((a >>> 8) | (a << 24)) ^ ((b >>> 16) | (b << 16)) ^ ((c >>> 24) | (c << 8)) ^ rk[k + 2]
            a = t[(s0 >>> 16) & 0xff]
            b = t[(s1 >>> 8) & 0xff]
            c = t[s2 & 0xff]
            const u3 = t[s3 >>> 24] ^ ((a >>> 8) | (a << 24)) ^ ((b >>> 16) | (b << 16)) ^ ((c >>> 24) | (c << 8)) ^ rk[k + 3]
            s0 = u0
            s1 = u1
            s2 = u2
            s3 = u3
        }
        // Round 10: no MixColumns.
        const s = tb.sbox
        const f0 = ((s[s0 >>> 24] << 24) | (s[(s1 >>> 16) & 0xff] << 16) | (s[(s2 >>> 8) & 0xff] << 8) | s[s3 & 0xff]) ^ rk[40]
        const f1 = ((s[s1 >>> 24] << 24) | (s[(s2 >>> 16) & 0xff] << 16) | (s[(s3 >>> 8) & 0xff] << 8) | s[s0 & 0xff]) ^ rk[41]
        const f2 = ((s[s2 >>> 24] << 24) | (s[(s3 >>> 16) & 0xff] << 16) | (s[(s0 >>> 8) & 0xff] << 8) | s[s1 & 0xff]) ^ rk[42]
        const f3 = ((s[s3 >>> 24] << 24) | (s[(s0 >>> 16) & 0xff] << 16) | (s[(s1 >>> 8) & 0xff] << 8) | s[s2 & 0xff]) ^ rk[43]
        out[outOff] = (f0 >>> 24) & 0xff
        out[outOff + 1] = (f0 >>> 16) & 0xff
        out[outOff + 2] = (f0 >>> 8) & 0xff
        out[outOff + 3] = f0 & 0xff
        out[outOff + 4] = (f1 >>> 24) & 0xff
        out[outOff + 5] = (f1 >>> 16) & 0xff
        out[outOff + 6] = (f1 >>> 8) & 0xff
        out[outOff + 7] = f1 & 0xff
        out[outOff + 8] = (f2 >>> 24) & 0xff
        out[outOff + 9] = (f2 >>> 16) & 0xff
        out[outOff + 10] = (f2 >>> 8) & 0xff
        out[outOff + 11] = f2 & 0xff
        out[outOff + 12] = (f3 >>> 24) & 0xff
        out[outOff + 13] = (f3 >>> 16) & 0xff
        out[outOff + 14] = (f3 >>> 8) & 0xff
        out[outOff + 15] = f3 & 0xff
    }

    /** Encrypts one 16-byte block and returns it as a new array. */
    encrypt(block: Bytes): number[] {
        const out: number[] = []
        for (let i = 0; i < 16; i++) out.push(0)
        this.encryptBlock(block, 0, out, 0)
        return out
    }
}
