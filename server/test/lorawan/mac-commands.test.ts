import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseUplinkMacCommands, type MacCommand } from '../../src/lorawan/index.js'

const h = (s: string): Buffer => Buffer.from(s, 'hex')

describe('uplink MAC commands of LoRaWAN 1.0.x', () => {
  it('DevStatusAns battery 115, margin 7 (ChirpStack lrwn phy_payload.rs confirmed uplink example FOpts)', () => {
    expect(parseUplinkMacCommands(h('067307'))).toEqual([{ cid: 0x06, name: 'DevStatusAns', battery: 115, marginDb: 7 }])
  })

  it('DevStatusAns margin is a 6-bit signed value (-32..31), upper bits RFU', () => {
    expect(parseUplinkMacCommands(h('06ff3f'))).toEqual([{ cid: 0x06, name: 'DevStatusAns', battery: 255, marginDb: -1 }])
    expect(parseUplinkMacCommands(h('060020'))).toEqual([{ cid: 0x06, name: 'DevStatusAns', battery: 0, marginDb: -32 }])
    expect(parseUplinkMacCommands(h('06011f'))).toEqual([{ cid: 0x06, name: 'DevStatusAns', battery: 1, marginDb: 31 }])
    expect(parseUplinkMacCommands(h('0601df'))).toEqual([{ cid: 0x06, name: 'DevStatusAns', battery: 1, marginDb: 31 }])
  })

  it('every 1.0.x uplink command with its fields, in one sequence', () => {
    const bytes = h('02' + '0305' + '04' + '0506' + '06fe05' + '0702' + '08' + '09' + '0a01' + '0d' + '1005' + '1103' + '1301')
    expect(parseUplinkMacCommands(bytes)).toEqual<MacCommand[]>([
      { cid: 0x02, name: 'LinkCheckReq' },
      { cid: 0x03, name: 'LinkADRAns', powerAck: true, dataRateAck: false, channelMaskAck: true },
      { cid: 0x04, name: 'DutyCycleAns' },
      { cid: 0x05, name: 'RXParamSetupAns', rx1DrOffsetAck: true, rx2DataRateAck: true, channelAck: false },
      { cid: 0x06, name: 'DevStatusAns', battery: 254, marginDb: 5 },
      { cid: 0x07, name: 'NewChannelAns', dataRateRangeOk: true, channelFrequencyOk: false },
      { cid: 0x08, name: 'RXTimingSetupAns' },
      { cid: 0x09, name: 'TxParamSetupAns' },
      { cid: 0x0a, name: 'DlChannelAns', uplinkFrequencyExists: false, channelFrequencyOk: true },
      { cid: 0x0d, name: 'DeviceTimeReq' },
      { cid: 0x10, name: 'PingSlotInfoReq', periodicity: 5 },
      { cid: 0x11, name: 'PingSlotChannelAns', dataRateOk: true, channelFrequencyOk: true },
      { cid: 0x13, name: 'BeaconFreqAns', beaconFrequencyOk: true },
    ])
  })

  it('lora-packet issue #18 FOpts 091103: TxParamSetupAns then PingSlotChannelAns', () => {
    expect(parseUplinkMacCommands(h('091103'))).toEqual([
      { cid: 0x09, name: 'TxParamSetupAns' },
      { cid: 0x11, name: 'PingSlotChannelAns', dataRateOk: true, channelFrequencyOk: true },
    ])
  })

  it('an unknown CID keeps it and everything after it raw, and stops', () => {
    expect(parseUplinkMacCommands(h('02' + '0b01' + '02'))).toEqual([
      { cid: 0x02, name: 'LinkCheckReq' },
      { cid: 0x0b, name: 'Unparsed', reason: 'unknown_cid', raw: h('0b0102') },
    ])
    expect(parseUplinkMacCommands(h('80'))).toEqual([{ cid: 0x80, name: 'Unparsed', reason: 'unknown_cid', raw: h('80') }])
  })

  it('a command cut short is kept raw as truncated', () => {
    expect(parseUplinkMacCommands(h('0206ff'))).toEqual([
      { cid: 0x02, name: 'LinkCheckReq' },
      { cid: 0x06, name: 'Unparsed', reason: 'truncated', raw: h('06ff') },
    ])
  })

  it('no bytes, no commands', () => expect(parseUplinkMacCommands(Buffer.alloc(0))).toEqual([]))

  it('raw bytes are copies: changing the input later does not change the result', () => {
    const input = h('0b01')
    const [cmd] = parseUplinkMacCommands(input)
    input[1] = 0xff
    expect(cmd).toMatchObject({ raw: h('0b01') })
  })
})

// Encoder for the property below: the inverse of the parser for known commands.
const SIZES: Record<number, number> = { 0x02: 0, 0x03: 1, 0x04: 0, 0x05: 1, 0x06: 2, 0x07: 1, 0x08: 0, 0x09: 0, 0x0a: 1, 0x0d: 0, 0x10: 1, 0x11: 1, 0x13: 1 }
const knownCommand = fc
  .constantFrom(...Object.keys(SIZES).map(Number))
  .chain((cid) => fc.uint8Array({ minLength: SIZES[cid] as number, maxLength: SIZES[cid] as number }).map((p) => Buffer.from([cid, ...p])))

describe('MAC command parsing properties', () => {
  it('never throws, and the commands account for every input byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 242, size: 'max' }), (bytes) => {
        const commands = parseUplinkMacCommands(Buffer.from(bytes))
        const consumed = commands.reduce((n, c) => n + (c.name === 'Unparsed' ? c.raw.length : 1 + (SIZES[c.cid] as number)), 0)
        expect(consumed).toBe(bytes.length)
        commands.slice(0, -1).forEach((c) => expect(c.name).not.toBe('Unparsed'))
      }),
      { numRuns: 3000 },
    )
  })

  it('a sequence of known commands parses into one command each, in order', () => {
    fc.assert(
      fc.property(fc.array(knownCommand, { maxLength: 20, size: 'max' }), (encoded) => {
        const commands = parseUplinkMacCommands(Buffer.concat(encoded))
        expect(commands.map((c) => c.cid)).toEqual(encoded.map((e) => e[0]))
        expect(commands.every((c) => c.name !== 'Unparsed')).toBe(true)
      }),
    )
  })
})
