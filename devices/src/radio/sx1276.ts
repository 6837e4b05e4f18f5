// Semtech SX1276 (LilyGO TTGO LoRa32, RFM95) in LoRa mode, register level, over a RadioHal.
// Sequences follow the datasheet (SX1276/77/78/79 Rev. 7: §4.1.6 LoRa operating modes, §4.1.4
// frequency synthesis, §5.4 PA, §6.4 registers) as Semtech's LoRaMac-node implements them
// (src/radio/sx1276/sx1276.c: SX1276SetModem, SX1276SetTxConfig, SX1276Send, SX1276SetRx).
//
// Rules the fake chip (fake-sx1276.ts) checks in the tests:
//  - LongRangeMode is only changed in Sleep (§6.4 RegOpMode: "can be modified only in Sleep mode");
//  - frequency, modem and FIFO are written in Sleep/Standby, never while TX or RX runs;
//  - the FIFO is not accessed in Sleep (§4.1.2.3: "the FIFO is cleared ... not accessible in Sleep").
import { loraAirtimeMs, lowDataRateOptimize, symbolMs } from "./airtime.js"
import { RadioHal, waitHigh } from "./hal.js"
import { Radio, RadioResult, radioError, radioOk, RxFrame, RxWindow, TxConfig, TxDone } from "./radio.js"
import {
    bandwidthCode,
    DIO_MAPPING_RX,
    DIO_MAPPING_TX,
    FREQ_STEP_HZ,
    IRQ_PAYLOAD_CRC_ERROR,
    IRQ_RX_DONE,
    IRQ_RX_TIMEOUT,
    IRQ_TX_DONE,
    Mode,
    OPMODE_LORA,
    Reg,
    SX1276_VERSION,
    SYNC_WORD_PUBLIC,
} from "./sx1276-regs.js"

export interface Sx1276Options {
    /** TTGO LoRa32 and RFM95 route the antenna to PA_BOOST (2..20 dBm); RFO gives 0..14 dBm. */
    paBoost: boolean
    /** Polling step while waiting for DIO0/DIO1, ms. */
    pollMs?: number
}

/** Frequencies above this use the high-frequency port and errata values (LoRaMac-node RF_MID_BAND_THRESH). */
const RF_MID_BAND_THRESH_HZ = 525000000

export class Sx1276 implements Radio {
    private hal: RadioHal
    private opts: Sx1276Options
    private tx: TxConfig | null = null
    private initialized = false

    constructor(hal: RadioHal, opts: Sx1276Options) {
        this.hal = hal
        this.opts = opts
    }

    private async write(reg: number, value: number): Promise<void> {
        await this.hal.spi.transfer([reg | 0x80, value & 0xff])
    }

    private async read(reg: number): Promise<number> {
        const r = await this.hal.spi.transfer([reg & 0x7f, 0])
        return r[1]
    }

    private async mode(m: number): Promise<void> {
        await this.write(Reg.OpMode, OPMODE_LORA | m)
    }

    /** Reset pulse (§7.2.2: ≥ 100 µs low, then 5 ms), version check, switch to LoRa in Sleep. */
    async init(): Promise<RadioResult<boolean>> {
        const clock = this.hal.clock
        this.hal.reset.write(false)
        await clock.sleep(1)
        this.hal.reset.write(true)
        await clock.sleep(6)
        const version = await this.read(Reg.Version)
        if (version !== SX1276_VERSION) return radioError("chip_not_found", "RegVersion " + version + ", expected 18 (0x12, SX1276)")
        // FSK Sleep first, then LongRangeMode while still asleep, then Standby.
        await this.write(Reg.OpMode, Mode.Sleep)
        await this.write(Reg.OpMode, OPMODE_LORA | Mode.Sleep)
        await this.mode(Mode.Standby)
        await this.write(Reg.FifoTxBaseAddr, 0x00)
        await this.write(Reg.FifoRxBaseAddr, 0x00)
        await this.write(Reg.Lna, 0x23) // G1 (max gain), LNA boost on the HF port (§6.4 RegLna)
        await this.write(Reg.SyncWord, SYNC_WORD_PUBLIC)
        await this.write(Reg.PreambleMsb, 0)
        await this.write(Reg.PreambleLsb, 8)
        await this.mode(Mode.Sleep)
        this.initialized = true
        return radioOk(true)
    }

    private async ensureInit(): Promise<RadioResult<boolean>> {
        if (this.initialized) return radioOk(true)
        return await this.init()
    }

    /** RegFrf = f / (FXOSC / 2^19), rounded (§4.1.4). */
    private async setFrequency(hz: number): Promise<void> {
        const frf = Math.floor(hz / FREQ_STEP_HZ + 0.5)
        await this.write(Reg.FrfMsb, (frf >> 16) & 0xff)
        await this.write(Reg.FrfMid, (frf >> 8) & 0xff)
        await this.write(Reg.FrfLsb, frf & 0xff)
    }

