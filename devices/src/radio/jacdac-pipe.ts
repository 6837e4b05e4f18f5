// PipeTransport over Jacdac (DeviceScript only): the VM talks to the Node harness through a
// Jacdac Serial service (jacdac spec "serial", class 0x11bae5c3) that the harness hosts on the
// bus the VM joins with `devs run --tcp`. Fragments go out as the Serial "send" command (0x80)
// and come back as its "received" report (0x80). The role name lets the harness address this
// radio when several pipes share a bus. See docs/lorawan-mac.md "Pipe radio".
import * as ds from "@devicescript/core"
import { PipeTransport } from "./pipe-radio"

/** Serial "send" command and "received" report code (jacdac-spec services/serial.md). */
const SERIAL_SEND = 0x80

export class JacdacPipeTransport implements PipeTransport {
    private role: ds.Serial
    private handlers: ((fragment: number[]) => void)[] = []

    constructor(roleName: string) {
        this.role = new ds.Serial(roleName)
        const self = this
        this.role.report().subscribe((pkt: ds.Packet) => {
            // DeviceScript numbers reports with flags above the 12-bit code (0x2080 for "received").
            if ((pkt.serviceCommand & 0xfff) !== SERIAL_SEND) return
            const b = pkt.payload
            const f: number[] = []
            for (let i = 0; i < b.length; i++) f.push(b[i])
            for (const h of self.handlers) h(f)
        })
    }

    /** Whether a harness serves this role (the VM runs with --tcp and the harness is up). */
    bound(): boolean {
        return this.role.isBound
    }

    async send(fragment: number[]): Promise<boolean> {
        if (!this.role.isBound) return false
        const buf = Buffer.alloc(fragment.length)
        for (let i = 0; i < fragment.length; i++) buf[i] = fragment[i]
        await this.role.sendCommand(SERIAL_SEND, buf)
        return true
    }

    onFragment(handler: (fragment: number[]) => void): void {
        this.handlers.push(handler)
    }
}
