// Configuration downlinks (fPort 10) and their acknowledgement uplink (fPort 3).
//
// Downlink: byte 0 version << 4, byte 1 sequence number, then one or more commands:
//   0x01 setInterval      u16 intervalS (10..65535)
//   0x02 setBatch         u8 samplesPerUplink (0 = as many as fit), u8 maxPayloadBytes (0 = data rate max, else 18..242)
//   0x03 requestStatus
//   0x04 clearQueue
//   0x05 reboot
// Ack: byte 0 version << 4, byte 1 the downlink's sequence number, then per command
//   (opcode u8, result u8: 0 ok, 1 invalid_argument, 2 unsupported).
import { ByteSource, isIntegerIn, readUint16, writeUint16 } from './bytes.js'
import { decodeError, encodeError, ok, Result } from './result.js'
import { checkFirstByte, PAYLOAD_VERSION } from './version.js'

export const OP_SET_INTERVAL = 0x01
export const OP_SET_BATCH = 0x02
export const OP_REQUEST_STATUS = 0x03
export const OP_CLEAR_QUEUE = 0x04
export const OP_REBOOT = 0x05

export const MIN_INTERVAL_S = 10
export const MIN_PAYLOAD_BUDGET = 18
export const MAX_PAYLOAD_BUDGET = 242

/** Command names; the index is the opcode (index 0 is unused). */
export const COMMAND_NAMES = ['', 'setInterval', 'setBatch', 'requestStatus', 'clearQueue', 'reboot']
export const ACK_RESULTS = ['ok', 'invalid_argument', 'unsupported']

export interface ConfigCommand {
  command: string // one of COMMAND_NAMES
  intervalS?: number // setInterval
  samplesPerUplink?: number // setBatch: 0 = as many as fit
  maxPayloadBytes?: number // setBatch: 0 = the data rate's maximum
}

export interface ConfigDownlink {
  type: 'config'
  seq: number
  commands: ConfigCommand[]
}

export interface CommandResult {
  command: string
  result: string // one of ACK_RESULTS
}

export interface ConfigAck {
  type: 'configAck'
  seq: number
  results: CommandResult[]
}

function opcodeOf(name: string): number {
  for (let i = 1; i < COMMAND_NAMES.length; i++) if (COMMAND_NAMES[i] === name) return i
  return -1
}

function resultCodeOf(name: string): number {
  for (let i = 0; i < ACK_RESULTS.length; i++) if (ACK_RESULTS[i] === name) return i
  return -1
}

function validBudget(b: number): boolean {
  return b === 0 || isIntegerIn(b, MIN_PAYLOAD_BUDGET, MAX_PAYLOAD_BUDGET)
}

export function encodeConfig(d: ConfigDownlink): Result<number[]> {
  if (!isIntegerIn(d.seq, 0, 255)) return encodeError('out_of_range', 'seq must be an integer from 0 to 255, got ' + d.seq, 'seq')
  if (!d.commands || d.commands.length === 0) return encodeError('invalid_input', 'commands is empty', 'commands')
  const out: number[] = [PAYLOAD_VERSION << 4, d.seq]
  for (let i = 0; i < d.commands.length; i++) {
    const c = d.commands[i]
    const where = 'commands[' + i + ']'
    const op = opcodeOf(c.command)
    if (op < 0) return encodeError('invalid_input', where + '.command must be one of ' + COMMAND_NAMES.slice(1).join(', ') + ', got ' + c.command, where + '.command')
    out.push(op)
    if (op === OP_SET_INTERVAL) {
      if (!isIntegerIn(c.intervalS as number, MIN_INTERVAL_S, 65535)) {
        return encodeError('out_of_range', where + '.intervalS must be an integer from ' + MIN_INTERVAL_S + ' to 65535 s, got ' + c.intervalS, where + '.intervalS')
      }
      writeUint16(out, c.intervalS as number)
    } else if (op === OP_SET_BATCH) {
      if (!isIntegerIn(c.samplesPerUplink as number, 0, 255)) {
        return encodeError('out_of_range', where + '.samplesPerUplink must be an integer from 0 to 255, got ' + c.samplesPerUplink, where + '.samplesPerUplink')
      }
      if (!validBudget(c.maxPayloadBytes as number)) {
        return encodeError('out_of_range', where + '.maxPayloadBytes must be 0 or an integer from ' + MIN_PAYLOAD_BUDGET + ' to ' + MAX_PAYLOAD_BUDGET + ', got ' + c.maxPayloadBytes, where + '.maxPayloadBytes')
      }
      out.push(c.samplesPerUplink as number, c.maxPayloadBytes as number)
    }
  }
  return ok(out)
}

