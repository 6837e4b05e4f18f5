// Driver checks that run unchanged in the DeviceScript VM (src/radio/radio.vmtest.ts) and in Node
// (test/radio-drivers.test.ts): each drives a driver against its fake chip and returns the list
// of problems (empty = pass). The expected register values are worked out from the datasheets,
// not read back from the driver, so a wrong constant or a wrong order fails here.
import { Pause } from "../crypto/pace.js"
import { FakeSx1262 } from "./fake-sx1262.js"
import { FakeSx1276 } from "./fake-sx1276.js"
import { RadioHal } from "./hal.js"
import { decodeRx, decodeTx, encodeRxDone, encodeTxDone, fragment, Reassembler } from "./pipe-protocol.js"
import { PipeRadio, PipeTransport } from "./pipe-radio.js"
import { RxWindow, TxConfig } from "./radio.js"
import { Op, REG_IQ_POLARITY, REG_LORA_SYNCH_TIMEOUT, REG_TX_CLAMP_CONFIG, REG_TX_MODULATION } from "./sx1262-cmds.js"
import { Sx1262 } from "./sx1262.js"
import { Reg } from "./sx1276-regs.js"
import { Sx1276 } from "./sx1276.js"
import { VirtualClock } from "./virtual-clock.js"

const HEX = "0123456789abcdef"
function hex(bytes: number[]): string {
    let s = ""
    for (const b of bytes) s += HEX.charAt((b >> 4) & 15) + HEX.charAt(b & 15)
    return s
}

class Problems {
    list: string[] = []
    eq(what: string, got: any, want: any): void {
        if (got !== want) this.list.push(what + ": got " + got + ", want " + want)
    }
    ok(what: string, cond: boolean): void {
        if (!cond) this.list.push(what)
    }
}

/** EU868 uplink on 868.1 MHz, SF12, 125 kHz, 4/5, 13 dBm (16 dBm EIRP − 2.15 dBi). */
export const TX_868_SF12: TxConfig = { frequencyHz: 868100000, sf: 12, bandwidthHz: 125000, codingRate: 5, powerDbm: 13 }
/** EU868 RX2 as The Things Network uses it: 869.525 MHz, SF9. */
export const RX2_869_SF9: RxWindow = { frequencyHz: 869525000, sf: 9, bandwidthHz: 125000, codingRate: 5, openAtMs: 2000, timeoutSymbols: 8, maxLength: 128 }

function sx1276Hal(chip: FakeSx1276, clock: VirtualClock): RadioHal {
    return { spi: chip, reset: chip.reset, irq: chip.dio0, irq2: chip.dio1, busy: null, rxEnable: null, clock: clock }
}

