// What the buoy keeps in flash besides its configuration and queue: the clock checkpoint, the
// schedule, the counters of the status uplink, and the acknowledgements still to send. Deep sleep
// resets the chip, so everything the next wake needs is here (docs/firmware.md "Power").
import { ACK_RESULTS, CommandResult, COMMAND_NAMES, RESET_CAUSES } from "@reeflink/codecs"
import { RecordReader, RecordWriter } from "./record.js"

/** How the previous run ended, written before it ended (or "awake" if it did not end cleanly). */
export const PHASE_AWAKE = 0
export const PHASE_ASLEEP = 1
export const PHASE_REBOOT_COMMANDED = 2
export const PHASE_REBOOT_WATCHDOG = 3

export interface BuoyState {
    phase: number
    /** Monotonic clock at the last checkpoint; when asleep, the planned wake time. */
    clockMs: number
    /** The platform counter (Runtime.counterMs) at that same instant, projected when asleep (clock.ts). */
    counterMs: number
    /** Monotonic time of the last cold boot (uptime counts from here). */
    bootedAtMs: number
    nextSampleAtMs: number
    /** Time of the last status uplink; -1: none since boot (one is due). */
    lastStatusAtMs: number
    statusRequested: boolean
    rebootAfterAck: boolean
    droppedSamples: number
    uplinksSent: number
    downlinksReceived: number
    lastRssiDbm: number
    lastSnrDb: number
    /** Sensor faults seen since the last status uplink (bit numbers of SENSOR_FAULT_NAMES). */
    faultBits: number
    /** Last battery reading, mV; 0 = none yet. */
    batteryMv: number
    /** The duty cycle allows the next uplink from this time. */
    dutyReadyAtMs: number
    /** Consecutive failed sends (the radio watchdog reboots after a few). */
    sendFailures: number
    /** Why the buoy last booted (a RESET_CAUSES name); kept across deep-sleep wakes. */
    bootCause: string
}

export function freshState(nowMs: number): BuoyState {
    return {
        phase: PHASE_AWAKE,
        clockMs: nowMs,
        counterMs: 0,
        bootedAtMs: nowMs,
        nextSampleAtMs: nowMs,
        lastStatusAtMs: -1,
        statusRequested: false,
        rebootAfterAck: false,
        droppedSamples: 0,
        uplinksSent: 0,
        downlinksReceived: 0,
        lastRssiDbm: 0,
        lastSnrDb: 0,
        faultBits: 0,
        batteryMv: 0,
        dutyReadyAtMs: 0,
        sendFailures: 0,
        bootCause: "power_on",
    }
}

/** Version 2 added counterMs at the end; a version 1 record (older firmware) reads with counterMs 0. */
const STATE_VERSION = 2
const FLAG_STATUS_REQUESTED = 1
const FLAG_REBOOT_AFTER_ACK = 2
const FLAG_STATUS_EVER_SENT = 4

function snrQuarters(db: number): number {
    const q = Math.floor(db * 4 + 0.5)
    return q < -128 ? -128 : q > 127 ? 127 : q
}

export function encodeState(s: BuoyState): number[] {
    let flags = 0
    if (s.statusRequested) flags |= FLAG_STATUS_REQUESTED
    if (s.rebootAfterAck) flags |= FLAG_REBOOT_AFTER_ACK
    if (s.lastStatusAtMs >= 0) flags |= FLAG_STATUS_EVER_SENT
    const w = new RecordWriter().u8(STATE_VERSION).u8(s.phase).u8(flags)
    w.u48(s.clockMs).u48(s.bootedAtMs).u48(s.nextSampleAtMs).u48(s.lastStatusAtMs >= 0 ? s.lastStatusAtMs : 0)
    w.u32(s.droppedSamples).u32(s.uplinksSent).u16(s.downlinksReceived).i16(s.lastRssiDbm < -32768 ? -32768 : s.lastRssiDbm > 32767 ? 32767 : s.lastRssiDbm).i8(snrQuarters(s.lastSnrDb))
    w.u8(s.faultBits).u16(s.batteryMv).u48(s.dutyReadyAtMs).u8(s.sendFailures).u8(indexOf(RESET_CAUSES, s.bootCause))
    w.u48(s.counterMs > 0 ? s.counterMs : 0)
    return w.bytes
}