export function decodeConfig(b: ByteSource): Result<ConfigDownlink> {
  const bad = checkFirstByte(b, 'configuration downlink', true)
  if (bad) return bad
  if (b.length < 3) return decodeError('truncated', 'configuration downlink needs a sequence number and at least one command', b.length)
  const commands: ConfigCommand[] = []
  let at = 2
  while (at < b.length) {
    const op = b[at] & 0xff
    if (op === 0 || op >= COMMAND_NAMES.length) return decodeError('unknown_command', 'unknown command opcode ' + op, at)
    const name = COMMAND_NAMES[op]
    if (op === OP_SET_INTERVAL) {
      if (at + 3 > b.length) return decodeError('truncated', 'setInterval needs 2 argument bytes', b.length)
      const intervalS = readUint16(b, at + 1)
      if (intervalS < MIN_INTERVAL_S) return decodeError('invalid_value', 'setInterval interval ' + intervalS + ' s is below ' + MIN_INTERVAL_S + ' s', at + 1)
      commands.push({ command: name, intervalS: intervalS })
      at += 3
    } else if (op === OP_SET_BATCH) {
      if (at + 3 > b.length) return decodeError('truncated', 'setBatch needs 2 argument bytes', b.length)
      const budget = b[at + 2] & 0xff
      if (!validBudget(budget)) return decodeError('invalid_value', 'setBatch payload budget ' + budget + ' is outside ' + MIN_PAYLOAD_BUDGET + '..' + MAX_PAYLOAD_BUDGET, at + 2)
      commands.push({ command: name, samplesPerUplink: b[at + 1] & 0xff, maxPayloadBytes: budget })
      at += 3
    } else {
      commands.push({ command: name })
      at += 1
    }
  }
  return ok({ type: 'config', seq: b[1] & 0xff, commands: commands })
}

export function encodeConfigAck(a: ConfigAck): Result<number[]> {
  if (!isIntegerIn(a.seq, 0, 255)) return encodeError('out_of_range', 'seq must be an integer from 0 to 255, got ' + a.seq, 'seq')
  if (!a.results || a.results.length === 0) return encodeError('invalid_input', 'results is empty', 'results')
  const out: number[] = [PAYLOAD_VERSION << 4, a.seq]
  for (let i = 0; i < a.results.length; i++) {
    const where = 'results[' + i + ']'
    const op = opcodeOf(a.results[i].command)
    if (op < 0) return encodeError('invalid_input', where + '.command must be one of ' + COMMAND_NAMES.slice(1).join(', ') + ', got ' + a.results[i].command, where + '.command')
    const res = resultCodeOf(a.results[i].result)
    if (res < 0) return encodeError('invalid_input', where + '.result must be one of ' + ACK_RESULTS.join(', ') + ', got ' + a.results[i].result, where + '.result')
    out.push(op, res)
  }
  return ok(out)
}

export function decodeConfigAck(b: ByteSource): Result<ConfigAck> {
  const bad = checkFirstByte(b, 'configuration acknowledgement', true)
  if (bad) return bad
  if (b.length < 4) return decodeError('truncated', 'configuration acknowledgement needs a sequence number and at least one result', b.length)
  if ((b.length - 2) % 2 !== 0) return decodeError('truncated', 'configuration acknowledgement ends inside a result pair', b.length)
  const results: CommandResult[] = []
  for (let at = 2; at < b.length; at += 2) {
    const op = b[at] & 0xff
    if (op === 0 || op >= COMMAND_NAMES.length) return decodeError('unknown_command', 'unknown command opcode ' + op, at)
    const res = b[at + 1] & 0xff
    if (res >= ACK_RESULTS.length) return decodeError('invalid_value', 'unknown result code ' + res, at + 1)
    results.push({ command: COMMAND_NAMES[op], result: ACK_RESULTS[res] })
  }
  return ok({ type: 'configAck', seq: b[1] & 0xff, results: results })
}
