// Bytecode-size probe for devices/bench/lorawan.bench.ts: everything of the LoRaWAN stack (MAC,
// crypto, four regions, SX1276 + SX1262 drivers, settings store, pipe and MQTT transports),
// reachable so that the compiler keeps it.
import * as ds from "@devicescript/core"
import { DsMqttPort } from "../../radio/ds-mqtt"
import { JacdacPipeTransport } from "../../radio/jacdac-pipe"
import { MqttRadio } from "../../radio/mqtt-radio"
import { PipeRadio } from "../../radio/pipe-radio"
import { makeSx1262Link } from "../link-sx1262"
import { makeSx1276Link } from "../link-sx1276"
import { MqttPayloadLink } from "../mqtt-payload-link"
import { AS923 } from "../regions/as923"
import { AU915 } from "../regions/au915"
import { EU868 } from "../regions/eu868"
import { US915 } from "../regions/us915"

const pins: any = ds.millis() > 1e12 ? null : undefined
if (pins !== undefined) {
    // Never runs: keeps the constructors reachable without touching hardware.
    const board: any = pins
    const region = ds.millis() > 0 ? US915 : ds.millis() < 0 ? AU915 : ds.millis() === 1 ? AS923 : EU868
    const mac = makeSx1276Link(board, { region: region })
    await mac.start()
    await makeSx1262Link(board, { region: region }, 0x02).start()
    const port = new DsMqttPort()
    new MqttRadio(port, { now: ds.millis, sleep: ds.sleep }, "x", 10)
    new MqttPayloadLink({ port: port, clock: { now: ds.millis, sleep: ds.sleep }, topicRoot: "x", maxPayload: 242, downlinkWaitMs: 1 })
    new PipeRadio(new JacdacPipeTransport("loraPipe"), { now: ds.millis, sleep: ds.sleep }, { slackMs: 1, pollMs: 1 })
}
console.log("lorawan size probe")
