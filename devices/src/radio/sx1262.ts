// Semtech SX1262 (Ebyte E22-900M22S) in LoRa mode, command level, over a RadioHal. Sequences
// follow DS_SX1261-2 Rev. 2.1: §14.2 "Circuit Configuration for Basic Tx Operation" and §14.3
// "... Basic Rx Operation", §8.3 BUSY handshake, §15 errata workarounds; as in Semtech's
// LoRaMac-node src/radio/sx126x/{sx126x.c,radio.c}.
//
// Every command waits for BUSY low first (§8.3.1: the chip ignores commands while BUSY is high);
// the fake chip (fake-sx1262.ts) records a violation if a command arrives while it is busy.
import { loraAirtimeMs, lowDataRateOptimize, symbolMs } from "./airtime.js"
import { RadioHal, waitHigh } from "./hal.js"
import { Radio, RadioResult, radioError, radioOk, RxFrame, RxWindow, TxConfig, TxDone } from "./radio.js"
import {
    CHIP_MODE_STBY_RC,
    imageCalibration,
    IRQ_CRC_ERR,
    IRQ_HEADER_ERR,
    IRQ_RX_DONE,
    IRQ_TIMEOUT,
    IRQ_TX_DONE,
    loraBandwidthCode,
    Op,
    PACKET_TYPE_LORA,
    REG_IQ_POLARITY,
    REG_LORA_SYNC_WORD_MSB,
    REG_LORA_SYNCH_TIMEOUT,
    REG_TX_CLAMP_CONFIG,
    REG_TX_MODULATION,
    SLEEP_WARM_START,
    STANDBY_RC,
    symbolTimeoutEncoding,
} from "./sx1262-cmds.js"

export interface Sx1262Options {
    /** E22 modules drive their TX switch from DIO2 (SetDIO2AsRfSwitchCtrl). */
    dio2RfSwitch: boolean
    /** TCXO supply on DIO3 (E22: 1.8 V = code 0x02), or null for a crystal. */
    tcxoVoltageCode: number | null
    pollMs?: number
}

export class Sx1262 implements Radio {
    private hal: RadioHal
    private opts: Sx1262Options
    private tx: TxConfig | null = null
    private initialized = false
    /** Band for which CalibrateImage ran (first byte of the pair), -1 for none. */
    private calibratedBand = -1

    constructor(hal: RadioHal, opts: Sx1262Options) {
        this.hal = hal
        this.opts = opts
    }

    /** §8.3.1: wait for BUSY low (a few µs normally; up to 3.5 ms after calibration). */
    private async waitReady(): Promise<boolean> {
        const busy = this.hal.busy
        if (busy === null) return true
        const end = this.hal.clock.now() + 20
        while (busy.read()) {
            if (this.hal.clock.now() > end) return false
            await this.hal.clock.sleep(1)
        }
        return true
    }

    private async command(op: number, args: number[]): Promise<RadioResult<number[]>> {
        if (!(await this.waitReady())) return radioError("bus_error", "BUSY stayed high before command " + op)
        const tx: number[] = [op]
        for (const a of args) tx.push(a & 0xff)
        return radioOk(await this.hal.spi.transfer(tx))
    }

    /** Several commands in order; stops at the first failure. */
    private async commands(list: number[][]): Promise<RadioResult<boolean>> {
        for (const c of list) {
            const r = await this.command(c[0], c.slice(1))
            if (r.ok === false) return r
        }
        return radioOk(true)
    }

    private async writeRegister(addr: number, values: number[]): Promise<RadioResult<number[]>> {
        const args = [(addr >> 8) & 0xff, addr & 0xff]
        for (const v of values) args.push(v)
        return await this.command(Op.WriteRegister, args)
    }

    private async readRegister(addr: number): Promise<number> {
        const r = await this.command(Op.ReadRegister, [(addr >> 8) & 0xff, addr & 0xff, 0, 0])
        return r.ok === true ? r.value[4] : 0
    }

