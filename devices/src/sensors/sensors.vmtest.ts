// Sensor driver tests in the DeviceScript VM: devs run src/sensors/sensors.vmtest.ts --test --test-self-exit
// (devices/test/sensors-vm.test.ts runs it). The same cases run in Node: devices/test/sensors.test.ts.
import { describe, test } from "@devicescript/test"
import { runCase } from "../app/testing/vm-env"
import { SENSOR_CASES } from "./testing/sensor-cases"

describe("sensor drivers in the DeviceScript VM", () => {
    // (The compiler rejects closures over loop variables: forEach gives each case its own scope.)
    SENSOR_CASES.forEach((c) => {
        test(c.name, async () => {
            await runCase(c)
        })
    })
})
