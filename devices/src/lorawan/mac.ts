// The LoRaWAN 1.0.4 Class A MAC of the buoy: implements the application's LinkLayer
// (src/link.ts) on top of a Radio (src/radio/radio.ts). Runtime-neutral: radio, clock and flash are
// passed in, so the same code runs in the DeviceScript VM and in Node tests. sendFrame() reads as
// the uplink path: session → write-ahead counter → MAC answers into FOpts → encrypt → sign →
// per transmission: channel within duty cycle → transmit → RX1/RX2 → downlink → ADR back-off.
import { Pause } from "../crypto/pace.js"
import { LinkDownlink, LinkLayer, LinkUplink } from "../link.js"
import { uplinkAirtimeMs } from "../radio/airtime.js"
import { RxFrame } from "../radio/radio.js"
import { concat, toHex } from "./bytes.js"
import { macError, MacError, macOk, MacResult } from "./errors.js"
import { buildUplinkPaced, MAX_FOPTS, SessionCrypto, sessionCrypto } from "./frame.js"
import { ADR_ACK_LIMIT, adrBackoff } from "./adr-backoff.js"
import { Cid, handleMacCommands, takeCommands } from "./mac-commands.js"
import { applyJoinAccept, defaultParams, MacParams } from "./mac-params.js"
import { UplinkCounter } from "./counters.js"
import { openDownlink } from "./downlink.js"
import { joinNetwork } from "./otaa.js"
import { abpSession, MacPersistence, SessionKeys } from "./persistence.js"
import { OtaaProvisioning, readProvisioning } from "./provisioning.js"
import { rateOf, Region } from "./region.js"
import { Sent, Transceiver } from "./transceiver.js"
import { MacOptions, MacStats, SendOutcome } from "./mac-options.js"

export type { MacOptions, MacStats, SendOutcome }

interface Session {
    keys: SessionKeys
    crypto: SessionCrypto
    up: UplinkCounter
    /** Last accepted FCntDown, -1 for none. */
    lastDown: number
}

interface DownlinkResult {
    app: LinkDownlink | null
    ack: boolean
    framePending: boolean
}

export class LoRaWanMac implements LinkLayer {
    private o: MacOptions
    private region: Region
    private pause: Pause
    private persist: MacPersistence
    private trx: Transceiver
    private session: Session | null
    private defaults: MacParams
    private params: MacParams
    /** MAC answers and requests for the next uplink, sent once. */
    private answers: number[]
    /** Answers repeated in every uplink until a downlink arrives (1.0.4 §5.4, §5.7, §5.11). */
    private sticky: number[]
    /** The last downlink was confirmed: ACK it in the next uplink. */
    private ackPending: boolean
    private adrAckCnt: number
    private error: MacError | null
    private s: MacStats

    constructor(o: MacOptions) {
        this.o = o
        this.region = o.region
        this.pause = o.pause
            ? o.pause
            : async () => {
                  await o.clock.sleep(0)
              }
        // DeviceScript: arrow functions in methods cannot use `this`; they close over `self`.
        const self = this
        this.persist = new MacPersistence(o.store)
        this.trx = new Transceiver(
            o.region,
            o.radio,
            o.clock,
            o.random ? o.random : Math.random,
            o.timing ? o.timing : { rxErrorMs: 20, wakeUpMs: 2 },
            o.antennaGainDbi !== undefined ? o.antennaGainDbi : 2.15,
            (line) => self.log(line),
        )
        this.session = null
        this.defaults = this.freshParams()
        this.params = this.freshParams()
        this.answers = []
        this.sticky = []
        this.ackPending = false
        this.adrAckCnt = 0
        this.error = null
        this.s = {
            uplinksSent: 0,
            downlinksReceived: 0,
            lastRssiDbm: 0,
            lastSnrDb: 0,
            transmissions: 0,
            joins: 0,
            downlinksDropped: 0,
            fCntUp: 0,
            lastLinkCheck: null,
        }
    }

    // ---- LinkLayer ----------------------------------------------------------------------------

    ready(): boolean {
        return this.session !== null
    }

    async start(): Promise<boolean> {
        const r = await this.open()
        if (r.ok === false) {
            this.fail(r.error)
            return false
        }
        return true
    }

    maxPayload(): number {
        return Math.max(0, rateOf(this.region, this.params.dr).maxPayload - this.nextFOpts().length)
    }

    airtimeMs(bytes: number): number {
        const rate = rateOf(this.region, this.params.dr)
        return uplinkAirtimeMs(13 + this.nextFOpts().length + bytes, rate.sf, rate.bandwidthHz)
    }

    /** LinkLayer's send: a failure rejects (lastError() keeps its code), so the app keeps the samples. */
    async send(up: LinkUplink): Promise<LinkDownlink | null> {
        const r = await this.sendFrame(up)
        if (r.ok === false) {
            this.fail(r.error)
            throw new Error(r.error.code + ": " + r.error.message)
        }
        return r.value.downlink
    }

