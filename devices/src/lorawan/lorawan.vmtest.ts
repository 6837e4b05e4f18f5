// The LoRaWAN stack in the DeviceScript VM:
//   devs run src/lorawan/lorawan.vmtest.ts --test --test-self-exit      (test/lorawan-vm.test.ts)
// Checks here, in the VM: the FIPS-197 / RFC 4493 vectors, the lora-packet frame vectors both
// ways, and the MAC over a scripted radio and the real settings store. Prints lines that
// test/lorawan-vm.test.ts verifies with lora-packet in Node:
//   UPK <i> <nwkskey> <appskey>, UPF <i> <devaddr> <fcnt> <fport> <payload>, UPP <i> <phy>
//                                  frames built here (three lines: the VM truncates long lines)
//   MACUP <phy>                    frames the MAC sent
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { Aes128 } from "../crypto/aes128"
import { Cmac } from "../crypto/cmac"
import { FIPS197_VECTORS, RFC4493_KEY, RFC4493_VECTORS } from "../crypto/vectors"
import { ScriptedRadio } from "../radio/scripted-radio"
import { VirtualClock } from "../radio/virtual-clock"
import { concat, fromHex, pushUint32LE, readUint32LE, toHex } from "./bytes"
import { counterFromText, counterToText, downlinkCounterCandidate, umod } from "./counters"
import { openDownlink } from "./downlink"
import { buildUplink, buildUplinkPaced, cryptFrmPayload, dataFrameMic, DIR_DOWN, sessionCrypto } from "./frame"
import { buildJoinRequest, deriveSessionKeys, openJoinAccept } from "./join"
import { LoRaWanMac } from "./mac"
import { defaultParams, paramsFromJson, paramsToJson, setChannelEnabled } from "./mac-params"
import { EU868 } from "./regions/eu868"
import { SettingsStore } from "./settings-store"
import { KeyValueStore, MemoryStore } from "./store"
import {
    DATA_FRAME_VECTORS,
    JOIN_ACCEPT_VECTORS,
    JOIN_REQUEST_VECTORS,
    TEST_APPKEY,
    TEST_APPSKEY,
    TEST_DEVADDR,
    TEST_DEVEUI,
    TEST_JOINEUI,
    TEST_NWKSKEY,
} from "./vectors"

const pause = async () => {
    await ds.sleep(0)
}
const DEVADDR = 0x26011bda
const KEYS = sessionCrypto(fromHex(TEST_NWKSKEY), fromHex(TEST_APPSKEY))

/** A downlink as a network server builds it (our frame code, DIR_DOWN): FOpts only when fPort < 0. */
function downlink(fCnt: number, fPort: number, payload: number[], fOpts: number[], confirmed: boolean): number[] {
    const f: number[] = [confirmed ? 0xa0 : 0x60]
    pushUint32LE(f, DEVADDR)
    f.push(0x80 | fOpts.length, fCnt & 0xff, (fCnt >> 8) & 0xff)
    for (const b of fOpts) f.push(b)
    if (fPort >= 0) {
        f.push(fPort)
        const enc = cryptFrmPayload(fPort === 0 ? KEYS.nwkSKeyAes : KEYS.appSKeyAes, DIR_DOWN, DEVADDR, fCnt, payload)
        for (const b of enc) f.push(b)
    }
    return concat(f, dataFrameMic(KEYS.nwkSKeyCmac, DIR_DOWN, DEVADDR, fCnt, f, f.length))
}

async function abpStore(store: KeyValueStore): Promise<void> {
    await store.write("lw_devaddr", TEST_DEVADDR)
    await store.write("lw_nwkskey", TEST_NWKSKEY)
    await store.write("lw_appskey", TEST_APPSKEY)
}

describe("crypto", () => {
    test("AES-128: FIPS-197 vectors", async () => {
        for (const v of FIPS197_VECTORS) expect(toHex(new Aes128(fromHex(v.key)).encrypt(fromHex(v.plaintext)))).toBe(v.ciphertext)
    })
    test("AES-CMAC: RFC 4493 vectors", async () => {
        const c = new Cmac(fromHex(RFC4493_KEY))
        for (const v of RFC4493_VECTORS) {
            await pause()
            expect(toHex(c.mac(fromHex(v.message)))).toBe(v.mac)
        }
    })
})

