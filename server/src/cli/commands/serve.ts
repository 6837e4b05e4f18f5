import type { Command } from 'commander'
import { startServer } from '../../server.js'
import { createLogger } from '../logger.js'
import { addStoreOptions, configFrom } from '../options.js'

export function serveCommand(program: Command): void {
  addStoreOptions(
    program
      .command('serve')
      .description('run the server: ingest (Semtech UDP, MQTT, HTTP webhooks), SensorThings API, embedded MQTT broker')
      .option('--host <address>', 'address to listen on (default 127.0.0.1; 0.0.0.0 to accept gateways from the network)')
      .option('--http-port <port>', 'HTTP port (default 8080)')
      .option('--mqtt-port <port>', 'embedded MQTT broker port (default 1883)')
      .option('--no-mqtt', 'do not run the embedded MQTT broker')
      .option('--mqtt-url <url>', 'external MQTT broker to take ChirpStack / The Things Stack uplinks from')
      .option('--udp-port <port>', 'Semtech UDP packet forwarder port (default 1700)')
      .option('--no-udp', 'do not listen for Semtech UDP packet forwarders'),
  ).action(async (opts) => {
    const config = configFrom(opts)
    const log = createLogger(config)
    const server = await startServer(config, log)
    log.info({ http: server.urls.http, sensorthings: `${server.urls.http}/v1.1`, mqtt: server.urls.mqtt, mqtts: server.urls.mqtts ?? null, udp: server.urls.udp }, 'reeflink is serving')
    let stopping = false
    const stop = async (signal: string) => {
      if (stopping) return
      stopping = true
      log.info({ signal }, 'shutting down: finishing the batch in flight')
      await server.close()
      log.info('stopped')
      process.exit(0)
    }
    process.on('SIGINT', () => void stop('SIGINT'))
    process.on('SIGTERM', () => void stop('SIGTERM'))
  })
}