    stats(): MacStats {
        this.s.fCntUp = this.session === null ? 0 : this.session.up.next
        this.s.downlinksDropped = this.trx.dropped
        return this.s
    }

    // ---- Beyond LinkLayer ---------------------------------------------------------------------

    /** The last failure of start() or send(), or null. */
    lastError(): MacError | null {
        return this.error
    }

    /** Current MAC parameters (data rate, RX settings, channels): for logs and tests. */
    currentParams(): MacParams {
        return this.params
    }

    /** Asks the network for link quality in the next uplink; the answer lands in stats().lastLinkCheck. */
    requestLinkCheck(): void {
        this.answers.push(Cid.LinkCheck)
    }

    /** Earliest clock time the next uplink could start (duty cycle), for the scheduler. */
    nextTransmitAt(): number {
        return this.trx.nextTransmitAt(this.params, this.params.dr)
    }

    /** LinkLayer: ms before the next uplink could start (0 when it could start now). */
    transmitDelayMs(): number {
        const d = this.nextTransmitAt() - this.o.clock.now()
        return d > 0 ? d : 0
    }

    /**
     * Before deep sleep (standby resets the ESP32): persists the exact next FCntUp so that the rest
     * of the reserved block is not skipped after wake-up.
     */
    async suspend(): Promise<boolean> {
        const session = this.session
        if (session === null) return true
        return await this.persist.saveExactUplinkCounter(session.up, session.keys.id)
    }

    /** Sends one application frame: send() with the typed outcome or error. */
    async sendFrame(up: LinkUplink): Promise<MacResult<SendOutcome>> {
        const opened = await this.open()
        if (opened.ok === false) return opened
        const session = opened.value
        const devAddr = session.keys.devAddr
        if (up.fPort < 1 || up.fPort > 223 || Math.floor(up.fPort) !== up.fPort)
            return macError("invalid_port", "FPort " + up.fPort + " (application ports are 1..223)")

        // FOpts: sticky answers first (they must get through), then the one-shot ones.
        const fOpts = takeCommands(concat(this.sticky, this.answers), MAX_FOPTS).taken
        const room = rateOf(this.region, this.params.dr).maxPayload - fOpts.length
        if (up.payload.length > room)
            return macError("payload_too_large", up.payload.length + " bytes at DR" + this.params.dr + " (room for " + room + ")")

        const fCnt = await this.persist.takeUplinkCounter(session.up, session.keys.id)
        if (fCnt.ok === false) return fCnt

        const adr = this.o.adr !== false
        // Two crypto stages with a pause between: each stays within the VM's step budget.
        const frame = await buildUplinkPaced(
            session.crypto,
            {
                confirmed: up.confirmed,
                devAddr: devAddr,
                fCnt: fCnt.value,
                adr: adr,
                adrAckReq: adr && this.adrAckCnt >= ADR_ACK_LIMIT,
                ack: this.ackPending,
                fOpts: fOpts,
                fPort: up.fPort,
                payload: up.payload,
            },
            this.pause,
        )
        // One-shot answers are done once in a frame; sticky ones stay until a downlink arrives.
        this.answers = takeCommands(this.answers, Math.max(0, fOpts.length - this.sticky.length)).rest
        this.ackPending = false

        const outcome: SendOutcome = { fCnt: fCnt.value, transmissions: 0, acked: false, downlink: null, framePending: false }
        const attempts = up.confirmed ? (this.o.confirmedAttempts ? this.o.confirmedAttempts : 3) : this.params.nbTrans
        const dr = this.params.dr
        let heard = false
        for (let k = 0; k < attempts; k++) {
            // RETRANSMIT_TIMEOUT: a confirmed retry waits 1..3 s after RX2 (RP002-1.0.4).
            if (k > 0 && up.confirmed) await this.o.clock.sleep(1000 + Math.floor(this.random() * 2000))
            const sent = await this.trx.transmit(frame, this.params, dr, true)
            if (sent.ok === false) return sent
            outcome.transmissions++
            this.s.transmissions++
            const dl = await this.listen(session, sent.value, dr)
            if (dl === null) continue
            heard = true
            if (dl.app !== null) outcome.downlink = dl.app
            outcome.framePending = outcome.framePending || dl.framePending
            outcome.acked = outcome.acked || dl.ack
            // A downlink ends the repetitions of an unconfirmed uplink, and of a confirmed one once acked.
            if (!up.confirmed || dl.ack) break
        }
        this.s.uplinksSent++
        this.adrAfterUplink(heard)
        return macOk(outcome)
    }

    // ---- Session --------------------------------------------------------------------------------

    private random(): number {
        return this.o.random ? this.o.random() : Math.random()
    }

    private freshParams(): MacParams {
        return defaultParams(this.region, { enabledChannels: this.o.enabledChannels, dr: this.o.dataRate, rx2Dr: this.o.rx2Dr })
    }

    private fail(e: MacError): void {
        this.error = e
        this.log(e.code + ": " + e.message)
    }

    private log(line: string): void {
        if (this.o.log) this.o.log("lorawan: " + line)
    }

