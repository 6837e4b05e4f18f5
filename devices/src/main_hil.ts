// The buoy for hardware-in-the-loop tests in the DeviceScript VM: the real application
// (src/app) on the real LoRaWAN MAC (src/lorawan, EU868, ABP) over the pipe radio, whose "air"
// is the Node harness (devices/harness/pipe-air.ts) on the Jacdac bus the VM joins with
// `devs run <bytecode> --tcp`; sensors are the Jacdac-simulated ones (src/sensors/jacdac-sim.ts).
//
// Provisioning comes from settings, never from this source: the harness writes lw_devaddr,
// lw_nwkskey, lw_appskey (devices/harness/vm-settings.ts) and optionally
//   hil_interval  sampling interval, s (default 5: compressed time, docs/hil.md)
//   hil_hold      maxHoldS, s (default 1: send whatever is queued as soon as the duty cycle allows)
//   hil_dr        EU868 data rate (default 5, SF7BW125)
//   hil_sleep     minDeepSleepMs (default 1000: every wait between samples is a "deep sleep", i.e. a
//                 program restart that boots from flash, as the buoy does at its 10-minute interval)
// The program waits for lw_devaddr (or lw_appkey) before it starts, and for the harness's pipe
// to be bound before the MAC may transmit. "Deep sleep" restarts the program (settings persist in
// the VM's flash file), as on a board.
import * as ds from "@devicescript/core"
import { readSetting } from "@devicescript/settings"
import { Buoy } from "./app/buoy"
import { DEFAULT_CONFIG } from "./app/config"
import { buoyOptions } from "./app/context"
import { DevicescriptRuntime, SettingsStore, SimulatorPower } from "./app/devicescript-platform"
import { FIRMWARE_VERSION } from "./app/version"
import { makeLoRaWanMac } from "./lorawan/buoy-link"
import { EU868 } from "./lorawan/regions/eu868"
import { DS_CLOCK } from "./radio/ds-hal"
import { JacdacPipeTransport } from "./radio/jacdac-pipe"
import { PipeRadio } from "./radio/pipe-radio"
import { startSimulatedSensors } from "./sensors/jacdac-sim"

const log = (line: string) => console.log(line)

async function numberSetting(key: string, fallback: number): Promise<number> {
    const v = await readSetting(key, undefined)
    return typeof v === "number" ? v : fallback
}

async function main() {
    while ((await readSetting("lw_devaddr", undefined)) === undefined && (await readSetting("lw_appkey", undefined)) === undefined) {
        log("hil: waiting for provisioning (lw_devaddr)")
        await ds.sleep(250)
    }
    const intervalS = await numberSetting("hil_interval", 5)
    const holdS = await numberSetting("hil_hold", 1)
    const dr = await numberSetting("hil_dr", 5)
    const minDeepSleepMs = await numberSetting("hil_sleep", 1000)
    const transport = new JacdacPipeTransport("loraPipe")
    while (!transport.bound()) await ds.sleep(20)
    log("hil: pipe bound, interval " + intervalS + " s, DR" + dr)
    const radio = new PipeRadio(transport, DS_CLOCK, { slackMs: 3000, pollMs: 5 })
    const link = makeLoRaWanMac(radio, { region: EU868, dataRate: dr, rx2Dr: 3, adr: false, log: log })
    const buoy = new Buoy(
        {
            runtime: new DevicescriptRuntime(),
            power: new SimulatorPower(),
            store: new SettingsStore(),
            link: link,
            sensors: startSimulatedSensors(),
            log: log,
        },
        buoyOptions({
            firmwareVersion: FIRMWARE_VERSION,
            initialConfig: {
                sampleIntervalS: intervalS,
                samplesPerUplink: 0,
                maxPayloadBytes: 0,
                statusIntervalS: DEFAULT_CONFIG.statusIntervalS,
                dailyAirtimeMs: DEFAULT_CONFIG.dailyAirtimeMs,
                maxHoldS: holdS,
            },
            minDeepSleepMs: minDeepSleepMs,
            sensorTimeoutMs: 3000,
        })
    )
    await buoy.run()
}

await main()
