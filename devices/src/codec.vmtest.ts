// Golden vectors of the payload codec, run in the DeviceScript VM:
//   devs run src/codec.vmtest.ts --test --test-self-exit      (npm run test:vm -w devices)
// For every vector it prints one line that test/codec-vm.test.ts compares with Node's output:
//   VECTOR <index> <hex>            the bytes the VM encoded (encodeMeasurements(samples, budget)
//                                   for measurement vectors, else encodeUplink / encodeDownlink)
//   VECTOR <index> !<code>@<offset> error vectors: what the VM's decoder returned
// Vectors are numbered by their index in GOLDEN_VECTORS (names contain spaces). The VM also checks
// here that encoding gives the golden hex and that decoding the hex gives the golden message.
//
// The VM stops a fiber that runs 128 Ki opcodes without yielding (Exception: InfiniteLoop,
// DEVS_MAX_STEPS in the runtime, the same on the ESP32). Every codec call below therefore starts
// on a fresh budget (await sleep) so that the limit applies per call, as in the firmware.
import { sleep } from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { GOLDEN_VECTORS } from "@reeflink/codecs/vectors/golden"
import { GoldenVector } from "@reeflink/codecs/vectors/types"
import {
    decodeDownlink,
    decodeUplink,
    encodeDownlink,
    encodeMeasurementsYielding,
    encodeUplink,
    fromHex,
    toHex,
} from "./codec"
import { firstDifference } from "./deep-equal"

/** Checks vector v in this runtime and prints its VECTOR line; returns the first problem or null. */
async function checkVector(v: GoldenVector, index: number): Promise<string | null> {
    const bytes = fromHex(v.hex)
    if (bytes === null) return "hex is not valid hex"
    await sleep(0)
    const decoded =
        v.direction === "uplink" ? decodeUplink(bytes, v.fPort) : decodeDownlink(bytes, v.fPort)

    if (v.error) {
        if (decoded.ok === true) return "decoded although an error was expected"
        if (decoded.ok === false) {
            console.log("VECTOR " + index + " !" + decoded.error.code + "@" + decoded.error.offset)
            if (decoded.error.code !== v.error.code) return "error code " + decoded.error.code
            if (decoded.error.offset !== v.error.offset) return "error offset " + decoded.error.offset
        }
        return null
    }

    let hex: string
    if (v.samples) {
        await sleep(0)
        const batch = await encodeMeasurementsYielding(v.samples, v.budget)
        if (batch.ok === false) return "encodeMeasurements: " + batch.error.code + " " + batch.error.message
        if (batch.ok === true) {
            hex = toHex(batch.value.bytes)
            if (batch.value.consumed !== v.consumed) return "consumed " + batch.value.consumed
        }
    }
    // Measurement messages are encoded above, in steps; encodeUplink would search in one go,
    // which is too long a run for the VM without yielding (the firmware never calls it).
    await sleep(0)
    const frame = v.samples ? null : v.direction === "uplink" ? encodeUplink(v.message) : encodeDownlink(v.message)
    if (frame !== null && frame.ok === false) return "encode: " + frame.error.code + " " + frame.error.message
    if (frame !== null && frame.ok === true) {
        if (frame.value.fPort !== v.fPort) return "encoded fPort " + frame.value.fPort
        const frameHex = toHex(frame.value.bytes)
        if (hex === undefined) hex = frameHex
        else if (frameHex !== hex) return "encoding the message gives " + frameHex
    }
    console.log("VECTOR " + index + " " + hex)
    if (hex !== v.hex) return "encoded " + hex

    if (decoded.ok === false) return "decode: " + decoded.error.code + " at " + decoded.error.offset
    if (decoded.ok === true) return firstDifference(decoded.value, v.message, "decoded")
    return null
}

describe("codec golden vectors in the DeviceScript VM", () => {
    test("every vector encodes to its hex and decodes to its message", async () => {
        let failed = 0
        for (let i = 0; i < GOLDEN_VECTORS.length; i++) {
            const problem = await checkVector(GOLDEN_VECTORS[i], i)
            if (problem !== null) {
                failed++
                console.log("FAIL " + i + " " + GOLDEN_VECTORS[i].name + ": " + problem)
            }
        }
        console.log("VECTORS " + GOLDEN_VECTORS.length + " failed " + failed)
        expect(failed).toBe(0)
    })
})