    /** Loads provisioning and persisted state (once); joins when OTAA has no saved session. */
    private async open(): Promise<MacResult<Session>> {
        if (this.session !== null) return macOk(this.session)
        const prov = await readProvisioning(this.o.store)
        if (prov.ok === false) return prov
        let keys: SessionKeys | null
        if (prov.value.kind === "abp") keys = abpSession(prov.value)
        else {
            keys = await this.persist.loadOtaaSession()
            if (keys === null) return await this.join(prov.value)
        }
        const restored = await this.persist.loadParams(this.region, this.defaults)
        if (restored !== null) this.params = restored
        const session = await this.startSession(keys, await this.persist.loadLastDownlinkCounter(keys.id))
        this.log("session " + keys.id + ", FCntUp " + session.up.next)
        return macOk(session)
    }

    private async startSession(keys: SessionKeys, lastDown: number): Promise<Session> {
        const session: Session = {
            keys: keys,
            crypto: sessionCrypto(keys.nwkSKey, keys.appSKey),
            up: await this.persist.loadUplinkCounter(keys.id, this.o.fcntReserveBlock ? this.o.fcntReserveBlock : 16),
            lastDown: lastDown,
        }
        this.session = session
        return session
    }

    private async join(otaa: OtaaProvisioning): Promise<MacResult<Session>> {
        this.params = this.freshParams()
        const self = this
        const r = await joinNetwork(
            {
                region: this.region,
                params: this.params,
                persistence: this.persist,
                transceiver: this.trx,
                pause: this.pause,
                log: (line) => self.log(line),
            },
            otaa,
            this.params.dr,
            this.o.joinAttempts ? this.o.joinAttempts : 5,
        )
        if (r.ok === false) return r
        // The Join-accept's settings replace the defaults (1.0.4 §6.2.3).
        applyJoinAccept(this.region, this.params, r.value.accept)
        await this.saveParams()
        this.answers = []
        this.sticky = []
        this.adrAckCnt = 0
        const session = await this.startSession(r.value.keys, -1)
        this.s.joins++
        this.log("joined, session " + r.value.keys.id)
        return macOk(session)
    }

    private async saveParams(): Promise<void> {
        if (!(await this.persist.saveParams(this.region, this.params))) this.log("could not save MAC params")
    }

    // ---- Downlinks ------------------------------------------------------------------------------

    /** RX1 and RX2 after a data uplink; the accepted downlink or null. */
    private async listen(session: Session, sent: Sent, dr: number): Promise<DownlinkResult | null> {
        const self = this
        return await this.trx.receiveWindows(this.params, sent, dr, false, async (f) => await self.acceptDownlink(session, f))
    }

    /** Applies an authentic, new downlink: counter, sticky answers, ACK, MAC commands, payload. */
    private async acceptDownlink(session: Session, f: RxFrame): Promise<DownlinkResult | null> {
        const r = await openDownlink(session.crypto, session.keys.devAddr, session.lastDown, f.bytes, this.pause)
        if (r.ok === false) {
            this.log("downlink dropped: " + r.error.code + ": " + r.error.message)
            return null
        }
        const d = r.value
        session.lastDown = d.fCnt
        if (!(await this.persist.saveLastDownlinkCounter(session.keys.id, d.fCnt))) this.log("could not persist FCntDown")
        this.s.downlinksReceived++
        this.s.lastRssiDbm = f.rssiDbm
        this.s.lastSnrDb = f.snrDb
        this.adrAckCnt = 0
        this.sticky = []
        this.ackPending = d.confirmed
        if (d.commands.length > 0) {
            const out = handleMacCommands(d.commands, this.params, {
                region: this.region,
                adrEnabled: this.o.adr !== false,
                snrDb: f.snrDb,
                battery: this.o.battery ? this.o.battery() : 255,
            })
            this.answers = concat(this.answers, out.answers)
            this.sticky = out.stickyAnswers
            if (out.linkCheck !== null) this.s.lastLinkCheck = out.linkCheck
            if (out.paramsChanged) await this.saveParams()
            this.log("MAC commands " + toHex(out.handled) + ", answers " + toHex(out.answers) + " sticky " + toHex(out.stickyAnswers))
        }
        const app = d.fPort !== null && d.fPort > 0 && d.fPort <= 223 ? { fPort: d.fPort, payload: d.payload, rssiDbm: f.rssiDbm, snrDb: f.snrDb } : null
        return { app: app, ack: d.ack, framePending: d.framePending }
    }

    /** Counts uplinks without downlink; backs off by ADR_ACK_DELAY steps (adr-backoff.ts). */
    private adrAfterUplink(heard: boolean): void {
        if (this.o.adr === false || heard) return
        this.adrAckCnt++
        if (adrBackoff(this.region, this.params, this.adrAckCnt)) this.log("ADR back-off: DR" + this.params.dr + ", TXPower index " + this.params.txPowerIndex)
    }

    /** FOpts the next uplink would carry (for maxPayload and airtime). */
    private nextFOpts(): number[] {
        return takeCommands(concat(this.sticky, this.answers), MAX_FOPTS).taken
    }
}
