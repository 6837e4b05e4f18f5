// Opening a data downlink (LoRaWAN 1.0.4 §4.3, §4.4): structure, address, counter, MIC, then
// decryption. Nothing here changes state: the MAC moves the counter and applies MAC commands only
// once this says the frame is authentic and new.
import { Pause } from "../crypto/pace.js"
import { Bytes, devAddrHex } from "./bytes.js"
import { downlinkCounterCandidate, downlinkDuplicate, FCNT_MAX } from "./counters.js"
import { macError, macOk, MacResult } from "./errors.js"
import { cryptFrmPayload, DIR_DOWN, FCTRL_ACK, FCTRL_FPENDING, MType, parseDataFrame, SessionCrypto, verifyDataFrameMic } from "./frame.js"

export interface OpenedDownlink {
    fCnt: number
    confirmed: boolean
    ack: boolean
    framePending: boolean
    /** MAC commands: FOpts, or the decrypted FRMPayload of an FPort 0 frame. */
    commands: number[]
    /** FPort 1..223 (null when absent, 0 for MAC-only, 224 test port). */
    fPort: number | null
    /** Decrypted FRMPayload of an application frame (FPort > 0). */
    payload: number[]
}

export async function openDownlink(keys: SessionCrypto, devAddr: number, lastDown: number, phy: Bytes, pause: Pause): Promise<MacResult<OpenedDownlink>> {
    const parsed = parseDataFrame(phy)
    if (parsed.ok === false) return parsed
    const d = parsed.value
    if (d.mType !== MType.UnconfirmedDown && d.mType !== MType.ConfirmedDown)
        return macError("unexpected_frame_type", "MType " + d.mType + " is not a downlink")
    if (d.devAddr !== devAddr) return macError("wrong_address", "DevAddr " + devAddrHex(d.devAddr))
    const fCnt = downlinkCounterCandidate(lastDown, d.fCnt16)
    if (fCnt > FCNT_MAX) return macError("counter_replay", "FCntDown would pass 2^32")
    await pause()
    if (!verifyDataFrameMic(keys.nwkSKeyCmac, phy, DIR_DOWN, devAddr, fCnt)) {
        // A retransmission of the last accepted frame authenticates with the old counter.
        const dup = downlinkDuplicate(lastDown, d.fCnt16)
        if (dup >= 0 && verifyDataFrameMic(keys.nwkSKeyCmac, phy, DIR_DOWN, devAddr, dup))
            return macError("counter_replay", "FCntDown " + dup + " already received")
        return macError("mic_mismatch", "downlink with FCnt16 " + d.fCnt16)
    }
    if (d.fPort === 0 && d.fOpts.length > 0) return macError("malformed_frame", "FPort 0 frame with FOpts (§4.3.1.6)")
    await pause()
    let commands = d.fOpts
    let payload: number[] = []
    if (d.fPort !== null) {
        const key = d.fPort === 0 ? keys.nwkSKeyAes : keys.appSKeyAes
        const plain = cryptFrmPayload(key, DIR_DOWN, devAddr, fCnt, d.encryptedPayload)
        if (d.fPort === 0) commands = plain
        else payload = plain
    }
    return macOk({
        fCnt: fCnt,
        confirmed: d.mType === MType.ConfirmedDown,
        ack: (d.fCtrl & FCTRL_ACK) !== 0,
        framePending: (d.fCtrl & FCTRL_FPENDING) !== 0,
        commands: commands,
        fPort: d.fPort,
        payload: payload,
    })
}