    /** Read-modify-write of one register bit pattern (errata workarounds). */
    private async updateRegister(addr: number, clear: number, set: number): Promise<void> {
        const v = await this.readRegister(addr)
        await this.writeRegister(addr, [(v & ~clear & 0xff) | set])
    }

    /** Reset (§8.1: ≥ 100 µs low), STDBY_RC, TCXO, calibration, regulator, LoRa packet type, sync word. */
    async init(): Promise<RadioResult<boolean>> {
        const clock = this.hal.clock
        this.hal.reset.write(false)
        await clock.sleep(1)
        this.hal.reset.write(true)
        await clock.sleep(5)
        const setup: number[][] = [[Op.SetStandby, STANDBY_RC]]
        // §13.3.6: the TCXO must be enabled (and then everything recalibrated) before using XOSC.
        if (this.opts.tcxoVoltageCode !== null) setup.push([Op.SetDio3AsTcxoCtrl, this.opts.tcxoVoltageCode, 0x00, 0x01, 0x40]) // 5 ms
        setup.push([Op.Calibrate, 0x7f])
        if (this.opts.dio2RfSwitch) setup.push([Op.SetDio2AsRfSwitchCtrl, 0x01])
        setup.push([Op.SetRegulatorMode, 0x01]) // DC-DC (E22 and most modules have the inductor)
        setup.push([Op.SetPacketType, PACKET_TYPE_LORA])
        setup.push([Op.SetBufferBaseAddress, 0x00, 0x00])
        const r = await this.commands(setup)
        if (r.ok === false) return r
        // LoRaWAN public-network sync word 0x3444 (LoRaMac-node LORA_MAC_PUBLIC_SYNCWORD).
        await this.writeRegister(REG_LORA_SYNC_WORD_MSB, [0x34, 0x44])
        const status = await this.command(Op.GetStatus, [0])
        if (status.ok === false) return status
        const chipMode = (status.value[1] >> 4) & 0x07
        if (chipMode !== CHIP_MODE_STBY_RC) return radioError("chip_not_found", "GetStatus chip mode " + chipMode + ", expected STBY_RC (2)")
        this.initialized = true
        return radioOk(true)
    }

    private async ensureInit(): Promise<RadioResult<boolean>> {
        if (this.initialized) return radioOk(true)
        return await this.init()
    }

    /** CalibrateImage once per band (§9.2.1), then SetRfFrequency: RfFreq = f · 2^25 / 32 MHz. */
    private async setFrequency(hz: number): Promise<RadioResult<boolean>> {
        const cal = imageCalibration(hz)
        if (cal[0] !== this.calibratedBand) {
            const r = await this.command(Op.CalibrateImage, cal)
            if (r.ok === false) return r
            this.calibratedBand = cal[0]
        }
        const f = Math.floor((hz / 32000000) * 33554432 + 0.5)
        const r = await this.command(Op.SetRfFrequency, [(f >>> 24) & 0xff, (f >> 16) & 0xff, (f >> 8) & 0xff, f & 0xff])
        return r.ok === false ? r : radioOk(true)
    }

    private async setModulation(sf: number, bandwidthHz: number, codingRate: number): Promise<RadioResult<boolean>> {
        const ldro = lowDataRateOptimize(sf, bandwidthHz) ? 1 : 0
        const r = await this.command(Op.SetModulationParams, [sf, loraBandwidthCode(bandwidthHz), codingRate - 4, ldro])
        if (r.ok === false) return r
        // Errata §15.1: TxModulation bit 2 cleared only for 500 kHz.
        if (bandwidthHz === 500000) await this.updateRegister(REG_TX_MODULATION, 0x04, 0)
        else await this.updateRegister(REG_TX_MODULATION, 0, 0x04)
        return radioOk(true)
    }

    /** Preamble 8, explicit header, length, CRC, IQ (§13.4.6); errata §15.4 for the IQ polarity. */
    private async setPacket(length: number, crc: boolean, invertIq: boolean): Promise<RadioResult<boolean>> {
        const r = await this.command(Op.SetPacketParams, [0x00, 0x08, 0x00, length, crc ? 1 : 0, invertIq ? 1 : 0])
        if (r.ok === false) return r
        if (invertIq) await this.updateRegister(REG_IQ_POLARITY, 0x04, 0)
        else await this.updateRegister(REG_IQ_POLARITY, 0, 0x04)
        return radioOk(true)
    }

