// A KeyValueStore in RAM with the limits of DeviceScript settings (key ≤ 13 characters, value ≤
// 200 bytes), write counting, a power cut after N writes, and damage to a stored record.
import { KeyValueStore, MAX_KEY_LENGTH, MAX_RECORD_BYTES } from "../ports.js"

export class PowerCut extends Error {
    constructor() {
        super("power cut")
        this.name = "PowerCut"
    }
}

export class MemoryStore implements KeyValueStore {
    private keys: string[]
    private values: number[][]
    writes: number
    largestRecord: number
    /** Writes left before every write throws PowerCut; -1: never. */
    writesBeforeCut: number

    constructor() {
        this.keys = []
        this.values = []
        this.writes = 0
        this.largestRecord = 0
        this.writesBeforeCut = -1
    }

    private find(key: string): number {
        return this.keys.indexOf(key)
    }

    private check(key: string): void {
        if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new RangeError("key '" + key + "' is longer than " + MAX_KEY_LENGTH)
    }

    async read(key: string): Promise<number[] | null> {
        this.check(key)
        const i = this.find(key)
        return i < 0 ? null : this.values[i].slice(0)
    }

    async write(key: string, bytes: number[]): Promise<void> {
        this.check(key)
        if (bytes.length > MAX_RECORD_BYTES) throw new RangeError("record " + key + " has " + bytes.length + " bytes")
        if (this.writesBeforeCut === 0) throw new PowerCut()
        if (this.writesBeforeCut > 0) this.writesBeforeCut--
        this.writes++
        if (bytes.length > this.largestRecord) this.largestRecord = bytes.length
        const i = this.find(key)
        if (i < 0) {
            this.keys.push(key)
            this.values.push(bytes.slice(0))
        } else this.values[i] = bytes.slice(0)
    }

    async remove(key: string): Promise<void> {
        const i = this.find(key)
        if (i < 0) return
        const keys: string[] = []
        const values: number[][] = []
        for (let k = 0; k < this.keys.length; k++) {
            if (k === i) continue
            keys.push(this.keys[k])
            values.push(this.values[k])
        }
        this.keys = keys
        this.values = values
    }

    keyCount(): number {
        return this.keys.length
    }

    hasKey(key: string): boolean {
        return this.find(key) >= 0
    }

    /** Flips a byte of a stored record (flash damage). */
    damage(key: string, at: number): void {
        const i = this.find(key)
        if (i >= 0 && at < this.values[i].length) this.values[i][at] = this.values[i][at] ^ 0xff
    }
}
