// A command-level SX1262 for tests (VM and Node): decodes the SPI commands the driver sends,
// keeps registers, the data buffer, IRQ status and chip mode, raises DIO1 on TxDone/RxDone/Timeout,
// goes BUSY for a moment after each command, and logs every command. It records violations of the
// datasheet's rules: a command while BUSY is high (§8.3.1), SetPacketType outside STDBY_RC or
// after the modulation was set (§13.4.2: "must be the first of the radio configuration sequence"),
// a TX/RX started without SetPacketType, SetModulationParams or SetPacketParams.
import { InputLine, OutputLine, SpiDevice } from "./hal.js"
import { IRQ_CRC_ERR, IRQ_RX_DONE, IRQ_TIMEOUT, IRQ_TX_DONE, Op } from "./sx1262-cmds.js"

export interface Command {
    op: number
    args: number[]
}

export interface FakeSx1262Downlink {
    bytes: number[]
    rssiPkt: number
    snrPkt: number
    crcError: boolean
}

const MODE_SLEEP = 0
const MODE_STBY_RC = 2

export class FakeSx1262 implements SpiDevice {
    log: Command[] = []
    violations: string[] = []
    downlinks: FakeSx1262Downlink[] = []
    transmitted: number[][] = []
    /** Register file, sparse: addresses and values (datasheet reset values for the ones used). */
    private regAddrs: number[] = []
    private regValues: number[] = []
    buffer: number[] = []
    irq = 0
    dio1Mask = 0
    chipMode = MODE_STBY_RC
    packetType = -1
    modulationSet = false
    packetParams: number[] = []
    /** SPI transfers left during which BUSY reads high (simulates command processing). */
    busyFor = 0
    resetLow = false

