// The JSON body of one PUSH_DATA → the frames to submit, the gateway status, and one rejection per
// rxpk (or a bad stat) that could not be used. A bad rxpk never costs its neighbours.
import { parseJsonObject, FieldReader } from '../fields.js'
import type { Parsed, Rejection } from '../rejections.js'
import type { PhyUplink } from '../types.js'
import { parseRxpk } from './rxpk.js'
import { parseStat, type GatewayStat } from './stat.js'

export interface PushDataContent {
  uplinks: PhyUplink[]
  /** One per rxpk entry that was turned away, in order: uplinks + rejections = all rxpk entries. */
  rejections: Rejection[]
  stat?: GatewayStat
  /** Why the stat object could not be used; its rxpk are used all the same. */
  statRejection?: Rejection
}

export function parsePushData(json: Buffer, gatewayEui: string, receivedAtMs: number): Parsed<PushDataContent> {
  const root = parseJsonObject(json, 'PUSH_DATA JSON')
  if (!root.ok) return root
  const r = new FieldReader()
  const rxpk = r.array(root.value, 'rxpk', 'PUSH_DATA') ?? []
  if (r.problem) return { ok: false, rejection: r.problem }

  const content: PushDataContent = { uplinks: [], rejections: [] }
  rxpk.forEach((entry, i) => {
    const parsed = parseRxpk(entry, `rxpk[${i}]`, gatewayEui, receivedAtMs)
    if (parsed.ok) content.uplinks.push(parsed.value)
    else content.rejections.push(parsed.rejection)
  })
  if (root.value.stat !== undefined && root.value.stat !== null) {
    const stat = parseStat(root.value.stat, 'stat')
    if (stat.ok) content.stat = stat.value
    else content.statRejection = stat.rejection
  }
  return { ok: true, value: content }
}
