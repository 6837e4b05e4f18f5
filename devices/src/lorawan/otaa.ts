// The OTAA join procedure (LoRaWAN 1.0.4 §6.2): Join-request with a persisted DevNonce counter,
// Join-accept in JOIN_ACCEPT_DELAY1/2, JoinNonce strictly increasing, session keys derived and
// saved before they are used.
import { Aes128 } from "../crypto/aes128.js"
import { Cmac } from "../crypto/cmac.js"
import { Pause } from "../crypto/pace.js"
import { devAddrHex } from "./bytes.js"
import { macError, macOk, MacResult } from "./errors.js"
import { MType } from "./frame.js"
import { buildJoinRequest, deriveSessionKeys, JoinAccept, openJoinAccept } from "./join.js"
import { MacParams } from "./mac-params.js"
import { MacPersistence, SessionKeys } from "./persistence.js"
import { OtaaProvisioning } from "./provisioning.js"
import { Region } from "./region.js"
import { Transceiver } from "./transceiver.js"

export interface Joined {
    keys: SessionKeys
    accept: JoinAccept
}

export interface JoinContext {
    region: Region
    /** Pre-join parameters: default channels, RX2 and data rate. */
    params: MacParams
    persistence: MacPersistence
    transceiver: Transceiver
    pause: Pause
    log: (line: string) => void
}

/** Checks, records and turns a received Join-accept into session keys. */
async function acceptJoin(ctx: JoinContext, appKeyAes: Aes128, appKeyCmac: Cmac, phy: number[], devNonce: number): Promise<MacResult<Joined>> {
    const opened = openJoinAccept(appKeyAes, appKeyCmac, phy)
    if (opened.ok === false) return opened
    const ja = opened.value
    const last = await ctx.persistence.lastJoinNonce()
    if (last >= 0 && ja.joinNonce <= last) return macError("join_nonce_replay", "JoinNonce " + ja.joinNonce + " is not above " + last)
    if (!(await ctx.persistence.saveJoinNonce(ja.joinNonce))) return macError("storage_error", "could not persist JoinNonce")
    await ctx.pause()
    const k = deriveSessionKeys(appKeyAes, ja.joinNonce, ja.netId, devNonce)
    const keys: SessionKeys = { devAddr: ja.devAddr, nwkSKey: k.nwkSKey, appSKey: k.appSKey, id: "otaa:" + devAddrHex(ja.devAddr) + ":" + devNonce }
    if (!(await ctx.persistence.saveOtaaSession(keys))) return macError("storage_error", "could not persist the session")
    return macOk({ keys: keys, accept: ja })
}

/** One Join-request and its two receive windows; null when no valid Join-accept came. */
async function joinAttempt(ctx: JoinContext, p: OtaaProvisioning, appKeyAes: Aes128, appKeyCmac: Cmac, dr: number): Promise<MacResult<Joined> | null> {
    const nonce = await ctx.persistence.takeDevNonce()
    if (nonce.ok === false) return nonce
    const devNonce = nonce.value
    await ctx.pause()
    const request = buildJoinRequest(appKeyCmac, p.joinEui, p.devEui, devNonce)
    const sent = await ctx.transceiver.transmit(request, ctx.params, dr, false)
    if (sent.ok === false) return sent
    ctx.log("join-request DevNonce " + devNonce + " DR" + dr)
    return await ctx.transceiver.receiveWindows(ctx.params, sent.value, dr, true, async (f) => {
        if (f.bytes.length === 0 || f.bytes[0] >> 5 !== MType.JoinAccept) return null
        await ctx.pause()
        const r = await acceptJoin(ctx, appKeyAes, appKeyCmac, f.bytes, devNonce)
        if (r.ok === true) return r
        ctx.log("join-accept dropped: " + r.error.code + ": " + r.error.message)
        return null
    })
}

/**
 * Up to `attempts` Join-requests, stepping the data rate down by one each time (a far gateway
 * eventually hears the slower, longer-range rates); the duty cycle spaces them out.
 */
export async function joinNetwork(ctx: JoinContext, p: OtaaProvisioning, startDr: number, attempts: number): Promise<MacResult<Joined>> {
    const appKeyAes = new Aes128(p.appKey)
    const appKeyCmac = new Cmac(p.appKey)
    for (let k = 0; k < attempts; k++) {
        const r = await joinAttempt(ctx, p, appKeyAes, appKeyCmac, Math.max(ctx.region.minUplinkDr, startDr - k))
        if (r !== null) return r
    }
    return macError("join_failed", "no valid Join-accept after " + attempts + " Join-requests")
}
