// Uplink MAC commands (end-device -> network) of LoRaWAN 1.0.x: TS001-1.0.4 §5 Table 4, plus the
// class B commands of §14 (1.0.3+). Field layouts cross-checked with ChirpStack's
// lrwn/src/maccommand.rs. Parsing never fails: a CID this table does not know, or a command cut
// short, ends the list with one `Unparsed` entry holding the remaining bytes (the length of an
// unknown command is unknown, so nothing after it can be parsed; the spec has the receiver stop
// there too).

export type MacCommand =
  | { cid: 0x02; name: 'LinkCheckReq' }
  | { cid: 0x03; name: 'LinkADRAns'; powerAck: boolean; dataRateAck: boolean; channelMaskAck: boolean }
  | { cid: 0x04; name: 'DutyCycleAns' }
  | { cid: 0x05; name: 'RXParamSetupAns'; rx1DrOffsetAck: boolean; rx2DataRateAck: boolean; channelAck: boolean }
  | {
      cid: 0x06
      name: 'DevStatusAns'
      /** 0 = external power, 1..254 = battery level (1 minimum, 254 maximum), 255 = cannot measure. */
      battery: number
      /** Demodulation SNR margin of the last DevStatusReq, dB, -32..31. */
      marginDb: number
    }
  | { cid: 0x07; name: 'NewChannelAns'; dataRateRangeOk: boolean; channelFrequencyOk: boolean }
  | { cid: 0x08; name: 'RXTimingSetupAns' }
  | { cid: 0x09; name: 'TxParamSetupAns' }
  | { cid: 0x0a; name: 'DlChannelAns'; uplinkFrequencyExists: boolean; channelFrequencyOk: boolean }
  | { cid: 0x0d; name: 'DeviceTimeReq' }
  | { cid: 0x10; name: 'PingSlotInfoReq'; periodicity: number }
  | { cid: 0x11; name: 'PingSlotChannelAns'; dataRateOk: boolean; channelFrequencyOk: boolean }
  | { cid: 0x13; name: 'BeaconFreqAns'; beaconFrequencyOk: boolean }
  | UnparsedMacCommand

export interface UnparsedMacCommand {
  cid: number
  name: 'Unparsed'
  reason: 'unknown_cid' | 'truncated'
  /** The CID byte and everything after it. */
  raw: Buffer
}

type Parsed = Exclude<MacCommand, UnparsedMacCommand>

const bit = (b: number, n: number): boolean => ((b >> n) & 1) === 1

/** Payload length and decoder per CID. */
const UPLINK_COMMANDS: Record<number, { size: number; decode: (p: Buffer) => Parsed }> = {
  0x02: { size: 0, decode: () => ({ cid: 0x02, name: 'LinkCheckReq' }) },
  0x03: {
    size: 1,
    decode: (p) => {
      const s = p[0] as number
      return { cid: 0x03, name: 'LinkADRAns', powerAck: bit(s, 2), dataRateAck: bit(s, 1), channelMaskAck: bit(s, 0) }
    },
  },
  0x04: { size: 0, decode: () => ({ cid: 0x04, name: 'DutyCycleAns' }) },
  0x05: {
    size: 1,
    decode: (p) => {
      const s = p[0] as number
      return { cid: 0x05, name: 'RXParamSetupAns', rx1DrOffsetAck: bit(s, 2), rx2DataRateAck: bit(s, 1), channelAck: bit(s, 0) }
    },
  },
  0x06: {
    size: 2,
    decode: (p) => {
      const m = (p[1] as number) & 0x3f // 6-bit two's complement
      return { cid: 0x06, name: 'DevStatusAns', battery: p[0] as number, marginDb: m >= 32 ? m - 64 : m }
    },
  },
  0x07: {
    size: 1,
    decode: (p) => {
      const s = p[0] as number
      return { cid: 0x07, name: 'NewChannelAns', dataRateRangeOk: bit(s, 1), channelFrequencyOk: bit(s, 0) }
    },
  },
  0x08: { size: 0, decode: () => ({ cid: 0x08, name: 'RXTimingSetupAns' }) },
  0x09: { size: 0, decode: () => ({ cid: 0x09, name: 'TxParamSetupAns' }) },
  0x0a: {
    size: 1,
    decode: (p) => {
      const s = p[0] as number
      return { cid: 0x0a, name: 'DlChannelAns', uplinkFrequencyExists: bit(s, 1), channelFrequencyOk: bit(s, 0) }
    },
  },
  0x0d: { size: 0, decode: () => ({ cid: 0x0d, name: 'DeviceTimeReq' }) },
  0x10: { size: 1, decode: (p) => ({ cid: 0x10, name: 'PingSlotInfoReq', periodicity: (p[0] as number) & 0x07 }) },
  0x11: {
    size: 1,
    decode: (p) => {
      const s = p[0] as number
      return { cid: 0x11, name: 'PingSlotChannelAns', dataRateOk: bit(s, 1), channelFrequencyOk: bit(s, 0) }
    },
  },
  0x13: { size: 1, decode: (p) => ({ cid: 0x13, name: 'BeaconFreqAns', beaconFrequencyOk: bit(p[0] as number, 0) }) },
}

/** Parses a sequence of uplink MAC commands (FOpts, or a decrypted FPort-0 FRMPayload). */
export function parseUplinkMacCommands(bytes: Buffer): MacCommand[] {
  const commands: MacCommand[] = []
  let offset = 0
  while (offset < bytes.length) {
    const cid = bytes[offset] as number
    const spec = UPLINK_COMMANDS[cid]
    if (spec === undefined || offset + 1 + spec.size > bytes.length) {
      commands.push({ cid, name: 'Unparsed', reason: spec === undefined ? 'unknown_cid' : 'truncated', raw: Buffer.from(bytes.subarray(offset)) })
      break
    }
    commands.push(spec.decode(bytes.subarray(offset + 1, offset + 1 + spec.size)))
    offset += 1 + spec.size
  }
  return commands
}
