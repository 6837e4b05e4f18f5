// The TestEnv of the DeviceScript VM, and the runner that prints one CASE line per case for the
// Node side (devices/test/*-vm.test.ts) to check. DeviceScript only.
import * as ds from "@devicescript/core"
import { runWithTimeout } from "../devicescript-platform"
import { TestCase, TestEnv } from "./check"

export const VM_ENV: TestEnv = {
    yieldNow: async () => {
        await ds.sleep(0)
    },
    withTimeout: runWithTimeout,
    hang: async <T>() => {
        await ds.suspend<T>()
        throw new Error("resumed a hung operation")
    },
}

export async function runCase(c: TestCase): Promise<void> {
    try {
        await c.run(VM_ENV)
        console.log("CASE ok " + c.name)
    } catch (e) {
        console.log("CASE FAIL " + c.name + ": " + (e as Error).message)
        throw e
    }
}
