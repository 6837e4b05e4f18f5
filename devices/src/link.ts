// The boundary between the buoy application (sampling, queue, scheduling, configuration) and
// the radio link (LoRaWAN MAC + radio driver, or MQTT over Wi-Fi). The application only sees
// this interface; the VM tests give it a fake, the boards give it the real MAC.

/** An application frame to send. */
export interface LinkUplink {
    fPort: number
    payload: number[]
    confirmed: boolean
}

/** An application downlink delivered by the link (MAC commands are handled inside the link). */
export interface LinkDownlink {
    fPort: number
    payload: number[]
    rssiDbm: number
    snrDb: number
}

export interface LinkStats {
    uplinksSent: number
    downlinksReceived: number
    lastRssiDbm: number
    lastSnrDb: number
}

export interface LinkLayer {
    /** True when the link can send (ABP session present, OTAA joined, Wi-Fi/MQTT connected). */
    ready(): boolean
    /** Joins or connects if needed; resolves true when ready. */
    start(): Promise<boolean>
    /** Largest application payload at the current data rate, after pending FOpts. */
    maxPayload(): number
    /** Time on air in ms of a frame carrying `bytes` application bytes at the current data rate. */
    airtimeMs(bytes: number): number
    /**
     * Transmits, then listens in the receive windows; resolves with an application downlink if one
     * came, null if none. Rejects when the frame could not be sent (radio failure, payload too
     * large, not joined…): the application must keep the frame's samples and try again later.
     */
    send(up: LinkUplink): Promise<LinkDownlink | null>
    stats(): LinkStats
    /**
     * How long, in ms from now, before the link could start a transmission (its own duty-cycle
     * bookkeeping). The application waits this long before packing a frame, because samples'
     * ages are counted when the frame is packed. Optional: 0 when absent.
     */
    transmitDelayMs?(): number
}
