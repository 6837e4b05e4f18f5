// Radio drivers in the DeviceScript VM:
//   devs run src/radio/radio.vmtest.ts --test --test-self-exit      (test/radio-vm.test.ts)
// The same driver checks as test/radio-drivers.test.ts in Node (src/radio/driver-checks.ts), the
// LoRaWAN MAC driving the SX1276 driver down to the fake chip's FIFO (frames printed as
// "SXUP <hex>" for lora-packet in Node), and the Jacdac pipe transport without a bus.
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { toHex } from "../lorawan/bytes"
import { LoRaWanMac } from "../lorawan/mac"
import { EU868 } from "../lorawan/regions/eu868"
import { MemoryStore } from "../lorawan/store"
import { TEST_APPSKEY, TEST_DEVADDR, TEST_NWKSKEY } from "../lorawan/vectors"
import { checkPipeRadio, checkSx1262, checkSx1276, TX_868_SF12 } from "./driver-checks"
import { FakeSx1276 } from "./fake-sx1276"
import { JacdacPipeTransport } from "./jacdac-pipe"
import { PipeRadio } from "./pipe-radio"
import { Sx1276 } from "./sx1276"
import { VirtualClock } from "./virtual-clock"

const pause = async () => {
    await ds.sleep(0)
}

function report(name: string, problems: string[]): void {
    for (const p of problems) console.log("PROBLEM " + name + ": " + p)
    console.log("CHECK " + name + " " + problems.length)
}

describe("drivers against the fake chips", () => {
    test("SX1276", async () => {
        const problems = await checkSx1276(pause)
        report("sx1276", problems)
        expect(problems.length).toBe(0)
    })
    test("SX1262", async () => {
        const problems = await checkSx1262(pause)
        report("sx1262", problems)
        expect(problems.length).toBe(0)
    })
    test("pipe radio (loopback harness)", async () => {
        const problems = await checkPipeRadio(pause)
        report("pipe", problems)
        expect(problems.length).toBe(0)
    })
})

describe("MAC over the SX1276 driver", () => {
    test("two uplinks reach the chip's FIFO", async () => {
        const chip = new FakeSx1276()
        const clock = new VirtualClock(0, pause)
        const radio = new Sx1276({ spi: chip, reset: chip.reset, irq: chip.dio0, irq2: chip.dio1, busy: null, rxEnable: null, clock: clock }, { paBoost: true })
        const store = new MemoryStore()
        await store.write("lw_devaddr", TEST_DEVADDR)
        await store.write("lw_nwkskey", TEST_NWKSKEY)
        await store.write("lw_appskey", TEST_APPSKEY)
        const mac = new LoRaWanMac({ region: EU868, radio: radio, clock: clock, store: store, pause: pause })
        expect(await mac.start()).toBe(true)
        await mac.send({ fPort: 3, payload: [0x10, 0x20], confirmed: false })
        await mac.send({ fPort: 3, payload: [0x30], confirmed: false })
        expect(chip.transmitted.length).toBe(2)
        for (const f of chip.transmitted) console.log("SXUP " + toHex(f))
        expect(chip.violations.length).toBe(0)
        // Two windows per uplink, each an RX single with a symbol timeout.
        let rxSingle = 0
        for (const v of chip.writesTo(0x01)) if (v === 0x86) rxSingle++
        expect(rxSingle).toBe(4)
    })
})

describe("Jacdac pipe transport", () => {
    test("without a harness on the bus the pipe radio reports transport_error", async () => {
        const transport = new JacdacPipeTransport("loraPipe")
        expect(transport.bound()).toBe(false)
        const radio = new PipeRadio(transport, new VirtualClock(0, pause), { slackMs: 100, pollMs: 10 })
        await radio.configure(TX_868_SF12)
        const r = await radio.transmit([1, 2, 3])
        expect(r.ok === false && r.error.code).toBe("transport_error")
    })
})
