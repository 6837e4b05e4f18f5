// A Radio whose air is an MQTT broker over Wi-Fi: the LoRaWAN MAC runs unchanged on top of it, so
// the frames published are the same PHYPayloads a gateway would forward (MIC, FCnt, encryption
// intact), and the server ingests them like any gateway's. "Windows" are not timed radio windows
// here: a receive() returns the first downlink the broker delivered since the uplink, waiting at
// most until the window would close.
//   publish   <root>/phy/up     raw PHYPayload (binary)
//   subscribe <root>/phy/down   raw PHYPayload for this device
import { symbolMs } from "./airtime.js"
import { MqttPort } from "./mqtt-port.js"
import { Clock, Radio, RadioResult, radioError, radioOk, RxFrame, RxWindow, TxConfig, TxDone } from "./radio.js"

export class MqttRadio implements Radio {
    private port: MqttPort
    private clock: Clock
    private root: string
    private inbox: number[][] = []
    private subscribed = false
    private pollMs: number

    constructor(port: MqttPort, clock: Clock, topicRoot: string, pollMs: number) {
        this.port = port
        this.clock = clock
        this.root = topicRoot
        this.pollMs = pollMs
    }

    private async ensureSubscribed(): Promise<boolean> {
        if (this.subscribed) return true
        const self = this
        this.subscribed = await this.port.subscribe(this.root + "/phy/down", (topic, p) => {
            self.inbox.push(p)
        })
        return this.subscribed
    }

    async configure(cfg: TxConfig): Promise<RadioResult<boolean>> {
        return radioOk(cfg.frequencyHz > 0)
    }

    async transmit(bytes: number[]): Promise<RadioResult<TxDone>> {
        if (!this.port.connected()) return radioError("transport_error", "MQTT not connected")
        if (!(await this.ensureSubscribed())) return radioError("transport_error", "cannot subscribe to " + this.root + "/phy/down")
        // Downlinks for earlier uplinks are stale once a new uplink goes out.
        this.inbox = []
        const t = this.clock.now()
        if (!(await this.port.publish(this.root + "/phy/up", bytes))) return radioError("transport_error", "publish failed")
        // No airtime on Wi-Fi: the duty cycle of the region does not bind this transport.
        return radioOk({ startMs: t, endMs: this.clock.now(), airtimeMs: 0 })
    }

    async receive(w: RxWindow): Promise<RadioResult<RxFrame | null>> {
        const end = w.openAtMs + w.timeoutSymbols * symbolMs(w.sf, w.bandwidthHz)
        while (true) {
            const frame = this.inbox.shift()
            if (frame !== undefined) return radioOk({ bytes: frame, rssiDbm: 0, snrDb: 0 })
            if (this.clock.now() >= end) return radioOk(null)
            await this.clock.sleep(this.pollMs)
        }
    }

    async sleep(): Promise<RadioResult<boolean>> {
        return radioOk(true)
    }
}