    /** ModemConfig1-3 for SF/BW/CR; CRC on for uplinks (§4.1.1.6); LDRO when a symbol lasts ≥ 16 ms. */
    private async setModem(sf: number, bandwidthHz: number, codingRate: number, crc: boolean, symbTimeout: number): Promise<void> {
        await this.write(Reg.ModemConfig1, (bandwidthCode(bandwidthHz) << 4) | ((codingRate - 4) << 1))
        await this.write(Reg.ModemConfig2, (sf << 4) | (crc ? 0x04 : 0) | ((symbTimeout >> 8) & 0x03))
        await this.write(Reg.SymbTimeoutLsb, symbTimeout & 0xff)
        await this.write(Reg.ModemConfig3, (lowDataRateOptimize(sf, bandwidthHz) ? 0x08 : 0) | 0x04) // AgcAutoOn
        await this.write(Reg.DetectOptimize, ((await this.read(Reg.DetectOptimize)) & 0xf8) | 0x03) // SF7..12
        await this.write(Reg.DetectionThreshold, 0x0a)
    }

    async configure(cfg: TxConfig): Promise<RadioResult<boolean>> {
        if (bandwidthCode(cfg.bandwidthHz) < 0 || cfg.sf < 7 || cfg.sf > 12 || cfg.codingRate < 5 || cfg.codingRate > 8)
            return radioError("invalid_config", "SF" + cfg.sf + " BW " + cfg.bandwidthHz + " CR 4/" + cfg.codingRate)
        const ready = await this.ensureInit()
        if (ready.ok === false) return ready
        this.tx = cfg
        return radioOk(true)
    }

    /** PA_BOOST: Pout = 2 + OutputPower, +3 dB with RegPaDac 0x87 for 18..20 dBm (§5.4.2, §5.4.3). */
    private async setPower(dbm: number): Promise<void> {
        if (this.opts.paBoost) {
            const p = Math.max(2, Math.min(20, dbm))
            const high = p > 17
            await this.write(Reg.PaDac, high ? 0x87 : 0x84)
            await this.write(Reg.PaConfig, 0x80 | 0x70 | ((high ? p - 5 : p - 2) & 0x0f))
            // Over-current trim: 100 mA normally, 240 mA for +20 dBm (§5.4.4, RegOcp).
            await this.write(Reg.Ocp, high ? 0x3b : 0x2b)
        } else {
            // RFO with MaxPower 7: Pmax = 15 dBm, Pout = Pmax − (15 − OutputPower).
            const p = Math.max(0, Math.min(14, dbm))
            await this.write(Reg.PaDac, 0x84)
            await this.write(Reg.PaConfig, 0x70 | p)
            await this.write(Reg.Ocp, 0x2b)
        }
    }

    /** RegInvertIQ/RegInvertIQ2: uplinks normal, downlinks inverted (LoRaWAN 1.0.4 §3.1). */
    private async setInvertIq(rxInverted: boolean): Promise<void> {
        const v = (await this.read(Reg.InvertIq)) & 0xbe
        await this.write(Reg.InvertIq, v | (rxInverted ? 0x40 : 0x00) | 0x01)
        await this.write(Reg.InvertIq2, rxInverted ? 0x19 : 0x1d)
    }

    /** Errata 2.1 (500 kHz sensitivity) and 2.3 (spurious reception below 500 kHz). */
    private async applyErrata(bandwidthHz: number, frequencyHz: number): Promise<void> {
        const d = await this.read(Reg.DetectOptimize)
        if (bandwidthHz === 500000) {
            await this.write(Reg.HighBwOptimize1, 0x02)
            await this.write(Reg.HighBwOptimize2, frequencyHz > RF_MID_BAND_THRESH_HZ ? 0x64 : 0x7f)
            await this.write(Reg.DetectOptimize, d | 0x80)
        } else {
            await this.write(Reg.HighBwOptimize1, 0x03)
            await this.write(Reg.DetectOptimize, d & 0x7f)
            await this.write(Reg.IfFreq2, 0x00)
            await this.write(Reg.IfFreq1, 0x40)
        }
    }

