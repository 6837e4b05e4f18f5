// The drivers' I2CPort on DeviceScript's I2C client (@devicescript/i2c): the bus the board JSON's
// "i2c" entry configures (boards/*.board.json). DeviceScript only: not loaded by Node tests.
import { i2c } from "@devicescript/i2c"
import { I2CPort, SensorError } from "./sensor.js"

export class DevicescriptI2C implements I2CPort {
    async transfer(address: number, write: number[], readLength: number): Promise<number[]> {
        let b: Buffer
        try {
            b = await i2c.xfer(address, Buffer.from(write), readLength)
        } catch (e) {
            throw new SensorError("i2c", "I2C transfer to 0x" + hexByte(address) + " failed: " + (e as Error).message)
        }
        const out: number[] = []
        for (let i = 0; i < readLength; i++) out.push(b[i])
        return out
    }
}

function hexByte(n: number): string {
    const digits = "0123456789abcdef"
    return digits[(n >> 4) & 15] + digits[n & 15]
}
