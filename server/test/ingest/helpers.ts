// Test doubles and tools for the ingest tests: a sink whose durability the test controls, a
// fixture loader, and a UDP "gateway" that speaks the Semtech protocol from a real socket.
import dgram from 'node:dgram'
import { readFileSync } from 'node:fs'
import type { ReceivedUplink, UplinkSink } from '../../src/ingest/types.js'

export const FIXTURES = new URL('./fixtures/', import.meta.url)

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>
}

interface Pending {
  uplinks: ReceivedUplink[]
  resolve: () => void
  reject: (err: Error) => void
}

/**
 * Records every submit(). In 'auto' mode it resolves (or rejects) at once; in 'manual' mode each
 * call waits until the test settles it, so a test can look at the wire while a submit is pending.
 */
export class TestSink implements UplinkSink {
  readonly durable: ReceivedUplink[] = []
  readonly calls: ReceivedUplink[][] = []
  mode: 'resolve' | 'reject' | 'manual' = 'resolve'
  private readonly pending: Pending[] = []
  private waiters: { count: number; resolve: () => void }[] = []

  submit(uplinks: ReceivedUplink[]): Promise<void> {
    this.calls.push(uplinks)
    this.wake()
    if (this.mode === 'resolve') {
      this.durable.push(...uplinks)
      return Promise.resolve()
    }
    if (this.mode === 'reject') return Promise.reject(new Error('disk full'))
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        uplinks,
        resolve: () => {
          this.durable.push(...uplinks)
          resolve()
        },
        reject,
      })
    })
  }

  /** Resolves once submit() has been called `count` times in all. */
  waitForCalls(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ count, resolve }))
  }

  resolveNext(): void {
    const p = this.pending.shift()
    if (!p) throw new Error('no submit pending')
    p.resolve()
  }

  rejectNext(): void {
    const p = this.pending.shift()
    if (!p) throw new Error('no submit pending')
    p.reject(new Error('disk full'))
  }

  get pendingCount(): number {
    return this.pending.length
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.calls.length >= w.count)
    this.waiters = this.waiters.filter((w) => this.calls.length < w.count)
    for (const w of ready) w.resolve()
  }
}

export function semtechHeader(version: number, token: number, id: number, gatewayEui: string): Buffer {
  const b = Buffer.alloc(12)
  b[0] = version
  b.writeUInt16BE(token, 1)
  b[3] = id
  Buffer.from(gatewayEui, 'hex').copy(b, 4)
  return b
}

export function pushData(version: number, token: number, gatewayEui: string, json: string | Buffer): Buffer {
  return Buffer.concat([semtechHeader(version, token, 0x00, gatewayEui), Buffer.isBuffer(json) ? json : Buffer.from(json)])
}

export function pullData(version: number, token: number, gatewayEui: string): Buffer {
  return semtechHeader(version, token, 0x02, gatewayEui)
}

export function txAck(version: number, token: number, gatewayEui: string, json = ''): Buffer {
  return Buffer.concat([semtechHeader(version, token, 0x05, gatewayEui), Buffer.from(json)])
}

/** A gateway end of the Semtech protocol: a real UDP socket that sends and collects replies. */
export class TestGateway {
  private readonly socket = dgram.createSocket('udp4')
  readonly received: Buffer[] = []
  private waiters: { match: (b: Buffer) => boolean; resolve: (b: Buffer) => void }[] = []

  private constructor(private readonly serverPort: number) {
    this.socket.on('message', (msg) => {
      const waiter = this.waiters.find((w) => w.match(msg))
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        waiter.resolve(msg)
      } else {
        this.received.push(msg)
      }
    })
  }

  static async open(serverPort: number): Promise<TestGateway> {
    const gw = new TestGateway(serverPort)
    await new Promise<void>((resolve) => gw.socket.bind(0, '127.0.0.1', resolve))
    return gw
  }

  send(datagram: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(datagram, this.serverPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
  }

  /** The next datagram (already received or still to come) that matches. */
  next(match: (b: Buffer) => boolean): Promise<Buffer> {
    const i = this.received.findIndex(match)
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0])
    return new Promise((resolve) => this.waiters.push({ match, resolve }))
  }

  /** Round trip through the server: a PULL_DATA from this socket and its PULL_ACK. */
  async probe(gatewayEui: string, token: number): Promise<void> {
    const ack = this.next((b) => b.length === 4 && b[3] === 0x04 && b.readUInt16BE(1) === token)
    await this.send(pullData(2, token, gatewayEui))
    await ack
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }
}
