// The "stat" object of a PUSH_DATA: the gateway's own status report (Lora-net/sx1302_hal
// packet_forwarder/PROTOCOL.md §4). Its time is "2014-01-12 08:59:28 GMT" in every forwarder.
import { definedOnly, FieldReader, isRecord, parseTimestamp } from '../fields.js'
import { rejected, type Parsed } from '../rejections.js'

export interface GatewayStat {
  /** Gateway system time, ISO 8601 UTC. */
  time?: string
  latitudeDeg?: number
  longitudeDeg?: number
  altitudeM?: number
  /** rxnb: radio packets received. */
  rxReceived?: number
  /** rxok: radio packets received with a valid PHY CRC. */
  rxOk?: number
  /** rxfw: radio packets forwarded. */
  rxForwarded?: number
  /** ackr: percentage of upstream datagrams acknowledged. */
  ackRatePercent?: number
  /** dwnb: downlink datagrams received. */
  downlinksReceived?: number
  /** txnb: packets emitted. */
  txEmitted?: number
  /** temp: concentrator temperature (sx1302 forwarders). */
  temperatureC?: number
}

const STAT_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (GMT|UTC)$/

export function parseStat(stat: unknown, path: string): Parsed<GatewayStat> {
  if (!isRecord(stat)) return rejected('invalid-field', `${path}: expected an object`)
  const r = new FieldReader()
  const count = (name: string) => r.integer(stat, name, path, 0, Number.MAX_SAFE_INTEGER)
  const timeText = r.string(stat, 'time', path)
  const value: GatewayStat = definedOnly({
    time: undefined,
    latitudeDeg: r.number(stat, 'lati', path),
    longitudeDeg: r.number(stat, 'long', path),
    altitudeM: r.number(stat, 'alti', path),
    rxReceived: count('rxnb'),
    rxOk: count('rxok'),
    rxForwarded: count('rxfw'),
    ackRatePercent: r.number(stat, 'ackr', path),
    downlinksReceived: count('dwnb'),
    txEmitted: count('txnb'),
    temperatureC: r.number(stat, 'temp', path),
  })
  if (r.problem) return { ok: false, rejection: r.problem }
  if (timeText !== undefined) {
    const m = STAT_TIME.exec(timeText)
    const t = parseTimestamp(m ? `${m[1]}T${m[2]}Z` : timeText)
    if (t.kind === 'invalid') return rejected('invalid-field', `${path}.time: not a time: ${JSON.stringify(timeText)}`)
    if (t.kind === 'time') value.time = t.iso
  }
  return { ok: true, value }
}
