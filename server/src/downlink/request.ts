// What an operator asks to send (HTTP body or CLI flags), checked into a typed request before it
// touches the store. Two shapes:
//   { "fPort": 10, "payloadHex": "1001012c", "confirmed": false }                       raw bytes
//   { "config": { "intervalS": 300, "requestStatus": true }, "confirmed": false }       a configuration,
//     encoded by the codec's configuration downlink encoder (fPort 10, docs/payload-format.md)
// Errors name the field; nothing here throws.
import { COMMAND_NAMES, type ConfigCommand } from '@reeflink/codecs'

/** Largest FRMPayload accepted into the queue: EU868 DR5 without FOpts. Each window's DR is checked at send time. */
export const MAX_DOWNLINK_PAYLOAD_BYTES = 242

export interface ConfigRequest {
  intervalS?: number
  samplesPerUplink?: number
  maxPayloadBytes?: number
  requestStatus?: boolean
  clearQueue?: boolean
  reboot?: boolean
}

export type DownlinkRequest =
  | { kind: 'raw'; fPort: number; payload: Buffer; confirmed: boolean }
  | { kind: 'config'; commands: ConfigCommand[]; confirmed: boolean }

export type RequestError = { code: 'DOWNLINK_INVALID'; field: string; message: string }
export type Checked<T> = { ok: true; value: T } | { ok: false; error: RequestError }

const invalid = (field: string, message: string): { ok: false; error: RequestError } => ({ ok: false, error: { code: 'DOWNLINK_INVALID', field, message } })

const CONFIG_KEYS = ['intervalS', 'samplesPerUplink', 'maxPayloadBytes', 'requestStatus', 'clearQueue', 'reboot']

/** The configuration commands a config object asks for, in opcode order. */
export function configCommands(c: ConfigRequest): ConfigCommand[] {
  const out: ConfigCommand[] = []
  if (c.intervalS !== undefined) out.push({ command: 'setInterval', intervalS: c.intervalS })
  if (c.samplesPerUplink !== undefined || c.maxPayloadBytes !== undefined) {
    out.push({ command: 'setBatch', samplesPerUplink: c.samplesPerUplink ?? 0, maxPayloadBytes: c.maxPayloadBytes ?? 0 })
  }
  if (c.requestStatus) out.push({ command: 'requestStatus' })
  if (c.clearQueue) out.push({ command: 'clearQueue' })
  if (c.reboot) out.push({ command: 'reboot' })
  return out
}

export function parseDownlinkRequest(body: unknown): Checked<DownlinkRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('body', 'the body must be a JSON object: {fPort, payloadHex} or {config}')
  const b = body as Record<string, unknown>
  for (const k of Object.keys(b)) {
    if (!['fPort', 'payloadHex', 'config', 'confirmed'].includes(k)) return invalid(k, `unknown field '${k}' (expected fPort, payloadHex, config, confirmed)`)
  }
  if (b.confirmed !== undefined && typeof b.confirmed !== 'boolean') return invalid('confirmed', 'confirmed must be true or false')
  const confirmed = b.confirmed === true
  const raw = b.fPort !== undefined || b.payloadHex !== undefined
  if (raw && b.config !== undefined) return invalid('config', 'give either {fPort, payloadHex} or {config}, not both')
  if (raw) {
    const fPort = b.fPort
    if (typeof fPort !== 'number' || !Number.isInteger(fPort) || fPort < 1 || fPort > 223) return invalid('fPort', `fPort must be an integer from 1 to 223, got ${JSON.stringify(fPort)}`)
    const hex = b.payloadHex
    if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(hex)) return invalid('payloadHex', 'payloadHex must be a string of hex byte pairs')
    const payload = Buffer.from(hex, 'hex')
    if (payload.length > MAX_DOWNLINK_PAYLOAD_BYTES) return invalid('payloadHex', `payload of ${payload.length} bytes, at most ${MAX_DOWNLINK_PAYLOAD_BYTES}`)
    return { ok: true, value: { kind: 'raw', fPort, payload, confirmed } }
  }
  if (b.config === undefined) return invalid('body', 'give {fPort, payloadHex} or {config: {intervalS, samplesPerUplink, maxPayloadBytes, requestStatus, clearQueue, reboot}}')
  const c = b.config
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return invalid('config', 'config must be an object')
  const cfg = c as Record<string, unknown>
  for (const k of Object.keys(cfg)) if (!CONFIG_KEYS.includes(k)) return invalid(`config.${k}`, `unknown configuration '${k}' (expected ${CONFIG_KEYS.join(', ')})`)
  for (const k of ['intervalS', 'samplesPerUplink', 'maxPayloadBytes']) {
    if (cfg[k] !== undefined && (typeof cfg[k] !== 'number' || !Number.isInteger(cfg[k]))) return invalid(`config.${k}`, `config.${k} must be an integer`)
  }
  for (const k of ['requestStatus', 'clearQueue', 'reboot']) {
    if (cfg[k] !== undefined && typeof cfg[k] !== 'boolean') return invalid(`config.${k}`, `config.${k} must be true or false`)
  }
  const commands = configCommands(cfg as ConfigRequest)
  if (commands.length === 0) return invalid('config', 'config asks for nothing')
  for (const cmd of commands) if (!COMMAND_NAMES.includes(cmd.command)) return invalid('config', `unknown command ${cmd.command}`)
  return { ok: true, value: { kind: 'config', commands, confirmed } }
}
