// runReplay: a fleet of virtual buoys replaying their recorded series through virtual gateways
// to a real receiver (Semtech UDP server or MQTT broker), in virtual time, with faults on
// demand, and an exact ledger of what should arrive. The loop is a discrete-event simulation:
// transmissions and forwards are ordered by virtual time; only forwards wait (for the virtual
// clock, and for room in the output's flow-control window).
import { CalibrationSet } from '@reeflink/server/science';
import { VirtualBuoy, type BuoyTransmission } from '../buoy/virtual-buoy.js';
import { FleetError } from '../fleet/fleet-error.js';
import type { Fleet } from '../fleet/fleet-types.js';
import { readFleetFile } from '../fleet/parse-fleet.js';
import { SemtechUdpOutput } from '../gateway/semtech-output.js';
import { parseUdpTarget, type UdpTarget } from '../gateway/semtech-gateway.js';
import { MqttNetworkServerOutput, type MqttOutputOptions } from '../network-server/mqtt-output.js';
import { ProgressMeter, type Progress } from '../progress.js';
import { seededRandom } from '../random/seeded-random.js';
import { loadBuoyRecords, SourceCache, type BuoyRecords } from '../source/buoy-source.js';
import { buoyFaults, faultPlanFromValue, unknownFaultTargets, type FaultPlan } from './fault-plan.js';
import { ReplayLedger } from './ledger.js';
import { RadioChannel } from './radio-channel.js';
import { ReplayError } from './replay-error.js';
import { summarize, type ReplaySummary } from './summary.js';
import { EventQueue } from './event-queue.js';
import type { ForwardAction, UplinkOutput } from './uplink-output.js';
import { LiveClock, systemClock, VirtualClock, type WallClock } from './virtual-clock.js';

export type ReplayTarget =
  | {
      udp: string | UdpTarget;
      /** PUSH_DATA in flight per gateway, at most (default 32). */
      maxInFlight?: number;
      ackTimeoutMs?: number;
      maxRetries?: number;
      keepaliveMs?: number;
      /** Virtual seconds between gateway stat messages (default 3600; 0 = none). */
      statIntervalS?: number;
    }
  | { mqtt: MqttOutputOptions }
  | { output: UplinkOutput };

export type TimeInput = number | string | Date;

export interface ReplayProgress extends Progress {
  virtualTimeMs: number;
  framesSent: number;
  forwards: number;
  /** Frames per wall second so far. */
  framesPerS: number;
  inFlight: number;
  /** Behind the virtual schedule, wall ms (finite speeds). */
  lagMs: number;
  /** Live replays: caught up with the present, waiting for the next frame's time. */
  waitingForPresent?: boolean;
}

export interface ReplayOptions {
  /** A validated fleet, or the path of a fleet file. */
  fleet: Fleet | string;
  /** Start and end (exclusive) of the replay; default the sources' whole span. */
  from?: TimeInput;
  to?: TimeInput;
  /** Virtual seconds per wall second; 'max' (default) = as fast as the receiver acknowledges. */
  speed?: number | 'max';
  target: ReplayTarget;
  faults?: FaultPlan;
  seed?: number | string;
  /** Log-normal shadowing of every link, dB (default 3; 0 = deterministic links). */
  shadowingDb?: number;
  onProgress?: (progress: ReplayProgress) => void;
  /** Wall ms between progress reports (default 500). */
  progressIntervalMs?: number;
  signal?: AbortSignal;
  wallClock?: WallClock;
  /** Parsed NetCDF files, shared between runs of the same fleet (tests, repeated CLI runs). */
  sourceCache?: SourceCache;
  /**
   * Added to every source time: the data recorded at t is sampled, sent and timestamped by the
   * gateways at t + timeShiftMs. `from` and `to` are in shifted time. Lets a demo replay old
   * records as if they were happening now.
   */
  timeShiftMs?: number;
  /**
   * Catch up, then go live: virtual time runs as fast as the receiver takes it until it reaches
   * the wall clock's present (Date.now()), then in real time. Ignores `speed`.
   */
  live?: boolean;
}

export interface ReplayResult {
  summary: ReplaySummary;
  ledger: ReplayLedger;
}

type ReplayEvent =
  | { kind: 'tx'; buoy: VirtualBuoy; tx: BuoyTransmission }
  | { kind: 'forward'; action: ForwardAction }
  | { kind: 'stat' };

/** Transmissions before forwards at the same instant (a forward never precedes its frame). */
const PRIORITY = { tx: 0, forward: 1, stat: 2 } as const;
const DUPLICATE_GAP_MS = 300;

export function toEpochMs(t: TimeInput, what: string): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new ReplayError('REPLAY_OPTIONS', `${what} must be a time (epoch ms, ISO 8601 or Date), got ${String(t)}`);
  return ms;
}

