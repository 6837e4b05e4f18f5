// A register-level SX1276 for tests (VM and Node): a register file with the datasheet's reset
// values, the FIFO, the LoRa modes, TxDone/RxDone/RxTimeout on DIO0/DIO1, and a log of every
// register access. It also records violations of the datasheet's rules (see sx1276.ts), so a test
// fails if the driver writes in the wrong mode, not only if the bytes differ.
import { InputLine, OutputLine, SpiDevice } from "./hal.js"
import { Mode, OPMODE_LORA, Reg } from "./sx1276-regs.js"

export interface RegAccess {
    write: boolean
    reg: number
    /** Value written or read (the first byte of a burst). */
    value: number
    /** Bytes of a FIFO burst. */
    burst: number[] | null
    /** RegOpMode mode bits at the time of the access. */
    mode: number
}

/** Reset values of the registers this fake models (datasheet §6.4, "Default" column). */
const RESET: number[][] = [
    [0x01, 0x09],
    [0x06, 0x6c],
    [0x07, 0x80],
    [0x08, 0x00],
    [0x09, 0x4f],
    [0x0b, 0x2b],
    [0x0c, 0x20],
    [0x0e, 0x80],
    [0x0f, 0x00],
    [0x1d, 0x72],
    [0x1e, 0x70],
    [0x1f, 0x64],
    [0x21, 0x08],
    [0x22, 0x01],
    [0x23, 0xff],
    [0x31, 0xc3],
    [0x33, 0x27],
    [0x37, 0x0a],
    [0x39, 0x12],
    [0x3b, 0x1d],
    [0x42, 0x12],
    [0x4d, 0x84],
]

function hex2(n: number): string {
    const d = "0123456789abcdef"
    return "0x" + d.charAt((n >> 4) & 15) + d.charAt(n & 15)
}

/** A frame the fake "hears" in the next RX window. */
export interface FakeDownlink {
    bytes: number[]
    snrQuarterDb: number
    rssiRaw: number
    crcError: boolean
}

export class FakeSx1276 implements SpiDevice {
    regs: number[] = []
    fifo: number[] = []
    log: RegAccess[] = []
    violations: string[] = []
    /** Queued frames for the next RX single windows; an empty queue means RxTimeout. */
    downlinks: FakeDownlink[] = []
    /** Set to simulate a missing chip (RegVersion reads 0). */
    absent = false
    /** When false, TX never completes (TxDone stays low). */
    txCompletes = true
    resetLow = false
    transmitted: number[][] = []

    readonly reset: OutputLine
    readonly dio0: InputLine
    readonly dio1: InputLine

    constructor() {
        this.powerOn()
        const self = this
        this.reset = {
            write: (high: boolean) => {
                if (!high) self.resetLow = true
                else if (self.resetLow) {
                    self.resetLow = false
                    self.powerOn()
                }
            },
        }
        // DIO0 = TxDone (mapping 01) or RxDone (00); DIO1 = RxTimeout (00).
        this.dio0 = { read: () => ((self.regs[Reg.DioMapping1] >> 6) === 1 ? (self.regs[Reg.IrqFlags] & 0x08) !== 0 : (self.regs[Reg.IrqFlags] & 0x40) !== 0) }
        this.dio1 = { read: () => (self.regs[Reg.IrqFlags] & 0x80) !== 0 }
    }

    private powerOn(): void {
        this.regs = []
        for (let i = 0; i < 128; i++) this.regs.push(0)
        for (const r of RESET) this.regs[r[0]] = r[1]
        this.fifo = []
        for (let i = 0; i < 256; i++) this.fifo.push(0)
    }

    mode(): number {
        return this.regs[Reg.OpMode] & 0x07
    }

    lora(): boolean {
        return (this.regs[Reg.OpMode] & OPMODE_LORA) !== 0
    }

    /** Frequency in Hz from RegFrf. */
    frequencyHz(): number {
        return ((this.regs[Reg.FrfMsb] << 16) | (this.regs[Reg.FrfMid] << 8) | this.regs[Reg.FrfLsb]) * 61.03515625
    }

    /** Values written to `reg`, in order. */
    writesTo(reg: number): number[] {
        const out: number[] = []
        for (const a of this.log) if (a.write && a.reg === reg) out.push(a.value)
        return out
    }

