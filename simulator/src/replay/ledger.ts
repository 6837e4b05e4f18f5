// The replay's exact record of what happened: every frame a buoy transmitted (who heard it,
// what the faults did to it, how many datagrams carried it, how many were acknowledged), and
// every sample per buoy and datastream (source value, value after sensor faults, raw count,
// the value the server's calibration gives for that count, and the frame that carried it).
// A verify step compares `expectedSamples()` with what the server stored.
import type { StatusMessage } from '@reeflink/codecs';

/** Datastreams of a buoy: the raw channels, and salinity derived from them. */
export type Datastream = 'temperature' | 'pressure' | 'conductivity' | 'salinity';
export const DATASTREAMS: readonly Datastream[] = ['temperature', 'pressure', 'conductivity', 'salinity'];

export type FrameLoss = 'packet-loss' | 'out-of-range' | 'gateway-down';

/**
 * What became of a frame at the network server:
 * - delivered: heard, intact, right keys, counter increasing;
 * - lost: no gateway forwarded it (by design: a fault, range, or a gateway down);
 * - corrupted / wrong-keys: forwarded, but the MIC check must reject it;
 * - counter-not-increasing: forwarded intact, but when it reached the server a frame of the
 *   same session with an equal or higher FCnt had arrived first (device reset, or overtaken
 *   by a later frame): a server that enforces increasing counters rejects it.
 */
export type FrameFate = 'delivered' | 'lost' | 'corrupted' | 'wrong-keys' | 'counter-not-increasing';

export interface FrameRecord {
  id: number;
  buoyId: string;
  devEui: string;
  devAddr: string;
  fCnt: number;
  fPort: number;
  kind: 'measurements' | 'status';
  confirmed: boolean;
  /** Virtual times, epoch ms: start of transmission, and end of reception (rxpk.time). */
  txStartMs: number;
  rxTimeMs: number;
  airtimeMs: number;
  dataRate: number;
  frequencyHz: number;
  /** Application payload length. */
  payloadBytes: number;
  /** The PHYPayload as it went over the air (corrupted when `corrupted`). */
  phyPayload: Buffer;
  /** Decrypted application payload, as the buoy encoded it. */
  payload: Uint8Array;
  sampleCount: number;
  status: StatusMessage | undefined;
  heardBy: string[];
  lost: FrameLoss | undefined;
  corrupted: boolean;
  wrongKeys: boolean;
  counterNotIncreasing: boolean;
  /** Extra copies forwarded by the duplicate fault. */
  duplicates: number;
  /** Largest forwarding delay of any copy (delay fault, store-and-forward), ms. */
  delayedMs: number;
  /** Datagrams (UDP) or publishes (MQTT) carrying it, sent / acknowledged / given up. */
  forwards: number;
  acked: number;
  unacknowledged: number;
}

export function frameFate(f: FrameRecord): FrameFate {
  if (f.heardBy.length === 0) return 'lost';
  if (f.corrupted) return 'corrupted';
  if (f.wrongKeys) return 'wrong-keys';
  if (f.counterNotIncreasing) return 'counter-not-increasing';
  return 'delivered';
}

/** Why a sample never went out in a frame. */
export type UnsentReason = 'evicted' | 'lost-on-reboot' | 'queued-at-end';
export type SampleFate = FrameFate | UnsentReason;
const UNSENT: readonly UnsentReason[] = ['evicted', 'lost-on-reboot', 'queued-at-end'];

export interface LedgerSample {
  buoyId: string;
  datastream: Datastream;
  /** Phenomenon time, epoch ms (the source record's time). */
  timeMs: number;
  /** Value in the source file (salinity: PSAL, or computed from the source's C, T, P). NaN when absent. */
  sourceValue: number;
  /** Value the sensor reported after sensor faults (spikes, stuck, drift). */
  sentValue: number;
  /** Raw count in the frame (NaN for derived salinity). */
  raw: number;
  /** What the server's calibration (or derivation) gives for the counts. */
  expectedValue: number;
  /** One count's worth of the calibrated value: |expected − source| ≤ quantum/2 unless faulted or clamped. */
  quantum: number;
  calibrationId: string | undefined;
  /** Frame that settled the sample (delivered it, or its last attempt), -1 if never sent. */
  frameId: number;
  /** Frames that carried it (more than one only for confirmed uplinks). */
  attempts: number;
  fate: SampleFate;
  /** Bits of FAULT_SPIKE, FAULT_STUCK, FAULT_DRIFT (sensors/sensor-faults.ts). */
  sensorFaults: number;
  clamped: boolean;
}