    async configure(cfg: TxConfig): Promise<RadioResult<boolean>> {
        if (loraBandwidthCode(cfg.bandwidthHz) < 0 || cfg.sf < 5 || cfg.sf > 12 || cfg.codingRate < 5 || cfg.codingRate > 8)
            return radioError("invalid_config", "SF" + cfg.sf + " BW " + cfg.bandwidthHz + " CR 4/" + cfg.codingRate)
        const ready = await this.ensureInit()
        if (ready.ok === false) return ready
        this.tx = cfg
        return radioOk(true)
    }

    async transmit(bytes: number[]): Promise<RadioResult<TxDone>> {
        const c = this.tx
        if (c === null) return radioError("invalid_config", "transmit before configure")
        if (bytes.length < 1 || bytes.length > 255) return radioError("invalid_config", bytes.length + "-byte frame")
        const clock = this.hal.clock
        const r1 = await this.command(Op.SetStandby, [STANDBY_RC])
        if (r1.ok === false) return r1
        const f = await this.setFrequency(c.frequencyHz)
        if (f.ok === false) return f
        // SX1262 high-power PA: PaConfig(0x04, 0x07, SX1262, 1) gives up to +22 dBm (§13.1.14, Table 13-21).
        const power = Math.max(-9, Math.min(22, c.powerDbm))
        const setup = await this.commands([
            [Op.SetPaConfig, 0x04, 0x07, 0x00, 0x01],
            [Op.SetTxParams, power & 0xff, 0x02], // ramp 40 µs, as LoRaMac-node
        ])
        if (setup.ok === false) return setup
        // Errata §15.2: TX clamp for antenna mismatch (SX1262).
        await this.updateRegister(REG_TX_CLAMP_CONFIG, 0, 0x1e)
        const m = await this.setModulation(c.sf, c.bandwidthHz, c.codingRate)
        if (m.ok === false) return m
        const p = await this.setPacket(bytes.length, true, false)
        if (p.ok === false) return p
        const buf: number[] = [0x00]
        for (const b of bytes) buf.push(b)
        const w = await this.command(Op.WriteBuffer, buf)
        if (w.ok === false) return w
        const irq = IRQ_TX_DONE | IRQ_TIMEOUT
        const d = await this.commands([
            [Op.SetDioIrqParams, irq >> 8, irq & 0xff, irq >> 8, irq & 0xff, 0, 0, 0, 0],
            [Op.ClearIrqStatus, 0x03, 0xff],
        ])
        if (d.ok === false) return d
        if (this.hal.rxEnable !== null) this.hal.rxEnable.write(false)
        const airtime = loraAirtimeMs(bytes.length, c.sf, c.bandwidthHz, c.codingRate, 8, true, true)
        // SetTx timeout in 15.625 µs steps: twice the airtime, a safety net against a stuck PA.
        const steps = Math.floor((airtime * 2 + 100) * 64)
        const start = clock.now()
        const t = await this.command(Op.SetTx, [(steps >> 16) & 0xff, (steps >> 8) & 0xff, steps & 0xff])
        if (t.ok === false) return t
        const done = await waitHigh(clock, [this.hal.irq], airtime * 1.5 + 100, this.opts.pollMs ? this.opts.pollMs : 1)
        const flags = await this.irqStatus()
        await this.command(Op.ClearIrqStatus, [0x03, 0xff])
        if (!done || (flags & IRQ_TX_DONE) === 0) return radioError("tx_timeout", "no TxDone (IRQ status " + flags + ")")
        return radioOk({ startMs: start, endMs: clock.now(), airtimeMs: airtime })
    }

    private async irqStatus(): Promise<number> {
        const r = await this.command(Op.GetIrqStatus, [0, 0, 0])
        return r.ok === true ? (r.value[2] << 8) | r.value[3] : 0
    }

