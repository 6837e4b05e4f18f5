// Prometheus metrics at /metrics (prom-client): uplinks by outcome, rejections by source and
// reason, observations, ingest batches, lag and pending frames, HTTP request latencies,
// SensorThings reads cut by the query time or response size limits, and the process's own metrics. Counters kept elsewhere are read at scrape time (collect), so the
// hot paths only bump plain numbers.
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { IngestCounters } from '../ingest/index.js'
import type { BatchReport, IngestService } from '../pipeline/ingest-service.js'
import type { DownlinkCounts } from '../downlink/scheduler.js'
import type { StaLimitCounts } from '../sta/limit-events.js'

export interface MetricsSources {
  ingest: IngestService
  sourceCounters: IngestCounters
  /** Requests, connections and datagrams refused by the resource limits, by limit (ops/limits.ts). */
  limitRefusals?: () => Record<string, number>
  /** The Class A downlink scheduler's counters (downlink/scheduler.ts), when it runs. */
  downlinks?: () => DownlinkCounts | null
  /** SensorThings reads that reached http.queryTimeoutMs or http.maxResponseBytes (sta/limit-events.ts). */
  staLimits?: StaLimitCounts
}

export class ServerMetrics {
  readonly registry = new Registry()
  private readonly batchLag: Histogram
  private readonly batchFrames: Histogram
  private readonly httpDuration: Histogram

  constructor(private readonly sources: MetricsSources) {
    const r = this.registry
    collectDefaultMetrics({ register: r, prefix: 'reeflink_process_' })
    const { ingest, sourceCounters } = sources
    new Gauge({
      name: 'reeflink_uplinks_total',
      help: 'Frames the pipeline handled, by outcome (accepted, duplicate, join_accepted: OTAA Join-requests answered)',
      labelNames: ['outcome'],
      registers: [r],
      collect() {
        this.set({ outcome: 'accepted' }, ingest.counts.accepted)
        this.set({ outcome: 'duplicate' }, ingest.counts.duplicates)
        this.set({ outcome: 'join_accepted' }, ingest.counts.joins)
      },
    })
    new Gauge({
      name: 'reeflink_pipeline_rejections_total',
      help: 'Frames the pipeline rejected (LoRaWAN checks, unknown devices), by reason',
      labelNames: ['reason'],
      registers: [r],
      collect() {
        for (const [reason, n] of Object.entries(ingest.counts.rejected)) this.set({ reason }, n)
      },
    })
    new Gauge({
      name: 'reeflink_source_rejections_total',
      help: 'Messages a way in (UDP, MQTT, HTTP) rejected before the pipeline, by source and reason',
      labelNames: ['source', 'reason'],
      registers: [r],
      collect() {
        for (const row of sourceCounters.rejectionRows()) this.set({ source: row.source, reason: row.reason }, row.count)
      },
    })
    new Gauge({
      name: 'reeflink_observations_stored_total',
      help: 'Observations stored by ingest since start',
      registers: [r],
      collect() {
        this.set(ingest.counts.observations)
      },
    })
    new Gauge({
      name: 'reeflink_ingest_pending_frames',
      help: 'Frames waiting for the next ingest batch (queue depth)',
      registers: [r],
      collect() {
        this.set(ingest.pendingFrames)
      },
    })
    const limitRefusals = sources.limitRefusals
    if (limitRefusals) {
      new Gauge({
        name: 'reeflink_limit_refusals_total',
        help: 'Requests, MQTT connections and UDP datagrams refused by the resource limits, by limit',
        labelNames: ['limit'],
        registers: [r],
        collect() {
          for (const [limit, n] of Object.entries(limitRefusals())) this.set({ limit }, n)
        },
      })
    }
    const downlinks = sources.downlinks
    if (downlinks) {
      new Gauge({
        name: 'reeflink_downlinks_total',
        help: 'Class A downlinks: sent (kind data|ack; mqtt: handed to a network server), tx_ack_ok, tx_ack_error (by gateway error), acked, failed, not_sent (by reason)',
        labelNames: ['outcome', 'detail'],
        registers: [r],
        collect() {
          const c = downlinks()
          if (!c) return
          this.set({ outcome: 'sent', detail: 'data' }, c.sent.data)
          this.set({ outcome: 'sent', detail: 'ack' }, c.sent.ack)
          this.set({ outcome: 'sent', detail: 'mqtt' }, c.sent.mqtt)
          this.set({ outcome: 'tx_ack_ok', detail: '' }, c.txAckOk)
          for (const [error, n] of Object.entries(c.txAckErrors)) this.set({ outcome: 'tx_ack_error', detail: error }, n)
          this.set({ outcome: 'acked', detail: '' }, c.acked)
          this.set({ outcome: 'failed', detail: '' }, c.failed)
          for (const [reason, n] of Object.entries(c.notSent)) this.set({ outcome: 'not_sent', detail: reason }, n)
        },
      })
    }
    const staLimits = sources.staLimits
    if (staLimits) {
      new Counter({
        name: 'reeflink_sta_query_timeouts_total',
        help: 'SensorThings reads that reached http.queryTimeoutMs, by outcome: error (503 STA_QUERY_TIMEOUT), next_link (a page ended early with an @iot.nextLink to the rest)',
        labelNames: ['outcome'],
        registers: [r],
        collect() {
          this.reset()
          for (const [outcome, n] of Object.entries(staLimits.query_timeout)) this.inc({ outcome }, n)
        },
      })
      new Counter({
        name: 'reeflink_sta_response_limit_total',
        help: 'SensorThings responses that reached http.maxResponseBytes, by outcome: next_link (a page ended early with an @iot.nextLink to the rest), error (400 STA_RESPONSE_TOO_LARGE: CSV, or a single entity over the limit)',
        labelNames: ['outcome'],
        registers: [r],
        collect() {
          this.reset()
          for (const [outcome, n] of Object.entries(staLimits.response_bytes)) this.inc({ outcome }, n)
        },
      })
    }
    this.batchLag = new Histogram({
      name: 'reeflink_ingest_lag_seconds',
      help: "From a batch's oldest frame arriving to its commit (what a gateway waits for its ack)",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [r],
    })
    this.batchFrames = new Histogram({
      name: 'reeflink_ingest_batch_frames',
      help: 'Frames per committed batch (group commit)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers: [r],
    })
    this.httpDuration = new Histogram({
      name: 'reeflink_http_request_duration_seconds',
      help: 'HTTP request latency by route and status class',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [r],
    })
    new Counter({ name: 'reeflink_ingest_batches_total', help: 'Committed ingest batches', registers: [r], collect() {
      this.reset()
      this.inc(ingest.counts.batches)
    } })
  }

  observeBatch(b: BatchReport): void {
    this.batchLag.observe(b.lagMs / 1000)
    this.batchFrames.observe(b.frames)
  }

  /** Adds the request-latency hook and GET /metrics. */
  register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched'
      this.httpDuration.observe({ method: request.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000)
    })
    app.get('/metrics', async (_request, reply) => {
      reply.header('content-type', this.registry.contentType)
      return this.registry.metrics()
    })
  }
}
