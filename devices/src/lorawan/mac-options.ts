// Options, outcome and statistics of the LoRaWAN MAC (mac.ts): what a board or a test passes in
// and reads back.
import { Pause } from "../crypto/pace.js"
import { LinkDownlink, LinkStats } from "../link.js"
import { Clock, Radio } from "../radio/radio.js"
import { Region } from "./region.js"
import { WindowTiming } from "./rx-windows.js"
import { KeyValueStore } from "./store.js"

export interface MacOptions {
    region: Region
    radio: Radio
    clock: Clock
    store: KeyValueStore
    /** Yields between crypto stages; default clock.sleep(0) (DeviceScript: the VM's step limit). */
    pause?: Pause
    /** Uniform in [0, 1): channel choice and retransmission jitter. Default Math.random. */
    random?: () => number
    /** Adaptive data rate: the network sets DR and power (recommended for a moored buoy). Default true. */
    adr?: boolean
    /** Data rate before the network sets one, and the first Join-request's. Default: the region's. */
    dataRate?: number
    /** RX2 data rate before the network sets one (The Things Network EU868: DR3). */
    rx2Dr?: number
    /** US915/AU915: channels to use until the network masks them (region.ts subBandChannels). */
    enabledChannels?: number[]
    /** dBi; the radio's conducted power is the EIRP minus this. Default 2.15 (LoRaMac-node). */
    antennaGainDbi?: number
    /** FCntUp values reserved per flash write (counters.ts). Default 16. */
    fcntReserveBlock?: number
    /** Transmissions of a confirmed uplink without ACK before giving up. Default 3. */
    confirmedAttempts?: number
    /** Join-requests per start() before giving up. Default 5. */
    joinAttempts?: number
    /** DevStatusAns battery: 0 external power, 1..254 level, 255 unknown (default). */
    battery?: () => number
    timing?: WindowTiming
    log?: (line: string) => void
}

/** An uplink that went out, and what came back. */
export interface SendOutcome {
    fCnt: number
    transmissions: number
    /** Confirmed uplinks: the network acknowledged. */
    acked: boolean
    /** Application downlink (FPort 1..223), if one came. */
    downlink: LinkDownlink | null
    /** The network has more to send (FPending): uplink again soon to open windows. */
    framePending: boolean
}

export interface MacStats extends LinkStats {
    transmissions: number
    joins: number
    /** Frames heard in a window but not accepted (another device, bad MIC, replay). */
    downlinksDropped: number
    fCntUp: number
    lastLinkCheck: { marginDb: number; gatewayCount: number } | null
}
