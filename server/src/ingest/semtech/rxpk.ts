// One rxpk object of a PUSH_DATA → PhyUplink. Field table: Lora-net/sx1302_hal
// packet_forwarder/PROTOCOL.md §4 (time, tmms, tmst, freq, chan, rfch, stat, modu, datr, codr,
// rssi, lsnr, size, data). Frames with a failed CRC (stat -1) or none (stat 0) are dropped:
// a LoRaWAN uplink always carries a CRC, and ChirpStack's bridge drops them the same way.
import { definedOnly, FieldReader, isRecord } from '../fields.js'
import { utcMsFromGpsMs } from '../gpsTime.js'
import { rejected, type Parsed } from '../rejections.js'
import type { GatewayReception, PhyUplink } from '../types.js'

/** LoRa and FSK radio frames carry at most 255 bytes. */
export const MAX_PHY_PAYLOAD_BYTES = 255

// 2^42 ms of GPS time reach the year 2119: anything larger is not a time (and no Date holds it).
const MAX_TMMS = 2 ** 42

const LORA_DATR = /^SF([5-9]|1[0-2])BW\d{2,4}$/
const CODING_RATE = /^(\d\/\d(LI)?|OFF)$/
const MODULATIONS = ['LORA', 'FSK', 'LR-FHSS']

export function parseRxpk(rxpk: unknown, path: string, gatewayEui: string, receivedAtMs: number): Parsed<PhyUplink> {
  if (!isRecord(rxpk)) return rejected('invalid-field', `${path}: expected an object`)
  const r = new FieldReader()

  // CRC first: a corrupted frame is dropped for that reason whatever else is wrong with it.
  const stat = r.integer(rxpk, 'stat', path, -1, 1)
  if (r.problem) return { ok: false, rejection: r.problem }
  if (stat === undefined) return rejected('missing-field', `${path}.stat is missing`)
  if (stat === -1) return rejected('crc-failed', `${path}.stat is -1 (CRC failed)`)
  if (stat === 0) return rejected('no-crc', `${path}.stat is 0 (no CRC)`)

  const data = r.base64(rxpk, 'data', path)
  if (!r.has(rxpk, 'data')) r.fail('missing-field', `${path}.data is missing`)
  const size = r.integer(rxpk, 'size', path, 0, MAX_PHY_PAYLOAD_BYTES)
  const time = r.time(rxpk, 'time', path)
  const tmms = r.integer(rxpk, 'tmms', path, 0, MAX_TMMS)
  const tmst = r.integer(rxpk, 'tmst', path, 0, 0xffffffff)
  const freqMHz = r.number(rxpk, 'freq', path)
  let chan = r.integer(rxpk, 'chan', path, 0, 255)
  const rfch = r.integer(rxpk, 'rfch', path, 0, 255)
  const modu = r.string(rxpk, 'modu', path)
  const codr = r.string(rxpk, 'codr', path)
  let rssi = r.number(rxpk, 'rssi', path)
  let lsnr = r.number(rxpk, 'lsnr', path)
  const dataRate = readDataRate(r, rxpk, path, modu)
  if (r.problem) return { ok: false, rejection: r.problem }

  if (modu !== undefined && !MODULATIONS.includes(modu)) return rejected('invalid-field', `${path}.modu: unknown modulation ${JSON.stringify(modu)}`)
  if (codr !== undefined && !CODING_RATE.test(codr)) return rejected('invalid-field', `${path}.codr: not a coding rate: ${JSON.stringify(codr)}`)
  if (freqMHz !== undefined && !(freqMHz > 0 && freqMHz < 10_000)) return rejected('invalid-field', `${path}.freq: ${freqMHz} MHz`)
  if (data === undefined) return rejected('missing-field', `${path}.data is missing`)
  if (data.length > MAX_PHY_PAYLOAD_BYTES) return rejected('invalid-field', `${path}.data: ${data.length} bytes, a radio frame holds at most ${MAX_PHY_PAYLOAD_BYTES}`)
  if (size !== undefined && size !== data.length) return rejected('size-mismatch', `${path}.size: ${size} but data decodes to ${data.length} bytes`)

  // Multi-antenna forwarders put RSSI/SNR per antenna in "rsig" instead; take the strongest.
  if (rssi === undefined && lsnr === undefined) {
    const best = strongestAntenna(r, rxpk, path)
    if (r.problem) return { ok: false, rejection: r.problem }
    if (best) {
      rssi = best.rssi
      lsnr = best.lsnr
      chan = best.chan ?? chan
    }
  }

  const reception: GatewayReception = definedOnly({
    gatewayId: gatewayEui,
    time: time ?? (tmms !== undefined ? new Date(utcMsFromGpsMs(tmms)).toISOString() : undefined),
    tmst,
    rssiDbm: rssi,
    snrDb: lsnr,
    frequencyHz: freqMHz !== undefined ? Math.round(freqMHz * 1e6) : undefined,
    dataRate,
    codingRate: codr,
    channel: chan,
    rfChain: rfch,
  })
  return { ok: true, value: { kind: 'phy', source: 'semtech-udp', phyPayload: data, receivedAtMs, reception } }
}

/** datr is "SF7BW125" for LoRa, the bit rate as a number for FSK, a string such as "M0CW137" for LR-FHSS. */
function readDataRate(r: FieldReader, rxpk: Record<string, unknown>, path: string, modu: string | undefined): string | undefined {
  const datr = rxpk.datr
  if (datr === undefined || datr === null) return undefined
  if (typeof datr === 'number') {
    if (Number.isInteger(datr) && datr > 0 && (modu === undefined || modu === 'FSK')) return String(datr)
  } else if (typeof datr === 'string') {
    if (modu === 'LR-FHSS' ? /^[A-Z0-9]{1,16}$/.test(datr) : modu !== 'FSK' && LORA_DATR.test(datr)) return datr
  }
  r.fail('invalid-field', `${path}.datr: ${JSON.stringify(datr)} is not a ${modu ?? 'LoRa or FSK'} data rate`)
  return undefined
}

function strongestAntenna(r: FieldReader, rxpk: Record<string, unknown>, path: string): { rssi?: number; lsnr?: number; chan?: number } | undefined {
  const rsig = r.array(rxpk, 'rsig', path)
  if (!rsig) return undefined
  let best: { rssi?: number; lsnr?: number; chan?: number } | undefined
  rsig.forEach((entry, i) => {
    const at = `${path}.rsig[${i}]`
    if (!isRecord(entry)) return r.fail('invalid-field', `${at}: expected an object`)
    const rssi = r.number(entry, 'rssic', at)
    const lsnr = r.number(entry, 'lsnr', at)
    const chan = r.integer(entry, 'chan', at, 0, 255)
    if (best === undefined || (rssi ?? -Infinity) > (best.rssi ?? -Infinity)) best = { rssi, lsnr, chan }
  })
  return best
}
