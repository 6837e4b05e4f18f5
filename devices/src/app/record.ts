// Fixed-layout binary records for flash (settings). Not JSON: DeviceScript's JSON.stringify keeps
// about 7 significant digits, which would round millisecond clocks and 24-bit counts.
// Big-endian, like the payload format.

export class RecordWriter {
    readonly bytes: number[]

    constructor() {
        this.bytes = []
    }

    u8(v: number): RecordWriter {
        this.bytes.push(v & 0xff)
        return this
    }

    u16(v: number): RecordWriter {
        this.bytes.push((v >> 8) & 0xff, v & 0xff)
        return this
    }

    u24(v: number): RecordWriter {
        this.bytes.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff)
        return this
    }

    u32(v: number): RecordWriter {
        const high = Math.floor(v / 65536)
        return this.u16(high).u16(v - high * 65536)
    }

    /** Unsigned 48-bit (millisecond clocks: 8 900 years). */
    u48(v: number): RecordWriter {
        const high = Math.floor(v / 4294967296)
        return this.u16(high).u32(v - high * 4294967296)
    }

    i16(v: number): RecordWriter {
        return this.u16(v < 0 ? v + 65536 : v)
    }

    i8(v: number): RecordWriter {
        return this.u8(v < 0 ? v + 256 : v)
    }
}

/** Reads what RecordWriter wrote; reading past the end sets `overrun` (and yields zeros). */
export class RecordReader {
    private b: number[]
    private at: number
    overrun: boolean

    constructor(bytes: number[]) {
        this.b = bytes
        this.at = 0
        this.overrun = false
    }

    remaining(): number {
        return this.b.length - this.at
    }

    u8(): number {
        if (this.at >= this.b.length) {
            this.overrun = true
            return 0
        }
        return this.b[this.at++] & 0xff
    }

    u16(): number {
        const h = this.u8()
        return (h << 8) | this.u8()
    }

    u24(): number {
        const h = this.u8()
        return (h << 16) | this.u16()
    }

    u32(): number {
        const h = this.u16()
        return h * 65536 + this.u16()
    }

    u48(): number {
        const h = this.u16()
        return h * 4294967296 + this.u32()
    }

    i16(): number {
        const v = this.u16()
        return v >= 32768 ? v - 65536 : v
    }

    i8(): number {
        const v = this.u8()
        return v >= 128 ? v - 256 : v
    }
}
