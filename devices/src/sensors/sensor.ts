// The sensor interface of the buoy: what the sampler sees of a sensor, whatever drives it (an I2C
// driver in src/sensors/*.ts on a board, a Jacdac role in the simulator, a fake in tests).
//
// Written for both runtimes (DeviceScript VM and Node): no DeviceScript imports here or in the
// drivers; the bus, the delays and the analog inputs come in through the small ports below.

/** Why a reading failed. Stable codes: they name the fault in logs and tests. */
export type SensorErrorCode =
    | "i2c" // the bus transfer failed (no acknowledge, arbitration lost, …)
    | "crc" // calibration memory (PROM) failed its checksum
    | "not_ready" // the part answered but had no conversion result
    | "bad_response" // the part answered something the datasheet does not allow
    | "out_of_range" // a result outside what the codec or the part can represent
    | "unsupported_part" // a different part (or variant) answered at the address
    | "timeout" // the read did not finish in time (set by the sampler's watchdog)

export class SensorError extends Error {
    readonly code: SensorErrorCode
    /** The message starts with the code, so that logs that only see `message` still show it. */
    constructor(code: SensorErrorCode, message: string) {
        super(code + ": " + message)
        this.name = "SensorError"
        this.code = code
    }
}

/** I2C master: write `write` to the 7-bit `address`, then read `readLength` bytes (0: none). */
export interface I2CPort {
    /** Throws SensorError("i2c") when the transfer fails. */
    transfer(address: number, write: number[], readLength: number): Promise<number[]>
}

/** Waits `ms` milliseconds (ds.sleep on the buoy, a timer in Node, a no-op in tests). */
export type Delay = (ms: number) => Promise<void>

/** An ADC input read as a fraction of the converter's full scale, 0..1. */
export interface AnalogInput {
    readRatio(): Promise<number>
}

/**
 * A sensor that gives one raw reading: an unsigned integer count of at most 24 bits, the value the
 * codec carries (docs/payload-format.md). Its unit is the driver's, documented there.
 */
export interface RawSensor {
    readonly name: string
    /** One reading; throws SensorError. */
    read(): Promise<number>
    /** Forgets what was learnt from the part (calibration PROM): the next read starts over. */
    reset(): void
}

/** Everything the sampler reads. A missing sensor is null: its channel is left out of the frame. */
export interface BuoySensors {
    /** TSYS01 ADC24 counts → codec temperatureRaw. */
    temperature: RawSensor | null
    /** MS5837-30BA compensated pressure, 0.1 mbar counts → codec pressureRaw. */
    pressure: RawSensor | null
    /** EZO-EC conductivity, 0.1 µS/cm counts → codec conductivityRaw. */
    conductivity: RawSensor | null
    /** Battery voltage in mV (status uplink). */
    batteryMillivolts: (() => Promise<number>) | null
    /**
     * Plausibility check of the temperature channel against the NTC next to it: the NTC's °C and a
     * conversion of the temperature count to °C. A disagreement above `maxDifferenceC` raises the
     * temperature fault flag (the reading is still sent; the server's QC decides).
     */
    temperatureCheck: TemperatureCheck | null
}

export interface TemperatureCheck {
    referenceCelsius(): Promise<number>
    /** °C of a temperature count, or null when the driver cannot tell yet (PROM not read). */
    celsiusOf(raw: number): number | null
    maxDifferenceC: number
}
