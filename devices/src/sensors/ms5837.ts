// TE Connectivity MS5837-30BA pressure sensor (Blue Robotics Bar30) on I2C address 0x76.
// Datasheet: TE "MS5837-30BA", rev C2 12/2019 (http://meas-spec.com/downloads/MS5837-30BA.pdf):
// "Commands", "PROM read sequence", "Conversion sequence", "Pressure and temperature calculation".
// Cross-checked with TE's reference driver (github.com/TEConnectivity/MS5837_Generic_C_Driver) and
// Blue Robotics' (github.com/bluerobotics/BlueRobotics_MS5837_Library).
//
// The reading this driver returns is the datasheet's compensated pressure P (second order), an
// integer in 0.1 mbar (0 … 300 000 for 0 … 30 bar): the MS5837's own factory compensation needs D1,
// D2 and six PROM words, which do not fit the codec's one 24-bit pressure channel. Sending P keeps
// the compensation the part was calibrated for and leaves every user calibration (atmospheric
// offset, drift against a reference) to the server. docs/firmware.md has the reasoning.
import { ms5837Compensate, ms5837Crc4, ms5837StoredCrc, ms5837Version, PROM_WORDS } from "./ms5837-compensation.js"
import { Delay, I2CPort, RawSensor, SensorError } from "./sensor.js"

export const MS5837_ADDRESS = 0x76

const CMD_RESET = 0x1e
const CMD_ADC_READ = 0x00
/** PROM word i is read with 0xA0 + 2·i. */
const CMD_PROM_READ = 0xa0
/** D1 (pressure) and D2 (temperature) conversions, plus the oversampling code. */
const CMD_CONVERT_D1 = 0x40
const CMD_CONVERT_D2 = 0x50
/** OSR 8192: 0.2 mbar resolution; the datasheet's maximum conversion time is 18.08 ms. */
const OSR_8192 = 0x0a
const CONVERSION_MS = 20
/** Reset reloads the PROM into the internal register: 2.8 ms. */
const RESET_MS = 10
/** C0 bits 11..5 of MS5837-02BA parts, whose maths differ (0x00 = 02BA01, 0x15 = 02BA21). */
const VERSIONS_02BA = [0x00, 0x15]
/** Largest P the codec can carry (24 bits). */
const RAW_MAX = 0xffffff

export class Ms5837 implements RawSensor {
    readonly name: string
    private bus: I2CPort
    private delay: Delay
    private address: number
    private prom: number[] | null
    /** Die temperature of the last reading, 0.01 °C (not sent: the TSYS01 measures the water). */
    lastTemperatureCentiC: number

    constructor(bus: I2CPort, delay: Delay, address?: number) {
        this.name = "MS5837-30BA"
        this.bus = bus
        this.delay = delay
        this.address = address === undefined ? MS5837_ADDRESS : address
        this.prom = null
        this.lastTemperatureCentiC = 0
    }

    reset(): void {
        this.prom = null
    }

    async read(): Promise<number> {
        if (this.prom === null) this.prom = await this.readProm()
        const d1 = await this.convert(CMD_CONVERT_D1 + OSR_8192)
        const d2 = await this.convert(CMD_CONVERT_D2 + OSR_8192)
        const r = ms5837Compensate(this.prom, d1, d2)
        this.lastTemperatureCentiC = r.temperatureCentiC
        if (r.pressureDeciMbar < 0 || r.pressureDeciMbar > RAW_MAX) {
            throw new SensorError("out_of_range", "MS5837 pressure " + r.pressureDeciMbar + " (0.1 mbar) is outside 0.." + RAW_MAX)
        }
        return r.pressureDeciMbar
    }

    /** Reset, then the 7 PROM words, checked with the CRC-4 stored in C0. */
    private async readProm(): Promise<number[]> {
        await this.bus.transfer(this.address, [CMD_RESET], 0)
        await this.delay(RESET_MS)
        const prom: number[] = []
        for (let i = 0; i < PROM_WORDS; i++) {
            const b = await this.bus.transfer(this.address, [CMD_PROM_READ + 2 * i], 2)
            prom.push((b[0] << 8) | b[1])
        }
        const crc = ms5837Crc4(prom)
        if (crc !== ms5837StoredCrc(prom)) {
            throw new SensorError("crc", "MS5837 PROM CRC is " + crc + ", C0 says " + ms5837StoredCrc(prom))
        }
        if (VERSIONS_02BA.indexOf(ms5837Version(prom)) >= 0) {
            throw new SensorError("unsupported_part", "an MS5837-02BA answered at 0x76; this driver does the 30BA maths")
        }
        return prom
    }

    /** Starts a conversion, waits for it, reads the 24-bit result (0 means it was not ready). */
    private async convert(command: number): Promise<number> {
        await this.bus.transfer(this.address, [command], 0)
        await this.delay(CONVERSION_MS)
        const b = await this.bus.transfer(this.address, [CMD_ADC_READ], 3)
        const value = (b[0] << 16) | (b[1] << 8) | b[2]
        if (value === 0) throw new SensorError("not_ready", "MS5837 ADC read 0: conversion not finished")
        return value
    }
}