export function decodeState(bytes: number[] | null): BuoyState | null {
    if (bytes === null) return null
    const r = new RecordReader(bytes)
    const version = r.u8()
    if (version !== STATE_VERSION && version !== 1) return null
    const phase = r.u8()
    const flags = r.u8()
    const s: BuoyState = {
        phase: phase,
        clockMs: r.u48(),
        counterMs: 0,
        bootedAtMs: r.u48(),
        nextSampleAtMs: r.u48(),
        lastStatusAtMs: r.u48(),
        statusRequested: (flags & FLAG_STATUS_REQUESTED) !== 0,
        rebootAfterAck: (flags & FLAG_REBOOT_AFTER_ACK) !== 0,
        droppedSamples: r.u32(),
        uplinksSent: r.u32(),
        downlinksReceived: r.u16(),
        lastRssiDbm: r.i16(),
        lastSnrDb: r.i8() / 4,
        faultBits: r.u8(),
        batteryMv: r.u16(),
        dutyReadyAtMs: r.u48(),
        sendFailures: r.u8(),
        bootCause: "unknown",
    }
    const cause = r.u8()
    s.bootCause = cause < RESET_CAUSES.length ? RESET_CAUSES[cause] : "unknown"
    if (version === STATE_VERSION) s.counterMs = r.u48()
    if ((flags & FLAG_STATUS_EVER_SENT) === 0) s.lastStatusAtMs = -1
    if (r.overrun || r.remaining() !== 0 || phase > PHASE_REBOOT_WATCHDOG) return null
    return s
}

export interface BootKind {
    /** RESET_CAUSES name for the status uplink. */
    resetCause: string
    /** A boot (anything but a deep-sleep wake): counters restart and a status uplink is due. */
    cold: boolean
}

/**
 * Why this run started, from how the previous one said it would end. DeviceScript does not expose
 * the ESP32 reset reason, so a power loss during deep sleep is indistinguishable from a wake, and a
 * crash, brownout or hardware watchdog reset while awake all read as "unknown".
 */
export function classifyBoot(saved: BuoyState | null): BootKind {
    if (saved === null) return { resetCause: "power_on", cold: true }
    if (saved.phase === PHASE_ASLEEP) return { resetCause: "deep_sleep_wake", cold: false }
    if (saved.phase === PHASE_REBOOT_COMMANDED) return { resetCause: "software", cold: true }
    if (saved.phase === PHASE_REBOOT_WATCHDOG) return { resetCause: "watchdog", cold: true }
    return { resetCause: "unknown", cold: true }
}

/** An acknowledgement to send (fPort 3). */
export interface PendingAck {
    seq: number
    results: CommandResult[]
}

/** Acknowledgements waiting to be sent, and the last one sent (to answer a repeated downlink). */
export interface AckBook {
    pending: PendingAck[]
    last: PendingAck | null
}

/** A 51-byte frame (EU868 DR0–2) holds an acknowledgement of 24 commands. */
export const MAX_ACK_RESULTS = 24
/** Downlinks arriving faster than acknowledgements can leave: the oldest pending one is dropped. */
export const MAX_PENDING_ACKS = 2
const ACKS_VERSION = 1

function indexOf(names: string[], name: string): number {
    for (let i = 0; i < names.length; i++) if (names[i] === name) return i
    return 0
}

function writeAck(w: RecordWriter, a: PendingAck): void {
    w.u8(a.seq).u8(a.results.length)
    for (let i = 0; i < a.results.length; i++) w.u8(indexOf(COMMAND_NAMES, a.results[i].command)).u8(indexOf(ACK_RESULTS, a.results[i].result))
}

function readAck(r: RecordReader): PendingAck | null {
    const seq = r.u8()
    const n = r.u8()
    const results: CommandResult[] = []
    for (let i = 0; i < n; i++) {
        const op = r.u8()
        const res = r.u8()
        if (op === 0 || op >= COMMAND_NAMES.length || res >= ACK_RESULTS.length) return null
        results.push({ command: COMMAND_NAMES[op], result: ACK_RESULTS[res] })
    }
    return r.overrun ? null : { seq: seq, results: results }
}

export function encodeAcks(book: AckBook): number[] {
    const w = new RecordWriter().u8(ACKS_VERSION).u8(book.pending.length)
    for (let i = 0; i < book.pending.length; i++) writeAck(w, book.pending[i])
    w.u8(book.last === null ? 0 : 1)
    if (book.last !== null) writeAck(w, book.last)
    return w.bytes
}

export function decodeAcks(bytes: number[] | null): AckBook {
    const book: AckBook = { pending: [], last: null }
    if (bytes === null) return book
    const r = new RecordReader(bytes)
    if (r.u8() !== ACKS_VERSION) return book
    const n = r.u8()
    for (let i = 0; i < n && i < MAX_PENDING_ACKS; i++) {
        const a = readAck(r)
        if (a === null) return { pending: [], last: null }
        book.pending.push(a)
    }
    if (r.u8() === 1) book.last = readAck(r)
    return book
}