describe("32-bit numbers (DeviceScript's % is 32-bit signed; bitwise ops wrap)", () => {
    test("counters above 2^31", async () => {
        expect(counterToText(4294967295)).toBe("0ffffffff")
        expect(counterFromText("0ffffffff")).toBe(4294967295)
        expect(downlinkCounterCandidate(3000000000, 7)).toBe(3000041479)
        expect(downlinkCounterCandidate(3000041479, 7)).toBe(3000107015)
        const b: number[] = []
        pushUint32LE(b, 3000000000)
        expect(toHex(b)).toBe("005ed0b2")
        expect(readUint32LE(b, 0)).toBe(3000000000)
    })
})

describe("frames (lora-packet vectors)", () => {
    test("uplinks are built byte for byte", async () => {
        for (const v of DATA_FRAME_VECTORS) {
            if (!v.uplink) continue
            const f = await buildUplinkPaced(KEYS, {
                confirmed: v.confirmed,
                devAddr: DEVADDR,
                fCnt: v.fCnt,
                adr: v.adr,
                adrAckReq: v.adrAckReq,
                ack: v.ack,
                fOpts: fromHex(v.fOpts),
                fPort: v.fPort,
                payload: fromHex(v.payload),
            }, pause)
            expect(toHex(f)).toBe(v.hex)
        }
    })
    test("downlinks are authenticated and decrypted", async () => {
        for (const v of DATA_FRAME_VECTORS) {
            if (v.uplink) continue
            const r = await openDownlink(KEYS, DEVADDR, v.fCnt - 1, fromHex(v.hex), pause)
            expect(r.ok).toBe(true)
            if (r.ok === false) continue
            expect(r.value.fCnt).toBe(v.fCnt)
            expect(r.value.ack).toBe(v.ack)
            expect(toHex(v.fPort === 0 ? r.value.commands : r.value.payload)).toBe(v.payload)
            const replay = await openDownlink(KEYS, DEVADDR, v.fCnt, fromHex(v.hex), pause)
            expect(replay.ok === false && replay.error.code).toBe("counter_replay")
        }
    })
    test("Join-request, Join-accept and session keys", async () => {
        const cmac = new Cmac(fromHex(TEST_APPKEY))
        const aes = new Aes128(fromHex(TEST_APPKEY))
        for (const v of JOIN_REQUEST_VECTORS) expect(toHex(buildJoinRequest(cmac, fromHex(TEST_JOINEUI), fromHex(TEST_DEVEUI), v.devNonce))).toBe(v.hex)
        for (const v of JOIN_ACCEPT_VECTORS) {
            await pause()
            const r = openJoinAccept(aes, cmac, fromHex(v.hex))
            expect(r.ok).toBe(true)
            if (r.ok === false) continue
            expect(r.value.joinNonce).toBe(v.joinNonce)
            expect(r.value.rxDelaySeconds).toBe(v.rxDelay)
            expect(r.value.cfList === null ? "" : toHex(r.value.cfList)).toBe(v.cfList)
            if (v.nwkSKey !== "") {
                const k = deriveSessionKeys(aes, v.joinNonce, v.netId, v.devNonce)
                expect(toHex(k.nwkSKey) + toHex(k.appSKey)).toBe(v.nwkSKey + v.appSKey)
            }
        }
    })
    test("random uplinks printed for lora-packet", async () => {
        // Park–Miller: the same inputs every run, independent of the VM's Math.random.
        let seed = 20240607
        const next = (n: number) => {
            seed = umod(seed * 16807, 2147483647)
            return umod(seed, n)
        }
        const bytes = (n: number) => {
            const b: number[] = []
            for (let i = 0; i < n; i++) b.push(next(256))
            return b
        }
        for (let i = 0; i < 12; i++) {
            await pause()
            const nwk = bytes(16)
            const app = bytes(16)
            const devAddr = next(65536) * 65536 + next(65536)
            const fCnt = i < 4 ? next(65536) : next(65536) * 65536 + next(65536)
            const fPort = 1 + next(223)
            const payload = bytes(next(60))
            const f = buildUplink(sessionCrypto(nwk, app), { confirmed: false, devAddr: devAddr, fCnt: fCnt, adr: true, adrAckReq: false, ack: false, fOpts: [], fPort: fPort, payload: payload })
            // The VM truncates long console lines: one frame is printed over three.
            console.log("UPK " + i + " " + toHex(nwk) + " " + toHex(app))
            console.log("UPF " + i + " " + devAddr + " " + fCnt + " " + fPort + " " + toHex(payload))
            console.log("UPP " + i + " " + toHex(f))
        }
    })
})

