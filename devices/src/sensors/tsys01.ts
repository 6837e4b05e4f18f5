// TE Connectivity TSYS01 digital temperature sensor (Blue Robotics Celsius) on I2C address 0x77
// (CSB low; 0x76 with CSB high). Datasheet: TE "TSYS01-FAMILY Digital Temperature Sensor",
// 09/2017 (http://www.meas-spec.com/downloads/TSYS01_Digital_Temperature_Sensor.pdf, as cited by
// TE's reference driver github.com/TEConnectivity/TSYS01_Generic_C_Driver): "Commands", "PROM",
// "Temperature polynomial" (with its worked example, page 9) and "Checksum". Note that the
// reference driver's checksum test is always false (`sum & 0xFF == 0` parses as `sum & 0`).
//
// The reading is the raw 24-bit ADC value (ADC24): it is what the part measures, and the
// datasheet's polynomial over it, with the part's PROM coefficients k0..k4, is a calibration
// record on the server (docs/firmware.md gives the coefficients of the equivalent `polynomial`
// model). The buoy converts to °C only for its NTC plausibility check.
import { Delay, I2CPort, RawSensor, SensorError } from "./sensor.js"

export const TSYS01_ADDRESS = 0x77
export const TSYS01_ADDRESS_CSB_HIGH = 0x76

const CMD_RESET = 0x1e
const CMD_START_CONVERSION = 0x48
const CMD_ADC_READ = 0x00
/** PROM address i (0..7) is read with 0xA0 + 2·i. */
const CMD_PROM_READ = 0xa0
const PROM_WORDS = 8
/** k4 is at PROM address 1 (0xA2), k3 at 2, k2 at 3, k1 at 4, k0 at 5 (0xAA). */
const PROM_K4 = 1
/** Conversion: 8.22 ms maximum; reset: 2.8 ms. */
const CONVERSION_MS = 10
const RESET_MS = 3

/** True when the low byte of the byte-wise sum of all 8 PROM words is 0 (datasheet "Checksum"). */
export function tsys01ChecksumOk(prom: number[]): boolean {
    let sum = 0
    for (let i = 0; i < prom.length; i++) sum += (prom[i] >> 8) + (prom[i] & 0xff)
    return (sum & 0xff) === 0
}

/** k[0..4] from the 8 PROM words. */
export function tsys01Coefficients(prom: number[]): number[] {
    const k: number[] = []
    for (let i = 0; i <= 4; i++) k.push(prom[PROM_K4 + 4 - i])
    return k
}

/**
 * The datasheet's polynomial: T/°C = −2·k4·10⁻²¹·ADC16⁴ + 4·k3·10⁻¹⁶·ADC16³ − 2·k2·10⁻¹¹·ADC16²
 * + k1·10⁻⁶·ADC16 − 1.5·k0·10⁻², ADC16 = ADC24 / 256 (a real number here: no resolution lost).
 */
export function tsys01Celsius(adc16: number, k: number[]): number {
    const a = adc16
    return (
        -2 * k[4] * 1e-21 * a * a * a * a +
        4 * k[3] * 1e-16 * a * a * a +
        -2 * k[2] * 1e-11 * a * a +
        k[1] * 1e-6 * a +
        -1.5 * k[0] * 1e-2
    )
}

export class Tsys01 implements RawSensor {
    readonly name: string
    private bus: I2CPort
    private delay: Delay
    private address: number
    private k: number[] | null

    constructor(bus: I2CPort, delay: Delay, address?: number) {
        this.name = "TSYS01"
        this.bus = bus
        this.delay = delay
        this.address = address === undefined ? TSYS01_ADDRESS : address
        this.k = null
    }

    reset(): void {
        this.k = null
    }

    /** °C of an ADC24 reading with this part's coefficients; null before the PROM was read. */
    celsiusOf(adc24: number): number | null {
        if (this.k === null) return null
        return tsys01Celsius(adc24 / 256, this.k)
    }

    async read(): Promise<number> {
        if (this.k === null) this.k = await this.readProm()
        await this.bus.transfer(this.address, [CMD_START_CONVERSION], 0)
        await this.delay(CONVERSION_MS)
        const b = await this.bus.transfer(this.address, [CMD_ADC_READ], 3)
        const adc24 = (b[0] << 16) | (b[1] << 8) | b[2]
        if (adc24 === 0) throw new SensorError("not_ready", "TSYS01 ADC read 0: conversion not finished")
        return adc24
    }

    private async readProm(): Promise<number[]> {
        await this.bus.transfer(this.address, [CMD_RESET], 0)
        await this.delay(RESET_MS)
        const prom: number[] = []
        for (let i = 0; i < PROM_WORDS; i++) {
            const b = await this.bus.transfer(this.address, [CMD_PROM_READ + 2 * i], 2)
            prom.push((b[0] << 8) | b[1])
        }
        if (!tsys01ChecksumOk(prom)) throw new SensorError("crc", "TSYS01 PROM checksum failed")
        return tsys01Coefficients(prom)
    }
}
