// The buoy in the DeviceScript simulator: `devs run src/main_sim.ts --tcp` connects to a Jacdac bus
// on 127.0.0.1:8082 whose simulated sensor servers (devices/harness/sim-sensors.ts) feed the roles
// of src/sensors/jacdac-sim.ts. The radio prints each uplink ("UPLINK <fPort> <hex>") at EU868 DR5.
// "Deep sleep" restarts the program, so every wake boots from the settings as on a board.
// A 5 s interval and maxHoldS = 1 s: every wake sends all queued samples as soon as the duty cycle
// allows, so that a test sees its values in frames within seconds.
import { Buoy } from "./app/buoy"
import { DEFAULT_CONFIG } from "./app/config"
import { buoyOptions } from "./app/context"
import { DevicescriptRuntime, SettingsStore, SimulatorPower } from "./app/devicescript-platform"
import { printingLink } from "./app/scripted-link"
import { FIRMWARE_VERSION } from "./app/version"
import { startSimulatedSensors } from "./sensors/jacdac-sim"

const log = (line: string) => console.log(line)

const buoy = new Buoy(
    {
        runtime: new DevicescriptRuntime(),
        power: new SimulatorPower(),
        store: new SettingsStore(),
        link: printingLink(5, log),
        sensors: startSimulatedSensors(),
        log: log,
    },
    buoyOptions({
        firmwareVersion: FIRMWARE_VERSION,
        initialConfig: {
            sampleIntervalS: 5,
            samplesPerUplink: 0,
            maxPayloadBytes: 0,
            statusIntervalS: DEFAULT_CONFIG.statusIntervalS,
            dailyAirtimeMs: DEFAULT_CONFIG.dailyAirtimeMs,
            maxHoldS: 1,
        },
        minDeepSleepMs: 2000,
        sensorTimeoutMs: 3000,
    })
)
await buoy.run()