describe("MAC (scripted radio, virtual clock)", () => {
    test("ABP: uplinks, a downlink with MAC commands, answers in the next uplink", async () => {
        const clock = new VirtualClock(0, pause)
        const radio = new ScriptedRadio(clock)
        const store = new MemoryStore()
        await abpStore(store)
        const mac = new LoRaWanMac({ region: EU868, radio: radio, clock: clock, store: store, pause: pause, random: () => 0.5 })
        expect(await mac.start()).toBe(true)
        let answered = false
        radio.responder = (w, up) => {
            if (answered || w.frequencyHz !== up.config.frequencyHz) return null
            answered = true
            // LinkADRReq DR5/TXPower 1/channels 0-2, DevStatusReq; then FPort 9 payload.
            return { bytes: downlink(0, 9, [0xca, 0xfe], [0x03, 0x51, 0x07, 0x00, 0x01, 0x06], false), rssiDbm: -90, snrDb: 3 }
        }
        const dl = await mac.send({ fPort: 1, payload: [1, 2, 3], confirmed: false })
        expect(dl !== null && toHex(dl.payload)).toBe("cafe")
        expect(mac.currentParams().dr).toBe(5)
        await mac.send({ fPort: 1, payload: [4, 5, 6], confirmed: false })
        expect(radio.sent.length).toBe(2)
        expect(radio.sent[1].config.sf).toBe(7)
        for (const a of radio.sent) console.log("MACUP " + toHex(a.bytes))
        const s = mac.stats()
        expect(s.uplinksSent).toBe(2)
        expect(s.downlinksReceived).toBe(1)
    })

    test("FCntUp survives a reset through @devicescript/settings", async () => {
        const store = new SettingsStore()
        await abpStore(store)
        await store.write("lw_fcntup", null)
        const fcnts: number[] = []
        for (let boot = 0; boot < 3; boot++) {
            const clock = new VirtualClock(0, pause)
            const radio = new ScriptedRadio(clock)
            const mac = new LoRaWanMac({ region: EU868, radio: radio, clock: clock, store: store, pause: pause, fcntReserveBlock: 8 })
            for (let i = 0; i < 2; i++) {
                const r = await mac.sendFrame({ fPort: 1, payload: [boot, i], confirmed: false })
                expect(r.ok).toBe(true)
                if (r.ok === true) fcnts.push(r.value.fCnt)
            }
            if (boot === 1) expect(await mac.suspend()).toBe(true)
        }
        console.log("FCNTS " + fcnts.join(","))
        // boot 0: 0,1 (reserved to 8, reset) → boot 1: 8,9 then suspend stores 10 → boot 2: 10,11
        expect(fcnts.join(",")).toBe("0,1,8,9,10,11")
        const stored = await store.read("lw_fcntup")
        expect(stored.n).toBe("000000012")
    })

    test("MAC parameters with 8 channels round-trip through @devicescript/settings", async () => {
        const store = new SettingsStore()
        const p = defaultParams(EU868, {})
        for (let i = 3; i < 8; i++) {
            p.channels[i] = { frequencyHz: 867100000 + 200000 * (i - 3), minDr: 0, maxDr: 5, rx1FrequencyHz: 0 }
            setChannelEnabled(p.mask, i, true)
        }
        p.rx2Dr = 3
        p.rx2FrequencyHz = 869525000
        const json = paramsToJson(EU868, p)
        console.log("PARAMS " + JSON.stringify(json).length + " bytes of JSON")
        expect(await store.write("lw_params", json)).toBe(true)
        const back = paramsFromJson(EU868, await store.read("lw_params"), defaultParams(EU868, {}))
        expect(back !== null).toBe(true)
        if (back === null) return
        expect(back.channels[7].frequencyHz).toBe(867900000)
        expect(back.rx2FrequencyHz).toBe(869525000)
        expect(back.mask[0]).toBe(0xff)
    })
})
