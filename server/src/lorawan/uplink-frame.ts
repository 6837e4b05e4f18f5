// The lookup step of the data path: check a PHYPayload's structure and read its fields, so the
// pipeline can find the device session by DevAddr (or log a join request) before any crypto.

import { readDataUp, readJoinRequest, type DataUpFrame, type JoinRequestFrame } from './frame-fields.js'
import { checkFrameStructure } from './frame-structure.js'
import { ok, type LorawanResult } from './result.js'

export type UplinkFrame = DataUpFrame | JoinRequestFrame

/** Structure check + field read of an uplink PHYPayload. Never throws. */
export function readUplinkFrame(phy: Buffer): LorawanResult<UplinkFrame> {
  const checked = checkFrameStructure(phy)
  if (!checked.ok) return checked
  const layout = checked.value
  return ok(layout.kind === 'data-up' ? readDataUp(phy, layout) : readJoinRequest(phy, layout))
}