    readonly reset: OutputLine
    readonly dio1: InputLine
    readonly busy: InputLine

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
        this.dio1 = { read: () => (self.irq & self.dio1Mask) !== 0 }
        this.busy = {
            read: () => {
                if (self.busyFor > 0) {
                    self.busyFor--
                    return true
                }
                return false
            },
        }
    }

    private powerOn(): void {
        this.regAddrs = []
        this.regValues = []
        this.setReg(0x0740, 0x14) // private sync word 0x1424 after reset
        this.setReg(0x0741, 0x24)
        this.setReg(0x0736, 0x0d)
        this.setReg(0x0889, 0x04)
        this.setReg(0x08d8, 0xc8)
        this.buffer = []
        for (let i = 0; i < 256; i++) this.buffer.push(0)
        this.chipMode = MODE_STBY_RC
        this.packetType = -1
        this.modulationSet = false
        this.packetParams = []
        this.irq = 0
        this.dio1Mask = 0
        this.busyFor = 2
    }

    reg(addr: number): number {
        const i = this.regAddrs.indexOf(addr)
        return i < 0 ? 0 : this.regValues[i]
    }

    private setReg(addr: number, v: number): void {
        const i = this.regAddrs.indexOf(addr)
        if (i < 0) {
            this.regAddrs.push(addr)
            this.regValues.push(v)
        } else this.regValues[i] = v
    }

    /** Commands with the given opcode, in order. */
    commandsOf(op: number): Command[] {
        const out: Command[] = []
        for (const c of this.log) if (c.op === op) out.push(c)
        return out
    }

    async transfer(tx: number[]): Promise<number[]> {
        const rx: number[] = []
        for (let i = 0; i < tx.length; i++) rx.push(0)
        if (this.resetLow) {
            this.violations.push("SPI access while NRESET is low")
            return rx
        }
        if (this.busyFor > 0) this.violations.push("command " + tx[0] + " sent while BUSY was high")
        const status = (this.chipMode << 4) | 0x02
        if (rx.length > 1) rx[1] = status
        const op = tx[0]
        const args = tx.slice(1)
        this.log.push({ op: op, args: args })
        if (this.chipMode === MODE_SLEEP) this.chipMode = MODE_STBY_RC // NSS wakes the chip (§13.1.1)
        this.execute(op, args, rx, status)
        this.busyFor = 1
        return rx
    }

    private execute(op: number, a: number[], rx: number[], status: number): void {
        if (op === Op.SetStandby) this.chipMode = MODE_STBY_RC
        else if (op === Op.SetSleep) this.chipMode = MODE_SLEEP
        else if (op === Op.SetPacketType) {
            if (this.chipMode !== MODE_STBY_RC) this.violations.push("SetPacketType outside STDBY_RC")
            this.packetType = a[0]
            this.modulationSet = false
            this.packetParams = []
        } else if (op === Op.SetModulationParams) {
            if (this.packetType < 0) this.violations.push("SetModulationParams before SetPacketType")
            this.modulationSet = true
        } else if (op === Op.SetPacketParams) {
            if (this.packetType < 0) this.violations.push("SetPacketParams before SetPacketType")
            this.packetParams = a
        } else if (op === Op.WriteRegister) {
            const addr = (a[0] << 8) | a[1]
            for (let i = 2; i < a.length; i++) this.setReg(addr + i - 2, a[i])
        } else if (op === Op.ReadRegister) {
            const addr = (a[0] << 8) | a[1]
            for (let i = 3; i < a.length; i++) rx[i + 1] = this.reg(addr + i - 3)
            rx[3] = status
        } else if (op === Op.WriteBuffer) {
            for (let i = 1; i < a.length; i++) this.buffer[(a[0] + i - 1) & 0xff] = a[i]
        } else if (op === Op.ReadBuffer) {
            rx[2] = status
            for (let i = 2; i < a.length; i++) rx[i + 1] = this.buffer[(a[0] + i - 2) & 0xff]
        } else if (op === Op.SetDioIrqParams) {
            this.dio1Mask = (a[2] << 8) | a[3]
        } else if (op === Op.ClearIrqStatus) {
            this.irq &= ~((a[0] << 8) | a[1])
        } else if (op === Op.GetIrqStatus) {
            rx[2] = (this.irq >> 8) & 0xff
            rx[3] = this.irq & 0xff
        } else if (op === Op.GetRxBufferStatus) {
            rx[2] = this.rxLength
            rx[3] = 0
        } else if (op === Op.GetPacketStatus) {
            rx[2] = this.rxRssi
            rx[3] = this.rxSnr & 0xff
        } else if (op === Op.SetTx) this.startTx()
        else if (op === Op.SetRx) this.startRx()
    }

    private rxLength = 0
    private rxRssi = 0
    private rxSnr = 0

    private ready(what: string): void {
        if (this.packetType < 0) this.violations.push(what + " without SetPacketType")
        if (!this.modulationSet) this.violations.push(what + " without SetModulationParams")
        if (this.packetParams.length === 0) this.violations.push(what + " without SetPacketParams")
    }

    private startTx(): void {
        this.ready("SetTx")
        const n = this.packetParams.length > 3 ? this.packetParams[3] : 0
        this.transmitted.push(this.buffer.slice(0, n))
        this.irq |= IRQ_TX_DONE
        this.chipMode = MODE_STBY_RC // back to STDBY_RC after TxDone (§13.1.4 fallback)
    }

    private startRx(): void {
        this.ready("SetRx")
        const d = this.downlinks.length > 0 ? this.downlinks.shift() : null
        if (d === null || d === undefined) {
            this.irq |= IRQ_TIMEOUT
        } else {
            for (let i = 0; i < d.bytes.length; i++) this.buffer[i] = d.bytes[i]
            this.rxLength = d.bytes.length
            this.rxRssi = d.rssiPkt
            this.rxSnr = d.snrPkt
            this.irq |= IRQ_RX_DONE | (d.crcError ? IRQ_CRC_ERR : 0)
        }
        this.chipMode = MODE_STBY_RC
    }
}
