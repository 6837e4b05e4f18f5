// Everything the MAC persists, in one place, with the order of writes that keeps counters safe
// across resets (see counters.ts and docs/lorawan-mac.md "What survives a reset"). Values are
// small JSON objects; 32-bit numbers are stored as hex text because DeviceScript's JSON keeps only
// ~7 significant digits of a number.
import { fromHex, toHex, devAddrHex } from "./bytes.js"
import { counterFromText, counterToText, UplinkCounter } from "./counters.js"
import { macError, macOk, MacResult } from "./errors.js"
import { MacParams, paramsFromJson, paramsToJson } from "./mac-params.js"
import { AbpProvisioning } from "./provisioning.js"
import { Region } from "./region.js"
import {
    KEY_DEVNONCE,
    KEY_FCNT_DOWN,
    KEY_FCNT_UP,
    KEY_JOINNONCE,
    KEY_PARAMS,
    KEY_SESSION,
    KeyValueStore,
} from "./store.js"

/** Session keys in plain form, with an id naming the session the counters belong to. */
export interface SessionKeys {
    devAddr: number
    nwkSKey: number[]
    appSKey: number[]
    /** "abp:<devaddr>" or "otaa:<devaddr>:<devnonce>": counters stored for another id do not apply. */
    id: string
}

export function abpSession(p: AbpProvisioning): SessionKeys {
    return { devAddr: p.devAddr, nwkSKey: p.nwkSKey, appSKey: p.appSKey, id: "abp:" + devAddrHex(p.devAddr) }
}

function devAddrFromHex(s: string): number {
    const a = fromHex(s)
    if (a === null || a.length !== 4) return -1
    return a[0] * 16777216 + ((a[1] << 16) | (a[2] << 8) | a[3])
}

export class MacPersistence {
    private store: KeyValueStore

    constructor(store: KeyValueStore) {
        this.store = store
    }

    /** The OTAA session saved by the last join, or null. */
    async loadOtaaSession(): Promise<SessionKeys | null> {
        const j = await this.store.read(KEY_SESSION)
        if (j === undefined || j === null || typeof j !== "object") return null
        if (typeof j.a !== "string" || typeof j.n !== "string" || typeof j.s !== "string" || typeof j.id !== "string") return null
        const devAddr = devAddrFromHex(j.a)
        const n = fromHex(j.n)
        const s = fromHex(j.s)
        if (devAddr < 0 || n === null || n.length !== 16 || s === null || s.length !== 16) return null
        return { devAddr: devAddr, nwkSKey: n, appSKey: s, id: j.id }
    }

    /**
     * Saved before the counters of the new session are reset: a reset in between leaves counters
     * tagged with the old id, which the new session ignores (starting from 0, never used with its keys).
     */
    async saveOtaaSession(k: SessionKeys): Promise<boolean> {
        return await this.store.write(KEY_SESSION, { a: devAddrHex(k.devAddr), n: toHex(k.nwkSKey), s: toHex(k.appSKey), id: k.id })
    }

    async loadParams(region: Region, defaults: MacParams): Promise<MacParams | null> {
        return paramsFromJson(region, await this.store.read(KEY_PARAMS), defaults)
    }

    async saveParams(region: Region, p: MacParams): Promise<boolean> {
        return await this.store.write(KEY_PARAMS, paramsToJson(region, p))
    }

    /** FCntUp of session `id`: starts from the persisted bound (0 for a session never used). */
    async loadUplinkCounter(id: string, block: number): Promise<UplinkCounter> {
        const j = await this.store.read(KEY_FCNT_UP)
        let next = 0
        if (j !== undefined && j !== null && j.s === id) {
            const n = counterFromText(j.n)
            if (n >= 0) next = n
        }
        return new UplinkCounter(next, block)
    }

    /** Write-ahead: persists the reservation `next` needs (if any), then hands `next` out. */
    async takeUplinkCounter(c: UplinkCounter, id: string): Promise<MacResult<number>> {
        if (c.exhausted()) return macError("counter_exhausted", "FCntUp reached 2^32-1: renew the session")
        const bound = c.reservationNeeded()
        if (bound >= 0) {
            if (!(await this.store.write(KEY_FCNT_UP, { s: id, n: counterToText(bound) })))
                return macError("storage_error", "could not persist the FCntUp reservation")
            c.reserved(bound)
        }
        return macOk(c.take())
    }

    /** Stores the exact next counter (orderly shutdown): nothing reserved is then wasted. */
    async saveExactUplinkCounter(c: UplinkCounter, id: string): Promise<boolean> {
        const ok = await this.store.write(KEY_FCNT_UP, { s: id, n: counterToText(c.next) })
        if (ok) c.reserved(c.next)
        return ok
    }

    /** Last accepted FCntDown of session `id`, -1 for none. */
    async loadLastDownlinkCounter(id: string): Promise<number> {
        const j = await this.store.read(KEY_FCNT_DOWN)
        if (j === undefined || j === null || j.s !== id) return -1
        const n = counterFromText(j.n)
        return n >= 0 ? n - 1 : -1
    }

    async saveLastDownlinkCounter(id: string, fCnt: number): Promise<boolean> {
        return await this.store.write(KEY_FCNT_DOWN, { s: id, n: counterToText(fCnt + 1) })
    }

    /** The DevNonce to use now; the next one is stored first, so a reset never reuses it (1.0.4 §6.2.5). */
    async takeDevNonce(): Promise<MacResult<number>> {
        const stored = counterFromText(await this.store.read(KEY_DEVNONCE))
        const nonce = stored < 0 ? 0 : stored
        if (nonce > 65535) return macError("join_failed", "all 65536 DevNonce values are used: provision a new DevEUI or AppKey")
        if (!(await this.store.write(KEY_DEVNONCE, counterToText(nonce + 1)))) return macError("storage_error", "could not persist DevNonce")
        return macOk(nonce)
    }

    /** Last accepted JoinNonce, -1 for none. */
    async lastJoinNonce(): Promise<number> {
        return counterFromText(await this.store.read(KEY_JOINNONCE))
    }

    async saveJoinNonce(n: number): Promise<boolean> {
        return await this.store.write(KEY_JOINNONCE, counterToText(n))
    }
}
