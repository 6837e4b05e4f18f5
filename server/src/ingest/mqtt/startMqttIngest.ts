// One entry point for MQTT ingest: give it the server's own aedes broker, or the URL of an
// external one, and get back something to close.
import type { Aedes } from 'aedes'
import { EmbeddedBrokerIngest, type EmbeddedBrokerIngestOptions } from './embeddedBroker.js'
import { ExternalBrokerIngest, type ExternalBrokerIngestOptions } from './externalBroker.js'

export type MqttIngestOptions = (EmbeddedBrokerIngestOptions & { aedes: Aedes }) | ExternalBrokerIngestOptions

export interface MqttIngest {
  close(): Promise<void>
  /** External broker only: publish at QoS 1, resolved on the PUBACK (network server downlinks). */
  publish?(topic: string, payload: Buffer): Promise<void>
}

export async function startMqttIngest(options: MqttIngestOptions): Promise<MqttIngest> {
  if ('aedes' in options) {
    const embedded = new EmbeddedBrokerIngest(options.aedes, options)
    embedded.attach()
    return { close: async () => embedded.detach() }
  }
  const external = new ExternalBrokerIngest(options)
  await external.start()
  return { close: () => external.close(), publish: (topic, payload) => external.publish(topic, payload) }
}
