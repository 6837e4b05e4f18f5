// A minimal Semtech UDP packet forwarder for tests: PUSH_DATA with rxpk, waiting for PUSH_ACK.
import { createSocket, type Socket } from 'node:dgram'

export class TestGateway {
  private readonly socket: Socket
  private token = 1
  private readonly waiting = new Map<number, () => void>()

  constructor(
    readonly eui: string,
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {
    this.socket = createSocket('udp4')
    this.socket.on('message', (msg) => {
      if (msg.length >= 4 && msg[3] === 1) {
        const t = msg.readUInt16BE(1)
        this.waiting.get(t)?.()
        this.waiting.delete(t)
      }
    })
  }

  /** Sends one PUSH_DATA carrying these frames; resolves true on PUSH_ACK, false after timeoutMs. */
  push(frames: { phy: Buffer; time: string; rssi?: number; lsnr?: number }[], timeoutMs = 5000): Promise<boolean> {
    const token = this.token++ & 0xffff
    const rxpk = frames.map((f, i) => ({
      time: f.time,
      tmst: 1000 + i,
      freq: 868.1,
      chan: 0,
      rfch: 0,
      stat: 1,
      modu: 'LORA',
      datr: 'SF12BW125',
      codr: '4/5',
      rssi: f.rssi ?? -105,
      lsnr: f.lsnr ?? 2.5,
      size: f.phy.length,
      data: f.phy.toString('base64'),
    }))
    const header = Buffer.alloc(12)
    header[0] = 2
    header.writeUInt16BE(token, 1)
    header[3] = 0
    Buffer.from(this.eui, 'hex').copy(header, 4)
    const packet = Buffer.concat([header, Buffer.from(JSON.stringify({ rxpk }))])
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token)
        resolve(false)
      }, timeoutMs)
      this.waiting.set(token, () => {
        clearTimeout(timer)
        resolve(true)
      })
      this.socket.send(packet, this.port, this.host)
    })
  }

  close(): void {
    this.socket.close()
  }
}
