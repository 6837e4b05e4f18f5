// `reeflink serve`: assembles the running server in a visible order — store, fleet registry,
// ingest pipeline, MQTT broker, HTTP app, gateway listeners — and takes it down in reverse,
// finishing the ingest batch in flight before the database closes.
import { Aedes } from 'aedes'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { createServer, type Server } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { ReeflinkConfig } from './config/config.js'
import { EntityEvents } from './events.js'
import { IngestCounters, ingestWebhooks, SemtechUdpServer, startMqttIngest } from './ingest/index.js'
import { IngestService } from './pipeline/ingest-service.js'
import { LorawanStage } from './pipeline/lorawan-stage.js'
import { attachStaMqtt, staPlugin } from './sta/index.js'
import { watchStaLimits } from './sta/limit-events.js'
import { CredentialStore } from './auth/index.js'
import { exportPlugin, portalPlugin } from './export/index.js'
import { registerHealth } from './ops/health.js'
import { ServerMetrics } from './ops/metrics.js'
import { guardedBrokerHandle, installBrokerLimits, registerHttpLimits } from './ops/limits.js'
import { loadTls, mqttTlsPort } from './ops/tls.js'
import helmet from '@fastify/helmet'
import { fileURLToPath } from 'node:url'
import { FleetRegistry } from './pipeline/registry.js'
import { openDatabase, schemaVersion, type Db } from './store/database.js'
import { DownlinkScheduler, DownlinkStore, downlinkRoutes, embeddedBrokerPublisher, NETWORK_SERVER_EVENT_TOPICS, NetworkServerDownlinks, REGIONS } from './downlink/index.js'
import type { ClassAGateways } from './downlink/class-a.js'
import type { ApplicationUplinkRoute } from './ingest/mqtt/uplinkMessage.js'
import { dataRateIndex } from './downlink/region.js'
import { JoinServer } from './join/join-server.js'
import { parseDevAddrPrefix } from './lorawan/join-devaddr.js'
import { kekFromEnv } from './store/key-encryption.js'