/** Columnar storage: a multi-year fleet replay records millions of samples. */
class Columns {
  length = 0;
  timeMs = new Float64Array(1024);
  source = new Float64Array(1024);
  sent = new Float64Array(1024);
  raw = new Float64Array(1024);
  expected = new Float64Array(1024);
  quantum = new Float64Array(1024);
  calibration = new Int32Array(1024);
  frame = new Int32Array(1024);
  attempts = new Uint16Array(1024);
  unsent = new Uint8Array(1024);
  flags = new Uint8Array(1024);

  grow(): void {
    const size = this.timeMs.length * 2;
    const g = <T extends Float64Array | Int32Array | Uint16Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.timeMs = g(this.timeMs);
    this.source = g(this.source);
    this.sent = g(this.sent);
    this.raw = g(this.raw);
    this.expected = g(this.expected);
    this.quantum = g(this.quantum);
    this.calibration = g(this.calibration);
    this.frame = g(this.frame);
    this.attempts = g(this.attempts);
    this.unsent = g(this.unsent);
    this.flags = g(this.flags);
  }
}

export interface SampleRow {
  timeMs: number;
  sourceValue: number;
  sentValue: number;
  raw: number;
  expectedValue: number;
  quantum: number;
  calibrationId: string | undefined;
  frameId: number;
  attempts: number;
  unsent: UnsentReason | undefined;
  sensorFaults: number;
  clamped: boolean;
}

export interface BuoyCounters {
  /** Source records in the replay window. */
  records: number;
  /** Samples queued (at least one channel read). */
  sampled: number;
  /** Records with no channel to read (all missing in the source). */
  missingInSource: number;
  /** Records the buoy slept through with a flat battery. */
  notSampledBatteryDead: number;
  /** Channel values that gave no count (no calibration, no temperature, outside the model). */
  unreadableChannels: number;
  evicted: number;
  lostOnReboot: number;
  queuedAtEnd: number;
  reboots: number;
}

export class ReplayLedger {
  readonly frames: FrameRecord[] = [];
  /** By "buoy\0datastream", in the order they first got a sample (the order datastreams() lists). */
  private readonly columns = new Map<string, Columns>();
  private readonly columnsByBuoy = new Map<string, Partial<Record<Datastream, Columns>>>();
  private readonly calibrationIds: string[] = [];
  private readonly calibrationIndex = new Map<string, number>();
  readonly buoys = new Map<string, BuoyCounters>();

  counters(buoyId: string): BuoyCounters {
    let c = this.buoys.get(buoyId);
    if (!c) {
      c = { records: 0, sampled: 0, missingInSource: 0, notSampledBatteryDead: 0, unreadableChannels: 0, evicted: 0, lostOnReboot: 0, queuedAtEnd: 0, reboots: 0 };
      this.buoys.set(buoyId, c);
    }
    return c;
  }

  addFrame(frame: Omit<FrameRecord, 'id'>): FrameRecord {
    const record = { id: this.frames.length, ...frame };
    this.frames.push(record);
    return record;
  }

  addSample(buoyId: string, datastream: Datastream, row: SampleRow): void {
    this.addSampleRow(
      buoyId,
      datastream,
      row.timeMs,
      row.sourceValue,
      row.sentValue,
      row.raw,
      row.expectedValue,
      row.quantum,
      row.calibrationId,
      row.frameId,
      row.attempts,
      row.unsent,
      row.sensorFaults,
      row.clamped,
    );
  }

