// Atlas Scientific EZO-EC conductivity circuit in I2C mode, default address 0x64 (100).
// Datasheet: "EZO-EC Embedded Conductivity Circuit" V 6.2 (9/20), https://files.atlas-scientific.com/EC_EZO_Datasheet.pdf:
// "I2C mode", "Sending commands", "Requesting data", "Response codes", "Taking reading" (R, 600 ms),
// "Sleep mode". The circuit answers in ASCII: a response-code byte (1 success, 2 syntax error,
// 254 still processing, 255 no data), then the text, then a NUL.
//
// The reading is the conductivity as the circuit prints it, in µS/cm, as an integer count of
// 0.1 µS/cm (530 124 = 53 012.4 µS/cm): parsed digit by digit, so no float rounding. The EZO's
// temperature compensation is left at its power-on default of 25 °C, which makes the circuit
// report the conductivity at the water's own temperature (not referenced to 25 °C): the server
// computes salinity from it with the TSYS01 temperature (PSS-78 needs in-situ conductivity).
// Firmware ≥ 2.10 prints only EC by default; if TDS/S/SG are enabled, the first field is still EC.
import { Delay, I2CPort, RawSensor, SensorError } from "./sensor.js"

export const EZO_EC_ADDRESS = 0x64

/** "R": one reading; "Sleep": low-power mode until the next command. */
const CMD_READ = [0x52]
const CMD_SLEEP = [0x53, 0x6c, 0x65, 0x65, 0x70]
const READ_PROCESSING_MS = 600
const POLL_MS = 100
const MAX_POLLS = 5
/** Longest answer with all four outputs enabled is about 40 characters. */
const RESPONSE_BYTES = 41

export const EZO_SUCCESS = 1
export const EZO_SYNTAX_ERROR = 2
export const EZO_STILL_PROCESSING = 254
export const EZO_NO_DATA = 255

/** Counts per µS/cm of the reading this driver returns. */
export const EZO_COUNTS_PER_US_CM = 10
const RAW_MAX = 0xffffff
const CHAR_0 = 48
const CHAR_9 = 57
const CHAR_DOT = 46
const CHAR_COMMA = 44

/**
 * The first field of a successful answer (bytes after the response code, up to NUL or comma) as a
 * count of 0.1 µS/cm, rounded half up from the printed digits. Throws SensorError.
 */
export function parseEzoConductivity(response: number[]): number {
    const code = response.length > 0 ? response[0] : EZO_NO_DATA
    if (code === EZO_STILL_PROCESSING || code === EZO_NO_DATA) {
        throw new SensorError("not_ready", "EZO-EC response code " + code)
    }
    if (code !== EZO_SUCCESS) throw new SensorError("bad_response", "EZO-EC response code " + code)
    let whole = 0
    let decimals = 0
    let fractionDigits = 0
    let digits = 0
    let seenDot = false
    for (let i = 1; i < response.length; i++) {
        const c = response[i]
        if (c === 0 || c === CHAR_COMMA) break
        if (c === CHAR_DOT && !seenDot) {
            seenDot = true
        } else if (c >= CHAR_0 && c <= CHAR_9) {
            digits++
            if (!seenDot) whole = whole * 10 + (c - CHAR_0)
            else if (fractionDigits < 2) {
                decimals = decimals * 10 + (c - CHAR_0)
                fractionDigits++
            }
        } else {
            throw new SensorError("bad_response", "EZO-EC reading has character code " + c + " at " + i)
        }
        if (whole > RAW_MAX) throw new SensorError("out_of_range", "EZO-EC reading above " + RAW_MAX / EZO_COUNTS_PER_US_CM + " µS/cm")
    }
    if (digits === 0) throw new SensorError("bad_response", "EZO-EC answered without a number")
    // Tenths, rounded half up with the hundredths digit (the EZO prints at most two decimals).
    let tenths = whole * 10
    if (fractionDigits === 1) tenths += decimals
    if (fractionDigits === 2) tenths += Math.floor((decimals + 5) / 10)
    if (tenths > RAW_MAX) throw new SensorError("out_of_range", "EZO-EC reading above " + RAW_MAX / EZO_COUNTS_PER_US_CM + " µS/cm")
    return tenths
}

export class EzoEc implements RawSensor {
    readonly name: string
    private bus: I2CPort
    private delay: Delay
    private address: number
    private sleepAfterRead: boolean

    /** sleepAfterRead: send "Sleep" after each reading (≈ 0.4 mA instead of ≈ 13 mA between samples). */
    constructor(bus: I2CPort, delay: Delay, options?: { address?: number; sleepAfterRead?: boolean }) {
        this.name = "EZO-EC"
        this.bus = bus
        this.delay = delay
        this.address = options && options.address !== undefined ? options.address : EZO_EC_ADDRESS
        this.sleepAfterRead = options && options.sleepAfterRead !== undefined ? options.sleepAfterRead : true
    }

    reset(): void {
        // Nothing cached; a sleeping circuit wakes on the next command.
    }

    async read(): Promise<number> {
        let response = await this.command(CMD_READ)
        // A circuit woken from Sleep by "R" may answer "no data": ask once more.
        if (response[0] === EZO_NO_DATA) response = await this.command(CMD_READ)
        const count = parseEzoConductivity(response)
        if (this.sleepAfterRead) await this.bus.transfer(this.address, CMD_SLEEP, 0)
        return count
    }

    /** Sends a command, waits its processing delay, then polls while the circuit is busy. */
    private async command(bytes: number[]): Promise<number[]> {
        await this.bus.transfer(this.address, bytes, 0)
        await this.delay(READ_PROCESSING_MS)
        let response = await this.bus.transfer(this.address, [], RESPONSE_BYTES)
        for (let i = 0; i < MAX_POLLS && response[0] === EZO_STILL_PROCESSING; i++) {
            await this.delay(POLL_MS)
            response = await this.bus.transfer(this.address, [], RESPONSE_BYTES)
        }
        return response
    }
}
