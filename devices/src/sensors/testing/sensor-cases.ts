// Driver tests from the datasheets' worked examples, run in the DeviceScript VM
// (src/sensors/sensors.vmtest.ts) and in Node (devices/test/sensors.test.ts).
import { checkEqual, checkNear, checkThrows, checkTrue, TestCase } from "../../app/testing/check.js"
import { batteryMillivolts } from "../battery.js"
import { EzoEc, EZO_EC_ADDRESS, parseEzoConductivity } from "../ezo-ec.js"
import { Ms5837, MS5837_ADDRESS } from "../ms5837.js"
import { ms5837Compensate, ms5837Crc4, ms5837StoredCrc, mulShiftFloor, shiftFloor } from "../ms5837-compensation.js"
import { ntcCelsius, NtcDivider, ntcRatioAt } from "../ntc.js"
import { tsys01Celsius, tsys01ChecksumOk, tsys01Coefficients, Tsys01, TSYS01_ADDRESS } from "../tsys01.js"
import { EzoEcEmulator, FakeI2CBus, TeSensorEmulator } from "./fake-i2c.js"

/** MS5837-30BA datasheet example (rev C2, "Pressure and temperature calculation"): C1..C6, D1, D2. */
const MS_C = [34982, 36352, 20328, 22354, 26646, 26146]
const MS_D1 = 4958179
const MS_D2 = 6815414
/** C0 = CRC 9 in the top nibble, version 0x1A (30BA26) in bits 11..5. CRC-4 computed by an
 *  independent Python transcription of the datasheet's C routine. */
const MS_C0 = 0x9340
const MS_PROM = [MS_C0, MS_C[0], MS_C[1], MS_C[2], MS_C[3], MS_C[4], MS_C[5]]

/** TSYS01 datasheet example (page 9): k4..k0, ADC24 = 9 378 708, ADC16 = 36 636, T = 10.59 °C. */
const TS_K = [40781, 32791, 36016, 24926, 28446] // k0..k4
const TS_ADC24 = 9378708
/** PROM: 0xA0 reserved (0), k4, k3, k2, k1, k0, serial 0x0005 (the datasheet's SN example) and a
 *  checksum word whose bytes make the byte sum ≡ 0 mod 256 (hand-computed: the others sum to
 *  1 040 ≡ 16, so the last word is 0x00F0). */
const TS_PROM = [0x0000, 28446, 24926, 36016, 32791, 40781, 0x0005, 0x00f0]

const noDelay = async (ms: number) => {}

function msEmulator(): TeSensorEmulator {
    const e = new TeSensorEmulator(MS_PROM.slice(0))
    e.onConversion(0x4a, MS_D1) // D1, OSR 8192
    e.onConversion(0x5a, MS_D2) // D2, OSR 8192
    return e
}

function tsEmulator(): TeSensorEmulator {
    const e = new TeSensorEmulator(TS_PROM.slice(0))
    e.onConversion(0x48, TS_ADC24)
    return e
}

function ascii(text: string): number[] {
    const out = [1]
    for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i))
    out.push(0)
    return out
}

