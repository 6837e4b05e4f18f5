// Handing frames to the UplinkSink: the one step every source shares and the one that decides
// whether to acknowledge. A sink that throws instead of rejecting is treated as rejecting, so a
// source can never acknowledge by accident.
import type { IngestCounters, IngestCounterSource } from './counters.js'
import type { ReceivedUplink, UplinkSink } from './types.js'

/** The part of a pino logger the sources use; only real failures are logged. */
export interface IngestLogger {
  warn(obj: object, msg: string): void
}

/**
 * Submits and waits until durable. True: the caller may acknowledge. False: it must not; the
 * failure is counted as 'sink-failed' (once per frame) and logged.
 */
export async function submitDurably(
  sink: UplinkSink,
  uplinks: ReceivedUplink[],
  counters: IngestCounters,
  source: IngestCounterSource,
  logger?: IngestLogger,
): Promise<boolean> {
  if (uplinks.length === 0) return true
  try {
    await sink.submit(uplinks)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    for (let i = 0; i < uplinks.length; i++) counters.reject(source, { reason: 'sink-failed', detail: message })
    logger?.warn({ source, frames: uplinks.length, err: message }, 'ingest: uplinks not durable, not acknowledged')
    return false
  }
  counters.accept(source, uplinks.length)
  return true
}
