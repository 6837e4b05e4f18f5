// Simulated sensors over Jacdac roles: the same BuoySensors the drivers give on a board, read from
// Jacdac sensor servers instead. The VM (`devs run --tcp`) binds these roles to servers that a
// Node test runs on its bus (devices/harness/sim-sensors.ts) and whose values the test sets.
//
// Jacdac has no "raw count" or conductivity service, so each raw channel uses a standard service
// whose reading format carries a 24-bit integer exactly, and each channel a different service
// class, because DeviceScript binds roles by class (two roles of one class bind in no fixed order):
//
// | input                       | Jacdac service         | reading format | reading means        |
// |-----------------------------|------------------------|----------------|----------------------|
// | temperature (TSYS01 ADC24)  | DC voltage measurement | f64            | the count            |
// | pressure (MS5837 P)         | air pressure           | u22.10         | the count (0.1 mbar) |
// | conductivity (EZO-EC)       | DC current measurement | f64            | the count (0.1 µS/cm)|
// | NTC divider                 | potentiometer          | u0.16          | ADC ratio 0..1       |
// | battery divider             | light level            | u0.16          | ADC ratio 0..1       |
//
// DeviceScript only (roles); the conversions it uses are the drivers' own.
import * as ds from "@devicescript/core"
import { batteryMillivolts } from "./battery.js"
import { ntcCelsius } from "./ntc.js"
import { BuoySensors, RawSensor, SensorError } from "./sensor.js"
import { SIM_BATTERY, SIM_NTC, SIM_NTC_CHECK_MAX_DIFFERENCE_C, SIM_TSYS01_K } from "./sim-parts.js"
import { tsys01Celsius } from "./tsys01.js"

const RAW_MAX = 0xffffff
const BIND_POLL_MS = 50

interface ReadingRole {
    reading: ds.Register<number>
    binding(): ds.ClientRegister<boolean>
}

/** Waits until the role is bound (the sampler's timeout bounds the wait), then reads it. */
async function readBound(name: string, role: ReadingRole): Promise<number> {
    while (!(await role.binding().read())) await ds.sleep(BIND_POLL_MS)
    const v = await role.reading.read()
    if (v === undefined || v === null || isNaN(v)) throw new SensorError("not_ready", name + ": no reading yet")
    return v
}

class RoleCountSensor implements RawSensor {
    readonly name: string
    private role: ReadingRole

    constructor(name: string, role: ReadingRole) {
        this.name = name
        this.role = role
    }

    reset(): void {}

    async read(): Promise<number> {
        const count = Math.floor((await readBound(this.name, this.role)) + 0.5)
        if (count < 0 || count > RAW_MAX) throw new SensorError("out_of_range", this.name + " count " + count)
        return count
    }
}

/** The simulated sensor set; roles are created here, once per program start. */
export function startSimulatedSensors(): BuoySensors {
    const temperature = new ds.DcVoltageMeasurement("simTsys01")
    const pressure = new ds.AirPressure("simMs5837")
    const conductivity = new ds.DcCurrentMeasurement("simEzoEc")
    const ntc = new ds.Potentiometer("simNtc")
    const battery = new ds.LightLevel("simBattery")
    return {
        temperature: new RoleCountSensor("sim TSYS01", temperature),
        pressure: new RoleCountSensor("sim MS5837", pressure),
        conductivity: new RoleCountSensor("sim EZO-EC", conductivity),
        batteryMillivolts: async () => batteryMillivolts(await readBound("sim battery", battery), SIM_BATTERY),
        temperatureCheck: {
            referenceCelsius: async () => ntcCelsius(await readBound("sim NTC", ntc), SIM_NTC),
            celsiusOf: (raw: number) => tsys01Celsius(raw / 256, SIM_TSYS01_K),
            maxDifferenceC: SIM_NTC_CHECK_MAX_DIFFERENCE_C,
        },
    }
}