/** SX1276: init, one uplink and two RX windows (one with a frame), against the datasheet. */
export async function checkSx1276(pause: Pause): Promise<string[]> {
    const p = new Problems()
    const chip = new FakeSx1276()
    const clock = new VirtualClock(0, pause)
    const radio = new Sx1276(sx1276Hal(chip, clock), { paBoost: true })
    const init = await radio.init()
    p.ok("init ok", init.ok === true)
    // RegOpMode: FSK Sleep, LoRa Sleep (LongRangeMode set while asleep), Standby ... Sleep.
    p.eq("first RegOpMode writes", hex(chip.writesTo(Reg.OpMode).slice(0, 3)), "008081")
    p.eq("sync word (public LoRaWAN)", chip.regs[Reg.SyncWord], 0x34)

    const frame = [0x40, 0xda, 0x1b, 0x01, 0x26, 0x80, 0x01, 0x00, 0x01, 0xa6, 0x3c, 0x4d, 0x1c]
    await radio.configure(TX_868_SF12)
    chip.log = []
    const tx = await radio.transmit(frame)
    p.ok("transmit ok", tx.ok === true)
    p.eq("RegFrf (868.1 MHz / 61.035 Hz)", hex([chip.regs[Reg.FrfMsb], chip.regs[Reg.FrfMid], chip.regs[Reg.FrfLsb]]), "d90666")
    p.eq("RegModemConfig1 (BW125, CR4/5, explicit)", chip.regs[Reg.ModemConfig1], 0x72)
    p.eq("RegModemConfig2 (SF12, CRC on)", chip.regs[Reg.ModemConfig2], 0xc4)
    p.eq("RegModemConfig3 (LDRO at SF12/125, AGC auto)", chip.regs[Reg.ModemConfig3], 0x0c)
    p.eq("RegPaConfig (PA_BOOST, 13 dBm = 2 + 11)", chip.regs[Reg.PaConfig], 0xfb)
    p.eq("RegPaDac (normal PA)", chip.regs[Reg.PaDac], 0x84)
    p.eq("RegInvertIQ (uplink: normal)", chip.regs[Reg.InvertIq], 0x27)
    p.eq("RegInvertIQ2 (uplink: normal)", chip.regs[Reg.InvertIq2], 0x1d)
    p.eq("RegDioMapping1 (DIO0 = TxDone)", chip.regs[Reg.DioMapping1], 0x40)
    p.eq("RegPayloadLength", chip.regs[Reg.PayloadLength], frame.length)
    p.eq("errata 2.3: RegDetectOptimize bit 7 clear below 500 kHz", chip.regs[Reg.DetectOptimize], 0x43)
    p.eq("frame on the air", chip.transmitted.length === 1 ? hex(chip.transmitted[0]) : "none", hex(frame))
    // Order: the FIFO is filled before TX mode is entered, and everything is set up in Standby.
    let fifoAt = -1
    let txAt = -1
    for (let i = 0; i < chip.log.length; i++) {
        const a = chip.log[i]
        if (a.write && a.reg === Reg.Fifo && fifoAt < 0) fifoAt = i
        if (a.write && a.reg === Reg.OpMode && (a.value & 7) === 3) txAt = i
    }
    p.ok("FIFO written before RegOpMode = TX", fifoAt >= 0 && txAt > fifoAt)

    chip.downlinks.push({ bytes: [0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], snrQuarterDb: -22, rssiRaw: 40, crcError: false })
    chip.log = []
    const rx = await radio.receive(RX2_869_SF9)
    p.ok("receive ok", rx.ok === true)
    if (rx.ok === true) {
        p.ok("frame received", rx.value !== null)
        if (rx.value !== null) {
            p.eq("received bytes", hex(rx.value.bytes), "600102030405060708090a0b")
            p.eq("SNR (−22/4)", rx.value.snrDb, -5.5)
            // §5.5.5, SNR < 0: RSSI = −157 + PktRssi + SNR.
            p.eq("RSSI", rx.value.rssiDbm, -157 + 40 - 5.5)
        }
    }
    p.eq("RX RegFrf (869.525 MHz)", hex([chip.regs[Reg.FrfMsb], chip.regs[Reg.FrfMid], chip.regs[Reg.FrfLsb]]), "d9619a")
    p.eq("RX RegModemConfig2 (SF9, no CRC, timeout MSB 0)", chip.regs[Reg.ModemConfig2], 0x90)
    p.eq("RX RegSymbTimeoutLsb", chip.regs[Reg.SymbTimeoutLsb], 8)
    p.eq("RX RegModemConfig3 (no LDRO at SF9)", chip.regs[Reg.ModemConfig3], 0x04)
    p.eq("RX RegInvertIQ (downlink: inverted)", chip.regs[Reg.InvertIq], 0x67)
    p.eq("RX RegInvertIQ2 (downlink: inverted)", chip.regs[Reg.InvertIq2], 0x19)
    p.eq("RX RegDioMapping1 (DIO0 RxDone, DIO1 RxTimeout)", chip.regs[Reg.DioMapping1], 0x00)
    p.eq("RX single mode entered", chip.writesTo(Reg.OpMode).indexOf(0x86) >= 0, true)
    p.ok("RX opened no earlier than the window", clock.now() >= RX2_869_SF9.openAtMs)

    const empty = await radio.receive(RX2_869_SF9)
    p.ok("empty window gives null", empty.ok === true && empty.value === null)
    chip.downlinks.push({ bytes: [0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], snrQuarterDb: 20, rssiRaw: 60, crcError: true })
    const bad = await radio.receive(RX2_869_SF9)
    p.ok("CRC error gives null", bad.ok === true && bad.value === null)
    await radio.sleep()
    p.eq("sleep: RegOpMode", chip.regs[Reg.OpMode], 0x80)

    // +20 dBm: PA_DAC 0x87 and OutputPower 15 (§5.4.3); over-current limit raised.
    await radio.configure({ frequencyHz: 868300000, sf: 7, bandwidthHz: 125000, codingRate: 5, powerDbm: 20 })
    await radio.transmit(frame)
    p.eq("+20 dBm RegPaDac", chip.regs[Reg.PaDac], 0x87)
    p.eq("+20 dBm RegPaConfig", chip.regs[Reg.PaConfig], 0xff)
    p.eq("+20 dBm RegOcp", chip.regs[Reg.Ocp], 0x3b)
    p.eq("SF7 RegModemConfig3 (no LDRO)", chip.regs[Reg.ModemConfig3], 0x04)
    for (const v of chip.violations) p.list.push("datasheet rule broken: " + v)

    // Failures are typed values.
    const missing = new FakeSx1276()
    missing.absent = true
    const r2 = await new Sx1276(sx1276Hal(missing, new VirtualClock(0, pause)), { paBoost: true }).init()
    p.ok("absent chip → chip_not_found", r2.ok === false && r2.error.code === "chip_not_found")
    const stuck = new FakeSx1276()
    stuck.txCompletes = false
    const r3 = new Sx1276(sx1276Hal(stuck, new VirtualClock(0, pause)), { paBoost: true, pollMs: 50 })
    await r3.configure(TX_868_SF12)
    const t3 = await r3.transmit(frame)
    p.ok("no TxDone → tx_timeout", t3.ok === false && t3.error.code === "tx_timeout")
    return p.list
}

