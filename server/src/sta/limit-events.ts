// SensorThings reads that reached a resource limit, counted for /metrics (ops/metrics.ts):
//   query_timeout   http.queryTimeoutMs (deadline.ts): answered 503 STA_QUERY_TIMEOUT ('error'),
//                   or a page ended early with an @iot.nextLink to the rest ('next_link')
//   response_bytes  http.maxResponseBytes (respond.ts): a page ended early with a nextLink
//                   ('next_link'), or 400 STA_RESPONSE_TOO_LARGE ('error': CSV, which has no
//                   nextLink, or a single entity over the limit)
// Reads run on the event loop and in read workers (read-worker/), so a report made in a worker
// thread reaches the counters through a BroadcastChannel, which every thread of the process
// shares; reports are keyed by the store file, so that two servers in one process (tests) count
// their own. A report made on the counters' own thread is counted at once.
import { BroadcastChannel, threadId } from 'node:worker_threads'

export type StaLimit = 'query_timeout' | 'response_bytes'
export type StaLimitOutcome = 'error' | 'next_link'

export type StaLimitCounts = Record<StaLimit, Record<StaLimitOutcome, number>>

interface Report {
  store: string
  limit: StaLimit
  outcome: StaLimitOutcome
  thread: number
}

const CHANNEL = 'reeflink:sta-limit-events'
/** Counters of this thread, by store file. */
const local = new Map<string, Set<StaLimitCounts>>()
let sender: BroadcastChannel | null = null
/** Reports made in this thread so far (see reportsMade). */
let reports = 0

/** How many limits reads in this thread have reached so far: a response made while it did not
 * move reached none (sta/index.ts keeps only such bodies in its response cache, so that each
 * response cut by a limit is counted). */
export const reportsMade = (): number => reports

function count(store: string, limit: StaLimit, outcome: StaLimitOutcome): void {
  for (const c of local.get(store) ?? []) c[limit][outcome]++
}

/** Records that a read of `store` (the connection's file name, Db.name) reached a limit. */
export function reportStaLimit(store: string, limit: StaLimit, outcome: StaLimitOutcome): void {
  reports++
  count(store, limit, outcome)
  if (!sender) {
    sender = new BroadcastChannel(CHANNEL)
    sender.unref()
  }
  sender.postMessage({ store, limit, outcome, thread: threadId } satisfies Report)
}

/** Counts, from now on, the limits reached by reads of `store` in any thread; stop() ends it. */
export function watchStaLimits(store: string): { counts: StaLimitCounts; stop(): void } {
  const counts: StaLimitCounts = { query_timeout: { error: 0, next_link: 0 }, response_bytes: { error: 0, next_link: 0 } }
  let set = local.get(store)
  if (!set) local.set(store, (set = new Set()))
  set.add(counts)
  const receiver = new BroadcastChannel(CHANNEL)
  receiver.unref()
  receiver.onmessage = (e: unknown) => {
    const r = (e as { data: Report }).data
    // Reports of this thread were counted when made.
    if (r.thread !== threadId && r.store === store) counts[r.limit][r.outcome]++
  }
  return {
    counts,
    stop() {
      receiver.close()
      set.delete(counts)
      if (set.size === 0) local.delete(store)
    },
  }
}