    async transmit(bytes: number[]): Promise<RadioResult<TxDone>> {
        const c = this.tx
        if (c === null) return radioError("invalid_config", "transmit before configure")
        if (bytes.length < 1 || bytes.length > 255) return radioError("invalid_config", bytes.length + "-byte frame")
        const clock = this.hal.clock
        await this.mode(Mode.Standby)
        await this.setFrequency(c.frequencyHz)
        await this.setModem(c.sf, c.bandwidthHz, c.codingRate, true, 0)
        await this.applyErrata(c.bandwidthHz, c.frequencyHz)
        await this.setPower(c.powerDbm)
        await this.setInvertIq(false)
        await this.write(Reg.DioMapping1, DIO_MAPPING_TX)
        await this.write(Reg.IrqFlagsMask, 0xff & ~IRQ_TX_DONE)
        await this.write(Reg.IrqFlags, 0xff)
        await this.write(Reg.PayloadLength, bytes.length)
        await this.write(Reg.FifoAddrPtr, 0x00) // = FifoTxBaseAddr
        const burst: number[] = [Reg.Fifo | 0x80]
        for (const b of bytes) burst.push(b & 0xff)
        await this.hal.spi.transfer(burst)
        if (this.hal.rxEnable !== null) this.hal.rxEnable.write(false)
        const airtime = loraAirtimeMs(bytes.length, c.sf, c.bandwidthHz, c.codingRate, 8, true, true)
        const start = clock.now()
        await this.mode(Mode.Tx)
        const done = await waitHigh(clock, [this.hal.irq], airtime * 1.5 + 100, this.opts.pollMs ? this.opts.pollMs : 1)
        const flags = await this.read(Reg.IrqFlags)
        await this.write(Reg.IrqFlags, 0xff)
        if (!done || (flags & IRQ_TX_DONE) === 0) {
            await this.mode(Mode.Sleep)
            return radioError("tx_timeout", "no TxDone after " + Math.ceil(airtime * 1.5 + 100) + " ms")
        }
        // The chip returns to Standby by itself after TxDone (§4.1.6.2).
        return radioOk({ startMs: start, endMs: clock.now(), airtimeMs: airtime })
    }

    async receive(w: RxWindow): Promise<RadioResult<RxFrame | null>> {
        if (bandwidthCode(w.bandwidthHz) < 0) return radioError("invalid_config", "BW " + w.bandwidthHz)
        const ready = await this.ensureInit()
        if (ready.ok === false) return ready
        const clock = this.hal.clock
        await this.mode(Mode.Standby)
        await this.setFrequency(w.frequencyHz)
        // Downlinks carry no payload CRC (LoRaWAN 1.0.4 §3.2); RegSymbTimeout is 10 bits.
        const symbols = Math.max(4, Math.min(1023, w.timeoutSymbols))
        await this.setModem(w.sf, w.bandwidthHz, w.codingRate, false, symbols)
        await this.applyErrata(w.bandwidthHz, w.frequencyHz)
        await this.setInvertIq(true)
        await this.write(Reg.PayloadMaxLength, Math.min(255, w.maxLength))
        await this.write(Reg.DioMapping1, DIO_MAPPING_RX)
        await this.write(Reg.IrqFlagsMask, 0x1f) // RxTimeout, RxDone, PayloadCrcError enabled
        await this.write(Reg.IrqFlags, 0xff)
        await this.write(Reg.FifoAddrPtr, 0x00) // = FifoRxBaseAddr
        if (this.hal.rxEnable !== null) this.hal.rxEnable.write(true)
        const wait = w.openAtMs - clock.now()
        if (wait > 0) await clock.sleep(wait)
        await this.mode(Mode.RxSingle)
        // RX single stops at the symbol timeout, or once a frame that started in time has ended.
        const limit = symbols * symbolMs(w.sf, w.bandwidthHz) + loraAirtimeMs(w.maxLength, w.sf, w.bandwidthHz, 5, 8, false, true) + 50
        await waitHigh(clock, [this.hal.irq, this.hal.irq2], limit, this.opts.pollMs ? this.opts.pollMs : 1)
        const flags = await this.read(Reg.IrqFlags)
        await this.write(Reg.IrqFlags, 0xff)
        if (this.hal.rxEnable !== null) this.hal.rxEnable.write(false)
        if ((flags & IRQ_RX_DONE) === 0 || (flags & IRQ_PAYLOAD_CRC_ERROR) !== 0 || (flags & IRQ_RX_TIMEOUT) !== 0) {
            await this.mode(Mode.Standby)
            return radioOk(null)
        }
        const n = await this.read(Reg.RxNbBytes)
        await this.write(Reg.FifoAddrPtr, await this.read(Reg.FifoRxCurrentAddr))
        const burst: number[] = [Reg.Fifo]
        for (let i = 0; i < n; i++) burst.push(0)
        const data = (await this.hal.spi.transfer(burst)).slice(1)
        const snrRaw = await this.read(Reg.PktSnrValue)
        const snr = (snrRaw > 127 ? snrRaw - 256 : snrRaw) / 4
        const rssiRaw = await this.read(Reg.PktRssiValue)
        // §5.5.5: RSSI = −157 + PktRssi on the HF port (−164 on LF); below 0 dB SNR add SNR.
        const base = w.frequencyHz > RF_MID_BAND_THRESH_HZ ? -157 : -164
        const rssi = snr < 0 ? base + rssiRaw + snr : base + (16 * rssiRaw) / 15
        await this.mode(Mode.Standby)
        return radioOk({ bytes: data, rssiDbm: rssi, snrDb: snr })
    }

    async sleep(): Promise<RadioResult<boolean>> {
        if (!this.initialized) return radioOk(true)
        await this.mode(Mode.Sleep)
        return radioOk(true)
    }
}