function sx1262Hal(chip: FakeSx1262, clock: VirtualClock): RadioHal {
    return { spi: chip, reset: chip.reset, irq: chip.dio1, irq2: null, busy: chip.busy, rxEnable: null, clock: clock }
}

/** The command opcodes of a log, as hex, from index `from`. */
function ops(chip: FakeSx1262, from: number): string {
    const o: number[] = []
    for (let i = from; i < chip.log.length; i++) o.push(chip.log[i].op)
    return hex(o)
}

/** Index in the log of the first `op` at or after `from`, or a large number. */
function firstOp(chip: FakeSx1262, from: number, op: number): number {
    for (let i = from; i < chip.log.length; i++) if (chip.log[i].op === op) return i
    return 1000000
}

function argsOf(chip: FakeSx1262, op: number, nth: number): string {
    const c = chip.commandsOf(op)
    return nth < c.length ? hex(c[nth].args) : "none"
}

/** SX1262: init, one uplink and RX windows, against DS_SX1261-2 §14 and the errata of §15. */
export async function checkSx1262(pause: Pause): Promise<string[]> {
    const p = new Problems()
    const chip = new FakeSx1262()
    const clock = new VirtualClock(0, pause)
    const radio = new Sx1262(sx1262Hal(chip, clock), { dio2RfSwitch: true, tcxoVoltageCode: 0x02 })
    const init = await radio.init()
    p.ok("init ok", init.ok === true)
    // SetStandby, SetDIO3AsTCXOCtrl (1.8 V, 5 ms), Calibrate(all), SetDIO2AsRfSwitchCtrl,
    // SetRegulatorMode(DC-DC), SetPacketType(LoRa), SetBufferBaseAddress, WriteRegister(sync), GetStatus.
    p.eq("init command sequence", ops(chip, 0), "8097899d968a8f0dc0")
    p.eq("TCXO 1.8 V, 5 ms (320 × 15.625 µs)", argsOf(chip, Op.SetDio3AsTcxoCtrl, 0), "02000140")
    p.eq("LoRaWAN public sync word 0x3444", hex([chip.reg(0x0740), chip.reg(0x0741)]), "3444")

    const frame = [0x40, 0xda, 0x1b, 0x01, 0x26, 0x80, 0x01, 0x00, 0x01, 0xa6, 0x3c, 0x4d, 0x1c]
    await radio.configure(TX_868_SF12)
    const mark = chip.log.length
    const tx = await radio.transmit(frame)
    p.ok("transmit ok", tx.ok === true)
    p.eq("image calibration for 863-870 MHz", argsOf(chip, Op.CalibrateImage, 0), "d7db")
    p.eq("SetRfFrequency (868.1 MHz × 2^25 / 32 MHz)", argsOf(chip, Op.SetRfFrequency, 0), "3641999a")
    p.eq("SetPaConfig (SX1262 high-power PA)", argsOf(chip, Op.SetPaConfig, 0), "04070001")
    p.eq("SetTxParams (13 dBm, ramp 40 µs)", argsOf(chip, Op.SetTxParams, 0), "0d02")
    p.eq("SetModulationParams (SF12, BW125, CR4/5, LDRO)", argsOf(chip, Op.SetModulationParams, 0), "0c040101")
    p.eq("SetPacketParams (preamble 8, explicit, 13 bytes, CRC on, IQ standard)", argsOf(chip, Op.SetPacketParams, 0), "0008000d0100")
    p.eq("frame on the air", chip.transmitted.length === 1 ? hex(chip.transmitted[0]) : "none", hex(frame))
    p.eq("errata 15.2: TX clamp bits 4:1 set", chip.reg(REG_TX_CLAMP_CONFIG) & 0x1e, 0x1e)
    p.eq("errata 15.1: TxModulation bit 2 set below 500 kHz", chip.reg(REG_TX_MODULATION) & 0x04, 0x04)
    p.eq("errata 15.4: IQ polarity bit 2 set for standard IQ", chip.reg(REG_IQ_POLARITY) & 0x04, 0x04)
    // §14.2 order: packet type before modulation/packet params, buffer written before SetTx, SetTx last.
    const writeBuffer = firstOp(chip, mark, Op.WriteBuffer)
    const dioIrq = firstOp(chip, mark, Op.SetDioIrqParams)
    const setTx = firstOp(chip, mark, Op.SetTx)
    p.ok("SetPacketParams, WriteBuffer, SetDioIrqParams, then SetTx (" + ops(chip, mark) + ")", firstOp(chip, mark, Op.SetPacketParams) < writeBuffer && writeBuffer < dioIrq && dioIrq < setTx)

    chip.downlinks.push({ bytes: [0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], rssiPkt: 150, snrPkt: 30, crcError: false })
    const rx = await radio.receive(RX2_869_SF9)
    p.ok("receive ok", rx.ok === true)
    if (rx.ok === true) {
        p.ok("frame received", rx.value !== null)
        if (rx.value !== null) {
            p.eq("received bytes", hex(rx.value.bytes), "600102030405060708090a0b")
            p.eq("RSSI (−150/2)", rx.value.rssiDbm, -75)
            p.eq("SNR (30/4)", rx.value.snrDb, 7.5)
        }
    }
    p.eq("RX SetRfFrequency (869.525 MHz)", argsOf(chip, Op.SetRfFrequency, 1), "36586666")
    p.eq("RX SetModulationParams (SF9, no LDRO)", argsOf(chip, Op.SetModulationParams, 1), "09040100")
    p.eq("RX SetPacketParams (max 128 bytes, no CRC, inverted IQ)", argsOf(chip, Op.SetPacketParams, 1), "000800800001")
    p.eq("errata 15.4: IQ polarity bit 2 clear for inverted IQ", chip.reg(REG_IQ_POLARITY) & 0x04, 0)
    p.eq("SetLoRaSymbNumTimeout(8)", argsOf(chip, Op.SetLoRaSymbNumTimeout, 0), "08")
    p.eq("SetRx(0): single mode, symbol timeout ends the window", argsOf(chip, Op.SetRx, 0), "000000")
    p.eq("image calibration not repeated in the same band", chip.commandsOf(Op.CalibrateImage).length, 1)

    const empty = await radio.receive(RX2_869_SF9)
    p.ok("empty window gives null", empty.ok === true && empty.value === null)
    // US915 RX1 at SF7/500 kHz with a long timeout: errata 15.1 bit cleared, timeout register used.
    await radio.receive({ frequencyHz: 923300000, sf: 7, bandwidthHz: 500000, codingRate: 5, openAtMs: 0, timeoutSymbols: 161, maxLength: 64 })
    p.eq("errata 15.1: TxModulation bit 2 clear at 500 kHz", chip.reg(REG_TX_MODULATION) & 0x04, 0)
    p.eq("image calibration for 902-928 MHz", argsOf(chip, Op.CalibrateImage, 1), "e1e9")
    // 161 symbols: mantissa 21, exponent 1 → command 21 << 3 = 0xa8, register 1 + (21 << 3) = 0xa9.
    p.eq("SetLoRaSymbNumTimeout(161) command", argsOf(chip, Op.SetLoRaSymbNumTimeout, 2), "a8")
    p.eq("SetLoRaSymbNumTimeout(161) register 0x0706", chip.reg(REG_LORA_SYNCH_TIMEOUT), 0xa9)
    await radio.sleep()
    p.eq("sleep: SetSleep(warm start)", argsOf(chip, Op.SetSleep, 0), "04")
    for (const v of chip.violations) p.list.push("datasheet rule broken: " + v)

    // BUSY stuck high → bus_error, not a hang.
    const stuck = new FakeSx1262()
    const busyClock = new VirtualClock(0, pause)
    const r = await new Sx1262({ spi: stuck, reset: stuck.reset, irq: stuck.dio1, irq2: null, busy: { read: () => true }, rxEnable: null, clock: busyClock }, {
        dio2RfSwitch: false,
        tcxoVoltageCode: null,
    }).init()
    p.ok("BUSY stuck high → bus_error", r.ok === false && r.error.code === "bus_error")
    return p.list
}