    async transfer(tx: number[]): Promise<number[]> {
        const rx: number[] = [0]
        if (this.resetLow) {
            this.violations.push("SPI access while NRESET is low")
            for (let i = 1; i < tx.length; i++) rx.push(0)
            return rx
        }
        const write = (tx[0] & 0x80) !== 0
        const reg = tx[0] & 0x7f
        if (reg === Reg.Fifo) {
            if (this.mode() === Mode.Sleep) this.violations.push("FIFO access in Sleep mode")
            const burst: number[] = []
            for (let i = 1; i < tx.length; i++) {
                const ptr = this.regs[Reg.FifoAddrPtr]
                if (write) this.fifo[ptr] = tx[i]
                const v = this.fifo[ptr]
                rx.push(v)
                burst.push(write ? tx[i] : v)
                this.regs[Reg.FifoAddrPtr] = (ptr + 1) & 0xff
            }
            this.log.push({ write: write, reg: reg, value: burst.length > 0 ? burst[0] : 0, burst: burst, mode: this.mode() })
            return rx
        }
        for (let i = 1; i < tx.length; i++) {
            const r = (reg + i - 1) & 0x7f
            if (write) this.writeReg(r, tx[i])
            const v = this.absent ? 0 : this.regs[r]
            rx.push(v)
            this.log.push({ write: write, reg: r, value: write ? tx[i] : v, burst: null, mode: this.mode() })
        }
        return rx
    }

    private writeReg(r: number, v: number): void {
        const m = this.mode()
        const busy = m === Mode.Tx || m === Mode.RxSingle || m === Mode.RxContinuous
        if (r === Reg.OpMode) {
            const loraChange = ((v ^ this.regs[r]) & OPMODE_LORA) !== 0
            if (loraChange && (m !== Mode.Sleep || (v & 0x07) !== Mode.Sleep)) this.violations.push("LongRangeMode changed outside Sleep")
            this.regs[r] = v
            if ((v & 0x07) === Mode.Tx) this.startTx()
            if ((v & 0x07) === Mode.RxSingle) this.startRx()
            return
        }
        if (busy && r !== Reg.IrqFlags) this.violations.push("register " + hex2(r) + " written during TX/RX")
        if (r === Reg.IrqFlags) {
            this.regs[r] &= ~v & 0xff // write 1 to clear
            return
        }
        if (r === Reg.Version || r === Reg.RxNbBytes || r === Reg.FifoRxCurrentAddr || r === Reg.PktSnrValue || r === Reg.PktRssiValue) {
            this.violations.push("write to read-only register " + hex2(r))
            return
        }
        this.regs[r] = v
    }

    private startTx(): void {
        const n = this.regs[Reg.PayloadLength]
        const base = this.regs[Reg.FifoTxBaseAddr]
        const frame: number[] = []
        for (let i = 0; i < n; i++) frame.push(this.fifo[(base + i) & 0xff])
        this.transmitted.push(frame)
        if (!this.txCompletes) return
        // TxDone, then automatic return to Standby (§4.1.6.2).
        this.regs[Reg.IrqFlags] |= 0x08
        this.regs[Reg.OpMode] = (this.regs[Reg.OpMode] & 0xf8) | Mode.Standby
    }

    private startRx(): void {
        const d = this.downlinks.length > 0 ? this.downlinks.shift() : null
        if (d === null || d === undefined) {
            this.regs[Reg.IrqFlags] |= 0x80 // RxTimeout
        } else {
            const base = this.regs[Reg.FifoRxBaseAddr]
            for (let i = 0; i < d.bytes.length; i++) this.fifo[(base + i) & 0xff] = d.bytes[i]
            this.regs[Reg.FifoRxCurrentAddr] = base
            this.regs[Reg.RxNbBytes] = d.bytes.length
            this.regs[Reg.PktSnrValue] = d.snrQuarterDb & 0xff
            this.regs[Reg.PktRssiValue] = d.rssiRaw
            this.regs[Reg.IrqFlags] |= 0x40 | 0x10 | (d.crcError ? 0x20 : 0)
        }
        this.regs[Reg.OpMode] = (this.regs[Reg.OpMode] & 0xf8) | Mode.Standby
    }
}