    async receive(w: RxWindow): Promise<RadioResult<RxFrame | null>> {
        if (loraBandwidthCode(w.bandwidthHz) < 0) return radioError("invalid_config", "BW " + w.bandwidthHz)
        const ready = await this.ensureInit()
        if (ready.ok === false) return ready
        const clock = this.hal.clock
        const r1 = await this.command(Op.SetStandby, [STANDBY_RC])
        if (r1.ok === false) return r1
        const f = await this.setFrequency(w.frequencyHz)
        if (f.ok === false) return f
        const m = await this.setModulation(w.sf, w.bandwidthHz, w.codingRate)
        if (m.ok === false) return m
        // Downlinks: no payload CRC, inverted IQ (LoRaWAN 1.0.4 §3.1, §3.2).
        const p = await this.setPacket(Math.min(255, w.maxLength), false, true)
        if (p.ok === false) return p
        const irq = IRQ_RX_DONE | IRQ_TIMEOUT | IRQ_CRC_ERR | IRQ_HEADER_ERR
        const symbols = Math.max(4, Math.min(248, w.timeoutSymbols))
        const enc = symbolTimeoutEncoding(symbols)
        const setup = await this.commands([
            [Op.SetDioIrqParams, irq >> 8, irq & 0xff, irq >> 8, irq & 0xff, 0, 0, 0, 0],
            [Op.StopTimerOnPreamble, 0x00],
            [Op.SetLoRaSymbNumTimeout, enc.command],
            [Op.ClearIrqStatus, 0x03, 0xff],
        ])
        if (setup.ok === false) return setup
        if (symbols > 63) await this.writeRegister(REG_LORA_SYNCH_TIMEOUT, [enc.register])
        if (this.hal.rxEnable !== null) this.hal.rxEnable.write(true)
        const wait = w.openAtMs - clock.now()
        if (wait > 0) await clock.sleep(wait)
        // SetRx(0): single mode without timer; the symbol timeout ends an empty window (§13.1.4, §13.4.9).
        const rx = await this.command(Op.SetRx, [0, 0, 0])
        if (rx.ok === false) return rx
        const limit = symbols * symbolMs(w.sf, w.bandwidthHz) + loraAirtimeMs(w.maxLength, w.sf, w.bandwidthHz, 5, 8, false, true) + 50
        await waitHigh(clock, [this.hal.irq], limit, this.opts.pollMs ? this.opts.pollMs : 1)
        const flags = await this.irqStatus()
        await this.command(Op.ClearIrqStatus, [0x03, 0xff])
        if (this.hal.rxEnable !== null) this.hal.rxEnable.write(false)
        if ((flags & IRQ_RX_DONE) === 0 || (flags & (IRQ_CRC_ERR | IRQ_HEADER_ERR | IRQ_TIMEOUT)) !== 0) {
            await this.command(Op.SetStandby, [STANDBY_RC])
            return radioOk(null)
        }
        const st = await this.command(Op.GetRxBufferStatus, [0, 0, 0])
        if (st.ok === false) return st
        const len = st.value[2]
        const args: number[] = [st.value[3], 0]
        for (let i = 0; i < len; i++) args.push(0)
        const data = await this.command(Op.ReadBuffer, args)
        if (data.ok === false) return data
        const ps = await this.command(Op.GetPacketStatus, [0, 0, 0, 0])
        if (ps.ok === false) return ps
        // §13.5.3: RssiPkt = −value/2 dBm; SnrPkt is signed, in 0.25 dB.
        const snrRaw = ps.value[3]
        return radioOk({ bytes: data.value.slice(3), rssiDbm: -ps.value[2] / 2, snrDb: (snrRaw > 127 ? snrRaw - 256 : snrRaw) / 4 })
    }

    async sleep(): Promise<RadioResult<boolean>> {
        if (!this.initialized) return radioOk(true)
        const r = await this.command(Op.SetSleep, [SLEEP_WARM_START])
        // The chip forgets the image calibration only on cold start; a warm start keeps it.
        return r.ok === false ? r : radioOk(true)
    }
}
