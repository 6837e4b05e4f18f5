// Byte-level emulations of the buoy's I2C parts, following their datasheets' command sets, so that
// the drivers' command sequences and parsing run against something that answers like the part.
import { I2CPort, SensorError } from "../sensor.js"

export interface FakeDevice {
    /** Handles one transaction: the bytes written, then returns `readLength` bytes. */
    transfer(write: number[], readLength: number): number[]
}

export interface Transaction {
    address: number
    write: number[]
    readLength: number
}

export class FakeI2CBus implements I2CPort {
    private addresses: number[]
    private devices: FakeDevice[]
    readonly log: Transaction[]

    constructor() {
        this.addresses = []
        this.devices = []
        this.log = []
    }

    attach(address: number, device: FakeDevice): void {
        this.addresses.push(address)
        this.devices.push(device)
    }

    async transfer(address: number, write: number[], readLength: number): Promise<number[]> {
        this.log.push({ address: address, write: write.slice(0), readLength: readLength })
        const i = this.addresses.indexOf(address)
        if (i < 0) throw new SensorError("i2c", "no acknowledge from 0x" + address)
        return this.devices[i].transfer(write, readLength)
    }

    /** The first byte written in each transaction (the command), for checking sequences. */
    commands(): number[] {
        const out: number[] = []
        for (let i = 0; i < this.log.length; i++) if (this.log[i].write.length > 0) out.push(this.log[i].write[0])
        return out
    }
}

function bytesOf(value: number, count: number): number[] {
    const out: number[] = []
    for (let i = count - 1; i >= 0; i--) out.push(Math.floor(value / Math.pow(256, i)) & 0xff)
    return out
}

/**
 * MS5837 / TSYS01 command set (both TE parts share it): 0x1E reset, 0xA0 + 2i PROM word i,
 * conversion commands, 0x00 ADC read (24 bits; 0 if no conversion was started since the last read).
 */
export class TeSensorEmulator implements FakeDevice {
    prom: number[]
    /** Conversion command → the ADC value it produces. */
    private conversions: number[]
    private results: number[]
    private pending: number[]
    private adc: number
    resets: number

    constructor(prom: number[]) {
        this.prom = prom
        this.conversions = []
        this.results = []
        this.pending = []
        this.adc = 0
        this.resets = 0
    }

    onConversion(command: number, value: number): void {
        this.conversions.push(command)
        this.results.push(value)
    }

    transfer(write: number[], readLength: number): number[] {
        if (write.length > 0) {
            const c = write[0]
            if (c === 0x1e) {
                this.resets++
                this.pending = []
            } else if (c >= 0xa0 && c <= 0xae) {
                this.pending = bytesOf(this.prom[(c - 0xa0) >> 1], 2)
            } else if (c === 0x00) {
                this.pending = bytesOf(this.adc, 3)
                this.adc = 0
            } else {
                const i = this.conversions.indexOf(c)
                if (i < 0) throw new SensorError("i2c", "command 0x" + c + " not acknowledged")
                this.adc = this.results[i]
            }
        }
        const out: number[] = []
        for (let i = 0; i < readLength; i++) out.push(i < this.pending.length ? this.pending[i] : 0xff)
        return out
    }
}

/** EZO-EC in I2C mode: ASCII commands; a read returns the response code, the text and NUL. */
export class EzoEcEmulator implements FakeDevice {
    /** What "R" prints. */
    reading: string
    /** Asleep: the next command only wakes it (the following read answers 255, no data). */
    asleep: boolean
    /** Reads that answer 254 (still processing) before the result. */
    busyReads: number
    /** Response code to answer instead of 1 (e.g. 2, syntax error). */
    code: number
    readonly commands: string[]
    private response: number[]

    constructor(reading: string) {
        this.reading = reading
        this.asleep = false
        this.busyReads = 0
        this.code = 1
        this.commands = []
        this.response = [255]
    }

    transfer(write: number[], readLength: number): number[] {
        if (write.length > 0) {
            let text = ""
            for (let i = 0; i < write.length; i++) text += String.fromCharCode(write[i])
            this.commands.push(text)
            if (this.asleep) {
                this.asleep = false
                this.response = [255]
            } else if (text === "R") {
                this.response = [this.code]
                for (let i = 0; i < this.reading.length; i++) this.response.push(this.reading.charCodeAt(i))
                this.response.push(0)
            } else if (text === "Sleep") {
                this.asleep = true
                this.response = [255]
            } else {
                this.response = [2, 0]
            }
        }
        if (readLength === 0) return []
        if (this.busyReads > 0) {
            this.busyReads--
            return [254]
        }
        const out: number[] = []
        for (let i = 0; i < readLength; i++) out.push(i < this.response.length ? this.response[i] : 0)
        return out
    }
}