function makeOutput(target: ReplayTarget, fleet: Fleet, seed: number | string): UplinkOutput {
  if ('output' in target) return target.output;
  if ('udp' in target) {
    return new SemtechUdpOutput(fleet, {
      target: parseUdpTarget(target.udp),
      ...(target.maxInFlight === undefined ? {} : { maxInFlight: target.maxInFlight }),
      ...(target.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: target.ackTimeoutMs }),
      ...(target.maxRetries === undefined ? {} : { maxRetries: target.maxRetries }),
      ...(target.keepaliveMs === undefined ? {} : { keepaliveMs: target.keepaliveMs }),
      firstToken: (id) => seededRandom(seed, 'gateway', id, 'token').int(65536),
    });
  }
  if ('mqtt' in target) return new MqttNetworkServerOutput(target.mqtt, seededRandom(seed, 'mqtt-output'));
  throw new ReplayError('REPLAY_OPTIONS', 'target must be { udp: "host:port" }, { mqtt: { url, format } } or { output }');
}

/**
 * Loads every buoy's records (sharing files), within [from, to) when given, with one error
 * listing every source problem.
 */
export async function loadFleetRecords(fleet: Fleet, window?: { fromMs?: number; toMs?: number }, cache = new SourceCache()): Promise<BuoyRecords[]> {
  const span = window && (window.fromMs !== undefined || window.toMs !== undefined) ? { fromMs: window.fromMs ?? Number.NEGATIVE_INFINITY, toMs: window.toMs ?? Number.POSITIVE_INFINITY } : undefined;
  const results = await Promise.allSettled(fleet.buoys.map((_, i) => loadBuoyRecords(fleet, i, cache, span)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length > 0) {
    const issues = errors.flatMap((e) => (e instanceof FleetError ? e.issues : [{ path: 'buoys', message: String(e) }]));
    throw new FleetError('FLEET_SOURCE', fleet.name, issues);
  }
  return results.map((r) => (r as PromiseFulfilledResult<BuoyRecords>).value);
}

/** Records with every time moved by `shiftMs` (the source cache keeps the originals). */
function shiftRecords(records: BuoyRecords[], shiftMs: number): BuoyRecords[] {
  if (shiftMs === 0) return records;
  return records.map((r) => ({ ...r, timesMs: r.timesMs.map((t) => t + shiftMs) }));
}

export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const fleet = typeof options.fleet === 'string' ? await readFleetFile(options.fleet) : options.fleet;
  const plan = faultPlanFromValue(options.faults ?? {});
  const unknown = unknownFaultTargets(plan, fleet.buoys.map((b) => b.id), fleet.gateways.map((g) => g.id));
  if (unknown.length > 0) throw new FleetError('FAULTS_INVALID', 'faults', unknown.map((path) => ({ path, message: 'is not in the fleet' })));
  const seed = options.seed ?? 1;
  const speed = options.speed === undefined || options.speed === 'max' ? Number.POSITIVE_INFINITY : options.speed;
  if (!(speed > 0)) throw new ReplayError('REPLAY_OPTIONS', `speed must be > 0 or 'max', got ${String(options.speed)}`);

  const requestedFrom = options.from === undefined ? undefined : toEpochMs(options.from, 'from');
  const requestedTo = options.to === undefined ? undefined : toEpochMs(options.to, 'to');
  const window = { ...(requestedFrom === undefined ? {} : { fromMs: requestedFrom }), ...(requestedTo === undefined ? {} : { toMs: requestedTo }) };
  const shift = options.timeShiftMs ?? 0;
  if (!Number.isFinite(shift)) throw new ReplayError('REPLAY_OPTIONS', `timeShiftMs must be a finite number of ms, got ${String(options.timeShiftMs)}`);
  const sourceWindow = {
    ...(window.fromMs === undefined ? {} : { fromMs: window.fromMs - shift }),
    ...(window.toMs === undefined ? {} : { toMs: window.toMs - shift }),
  };
  const records = shiftRecords(await loadFleetRecords(fleet, sourceWindow, options.sourceCache), shift);
  const span = records.filter((r) => r.timesMs.length > 0);
  if (span.length === 0 && (requestedFrom === undefined || requestedTo === undefined)) throw new ReplayError('REPLAY_OPTIONS', 'no buoy has records in the requested period');
  const fromMs = requestedFrom ?? Math.min(...span.map((r) => r.timesMs[0]!));
  const toMs = requestedTo ?? Math.max(...span.map((r) => r.timesMs[r.timesMs.length - 1]! + 1));
  if (!(fromMs < toMs)) throw new ReplayError('REPLAY_OPTIONS', `from (${new Date(fromMs).toISOString()}) must be before to (${new Date(toMs).toISOString()})`);

  const ledger = new ReplayLedger();
  const buoys = fleet.buoys.map(
    (spec, i) => new VirtualBuoy(spec, records[i]!, CalibrationSet.of(spec.calibrations), buoyFaults(plan, spec.id), { seed, fromMs, toMs, ledger }),
  );
  const faultsOf = new Map(fleet.buoys.map((b) => [b.id, buoyFaults(plan, b.id)]));
  const radio = new RadioChannel(fleet, plan, { seed, fromMs, shadowingDb: options.shadowingDb ?? 3 });
  const output = makeOutput(options.target, fleet, seed);
  const wall = options.wallClock ?? systemClock;
  const startedAt = wall.now();
  const statIntervalMs = 'udp' in options.target ? (options.target.statIntervalS ?? 3600) * 1000 : 0;

  const queue = new EventQueue<ReplayEvent>();
  const schedule = (buoy: VirtualBuoy) => {
    const tx = buoy.nextTransmission();
    if (tx) queue.push(tx.frame.rxTimeMs, PRIORITY.tx, { kind: 'tx', buoy, tx });
  };
  for (const b of buoys) schedule(b);
  if (statIntervalMs > 0 && output.sendGatewayStats) queue.push(fromMs + statIntervalMs, PRIORITY.stat, { kind: 'stat' });

  // What a server enforcing increasing frame counters has accepted, in arrival order.
  const lastAcceptedFCnt = new Map<string, number>();
  const reachedServer = new Set<number>();
  const clock = options.live ? new LiveClock() : new VirtualClock(fromMs, speed, wall);
  const meter = new ProgressMeter('replay', (toMs - fromMs) / 1000, 'virtual s', () => wall.now());
  const progressEvery = options.progressIntervalMs ?? 500;
  let lastReport = Number.NEGATIVE_INFINITY;
  let virtualNow = fromMs;
  const report = (force: boolean, waitingForPresent = false) => {
    if (!options.onProgress) return;
    const now = wall.now();
    if (!force && now - lastReport < progressEvery) return;
    lastReport = now;
    const p = meter.at((Math.min(virtualNow, toMs) - fromMs) / 1000);
    const forwards = output.counters().sent;
    options.onProgress({
      ...p,
      virtualTimeMs: virtualNow,
      framesSent: ledger.frames.length,
      forwards,
      framesPerS: p.elapsedMs > 0 ? (ledger.frames.length * 1000) / p.elapsedMs : 0,
      inFlight: output.inFlight(),
      lagMs: clock.lagMs(virtualNow),
      ...(waitingForPresent ? { waitingForPresent } : {}),
    });
  };
  /** Waits for an event's time; a live replay says so when it has caught up with the present. */
  const due = async (atMs: number) => {
    if (options.live && atMs > Date.now() + progressEvery) report(true, true);
    await clock.until(atMs, options.signal);
  };
  // At full speed nothing waits for the clock: no await per event then.
  const paced = options.live === true || speed !== Number.POSITIVE_INFINITY;

  let aborted = false;
  await output.start();
  try {
    while (queue.size > 0) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const event = queue.pop()!;
      virtualNow = event.atMs;
      const e = event.value;
      if (e.kind === 'tx') {
        const outcome = radio.receive(e.tx, faultsOf.get(e.buoy.id)!);
        for (const action of output.plan(e.tx, outcome.receptions, outcome.duplicateOf, DUPLICATE_GAP_MS)) queue.push(action.atMs, PRIORITY.forward, { kind: 'forward', action });
        e.buoy.settle(e.tx.frame, outcome.acknowledged);
        schedule(e.buoy);
      } else if (e.kind === 'forward') {
        if (paced) await due(event.atMs);
        const frame = e.action.frame;
        if (!reachedServer.has(frame.id)) {
          reachedServer.add(frame.id);
          if (!frame.corrupted && !frame.wrongKeys) {
            const last = lastAcceptedFCnt.get(frame.buoyId);
            if (last === undefined || frame.fCnt > last) lastAcceptedFCnt.set(frame.buoyId, frame.fCnt);
            else frame.counterNotIncreasing = true;
          }
        }
        const sending = output.send(e.action);
        if (sending) await sending;
      } else {
        await due(event.atMs);
        await output.sendGatewayStats?.(event.atMs, (id) => radio.gatewayOffline(id, event.atMs));
        if (event.atMs + statIntervalMs < toMs) queue.push(event.atMs + statIntervalMs, PRIORITY.stat, { kind: 'stat' });
      }
      report(false);
    }
    // Whatever is still queued on the buoys was never sent (also after an abort).
    for (const b of buoys) b.finish();
    await output.drain();
  } catch (e) {
    if (e instanceof ReplayError || e instanceof FleetError) throw e;
    throw new ReplayError('REPLAY_OUTPUT', `replay failed: ${(e as Error).message}`, { cause: e });
  } finally {
    await output.close();
  }
  virtualNow = aborted ? virtualNow : toMs;
  report(true);
  const summary = summarize(ledger, {
    fleet: fleet.name,
    target: output.kind,
    seed,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    speed,
    wallMs: wall.now() - startedAt,
    aborted,
    output: output.counters(),
    gateways: output.gatewayCounters?.(),
  });
  return { summary, ledger };
}
