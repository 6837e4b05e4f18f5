// MS5837-30BA calibration arithmetic: PROM CRC-4 and the datasheet's first- and second-order
// compensation, in exact integer arithmetic on JavaScript numbers (no BigInt in DeviceScript).
//
// Datasheet: TE Connectivity "MS5837-30BA Ultra-small, gel-filled pressure sensor", rev C2 12/2019,
// sections "Pressure and temperature calculation" (flow chart and worked example) and "Second order
// temperature compensation" (http://meas-spec.com/downloads/MS5837-30BA.pdf, the address TE's own
// reference driver github.com/TEConnectivity/MS5837_Generic_C_Driver cites).
//
// The datasheet writes x / 2^n for 64-bit integers; its worked example (SENS = 1 145 816 755,
// TEMP = 1981) only comes out with an arithmetic shift, i.e. floor division, which is also what
// TE's generic C driver does (`>> 23`, `>> 7`, …). Some libraries truncate towards zero instead
// (C `/` on int64_t) and differ by one count when dT < 0. We follow the example: floor.
//
// Exactness: every intermediate below 2^53 is exact in a double. The one product that is not,
// D1·SENS (24 + 41 bits), is split so that no partial product exceeds 2^45 (mulShiftFloor).

/** PROM word indexes (C0 holds the CRC and the factory version, C1..C6 the coefficients). */
export const PROM_CRC_AND_VERSION = 0
export const PROM_SENS_T1 = 1 // C1 pressure sensitivity
export const PROM_OFF_T1 = 2 // C2 pressure offset
export const PROM_TCS = 3 // C3 temperature coefficient of pressure sensitivity
export const PROM_TCO = 4 // C4 temperature coefficient of pressure offset
export const PROM_T_REF = 5 // C5 reference temperature
export const PROM_TEMPSENS = 6 // C6 temperature coefficient of the temperature
export const PROM_WORDS = 7

/** 2^n for the shifts of the datasheet. */
function pow2(n: number): number {
    return Math.pow(2, n)
}

/** floor(x / 2^n), exact for integers |x| < 2^53. */
export function shiftFloor(x: number, n: number): number {
    return Math.floor(x / pow2(n))
}

/** floor(a · b / 2^n) for 0 ≤ a < 2^24 and |b| < 2^42, exact (a·b itself may exceed 2^53). */
export function mulShiftFloor(a: number, b: number, n: number): number {
    const high = Math.floor(b / pow2(n))
    const low = b - high * pow2(n) // 0 ≤ low < 2^n
    return a * high + Math.floor((a * low) / pow2(n))
}

/**
 * CRC-4 of the PROM (datasheet "CRC check", AN520): over C0 with its top nibble cleared, C1..C6
 * and a zero eighth word, polynomial 0x3000 on a 16-bit remainder. Returns the 4-bit CRC.
 */
export function ms5837Crc4(prom: number[]): number {
    let rem = 0
    for (let i = 0; i < 16; i++) {
        const wordIndex = i >> 1
        let word = wordIndex < PROM_WORDS ? prom[wordIndex] : 0
        if (wordIndex === 0) word = word & 0x0fff
        rem ^= (i & 1) === 1 ? word & 0xff : word >> 8
        for (let bit = 0; bit < 8; bit++) {
            rem = (rem & 0x8000) !== 0 ? ((rem << 1) ^ 0x3000) & 0xffff : (rem << 1) & 0xffff
        }
    }
    return (rem >> 12) & 0x0f
}

/** The CRC the part stored: the top nibble of C0. */
export function ms5837StoredCrc(prom: number[]): number {
    return (prom[PROM_CRC_AND_VERSION] >> 12) & 0x0f
}

/** Factory version bits of C0 (bits 11..5): 0x1A for the MS5837-30BA26; 0x00 and 0x15 are 02BA parts. */
export function ms5837Version(prom: number[]): number {
    return (prom[PROM_CRC_AND_VERSION] >> 5) & 0x7f
}

export interface Ms5837Result {
    /** Temperature of the sensor die, 0.01 °C (TEMP − Ti). */
    temperatureCentiC: number
    /** Compensated absolute pressure, 0.1 mbar (P2 of the datasheet; 39 998 = 3 999.8 mbar). */
    pressureDeciMbar: number
    /** The first-order values, for checking against the datasheet's worked example. */
    dT: number
    firstOrderTemperatureCentiC: number
    off: number
    sens: number
    firstOrderPressureDeciMbar: number
}

/** First- and second-order compensation of one D1 (pressure) / D2 (temperature) pair. */
export function ms5837Compensate(prom: number[], d1: number, d2: number): Ms5837Result {
    const dT = d2 - prom[PROM_T_REF] * 256
    const temp = 2000 + shiftFloor(dT * prom[PROM_TEMPSENS], 23)
    const off = prom[PROM_OFF_T1] * pow2(16) + shiftFloor(prom[PROM_TCO] * dT, 7)
    const sens = prom[PROM_SENS_T1] * pow2(15) + shiftFloor(prom[PROM_TCS] * dT, 8)
    const p1 = shiftFloor(mulShiftFloor(d1, sens, 21) - off, 13)

    // Second order (30BA): low temperature below 20 °C, very low below −15 °C, high otherwise.
    let ti = 0
    let offi = 0
    let sensi = 0
    const dt20 = temp - 2000
    if (temp < 2000) {
        ti = shiftFloor(3 * dT * dT, 33)
        offi = shiftFloor(3 * dt20 * dt20, 1)
        sensi = shiftFloor(5 * dt20 * dt20, 3)
        if (temp < -1500) {
            const dt15 = temp + 1500
            offi += 7 * dt15 * dt15
            sensi += 4 * dt15 * dt15
        }
    } else {
        ti = shiftFloor(2 * dT * dT, 37)
        offi = shiftFloor(dt20 * dt20, 4)
    }
    const p2 = shiftFloor(mulShiftFloor(d1, sens - sensi, 21) - (off - offi), 13)
    return {
        temperatureCentiC: temp - ti,
        pressureDeciMbar: p2,
        dT: dT,
        firstOrderTemperatureCentiC: temp,
        off: off,
        sens: sens,
        firstOrderPressureDeciMbar: p1,
    }
}
