// Full 32-bit FCntUp from the 16 bits on the air. Devices keep a 32-bit counter but send only
// its low half; the server picks the value nearest above the last accepted counter.
//
// With d = (wire - last) mod 2^16:
//   d = 0                       -> the last counter again: replay
//   0 < d <= maxGap             -> last + d (the low half rolls over into the high half here)
//   d > maxGap, behind by < 2^15 -> an older counter (last - (2^16 - d)): replay
//   otherwise                   -> a jump past maxGap: fcnt_gap
// LoRaWAN 1.0 calls maxGap MAX_FCNT_GAP (16384): frames further ahead are discarded.
// ChirpStack's get_full_f_cnt_up (chirpstack/src/uplink/helpers.rs) does the forward half of this.

/** Default MAX_FCNT_GAP of LoRaWAN 1.0 (TS001-1.0.x, "MAC layer parameters"). */
export const MAX_FCNT_GAP = 16384
export const MAX_FCNT = 0xffffffff

export type FCntDecision =
  /** Above the last accepted counter, within the gap: acceptable if the MIC verifies. */
  | { kind: 'next'; fCnt: number }
  /** Not above the last accepted counter. */
  | { kind: 'replay'; fCnt: number }
  /** Further ahead than maxGap. */
  | { kind: 'gap'; fCnt: number }
  /** Ahead, but past 2^32 - 1: the session's counter space is used up. */
  | { kind: 'exhausted'; fCnt: number }

/**
 * Reconstructs the 32-bit counter of a frame. `lastFCntUp` is the last accepted counter, or null
 * when the session has accepted none: the first frame then counts from 0 (upper bits 0), so a
 * session provisioned mid-life must be given its last counter.
 */
export function reconstructFCntUp(wireFCnt: number, lastFCntUp: number | null, maxGap: number = MAX_FCNT_GAP): FCntDecision {
  const wire = wireFCnt & 0xffff
  if (lastFCntUp === null) return { kind: 'next', fCnt: wire }
  const d = (wire - (lastFCntUp & 0xffff) + 0x10000) % 0x10000
  if (d === 0) return { kind: 'replay', fCnt: lastFCntUp }
  if (d <= maxGap) {
    const fCnt = lastFCntUp + d
    return fCnt > MAX_FCNT ? { kind: 'exhausted', fCnt } : { kind: 'next', fCnt }
  }
  const behind = 0x10000 - d
  if (behind < 0x8000 && behind <= lastFCntUp) return { kind: 'replay', fCnt: lastFCntUp - behind }
  const fCnt = lastFCntUp + d
  return fCnt > MAX_FCNT ? { kind: 'exhausted', fCnt } : { kind: 'gap', fCnt }
}
