// A Semtech UDP packet forwarder that also takes downlinks, for the downlink tests: PULL_DATA
// (the server keeps its address as the downlink route), PUSH_DATA with chosen radio metadata,
// and every PULL_RESP kept and answered with a TX_ACK the test chooses.
import { createSocket, type Socket } from 'node:dgram'

export interface PullResp {
  token: number
  txpk: Record<string, any>
  receivedAtMs: number
}

export interface RxMeta {
  tmst?: number
  freq?: number
  datr?: string
  rssi?: number
  lsnr?: number
}

export class DownlinkGateway {
  private readonly socket: Socket
  private token = 1
  private readonly waiting = new Map<string, () => void>()
  readonly pullResps: PullResp[] = []
  private waiters: (() => void)[] = []
  /** TX_ACK error to answer the next PULL_RESPs with (null: success; undefined: no TX_ACK at all). */
  txAckError: string | null | undefined = null

  constructor(
    readonly eui: string,
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {
    this.socket = createSocket('udp4')
    this.socket.on('message', (msg) => {
      if (msg.length < 4) return
      const t = msg.readUInt16BE(1)
      if (msg[3] === 1 || msg[3] === 4) {
        this.waiting.get(`${msg[3]}:${t}`)?.()
        this.waiting.delete(`${msg[3]}:${t}`)
      }
      if (msg[3] === 3) {
        const json = JSON.parse(msg.subarray(4).toString('utf8'))
        this.pullResps.push({ token: t, txpk: json.txpk, receivedAtMs: Date.now() })
        if (this.txAckError !== undefined) {
          const body = this.txAckError === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ txpk_ack: { error: this.txAckError } }))
          this.socket.send(Buffer.concat([this.header(5, t), body]), this.port, this.host)
        }
        for (const w of this.waiters.splice(0)) w()
      }
    })
  }

  private header(type: number, token: number): Buffer {
    const h = Buffer.alloc(12)
    h[0] = 2
    h.writeUInt16BE(token, 1)
    h[3] = type
    Buffer.from(this.eui, 'hex').copy(h, 4)
    return h
  }

  private request(type: number, body: Buffer, ackType: number, timeoutMs = 5000): Promise<boolean> {
    const token = this.token++ & 0xffff
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(`${ackType}:${token}`)
        resolve(false)
      }, timeoutMs)
      this.waiting.set(`${ackType}:${token}`, () => {
        clearTimeout(timer)
        resolve(true)
      })
      this.socket.send(Buffer.concat([this.header(type, token), body]), this.port, this.host)
    })
  }

  /** PULL_DATA; resolves true on PULL_ACK. */
  pullData(): Promise<boolean> {
    return this.request(2, Buffer.alloc(0), 4)
  }

  /** PUSH_DATA of one frame; resolves true on PUSH_ACK. */
  push(phy: Buffer, meta: RxMeta = {}): Promise<boolean> {
    const rxpk = {
      time: new Date().toISOString(),
      tmst: meta.tmst ?? 1_000_000,
      freq: meta.freq ?? 868.3,
      chan: 1,
      rfch: 0,
      stat: 1,
      modu: 'LORA',
      datr: meta.datr ?? 'SF9BW125',
      codr: '4/5',
      rssi: meta.rssi ?? -100,
      lsnr: meta.lsnr ?? 5,
      size: phy.length,
      data: phy.toString('base64'),
    }
    return this.request(0, Buffer.from(JSON.stringify({ rxpk: [rxpk] })), 1)
  }

  /** Resolves with the n-th PULL_RESP (0-based) or null after timeoutMs. */
  pullResp(n: number, timeoutMs = 3000): Promise<PullResp | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.pullResps[n] ?? null), timeoutMs)
      const check = () => {
        if (this.pullResps[n]) {
          clearTimeout(timer)
          resolve(this.pullResps[n]!)
        } else this.waiters.push(check)
      }
      check()
    })
  }

  close(): void {
    this.socket.close()
  }
}
