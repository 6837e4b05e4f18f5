// Buoy application tests in the DeviceScript VM: devs run src/app/app.vmtest.ts --test --test-self-exit
// (devices/test/app-vm.test.ts runs it). The same cases run in Node: devices/test/app.test.ts.
import { describe, test } from "@devicescript/test"
import { UNIT_CASES } from "./testing/unit-cases"
import { runCase } from "./testing/vm-env"
import { WORLD_CASES } from "./testing/world-cases"

describe("buoy application units in the DeviceScript VM", () => {
    // (The compiler rejects closures over loop variables: forEach gives each case its own scope.)
    UNIT_CASES.forEach((c) => {
        test(c.name, async () => {
            await runCase(c)
        })
    })
})

describe("buoy application in a simulated world, in the DeviceScript VM", () => {
    WORLD_CASES.forEach((c) => {
        test(c.name, async () => {
            await runCase(c)
        })
    })
})
