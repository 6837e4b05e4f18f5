// `reeflink serve`: assembles the running server in a visible order — store, fleet registry,
// ingest pipeline, MQTT broker, HTTP app, gateway listeners — and takes it down in reverse,
// finishing the ingest batch in flight before the database closes.
import { Aedes } from 'aedes'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { ReeflinkConfig } from './config/config.js'
import { EntityEvents } from './events.js'
import { IngestCounters, ingestWebhooks, SemtechUdpServer, startMqttIngest } from './ingest/index.js'
import { IngestService } from './pipeline/ingest-service.js'
import { LorawanStage } from './pipeline/lorawan-stage.js'
import { attachStaMqtt, staPlugin } from './sta/index.js'
import { CredentialStore } from './auth/index.js'
import { exportPlugin, portalPlugin } from './export/index.js'
import { registerHealth } from './ops/health.js'
import { ServerMetrics } from './ops/metrics.js'
import helmet from '@fastify/helmet'
import { fileURLToPath } from 'node:url'
import { FleetRegistry } from './pipeline/registry.js'
import { openDatabase, schemaVersion, type Db } from './store/database.js'

export interface RunningServer {
  db: Db
  ingest: IngestService
  /** Rejections and acceptances of the ways in, by source and reason. */
  sourceCounters: IngestCounters
  events: EntityEvents
  broker: Aedes | null
  http: FastifyInstance
  urls: { http: string; mqtt: string | null; udp: string | null }
  ports: { http: number; mqtt: number | null; udp: number | null }
  close(): Promise<void>
}

function listenTcp(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

export async function startServer(config: ReeflinkConfig, log: Logger): Promise<RunningServer> {
  const closers: (() => Promise<void> | void)[] = []
  const closeAll = async () => {
    for (const c of closers.reverse()) {
      try {
        await c()
      } catch (e) {
        log.error({ err: e }, 'error while shutting down')
      }
    }
  }
  try {
    // 1. Store and pipeline.
    const db = openDatabase(config.database, { synchronous: config.ingest.synchronous })
    closers.push(() => {
      db.close()
    })
    log.info({ database: config.database, schema: schemaVersion(db) }, 'store open')
    const registry = new FleetRegistry(db)
    const events = new EntityEvents()
    const ingest = new IngestService(db, registry, {
      events,
      phy: new LorawanStage({ dedupWindowMs: config.ingest.dedupWindowMs }),
      maxBatch: config.ingest.maxBatch,
      onError: (err) => log.error({ err }, 'ingest batch failed: nothing of it was stored or acknowledged'),
      onBatch: (b) => metrics?.observeBatch(b),
    })
    closers.push(() => ingest.close())
    const sourceCounters = new IngestCounters()
    const metrics: ServerMetrics | null = new ServerMetrics({ ingest, sourceCounters })
    const ingestLog = log.child({ component: 'ingest' })

    // Credentials for SensorThings writes and the broker ACL; the first admin key comes from config.
    const credentials = new CredentialStore(db, { adminKey: config.auth.adminKey })
    let staPublicUrl = config.http.publicUrl ?? ''

    // 2. MQTT broker (embedded by default, so that `reeflink serve` needs nothing else).
    let broker: Aedes | null = null
    let mqttPort: number | null = null
    let mqttTcp: Server | null = null
    if (config.mqtt.embedded) {
      broker = await Aedes.createBroker()
      const b = broker
      const staMqtt = attachStaMqtt({ broker: b, db, events, credentials, publicUrl: () => staPublicUrl, log: (level, msg, detail) => log[level](detail ?? {}, msg) })
      closers.push(() => staMqtt.close())
      const tcp = createServer(b.handle)
      mqttTcp = tcp
      mqttPort = await listenTcp(tcp, config.mqtt.port, config.host)
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            b.close(() => tcp.close(() => resolve()))
          }),
      )
      log.info({ port: mqttPort }, 'embedded MQTT broker listening')
      // Uplinks published to the embedded broker (ChirpStack / The Things Stack formats, Gateway
      // Bridge frames). Registered after any broker ACL hooks: it chains authorizePublish.
      const mqttIngest = await startMqttIngest({ aedes: b, sink: ingest, counters: sourceCounters, maxMessageBytes: config.mqtt.maxMessageBytes, logger: ingestLog })
      closers.push(() => mqttIngest.close())
    }
    if (config.mqtt.url) {
      const external = await startMqttIngest({
        sink: ingest,
        counters: sourceCounters,
        maxMessageBytes: config.mqtt.maxMessageBytes,
        logger: ingestLog,
        connection: { url: config.mqtt.url, ...(config.mqtt.username ? { username: config.mqtt.username } : {}), ...(config.mqtt.password ? { password: config.mqtt.password } : {}) },
      })
      closers.push(() => external.close())
      log.info({ url: config.mqtt.url }, 'subscribed to the external MQTT broker')
    }

    // 3. HTTP.
    const http: FastifyInstance = Fastify({ loggerInstance: log.child({ component: 'http' }) as unknown as FastifyBaseLogger, bodyLimit: config.http.bodyLimitBytes, trustProxy: true })
    // Security headers; the portal's own scripts only (no CDN, no inline code).
    await http.register(helmet, { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"] } } })
    let udpServer: SemtechUdpServer | null = null
    registerHealth(http, {
      db,
      brokerListening: () => (mqttTcp ? mqttTcp.listening : null),
      udpListening: () => (config.udp.enabled ? udpServer !== null : null),
      pendingFrames: () => ingest.pendingFrames,
    })
    metrics.register(http)
    const mqttEndpoints = mqttPort === null ? [] : [`mqtt://${hostForUrl(config.host)}:${mqttPort}`]
    await http.register(staPlugin, { prefix: '/v1.1', db, events, credentials, mqttEndpoints })
    await http.register(staPlugin, { prefix: '/v1.0', db, events, credentials, mqttEndpoints })
    // Downloads (CSV, OceanSITES NetCDF, charts), the live feed, and the portal at /.
    await http.register(exportPlugin, { db, events })
    await http.register(portalPlugin, { webRoot: fileURLToPath(new URL('../web/dist', import.meta.url)) })
    if (config.webhooks.secret) {
      await http.register(ingestWebhooks, { prefix: '/api/ingest', sink: ingest, counters: sourceCounters, secret: config.webhooks.secret, logger: ingestLog })
    }
    await http.listen({ port: config.http.port, host: config.host })
    const httpPort = (http.server.address() as AddressInfo).port
    staPublicUrl ||= `http://${hostForUrl(config.host)}:${httpPort}`
    closers.push(() => http.close())

    // 4. Semtech UDP packet forwarders.
    let udpPort: number | null = null
    if (config.udp.enabled) {
      const udp = new SemtechUdpServer({ sink: ingest, counters: sourceCounters, host: config.host, port: config.udp.port, logger: ingestLog })
      udpPort = (await udp.start()).port
      udpServer = udp
      closers.push(() => udp.close())
      log.info({ port: udpPort }, 'Semtech UDP packet forwarder listener')
    }

    const urls = {
      http: `http://${hostForUrl(config.host)}:${httpPort}`,
      mqtt: mqttPort === null ? null : `mqtt://${hostForUrl(config.host)}:${mqttPort}`,
      udp: udpPort === null ? null : `udp://${hostForUrl(config.host)}:${udpPort}`,
    }
    return {
      db,
      ingest,
      events,
      broker,
      http,
      urls,
      ports: { http: httpPort, mqtt: mqttPort, udp: udpPort },
      sourceCounters,
      close: closeAll,
    }
  } catch (e) {
    await closeAll()
    throw e
  }
}
