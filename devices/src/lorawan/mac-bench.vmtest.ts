// Timing of the LoRaWAN frame path inside the DeviceScript VM, for devices/bench/lorawan.bench.ts:
//   devs run src/lorawan/mac-bench.vmtest.ts --test --test-self-exit
// Prints "BENCH <name> <ms per operation>". The clock only advances when the fiber yields, so each
// measurement runs N operations with a yield after each and subtracts a loop of bare yields.
// Test mode runs the VM with GC stress on: allocation-heavy code is slower here than on a board's
// VM would be relative to its CPU; the numbers compare versions of this code, not boards.
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { NO_PAUSE } from "../crypto/pace"
import { ScriptedRadio } from "../radio/scripted-radio"
import { VirtualClock } from "../radio/virtual-clock"
import { fromHex } from "./bytes"
import { openDownlink } from "./downlink"
import { buildUplinkPaced, sessionCrypto } from "./frame"
import { LoRaWanMac } from "./mac"
import { EU868 } from "./regions/eu868"
import { MemoryStore } from "./store"
import { DATA_FRAME_VECTORS, TEST_APPSKEY, TEST_DEVADDR, TEST_NWKSKEY } from "./vectors"

const N = 30
const KEYS = sessionCrypto(fromHex(TEST_NWKSKEY), fromHex(TEST_APPSKEY))

function payload(n: number): number[] {
    const p: number[] = []
    for (let i = 0; i < n; i++) p.push(i & 0xff)
    return p
}

const pause = async () => {
    await ds.sleep(0)
}

/** One uplink as the MAC builds it: yield, encrypt, yield, assemble + sign. */
async function build(p: number[], fCnt: number): Promise<number[]> {
    return await buildUplinkPaced(KEYS, { confirmed: false, devAddr: 0x26011bda, fCnt: fCnt, adr: true, adrAckReq: false, ack: false, fOpts: [], fPort: 1, payload: p }, pause)
}

async function yieldsMs(yieldsPerOp: number): Promise<number> {
    const t = ds.millis()
    for (let i = 0; i < N * yieldsPerOp; i++) await ds.sleep(0)
    return ds.millis() - t
}

/** Three rounds; the bench keeps the fastest of each (the host may be busy). */
describe("bench", () => {
    test("frame build, downlink open, MAC uplink", async () => {
        for (let round = 0; round < 3; round++) await measure()
    })
})

async function measure(): Promise<void> {
    {
        // buildUplinkPaced and sendFrame yield twice per uplink (before and between crypto stages).
        const idle2 = await yieldsMs(2)
        for (const size of [11, 51, 242]) {
            const p = payload(size)
            const t = ds.millis()
            for (let i = 0; i < N; i++) await build(p, i)
            console.log("BENCH build" + size + " " + (ds.millis() - t - idle2) / N)
        }
        const v = DATA_FRAME_VECTORS[4]
        const phy = fromHex(v.hex)
        let t = ds.millis()
        for (let i = 0; i < N; i++) {
            const r = await openDownlink(KEYS, 0x26011bda, v.fCnt - 1, phy, NO_PAUSE)
            expect(r.ok).toBe(true)
            await ds.sleep(0)
        }
        console.log("BENCH open" + phy.length + " " + (ds.millis() - t - (await yieldsMs(1))) / N)

        const clock = new VirtualClock(0, NO_PAUSE)
        const store = new MemoryStore()
        await store.write("lw_devaddr", TEST_DEVADDR)
        await store.write("lw_nwkskey", TEST_NWKSKEY)
        await store.write("lw_appskey", TEST_APPSKEY)
        const radio = new ScriptedRadio(clock)
        const mac = new LoRaWanMac({
            region: EU868,
            radio: radio,
            clock: clock,
            store: store,
            pause: async () => {
                await ds.sleep(0)
            },
        })
        await mac.start()
        const p51 = payload(51)
        t = ds.millis()
        for (let i = 0; i < N; i++) {
            const r = await mac.sendFrame({ fPort: 1, payload: p51, confirmed: false })
            expect(r.ok).toBe(true)
        }
        console.log("BENCH mac51 " + (ds.millis() - t - idle2) / N)
    }
}
