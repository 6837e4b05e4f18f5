// A LinkLayer without a radio, for the simulator (src/main_sim.ts prints each frame) and the tests
// (scripted downlinks, failures, hangs). Payload budget and time on air are those of an EU868 data
// rate, from the codec's airtime model, with no FOpts.
import { DataRate, EU868, timeOnAirMs, toHex } from "@reeflink/codecs"
import { LinkDownlink, LinkLayer, LinkStats, LinkUplink } from "../link.js"

export interface ScriptedLinkOptions {
    /** EU868 data rate index (0 = SF12 … 5 = SF7). */
    dataRate: number
    /** Called with each uplink; may return the downlink to deliver, or throw / never resolve. */
    onUplink: ((up: LinkUplink, hex: string) => Promise<LinkDownlink | null>) | null
    /** start() result (false: join fails). */
    joins: boolean
}

export class ScriptedLink implements LinkLayer {
    readonly uplinks: LinkUplink[]
    private dr: DataRate
    private onUplink: ((up: LinkUplink, hex: string) => Promise<LinkDownlink | null>) | null
    private joins: boolean
    private joined: boolean
    private counters: LinkStats

    constructor(options: ScriptedLinkOptions) {
        this.uplinks = []
        this.dr = EU868[options.dataRate]
        this.onUplink = options.onUplink
        this.joins = options.joins
        this.joined = false
        this.counters = { uplinksSent: 0, downlinksReceived: 0, lastRssiDbm: 0, lastSnrDb: 0 }
    }

    setDataRate(index: number): void {
        this.dr = EU868[index]
    }

    /** Whether the next start() succeeds (false: out of coverage, join refused). */
    setJoins(joins: boolean): void {
        this.joins = joins
        if (!joins) this.joined = false
    }

    ready(): boolean {
        return this.joined
    }

    async start(): Promise<boolean> {
        this.joined = this.joins
        return this.joined
    }

    maxPayload(): number {
        return this.dr.maxPayload
    }

    airtimeMs(bytes: number): number {
        return timeOnAirMs(this.dr, bytes, 0, true)
    }

    async send(up: LinkUplink): Promise<LinkDownlink | null> {
        this.uplinks.push(up)
        this.counters.uplinksSent++
        const down = this.onUplink !== null ? await this.onUplink(up, toHex(up.payload)) : null
        if (down !== null) {
            this.counters.downlinksReceived++
            this.counters.lastRssiDbm = down.rssiDbm
            this.counters.lastSnrDb = down.snrDb
        }
        return down
    }

    stats(): LinkStats {
        return this.counters
    }
}

/** A link that prints each uplink as "UPLINK <fPort> <hex>" and never receives: the simulator's radio. */
export function printingLink(dataRate: number, print: (line: string) => void): ScriptedLink {
    return new ScriptedLink({
        dataRate: dataRate,
        joins: true,
        onUplink: async (up: LinkUplink, hex: string) => {
            print("UPLINK " + up.fPort + " " + hex)
            return null
        },
    })
}
