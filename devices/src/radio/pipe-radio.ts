// A Radio whose "air" is a Node harness: frames go out and come back as pipe messages
// (pipe-protocol.ts) over a PipeTransport — Jacdac on the VM (jacdac-pipe.ts), a loopback in
// tests. The harness answers TX with TX_DONE once the frame is "sent" (it may wait the airtime)
// and RX with RX_DONE carrying what a gateway sent in that window, or nothing.
import { loraAirtimeMs, symbolMs } from "./airtime.js"
import {
    decodeRxDone,
    decodeTxDone,
    encodeRx,
    encodeSleep,
    encodeTx,
    fragment,
    MSG_RX_DONE,
    MSG_TX_DONE,
    Reassembler,
} from "./pipe-protocol.js"
import { Clock, Radio, RadioResult, radioError, radioOk, RxFrame, RxWindow, TxConfig, TxDone } from "./radio.js"

/** Carries fragments (each ≤ 202 bytes) between the VM and the harness. */
export interface PipeTransport {
    /** False when the fragment could not be handed to the bus. */
    send(fragment: number[]): Promise<boolean>
    /** Called for every fragment the harness sends. */
    onFragment(handler: (fragment: number[]) => void): void
}

export interface PipeRadioOptions {
    /** How long to wait for TX_DONE beyond the airtime, and for RX_DONE beyond the window, ms. */
    slackMs: number
    pollMs: number
}

export class PipeRadio implements Radio {
    private transport: PipeTransport
    private clock: Clock
    private opts: PipeRadioOptions
    private cfg: TxConfig | null = null
    private seq = 0
    private msgId = 0
    private inbox: number[][] = []
    private reassembler = new Reassembler()

    constructor(transport: PipeTransport, clock: Clock, opts: PipeRadioOptions) {
        this.transport = transport
        this.clock = clock
        this.opts = opts
        const self = this
        transport.onFragment((f) => {
            const m = self.reassembler.push(f)
            if (m !== null) self.inbox.push(m)
        })
    }

    private async post(msg: number[]): Promise<boolean> {
        this.msgId = (this.msgId + 1) & 0xff
        for (const f of fragment(this.msgId, msg)) if (!(await this.transport.send(f))) return false
        return true
    }

    /** The first message of `type` for `seq` within timeoutMs; older answers are discarded. */
    private async waitFor(type: number, seq: number, timeoutMs: number): Promise<number[] | null> {
        const end = this.clock.now() + timeoutMs
        while (true) {
            let m = this.inbox.shift()
            while (m !== undefined) {
                if (m.length >= 2 && m[0] === type && m[1] === seq) return m
                m = this.inbox.shift()
            }
            if (this.clock.now() >= end) return null
            await this.clock.sleep(this.opts.pollMs)
        }
    }

    async configure(cfg: TxConfig): Promise<RadioResult<boolean>> {
        this.cfg = cfg
        return radioOk(true)
    }

    async transmit(bytes: number[]): Promise<RadioResult<TxDone>> {
        const c = this.cfg
        if (c === null) return radioError("invalid_config", "transmit before configure")
        this.seq = (this.seq + 1) & 0xff
        const seq = this.seq
        const start = this.clock.now()
        const airtime = loraAirtimeMs(bytes.length, c.sf, c.bandwidthHz, c.codingRate, 8, true, true)
        const msg = encodeTx({ seq: seq, frequencyHz: c.frequencyHz, sf: c.sf, bandwidthHz: c.bandwidthHz, codingRate: c.codingRate, powerDbm: c.powerDbm, frame: bytes })
        if (!(await this.post(msg))) return radioError("transport_error", "TX not delivered to the pipe")
        const done = await this.waitFor(MSG_TX_DONE, seq, airtime + this.opts.slackMs)
        if (done === null) return radioError("transport_error", "no TX_DONE for TX " + seq)
        const d = decodeTxDone(done)
        return radioOk({ startMs: start, endMs: this.clock.now(), airtimeMs: d === null ? airtime : d.airtimeUs / 1000 })
    }

    async receive(w: RxWindow): Promise<RadioResult<RxFrame | null>> {
        const wait = w.openAtMs - this.clock.now()
        if (wait > 0) await this.clock.sleep(wait)
        this.seq = (this.seq + 1) & 0xff
        const seq = this.seq
        // The window stays open for the symbol timeout, or until a frame that started in it ends.
        const listenMs = w.timeoutSymbols * symbolMs(w.sf, w.bandwidthHz)
        const msg = encodeRx({ seq: seq, frequencyHz: w.frequencyHz, sf: w.sf, bandwidthHz: w.bandwidthHz, codingRate: w.codingRate, timeoutMs: listenMs, maxLength: w.maxLength })
        if (!(await this.post(msg))) return radioError("transport_error", "RX not delivered to the pipe")
        const longest = loraAirtimeMs(w.maxLength, w.sf, w.bandwidthHz, w.codingRate, 8, false, true)
        const done = await this.waitFor(MSG_RX_DONE, seq, listenMs + longest + this.opts.slackMs)
        if (done === null) return radioError("transport_error", "no RX_DONE for RX " + seq)
        const d = decodeRxDone(done)
        if (d === null) return radioError("transport_error", "malformed RX_DONE")
        if (d.frame === null) return radioOk(null)
        return radioOk({ bytes: d.frame, rssiDbm: d.rssiDbm, snrDb: d.snrDb })
    }

    async sleep(): Promise<RadioResult<boolean>> {
        this.seq = (this.seq + 1) & 0xff
        return (await this.post(encodeSleep(this.seq))) ? radioOk(true) : radioError("transport_error", "SLEEP not delivered")
    }
}