  /** addSample without the row object (the replay writes millions of rows). */
  addSampleRow(
    buoyId: string,
    datastream: Datastream,
    timeMs: number,
    sourceValue: number,
    sentValue: number,
    raw: number,
    expectedValue: number,
    quantum: number,
    calibrationId: string | undefined,
    frameId: number,
    attempts: number,
    unsent: UnsentReason | undefined,
    sensorFaults: number,
    clamped: boolean,
  ): void {
    const c = this.columnsOf(buoyId, datastream);
    if (c.length === c.timeMs.length) c.grow();
    const i = c.length++;
    c.timeMs[i] = timeMs;
    c.source[i] = sourceValue;
    c.sent[i] = sentValue;
    c.raw[i] = raw;
    c.expected[i] = expectedValue;
    c.quantum[i] = quantum;
    c.calibration[i] = calibrationId === undefined ? -1 : this.internCalibration(calibrationId);
    c.frame[i] = frameId;
    c.attempts[i] = Math.min(attempts, 65535);
    c.unsent[i] = unsent === undefined ? 0 : UNSENT.indexOf(unsent) + 1;
    c.flags[i] = (sensorFaults & 0x7f) | (clamped ? 0x80 : 0);
  }

  private columnsOf(buoyId: string, datastream: Datastream): Columns {
    let byStream = this.columnsByBuoy.get(buoyId);
    if (!byStream) {
      byStream = {};
      this.columnsByBuoy.set(buoyId, byStream);
    }
    let c = byStream[datastream];
    if (!c) {
      c = new Columns();
      byStream[datastream] = c;
      this.columns.set(`${buoyId}\u0000${datastream}`, c);
    }
    return c;
  }

  private internCalibration(id: string): number {
    let k = this.calibrationIndex.get(id);
    if (k === undefined) {
      k = this.calibrationIds.length;
      this.calibrationIds.push(id);
      this.calibrationIndex.set(id, k);
    }
    return k;
  }

  /** Buoy ids and datastreams with samples. */
  datastreams(): { buoyId: string; datastream: Datastream; count: number }[] {
    return [...this.columns.entries()].map(([key, c]) => {
      const [buoyId, datastream] = key.split('\u0000') as [string, Datastream];
      return { buoyId, datastream, count: c.length };
    });
  }

  /** Every sample of a buoy's datastream, in the order they were settled. */
  *samples(buoyId: string, datastream: Datastream): Generator<LedgerSample> {
    const c = this.columns.get(`${buoyId}\u0000${datastream}`);
    if (!c) return;
    for (let i = 0; i < c.length; i++) {
      const frameId = c.frame[i]!;
      const unsent = c.unsent[i]!;
      const fate: SampleFate = unsent > 0 ? UNSENT[unsent - 1]! : frameFate(this.frames[frameId]!);
      const calibration = c.calibration[i]!;
      yield {
        buoyId,
        datastream,
        timeMs: c.timeMs[i]!,
        sourceValue: c.source[i]!,
        sentValue: c.sent[i]!,
        raw: c.raw[i]!,
        expectedValue: c.expected[i]!,
        quantum: c.quantum[i]!,
        calibrationId: calibration < 0 ? undefined : this.calibrationIds[calibration],
        frameId,
        attempts: c.attempts[i]!,
        fate,
        sensorFaults: c.flags[i]! & 0x7f,
        clamped: (c.flags[i]! & 0x80) !== 0,
      };
    }
  }

  /** The samples the server should store: those settled by a delivered frame. */
  *expectedSamples(buoyId?: string, datastream?: Datastream): Generator<LedgerSample> {
    for (const d of this.datastreams()) {
      if ((buoyId !== undefined && d.buoyId !== buoyId) || (datastream !== undefined && d.datastream !== datastream)) continue;
      for (const s of this.samples(d.buoyId, d.datastream)) if (s.fate === 'delivered') yield s;
    }
  }

  /** Sample counts per fate for one buoy's datastream. */
  sampleFates(buoyId: string, datastream: Datastream): Partial<Record<SampleFate, number>> {
    // Straight from the columns, without a sample object each (the summary asks for millions).
    const out: Partial<Record<SampleFate, number>> = {};
    const c = this.columns.get(`${buoyId}\u0000${datastream}`);
    if (!c) return out;
    let lastFrame = -1;
    let lastFate: SampleFate = 'delivered';
    for (let i = 0; i < c.length; i++) {
      const unsent = c.unsent[i]!;
      let fate: SampleFate;
      if (unsent > 0) fate = UNSENT[unsent - 1]!;
      else {
        // Consecutive samples mostly share their frame.
        const frameId = c.frame[i]!;
        if (frameId !== lastFrame) {
          lastFrame = frameId;
          lastFate = frameFate(this.frames[frameId]!);
        }
        fate = lastFate;
      }
      out[fate] = (out[fate] ?? 0) + 1;
    }
    return out;
  }
}
