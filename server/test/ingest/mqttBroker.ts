// A real aedes broker on 127.0.0.1 (ephemeral port) and mqtt.js clients for the MQTT tests.
import { Aedes, type AedesOptions } from 'aedes'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { createServer, type AddressInfo, type Server } from 'node:net'

export interface TestBroker {
  aedes: Aedes
  url: string
  close(): Promise<void>
}

export async function startBroker(options: AedesOptions = {}): Promise<TestBroker> {
  const aedes = await Aedes.createBroker(options)
  const tcp: Server = createServer(aedes.handle)
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve))
  const { port } = tcp.address() as AddressInfo
  return {
    aedes,
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => tcp.close(() => resolve()))
      }),
  }
}

export async function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 20, ...options })
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  return client
}

/** Resolves on the client's next event of that name. */
export function nextEvent(client: MqttClient, event: 'close' | 'connect' | 'offline'): Promise<void> {
  return new Promise((resolve) => client.once(event, () => resolve()))
}
