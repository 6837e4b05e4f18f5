// LinkLayer over MQTT without LoRaWAN: the plain application payload, for a buoy in Wi-Fi range
// (harbour, test bench) that reports straight to the reeflink server's broker over TLS.
//   publish   <root>/up/<fPort>     the application payload (binary, as the codec encoded it)
//   subscribe <root>/down/+         application downlinks, FPort in the last topic level
// There is no frame counter or MIC: the broker's TLS and credentials authenticate the buoy.
import { LinkDownlink, LinkLayer, LinkStats, LinkUplink } from "../link.js"
import { MqttPort } from "../radio/mqtt-port.js"
import { Clock } from "../radio/radio.js"

/** The decimal FPort after `prefix` in `topic`, or -1. */
function portOf(topic: string, prefix: string): number {
    if (topic.length <= prefix.length || topic.length > prefix.length + 3 || topic.slice(0, prefix.length) !== prefix) return -1
    let n = 0
    for (let i = prefix.length; i < topic.length; i++) {
        const d = topic.charCodeAt(i) - 48
        if (d < 0 || d > 9) return -1
        n = n * 10 + d
    }
    return n
}

export interface MqttPayloadLinkOptions {
    port: MqttPort
    clock: Clock
    /** reeflink/v1/<devEui> (mqtt-port.ts deviceTopic). */
    topicRoot: string
    /** Largest payload to accept (the codec's budget): 242 keeps frames LoRaWAN-compatible. */
    maxPayload: number
    /** How long send() waits for a downlink after publishing, ms. */
    downlinkWaitMs: number
}

export class MqttPayloadLink implements LinkLayer {
    private o: MqttPayloadLinkOptions
    private inbox: LinkDownlink[] = []
    private subscribed = false
    private s: LinkStats = { uplinksSent: 0, downlinksReceived: 0, lastRssiDbm: 0, lastSnrDb: 0 }

    constructor(o: MqttPayloadLinkOptions) {
        this.o = o
    }

    ready(): boolean {
        return this.subscribed && this.o.port.connected()
    }

    async start(): Promise<boolean> {
        if (!this.o.port.connected()) return false
        if (this.subscribed) return true
        const self = this
        const prefix = this.o.topicRoot + "/down/"
        // One wildcard subscription; the FPort is the last topic level.
        this.subscribed = await this.o.port.subscribe(prefix + "+", (topic, payload) => {
            const fPort = portOf(topic, prefix)
            if (fPort >= 1 && fPort <= 223) self.inbox.push({ fPort: fPort, payload: payload, rssiDbm: 0, snrDb: 0 })
        })
        return this.subscribed
    }

    maxPayload(): number {
        return this.o.maxPayload
    }

    /** No airtime on Wi-Fi. */
    airtimeMs(bytes: number): number {
        return 0
    }

    async send(up: LinkUplink): Promise<LinkDownlink | null> {
        // Failures reject (LinkLayer contract): the application keeps the samples.
        if (up.fPort < 1 || up.fPort > 223 || up.payload.length > this.o.maxPayload) throw new Error("invalid_uplink: fPort or payload size out of range")
        if (!(await this.start())) throw new Error("not_connected: MQTT broker unreachable")
        if (!(await this.o.port.publish(this.o.topicRoot + "/up/" + up.fPort, up.payload))) throw new Error("publish_failed")
        this.s.uplinksSent++
        const end = this.o.clock.now() + this.o.downlinkWaitMs
        while (this.inbox.length === 0 && this.o.clock.now() < end) await this.o.clock.sleep(50)
        const d = this.inbox.shift()
        if (d === undefined) return null
        this.s.downlinksReceived++
        return d
    }

    stats(): LinkStats {
        return this.s
    }
}
