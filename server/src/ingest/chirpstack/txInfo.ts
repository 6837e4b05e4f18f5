// ChirpStack's UplinkTxInfo (chirpstack/chirpstack api/proto/gw/gw.proto) → the frequency, data
// rate and coding rate of a GatewayReception. v4: {frequency, modulation: {lora: {bandwidth (Hz),
// spreadingFactor, codeRate: "CR_4_5"}} | {fsk: {datarate}}}. The v3 Gateway Bridge wrote
// {frequency, modulation: "LORA", loRaModulationInfo: {bandwidth (kHz), spreadingFactor,
// codeRate: "4/5"}} | {fskModulationInfo: {datarate}}; both are read.
import { definedOnly, FieldReader } from '../fields.js'

export interface TxMetadata {
  frequencyHz?: number
  dataRate?: string
  codingRate?: string
}

// gw.proto enum CodeRate, in declaration order (pbjson may also write the number).
const CODE_RATES = ['', '4/5', '4/6', '4/7', '4/8', '3/8', '2/6', '1/4', '1/6', '5/6', '4/5LI', '4/6LI', '4/8LI']

function codeRateName(r: FieldReader, lora: Record<string, unknown>, path: string): string | undefined {
  const v = lora.codeRate
  if (typeof v === 'string' && /^CR_(LI_)?\d_\d$/.test(v)) {
    const li = v.startsWith('CR_LI_')
    const [a, b] = v.slice(li ? 6 : 3).split('_')
    return `${a}/${b}${li ? 'LI' : ''}`
  }
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < CODE_RATES.length) return CODE_RATES[v]
  if (typeof v === 'string' && /^\d\/\d$/.test(v)) return v // v3 writes "4/5" directly
  if (v !== undefined && v !== null && v !== 'CR_UNDEFINED' && v !== 0) r.fail('invalid-field', `${path}.codeRate: ${JSON.stringify(v)}`)
  const legacy = r.string(lora, 'codeRateLegacy', path)
  return legacy !== undefined && /^\d\/\d$/.test(legacy) ? legacy : undefined
}

function loraDataRate(r: FieldReader, lora: Record<string, unknown>, path: string, bandwidthUnitHz: number): string | undefined {
  const sf = r.integer(lora, 'spreadingFactor', path, 5, 12)
  const bw = r.integer(lora, 'bandwidth', path, 1, 10_000_000)
  if (sf === undefined || bw === undefined) return undefined
  return `SF${sf}BW${Math.floor((bw * bandwidthUnitHz) / 1000)}`
}

export function readTxInfo(r: FieldReader, parent: Record<string, unknown>, path: string): TxMetadata {
  const tx = r.object(parent, 'txInfo', path)
  if (!tx) return {}
  const at = `${path}.txInfo`
  const frequencyHz = r.integer(tx, 'frequency', at, 0, 10_000_000_000)
  let dataRate: string | undefined
  let codingRate: string | undefined
  const modulation = tx.modulation
  if (typeof modulation === 'object' && modulation !== null) {
    const m = r.object(tx, 'modulation', at) ?? {}
    const lora = r.object(m, 'lora', `${at}.modulation`)
    const fsk = r.object(m, 'fsk', `${at}.modulation`)
    if (lora) {
      dataRate = loraDataRate(r, lora, `${at}.modulation.lora`, 1)
      codingRate = codeRateName(r, lora, `${at}.modulation.lora`)
    } else if (fsk) {
      const bitRate = r.integer(fsk, 'datarate', `${at}.modulation.fsk`, 1, 10_000_000)
      dataRate = bitRate === undefined ? undefined : String(bitRate)
    }
  } else {
    const lora = r.object(tx, 'loRaModulationInfo', at)
    const fsk = r.object(tx, 'fskModulationInfo', at)
    if (lora) {
      dataRate = loraDataRate(r, lora, `${at}.loRaModulationInfo`, 1000)
      codingRate = codeRateName(r, lora, `${at}.loRaModulationInfo`)
    } else if (fsk) {
      const bitRate = r.integer(fsk, 'datarate', `${at}.fskModulationInfo`, 1, 10_000_000)
      dataRate = bitRate === undefined ? undefined : String(bitRate)
    }
  }
  return definedOnly({ frequencyHz, dataRate, codingRate })
}