/** A loopback harness: answers TX with TX_DONE and RX with a scripted frame, through fragments. */
class LoopbackHarness implements PipeTransport {
    private handler: ((f: number[]) => void) | null = null
    private fromDevice = new Reassembler()
    private msgId = 0
    transmitted: number[][] = []
    listens: number[] = []
    downlink: number[] | null = null

    async send(f: number[]): Promise<boolean> {
        const m = this.fromDevice.push(f)
        if (m === null) return true
        const tx = decodeTx(m)
        const rx = decodeRx(m)
        let answer: number[] | null = null
        if (tx !== null) {
            this.transmitted.push(tx.frame)
            answer = encodeTxDone(tx.seq, 123456)
        } else if (rx !== null) {
            this.listens.push(rx.frequencyHz)
            answer = encodeRxDone({ seq: rx.seq, frame: this.downlink, rssiDbm: -97.3, snrDb: -2.25 })
            this.downlink = null
        }
        if (answer !== null && this.handler !== null) {
            this.msgId = (this.msgId + 1) & 0xff
            for (const frag of fragment(this.msgId, answer)) this.handler(frag)
        }
        return true
    }

    onFragment(handler: (f: number[]) => void): void {
        this.handler = handler
    }
}

/** Pipe radio over a loopback transport: a 255-byte frame (2 fragments) out, a frame back. */
export async function checkPipeRadio(pause: Pause): Promise<string[]> {
    const p = new Problems()
    const harness = new LoopbackHarness()
    const clock = new VirtualClock(0, pause)
    const radio = new PipeRadio(harness, clock, { slackMs: 500, pollMs: 5 })
    const big: number[] = []
    for (let i = 0; i < 255; i++) big.push(i)
    await radio.configure(TX_868_SF12)
    const tx = await radio.transmit(big)
    p.ok("transmit ok", tx.ok === true)
    p.eq("frame reassembled by the harness", harness.transmitted.length === 1 ? hex(harness.transmitted[0]) : "none", hex(big))
    if (tx.ok === true) p.eq("airtime reported by the harness", tx.value.airtimeMs, 123.456)
    harness.downlink = [0x60, 0xda, 0x1b, 0x01, 0x26, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44]
    const rx = await radio.receive(RX2_869_SF9)
    p.ok("receive ok", rx.ok === true)
    if (rx.ok === true && rx.value !== null) {
        p.eq("downlink bytes", hex(rx.value.bytes), "60da1b012600000011223344")
        p.eq("RSSI", rx.value.rssiDbm, -97.3)
        p.eq("SNR", rx.value.snrDb, -2.25)
    } else p.list.push("no downlink")
    p.eq("listened on the window frequency", harness.listens[0], 869525000)
    const empty = await radio.receive(RX2_869_SF9)
    p.ok("empty window gives null", empty.ok === true && empty.value === null)
    // A harness that never answers: typed transport error after the slack.
    const silent = new PipeRadio({ send: async (f: number[]) => f.length > 0, onFragment: (h: (f: number[]) => void) => {} }, new VirtualClock(0, pause), { slackMs: 100, pollMs: 10 })
    await silent.configure(TX_868_SF12)
    const t2 = await silent.transmit(big)
    p.ok("no TX_DONE → transport_error", t2.ok === false && t2.error.code === "transport_error")
    return p.list
}
