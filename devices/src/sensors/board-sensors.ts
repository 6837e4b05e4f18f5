// The buoy's real sensors on a board: the I2C drivers on DeviceScript's I2C bus, and the NTC and
// battery dividers on the board's analog inputs. DeviceScript only.
import * as ds from "@devicescript/core"
import { BuoyBoard } from "../board.js"
import { batteryMonitor } from "./battery.js"
import { DevicescriptI2C } from "./devicescript-i2c.js"
import { EzoEc } from "./ezo-ec.js"
import { Ms5837 } from "./ms5837.js"
import { ntcThermometer } from "./ntc.js"
import { AnalogInput, BuoySensors } from "./sensor.js"
import { Tsys01 } from "./tsys01.js"

/** Largest TSYS01 − NTC difference before the temperature fault flag is raised, °C. */
const NTC_CHECK_MAX_DIFFERENCE_C = 3

function potentiometerInput(role: ds.Potentiometer): AnalogInput {
    return { readRatio: async () => await role.reading.read() }
}

export function startBoardSensors(board: BuoyBoard): BuoySensors {
    const bus = new DevicescriptI2C()
    const delay = async (ms: number) => {
        await ds.sleep(ms)
    }
    const tsys01 = new Tsys01(bus, delay)
    return {
        temperature: tsys01,
        pressure: new Ms5837(bus, delay),
        conductivity: new EzoEc(bus, delay),
        batteryMillivolts: batteryMonitor(potentiometerInput(board.battery), board.batteryDivider),
        temperatureCheck: {
            referenceCelsius: ntcThermometer(potentiometerInput(board.ntc), board.ntcDivider),
            celsiusOf: (raw: number) => tsys01.celsiusOf(raw),
            maxDifferenceC: NTC_CHECK_MAX_DIFFERENCE_C,
        },
    }
}