export const SENSOR_CASES: TestCase[] = [
    {
        name: "MS5837 first order gives the datasheet's worked example",
        run: async () => {
            const r = ms5837Compensate(MS_PROM, MS_D1, MS_D2)
            checkEqual(r.dT, -5962, "dT")
            checkEqual(r.firstOrderTemperatureCentiC, 1981, "TEMP (19.81 °C)")
            checkEqual(r.sens, 1145816755, "SENS")
            // The datasheet table prints OFF = 2 381 326 464, but C2·2^16 + C4·dT/2^7 is
            // 2 382 364 672 − 1 041 208 = 2 381 323 464 (a misprinted digit); P is 39 998 either way.
            checkEqual(r.off, 2381323464, "OFF")
            checkEqual(r.firstOrderPressureDeciMbar, 39998, "P (3999.8 mbar)")
        },
    },
    {
        name: "MS5837 second order in each temperature branch (vectors from 64-bit integer arithmetic)",
        run: async () => {
            // [D1, D2, TEMP2, P2] computed with Python integers and the datasheet's formulas.
            const vectors = [
                [MS_D1, MS_D2, 1981, 39998], // 19.81 °C: low temperature branch
                [5800000, 7400000, 3799, 99377], // high temperature
                [MS_D1, 6100000, -430, 38868], // low temperature, below 0 °C
                [3000000, 3500000, -12205, -50642], // very low temperature (below −15 °C)
                [16777215, 16777215, 31588, 1395738], // largest ADC values: D1·SENS above 2^53
            ]
            for (let i = 0; i < vectors.length; i++) {
                const v = vectors[i]
                const r = ms5837Compensate(MS_PROM, v[0], v[1])
                checkEqual([r.temperatureCentiC, r.pressureDeciMbar], [v[2], v[3]], "vector " + i)
            }
        },
    },
    {
        name: "exact floor arithmetic above 2^53",
        run: async () => {
            checkEqual(shiftFloor(-5962 * 26146, 23), -19, "floor, not truncation, of a negative shift")
            // (2^24 − 1)·(2^41 − 1) / 2^21 = 2^44 − 2^20 − 2^3 + 2^−21 → 17 592 184 995 832
            checkEqual(mulShiftFloor(16777215, 2199023255551, 21), 17592184995832, "24 × 41-bit product")
            checkEqual(mulShiftFloor(3, -5, 1), -8, "negative product floors down")
        },
    },
    {
        name: "MS5837 PROM CRC-4: the stored CRC verifies and any flipped bit is caught",
        run: async (env) => {
            checkEqual(ms5837Crc4(MS_PROM), 9, "CRC of the example PROM")
            checkEqual(ms5837StoredCrc(MS_PROM), 9, "CRC nibble of C0")
            for (let word = 1; word < 7; word++) {
                for (let bit = 0; bit < 16; bit++) {
                    const p = MS_PROM.slice(0)
                    p[word] = p[word] ^ (1 << bit)
                    checkTrue(ms5837Crc4(p) !== 9, "flip of C" + word + " bit " + bit + " undetected")
                    await env.yieldNow()
                }
            }
        },
    },
    {
        name: "MS5837 driver: reset, PROM, D1 and D2 at OSR 8192, compensated pressure",
        run: async () => {
            const bus = new FakeI2CBus()
            bus.attach(MS5837_ADDRESS, msEmulator())
            const ms = new Ms5837(bus, noDelay)
            checkEqual(await ms.read(), 39998, "pressure count")
            checkEqual(ms.lastTemperatureCentiC, 1981, "die temperature")
            checkEqual(bus.commands(), [0x1e, 0xa0, 0xa2, 0xa4, 0xa6, 0xa8, 0xaa, 0xac, 0x4a, 0x00, 0x5a, 0x00], "command sequence")
            checkEqual(await ms.read(), 39998, "second read")
            checkEqual(bus.commands().length, 16, "the PROM is read once")
            ms.reset()
            await ms.read()
            checkEqual(bus.commands()[16], 0x1e, "reset() makes the next read start over")
        },
    },
    {
        name: "MS5837 driver errors: CRC, 02BA part, conversion not ready, no acknowledge",
        run: async () => {
            const bad = msEmulator()
            bad.prom[3] = bad.prom[3] ^ 4
            const bus1 = new FakeI2CBus()
            bus1.attach(MS5837_ADDRESS, bad)
            await checkThrows(async () => await new Ms5837(bus1, noDelay).read(), "crc", "damaged PROM")

            const p02 = MS_PROM.slice(0)
            p02[0] = (ms5837Crc4([0x15 << 5, MS_C[0], MS_C[1], MS_C[2], MS_C[3], MS_C[4], MS_C[5]]) << 12) | (0x15 << 5)
            const bus2 = new FakeI2CBus()
            bus2.attach(MS5837_ADDRESS, new TeSensorEmulator(p02))
            await checkThrows(async () => await new Ms5837(bus2, noDelay).read(), "unsupported_part", "02BA version")

            const idle = new TeSensorEmulator(MS_PROM.slice(0))
            idle.onConversion(0x4a, 0)
            idle.onConversion(0x5a, MS_D2)
            const bus3 = new FakeI2CBus()
            bus3.attach(MS5837_ADDRESS, idle)
            await checkThrows(async () => await new Ms5837(bus3, noDelay).read(), "not_ready", "ADC read 0")

            await checkThrows(async () => await new Ms5837(new FakeI2CBus(), noDelay).read(), "i2c", "nothing at 0x76")
        },
    },
    {
        name: "TSYS01 polynomial gives the datasheet's 10.59 °C",
        run: async () => {
            checkEqual(tsys01Coefficients(TS_PROM), TS_K, "k0..k4 from PROM addresses 5..1")
            checkNear(tsys01Celsius(36636, TS_K), 10.59, 0.005, "T(ADC16 = 36 636)")
            // ADC24 / 256 is 36 635.58: the unrounded value is 10.582 °C.
            checkNear(tsys01Celsius(TS_ADC24 / 256, TS_K), 10.5825, 0.0005, "T(ADC24 / 256)")
        },
    },
    {
        name: "TSYS01 PROM checksum",
        run: async () => {
            checkTrue(tsys01ChecksumOk(TS_PROM), "valid PROM")
            for (let word = 0; word < 8; word++) {
                const p = TS_PROM.slice(0)
                p[word] = p[word] ^ 0x10
                checkTrue(!tsys01ChecksumOk(p), "flip in word " + word + " undetected")
            }
        },
    },
    {
        name: "TSYS01 driver: reset, PROM, conversion, ADC24",
        run: async () => {
            const bus = new FakeI2CBus()
            bus.attach(TSYS01_ADDRESS, tsEmulator())
            const ts = new Tsys01(bus, noDelay)
            checkEqual(ts.celsiusOf(TS_ADC24), null, "no °C before the PROM is read")
            checkEqual(await ts.read(), TS_ADC24, "ADC24")
            checkNear(ts.celsiusOf(TS_ADC24) as number, 10.5825, 0.0005, "°C of the reading")
            checkEqual(bus.commands(), [0x1e, 0xa0, 0xa2, 0xa4, 0xa6, 0xa8, 0xaa, 0xac, 0xae, 0x48, 0x00], "command sequence")
            const bad = tsEmulator()
            bad.prom[2] = bad.prom[2] + 1
            const bus2 = new FakeI2CBus()
            bus2.attach(TSYS01_ADDRESS, bad)
            await checkThrows(async () => await new Tsys01(bus2, noDelay).read(), "crc", "damaged PROM")
        },
    },
    {
        name: "EZO-EC response parsing",
        run: async () => {
            checkEqual(parseEzoConductivity(ascii("53012.4")), 530124, "one decimal")
            checkEqual(parseEzoConductivity(ascii("53012")), 530120, "integer")
            checkEqual(parseEzoConductivity(ascii("1413.37")), 14134, "two decimals round half up")
            checkEqual(parseEzoConductivity(ascii("12.95")), 130, "carry from the hundredths")
            checkEqual(parseEzoConductivity(ascii("0.05")), 1, "0.05 µS/cm")
            checkEqual(parseEzoConductivity(ascii("53012.4,26500,35.12,1.025")), 530124, "first field of EC,TDS,S,SG")
            await checkThrows(async () => parseEzoConductivity([254]), "not_ready", "still processing")
            await checkThrows(async () => parseEzoConductivity([255]), "not_ready", "no data")
            await checkThrows(async () => parseEzoConductivity([2, 0]), "bad_response", "syntax error")
            await checkThrows(async () => parseEzoConductivity(ascii("-3.2")), "bad_response", "sign")
            await checkThrows(async () => parseEzoConductivity(ascii("")), "bad_response", "empty")
            await checkThrows(async () => parseEzoConductivity(ascii("2000000")), "out_of_range", "beyond 24 bits")
        },
    },
    {
        name: "EZO-EC driver: R, wait, poll while busy, Sleep; a sleeping circuit is asked twice",
        run: async () => {
            const ezo = new EzoEcEmulator("53012.4")
            const bus = new FakeI2CBus()
            bus.attach(EZO_EC_ADDRESS, ezo)
            let waited = 0
            const sensor = new EzoEc(bus, async (ms: number) => {
                waited += ms
            })
            checkEqual(await sensor.read(), 530124, "reading")
            checkEqual(ezo.commands, ["R", "Sleep"], "commands")
            checkTrue(waited >= 600, "waited the 600 ms processing delay")
            ezo.busyReads = 2
            checkEqual(await sensor.read(), 530124, "reading after a wake and two busy polls")
            checkEqual(ezo.commands, ["R", "Sleep", "R", "R", "Sleep"], "commands after sleep")
            ezo.code = 2
            await checkThrows(async () => await sensor.read(), "bad_response", "syntax error answer")
        },
    },
    {
        name: "NTC divider and battery divider",
        run: async () => {
            const d: NtcDivider = { r0Ohm: 10000, t0C: 25, betaK: 3435, refOhm: 10000, supplyMv: 3300, adcFullScaleMv: 3300 }
            checkNear(ntcCelsius(0.5, d), 25, 1e-9, "R = R0 at mid-scale")
            // Ratio 0.6: R = 15 kΩ; 1/T = 1/298.15 + ln(1.5)/3435 → 288.013 K = 14.863 °C.
            checkNear(ntcCelsius(0.6, d), 14.863, 0.001, "15 kΩ")
            checkNear(ntcCelsius(ntcRatioAt(27.5, d), d), 27.5, 1e-9, "ntcRatioAt inverts ntcCelsius")
            const c3: NtcDivider = { r0Ohm: 100000, t0C: 25, betaK: 4390, refOhm: 100000, supplyMv: 3300, adcFullScaleMv: 2500 }
            checkNear(ntcRatioAt(25, c3), 0.66, 1e-12, "ADC full scale below the supply rescales the ratio")
            await checkThrows(async () => ntcCelsius(0, d), "out_of_range", "shorted thermistor")
            await checkThrows(async () => ntcCelsius(1, d), "out_of_range", "open thermistor")
            checkEqual(batteryMillivolts(0.6, { dividerRatio: 2, adcFullScaleMv: 3300 }), 3960, "battery mV")
            await checkThrows(async () => batteryMillivolts(1.2, { dividerRatio: 2, adcFullScaleMv: 3300 }), "out_of_range", "ratio above 1")
        },
    },
]