export interface RunningServer {
  db: Db
  ingest: IngestService
  /** Rejections and acceptances of the ways in, by source and reason. */
  sourceCounters: IngestCounters
  events: EntityEvents
  broker: Aedes | null
  /** The Class A downlink scheduler (null when downlink.enabled is false). */
  downlinks: DownlinkScheduler | null
  http: FastifyInstance
  urls: { http: string; mqtt: string | null; udp: string | null; mqtts?: string | null }
  ports: { http: number; mqtt: number | null; udp: number | null; mqtts?: number | null }
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

function devAddrPrefixOrThrow(text: string) {
  const p = parseDevAddrPrefix(text)
  if (!p.ok) throw new Error(`otaa.devAddrPrefix: ${p.problem}`)
  return p.prefix
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
    // The last failed batch's error until a batch commits again (for /health; ops/health.ts).
    let ingestFailure: string | null = null
    // Class A downlinks (downlink/): the queue lives in the store; the scheduler answers uplinks
    // once the UDP server (step 4) gives it gateways to send through.
    const dl = config.downlink
    // Devices behind ChirpStack / The Things Stack get theirs through the MQTT integration.
    const nsDownlinksPossible = dl.enabled && (config.mqtt.embedded || !!config.mqtt.url)
    const downlinkStore = new DownlinkStore(db, { networkServer: nsDownlinksPossible ? 'mqtt' : null })
    const downlinks = dl.enabled
      ? new DownlinkScheduler({
          db,
          store: downlinkStore,
          gateways: null,
          region: REGIONS[dl.region],
          rx1DelayS: dl.rx1DelayS,
          rx1DrOffset: dl.rx1DrOffset,
          window: dl.window,
          maxAttempts: dl.maxAttempts,
          dedupWaitMs: config.ingest.dedupWindowMs,
          ...(dl.rx2FrequencyHz !== null ? { rx2: { frequencyHz: dl.rx2FrequencyHz, dataRate: dl.rx2DataRate ?? REGIONS[dl.region].dataRates[REGIONS[dl.region].rx2.dataRate]! } } : {}),
          ...(dl.rx2FrequencyHz === null && dl.rx2DataRate !== null ? { rx2: { frequencyHz: REGIONS[dl.region].rx2.frequencyHz, dataRate: dl.rx2DataRate } } : {}),
          ...(dl.powerDbm !== null ? { powerDbm: dl.powerDbm } : {}),
          logger: log.child({ component: 'downlink' }),
        })
      : null
    const nsDownlinks =
      downlinks && nsDownlinksPossible
        ? new NetworkServerDownlinks({ db, store: downlinkStore, counts: downlinks.counts, maxAttempts: dl.maxAttempts, logger: log.child({ component: 'downlink' }) })
        : null
    // OTAA joins (join/): answered through the Semtech UDP gateways once step 4 has started them;
    // the new session gets the radio settings the downlink scheduler uses.
    let joinGateways: ClassAGateways | null = null
    const joins = new JoinServer({
      db,
      kek: kekFromEnv(),
      gateways: () => joinGateways,
      netId: Number.parseInt(config.otaa.netId, 16),
      ...(config.otaa.devAddrPrefix ? { devAddrPrefix: devAddrPrefixOrThrow(config.otaa.devAddrPrefix) } : {}),
      region: REGIONS[config.downlink.region],
      rx1DrOffset: config.downlink.rx1DrOffset,
      rxDelayS: config.downlink.rx1DelayS,
      ...(config.downlink.rx2DataRate ? { rx2DataRate: dataRateIndex(REGIONS[config.downlink.region], config.downlink.rx2DataRate) } : {}),
      dedupWindowMs: config.ingest.dedupWindowMs,
      log: log.child({ component: 'join' }),
    })
    closers.push(() => joins.close())
    const ingest = new IngestService(db, registry, {
      events,
      phy: new LorawanStage({ dedupWindowMs: config.ingest.dedupWindowMs, joins }),
      maxBatch: config.ingest.maxBatch,
      onError: (err) => {
        ingestFailure = (err as Error)?.message ?? String(err)
        log.error({ err }, 'ingest batch failed: nothing of it was stored or acknowledged')
      },
      onBatch: (b) => {
        ingestFailure = null
        metrics?.observeBatch(b)
      },
      ...(downlinks
        ? {
            onAccepted: (stored) => {
              downlinks.onAccepted(stored)
              nsDownlinks?.onAccepted(stored)
            },
          }
        : {}),
    })
    closers.push(() => ingest.close())
    if (downlinks) closers.push(() => downlinks.close())
    if (nsDownlinks) closers.push(() => nsDownlinks.close())
    // The MQTT ingest's side of network-server downlinks: routes from uplinks, and the events.
    const nsMqtt = (broker: 'embedded' | 'external') =>
      nsDownlinks
        ? {
            onApplicationUplink: (r: ApplicationUplinkRoute) => nsDownlinks.learnRoute({ ...r, broker }),
            downlinkEvents: { topics: NETWORK_SERVER_EVENT_TOPICS, handle: (topic: string, payload: Buffer) => nsDownlinks.onEvent(topic, payload) },
          }
        : {}
    const sourceCounters = new IngestCounters()
    // Refusals by the resource limits, filled in as the limited listeners start (ops/limits.ts).
    const limitRefusals: Record<string, () => number> = {}
    // SensorThings reads that reach the query time or response size limit, in any thread.
    const staLimits = watchStaLimits(db.name)
    closers.push(() => staLimits.stop())
    const metrics: ServerMetrics | null = new ServerMetrics({
      ingest,
      staLimits: staLimits.counts,
      sourceCounters,
      limitRefusals: () => Object.fromEntries(Object.entries(limitRefusals).map(([k, f]) => [k, f()])),
      downlinks: () => downlinks?.counts ?? null,
    })
    const ingestLog = log.child({ component: 'ingest' })

    // Credentials for SensorThings writes and the broker ACL; the first admin key comes from config.
    const credentials = new CredentialStore(db, { adminKey: config.auth.adminKey })
    // Limits and TLS (ops/limits.ts, ops/tls.ts): TLS files are read now, so a bad path fails the start.
    const tls = loadTls(config.tls)
    let mqttTlsServer: Server | null = null
    let mqttsPort: number | null = null
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
      // Connections announcing packets over the message limit (+ room for the topic) are closed.
      const guarded = guardedBrokerHandle(b, config.mqtt.maxMessageBytes + 4096)
      limitRefusals.mqtt_packet_size = guarded.refused
      const tcp = createServer(guarded.handle)
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
      const mqttIngest = await startMqttIngest({ aedes: b, sink: ingest, counters: sourceCounters, maxMessageBytes: config.mqtt.maxMessageBytes, logger: ingestLog, ...nsMqtt('embedded') })
      closers.push(() => mqttIngest.close())
      if (nsDownlinks) {
        const publisher = embeddedBrokerPublisher(b)
        nsDownlinks.addPublisher('embedded', publisher)
        closers.push(() => publisher.close())
      }
      // MQTT over TLS next to the plain listener; connection and failed-auth limits on both.
      if (tls) {
        const secure = createTlsServer({ cert: tls.cert, key: tls.key }, guarded.handle)
        mqttTlsServer = secure
        mqttsPort = await listenTcp(secure, mqttTlsPort(config.mqtt.tlsPort), config.host)
        // Stop accepting only: the broker's own close (which runs after this) ends its clients.
        closers.push(() => {
          secure.close()
        })
        log.info({ port: mqttsPort }, 'embedded MQTT broker listening (TLS)')
      }
      const brokerLimits = installBrokerLimits(b, mqttTlsServer ? [tcp, mqttTlsServer] : [tcp], {
        maxConnections: config.mqtt.maxConnections,
        failedAuthPerWindow: config.http.rateLimit.failedAuthPerWindow,
        windowMs: config.http.rateLimit.windowMs,
      })
      limitRefusals.mqtt_connections = brokerLimits.refusedConnections
      limitRefusals.mqtt_failed_auth = brokerLimits.refusedAuth
    }
    if (config.mqtt.url) {
      const external = await startMqttIngest({
        sink: ingest,
        counters: sourceCounters,
        maxMessageBytes: config.mqtt.maxMessageBytes,
        logger: ingestLog,
        connection: { url: config.mqtt.url, ...(config.mqtt.username ? { username: config.mqtt.username } : {}), ...(config.mqtt.password ? { password: config.mqtt.password } : {}) },
        ...nsMqtt('external'),
      })
      closers.push(() => external.close())
      if (nsDownlinks && external.publish) nsDownlinks.addPublisher('external', { publish: external.publish })
      log.info({ url: config.mqtt.url }, 'subscribed to the external MQTT broker')
    }

