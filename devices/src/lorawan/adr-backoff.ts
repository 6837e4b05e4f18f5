// ADR back-off (LoRaWAN 1.0.4 §4.3.1.1): a device using ADR cannot tell, without downlinks, that
// the network still hears it. From ADR_ACK_LIMIT uplinks without a downlink it sets ADRACKReq;
// after each further ADR_ACK_DELAY it first raises the power to the maximum, then lowers the data
// rate one step, and at the lowest rate re-enables the default channels.
import { drUsable } from "./mac-commands.js"
import { MacParams, setChannelEnabled } from "./mac-params.js"
import { Region } from "./region.js"

/** RP002-1.0.4: the same in the four regions here. */
export const ADR_ACK_LIMIT = 64
export const ADR_ACK_DELAY = 32

/** Applies one back-off step when `adrAckCnt` calls for it; true when it changed `p`. */
export function adrBackoff(region: Region, p: MacParams, adrAckCnt: number): boolean {
    if (adrAckCnt < ADR_ACK_LIMIT + ADR_ACK_DELAY || (adrAckCnt - ADR_ACK_LIMIT) % ADR_ACK_DELAY !== 0) return false
    if (p.txPowerIndex > 0) p.txPowerIndex = 0
    else if (p.dr > region.minUplinkDr) {
        let dr = p.dr - 1
        while (dr > region.minUplinkDr && (region.dataRates[dr] === null || !drUsable(p, region, dr))) dr--
        p.dr = dr
    } else {
        p.nbTrans = 1
        const def = region.defaultChannels()
        for (let i = 0; i < def.length; i++) if (def[i] !== null) setChannelEnabled(p.mask, i, true)
    }
    return true
}