    // 3. HTTP.
    const http: FastifyInstance = Fastify({
      loggerInstance: log.child({ component: 'http' }) as unknown as FastifyBaseLogger,
      bodyLimit: config.http.bodyLimitBytes,
      trustProxy: true,
      ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    }) as unknown as FastifyInstance
    // Security headers; the portal's own scripts only (no CDN, no inline code).
    await http.register(helmet, { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"] } } })
    // Request rate per client and the failed-authentication budget, before every route.
    const httpLimits = await registerHttpLimits(http, config.http.rateLimit)
    limitRefusals.http_rate = httpLimits.rateLimited
    limitRefusals.http_failed_auth = httpLimits.authLimited
    let udpServer: SemtechUdpServer | null = null
    registerHealth(http, {
      db,
      brokerListening: () => (mqttTcp ? mqttTcp.listening : null),
      udpListening: () => (config.udp.enabled ? udpServer !== null : null),
      pendingFrames: () => ingest.pendingFrames,
      ingestFailure: () => ingestFailure,
    })
    metrics.register(http)
    const mqttEndpoints = mqttPort === null ? [] : [`mqtt://${hostForUrl(config.host)}:${mqttPort}`]
    if (mqttsPort !== null) mqttEndpoints.push(`mqtts://${hostForUrl(config.host)}:${mqttsPort}`)
    await http.register(staPlugin, { prefix: '/v1.1', db, events, credentials, mqttEndpoints, maxTop: config.http.maxTop, queryTimeoutMs: config.http.queryTimeoutMs, maxResponseBytes: config.http.maxResponseBytes, readWorkers: config.http.readWorkers })
    await http.register(staPlugin, { prefix: '/v1.0', db, events, credentials, mqttEndpoints, maxTop: config.http.maxTop, queryTimeoutMs: config.http.queryTimeoutMs, maxResponseBytes: config.http.maxResponseBytes, readWorkers: config.http.readWorkers })
    // Downloads (CSV, OceanSITES NetCDF, charts), the live feed, and the portal at /.
    await http.register(exportPlugin, { db, events })
    await http.register(portalPlugin, { webRoot: fileURLToPath(new URL('../web/dist', import.meta.url)) })
    await http.register(downlinkRoutes, { prefix: '/api', store: downlinkStore, credentials, ...(nsDownlinks ? { onQueued: (devEui: string) => void nsDownlinks.flush(devEui) } : {}) })
    if (config.webhooks.secret) {
      await http.register(ingestWebhooks, { prefix: '/api/ingest', sink: ingest, counters: sourceCounters, secret: config.webhooks.secret, logger: ingestLog })
    }
    await http.listen({ port: config.http.port, host: config.host })
    const httpPort = (http.server.address() as AddressInfo).port
    const httpScheme = tls ? 'https' : 'http'
    staPublicUrl ||= `${httpScheme}://${hostForUrl(config.host)}:${httpPort}`
    closers.push(() => http.close())

    // 4. Semtech UDP packet forwarders.
    let udpPort: number | null = null
    if (config.udp.enabled) {
      const udp = new SemtechUdpServer({
        sink: ingest,
        counters: sourceCounters,
        host: config.host,
        port: config.udp.port,
        logger: ingestLog,
        maxDatagramsPerSecond: config.udp.maxDatagramsPerSecond,
        maxInFlightPerGateway: config.udp.maxInFlightPerGateway,
        ...(downlinks ? { onTxAck: (ack) => downlinks.onTxAck(ack) } : {}),
      })
      udpPort = (await udp.start()).port
      udpServer = udp
      joinGateways = udp
      downlinks?.useGateways(udp)
      limitRefusals.udp_gateway = () => udp.limitedDatagrams
      closers.push(() => udp.close())
      log.info({ port: udpPort }, 'Semtech UDP packet forwarder listener')
    }

    const urls = {
      http: `${httpScheme}://${hostForUrl(config.host)}:${httpPort}`,
      mqtts: mqttsPort === null ? null : `mqtts://${hostForUrl(config.host)}:${mqttsPort}`,
      mqtt: mqttPort === null ? null : `mqtt://${hostForUrl(config.host)}:${mqttPort}`,
      udp: udpPort === null ? null : `udp://${hostForUrl(config.host)}:${udpPort}`,
    }
    return {
      db,
      ingest,
      events,
      broker,
      downlinks,
      http,
      urls,
      ports: { http: httpPort, mqtt: mqttPort, udp: udpPort, mqtts: mqttsPort },
      sourceCounters,
      close: closeAll,
    }
  } catch (e) {
    await closeAll()
    throw e
  }
}
