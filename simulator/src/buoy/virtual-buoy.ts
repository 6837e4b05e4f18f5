// A virtual buoy: wakes at each record time of its source, reads its virtual sensors, queues the
// sample, and transmits what the firmware's rules say (status first when due, then measurement
// frames), one transmission at a time. The replay settles each transmission (was it
// acknowledged?) before asking for the next, because confirmed uplinks keep unacknowledged
// samples queued. Device-side faults live here: reboots (FCnt reset), wrong keys, sensor
// faults, battery decline. Radio and gateway faults are the replay's.
import { AGE_MAX_S, encodeMeasurements, encodeUplink, FPORT_MEASUREMENTS, FPORT_STATUS, STATUS_LENGTH, timeOnAirMs, type DataRate, type MeasurementSample, type StatusMessage } from '@reeflink/codecs';
import type { CalibrationSet } from '@reeflink/server/science';
import type { BuoySpec, Channel } from '../fleet/fleet-types.js';
import { CHANNELS } from '../fleet/fleet-types.js';
import { buildUplinkFrame, sessionKeys, type SessionKeys } from '../lorawan/uplink-frame.js';
import { EU868_DEFAULT_CHANNELS, eu868DataRate, type UplinkChannel } from '../radio/eu868-channels.js';
import { seededRandom, type Random } from '../random/seeded-random.js';
import type { BuoyFaults } from '../replay/fault-plan.js';
import type { BuoyCounters, FrameRecord, ReplayLedger, UnsentReason } from '../replay/ledger.js';
import { ReplayError } from '../replay/replay-error.js';
import { SensorFaultInjector } from '../sensors/sensor-faults.js';
import { VirtualCtd, type PhysicalReading } from '../sensors/virtual-ctd.js';
import { firstAtOrAfter, type BuoyRecords } from '../source/buoy-source.js';
import { Battery, LOW_BATTERY_MV } from './battery.js';
import { randomKeys, rebootTimes } from './device-faults.js';
import { QueueFitBound } from './queue-fit-bound.js';
import { salinityOf, toRaw, writeLedgerRows, type QueuedSample } from './queued-sample.js';
import { AirtimeBudget, dutyCycleFreeAt, frameEndMs, payloadBudget, RX_WINDOWS_MS, shouldSendMeasurements, slotFor, type Slot } from './uplink-rules.js';

const MAX_FRAME_SAMPLES = 255;
/** Shared by every sample without sensor faults (never written). */
const NO_FAULTS: Partial<Record<Channel, number>> = Object.freeze({});

interface Wake {
  timeMs: number;
  /** The next wake: transmissions of this one must end before it. */
  deadlineMs: number;
  earliestStartMs: number;
  statusChecked: boolean;
  /** Confirmed uplink not acknowledged, or no airtime left: wait for the next wake. */
  backedOff: boolean;
  uplinks: number;
}

export interface BuoyTransmission {
  frame: FrameRecord;
  channel: UplinkChannel;
  rate: DataRate;
  txPowerDbm: number;
  antennaGainDbi: number;
  latitude: number;
  longitude: number;
}

export interface VirtualBuoyOptions {
  seed: number | string;
  fromMs: number;
  toMs: number;
  ledger: ReplayLedger;
}

export class VirtualBuoy {
  readonly id: string;
  readonly counters: BuoyCounters;
  private readonly rate: DataRate;
  private readonly budget: number;
  private readonly keys: SessionKeys;
  private readonly wrongKeys: SessionKeys;
  private readonly ctd: VirtualCtd;
  private readonly injectors: Partial<Record<Channel, SensorFaultInjector>> = {};
  private readonly hasInjectors: boolean;
  private readonly battery: Battery;
  private readonly reboots: number[];
  private readonly random: { channel: Random; wrongKeys: Random };
  private readonly queue: QueuedSample[] = [];
  private readonly bound = new QueueFitBound();
  private recordIndex: number;
  private readonly endIndex: number;
  private fCnt: number;
  private bootAtMs: number | undefined;
  private resetCause = 'power_on';
  private statusDue = true;
  private lastStatusMs = Number.NEGATIVE_INFINITY;
  private dutyFreeAtMs = Number.NEGATIVE_INFINITY;
  private readonly airtime = new AirtimeBudget();
  /** One status frame's airtime: measurement frames leave it in the daily budget. */
  private readonly statusReserveMs: number;
  private uplinksSinceBoot = 0;
  private droppedSinceBoot = 0;
  /** Channels that failed since the last status (the firmware's fault bits). */
  private readonly missingChannels = new Set<Channel>();
  private wake: Wake | undefined;
  private awaiting: { frame: FrameRecord; carried: number } | undefined;
  private dead = false;

  constructor(
    readonly spec: BuoySpec,
    private readonly records: BuoyRecords,
    calibrations: CalibrationSet,
    private readonly faults: BuoyFaults,
    private readonly options: VirtualBuoyOptions,
  ) {
    this.id = spec.id;
    this.counters = options.ledger.counters(spec.id);
    this.rate = eu868DataRate(spec.radio.dataRate);
    this.budget = payloadBudget(spec.firmware, this.rate);
    this.statusReserveMs = timeOnAirMs(this.rate, STATUS_LENGTH, 0, true);
    this.keys = sessionKeys(spec.device.devAddr, spec.device.nwkSKey, spec.device.appSKey);
    const random = (label: string) => seededRandom(options.seed, 'buoy', spec.id, label);
    this.wrongKeys = randomKeys(random('wrong-key-material'), spec.device.devAddr);
    this.random = { channel: random('channel'), wrongKeys: random('wrong-keys') };
    this.ctd = new VirtualCtd(spec.sensors, calibrations, records.nominalPressureDbar);
    for (const c of CHANNELS) {
      const f = faults.sensors?.[c];
      if (f) this.injectors[c] = new SensorFaultInjector(f, random(`sensor-${c}`));
    }
    this.hasInjectors = Object.keys(this.injectors).length > 0;
    this.battery = new Battery(spec.firmware.batteryMv, options.fromMs, faults.battery?.declineMvPerDay ?? 0, faults.battery?.cutoffMv ?? 0);
    this.reboots = rebootTimes(faults, random('reboots'), options.fromMs, options.toMs);
    this.recordIndex = firstAtOrAfter(records.timesMs, options.fromMs);
    this.endIndex = firstAtOrAfter(records.timesMs, options.toMs);
    this.fCnt = spec.device.fCntStart >>> 0;
  }

  /** Number of samples waiting in the queue. */
  get queueDepth(): number {
    return this.queue.length;
  }

  /** The buoy's next transmission in time, or undefined when its records are done. */
  nextTransmission(): BuoyTransmission | undefined {
    if (this.awaiting) throw new ReplayError('REPLAY_SEQUENCE', `buoy ${this.id}: settle() frame ${this.awaiting.frame.id} before asking for the next`);
    for (;;) {
      if (this.wake) {
        const tx = this.nextInWake(this.wake);
        if (tx) return tx;
        this.wake = undefined;
      }
      if (!this.startNextWake()) return undefined;
    }
  }

  /**
   * Tells the buoy how its last transmission went. `acknowledged` matters for confirmed
   * uplinks only: unacknowledged samples stay queued until the next wake.
   */
  settle(frame: FrameRecord, acknowledged: boolean): void {
    const awaiting = this.awaiting;
    if (!awaiting || awaiting.frame !== frame) throw new ReplayError('REPLAY_SEQUENCE', `buoy ${this.id}: frame ${frame.id} is not the one awaiting settlement`);
    this.awaiting = undefined;
    if (frame.kind !== 'measurements') return;
    const carried = this.queue.slice(0, awaiting.carried);
    for (const s of carried) {
      s.attempts++;
      s.lastFrame = frame.id;
    }
    if (!this.spec.firmware.confirmed || acknowledged) {
      this.queue.splice(0, awaiting.carried);
      this.bound.removeFirst(awaiting.carried);
      for (const s of carried) this.settleSample(s, frame.id, undefined);
    } else if (this.wake) {
      this.wake.backedOff = true;
    }
  }

  /** End of the replay: what is still queued was never sent. */
  finish(): void {
    for (const s of this.queue.splice(0)) this.settleSample(s, s.lastFrame, 'queued-at-end');
  }

  private startNextWake(): boolean {
    while (this.recordIndex < this.endIndex) {
      const i = this.recordIndex++;
      const t = this.records.timesMs[i]!;
      this.counters.records++;
      while (this.reboots.length > 0 && this.reboots[0]! <= t) this.reboot(this.reboots.shift()!);
      if (this.dead || this.battery.isDead(t)) {
        this.dead = true;
        this.counters.notSampledBatteryDead++;
        continue;
      }
      this.bootAtMs ??= t;
      this.sample(i, t);
      this.wake = {
        timeMs: t,
        deadlineMs: t + this.spec.firmware.sampleIntervalS * 1000,
        earliestStartMs: t + this.spec.firmware.wakeDelayS * 1000,
        statusChecked: false,
        backedOff: false,
        uplinks: 0,
      };
      return true;
    }
    return false;
  }

  private reboot(atMs: number): void {
    this.counters.reboots++;
    this.fCnt = 0;
    this.bootAtMs = atMs;
    this.resetCause = 'watchdog';
    this.statusDue = true;
    this.uplinksSinceBoot = 0;
    this.droppedSinceBoot = 0;
    if (this.faults.fcntReset?.keepQueue === false) {
      for (const s of this.queue.splice(0)) this.settleSample(s, s.lastFrame, 'lost-on-reboot');
      this.bound.clear();
    }
  }

  private sample(i: number, t: number): void {
    const r = this.records;
    const source = {
      temperature_degC: r.temperature_degC?.[i] ?? Number.NaN,
      pressure_dbar: r.pressure_dbar?.[i] ?? Number.NaN,
      conductivity_S_m: r.conductivity_S_m?.[i] ?? Number.NaN,
      salinity: Number.NaN,
    };
    // Without sensor faults the sensors report the source values: one object serves both.
    let sent: PhysicalReading = source;
    let faults: Partial<Record<Channel, number>> = NO_FAULTS;
    if (this.hasInjectors) {
      faults = {};
      sent = {
        temperature_degC: this.sentValue('temperature', t, source.temperature_degC, faults),
        pressure_dbar: this.sentValue('pressure', t, source.pressure_dbar, faults),
        conductivity_S_m: this.sentValue('conductivity', t, source.conductivity_S_m, faults),
      };
    }
    const before = this.ctd.unreadable['no-calibration'] + this.ctd.unreadable['needs-temperature'] + this.ctd.unreadable['outside-model'];
    const reading = this.ctd.read(t, sent);
    const after = this.ctd.unreadable['no-calibration'] + this.ctd.unreadable['needs-temperature'] + this.ctd.unreadable['outside-model'];
    this.counters.unreadableChannels += after - before;
    for (const c of CHANNELS) if (this.spec.sensors[c] && !reading[c]) this.missingChannels.add(c);
    if (!reading.temperature && !reading.pressure && !reading.conductivity) {
      this.counters.missingInSource++;
      return;
    }
    source.salinity = r.salinity?.[i] ?? salinityOf(source, this.records.nominalPressureDbar);
    this.counters.sampled++;
    if (this.queue.length >= this.spec.firmware.queueCapacity) {
      // Still full (the "hold" frame could not go): drop the oldest sample and count it for status.
      this.evict(1);
    }
    const raw: MeasurementSample = { ageS: 0, ...toRaw(reading) };
    this.queue.push({ timeMs: t, reading, raw, source, sent, faults, attempts: 0, lastFrame: -1 });
    this.bound.push({ timeMs: t, raw });
  }

  /** The value a channel's sensor reports: the source value through its fault injector, if any. */
  private sentValue(c: Channel, t: number, v: number, faults: Partial<Record<Channel, number>>): number {
    const injector = this.injectors[c];
    if (!injector || !Number.isFinite(v)) return v;
    const out = injector.apply(t, v);
    if (out.faults) faults[c] = out.faults;
    return out.value;
  }

  private evict(n: number): void {
    for (const s of this.queue.splice(0, n)) {
      this.droppedSinceBoot++;
      this.settleSample(s, s.lastFrame, 'evicted');
    }
    this.bound.removeFirst(n);
  }

  private nextInWake(w: Wake): BuoyTransmission | undefined {
    if (w.backedOff || w.uplinks >= this.spec.firmware.maxUplinksPerWake) return undefined;
    if (!w.statusChecked) {
      w.statusChecked = true;
      const statusInterval = this.spec.firmware.statusIntervalS * 1000;
      if (this.statusDue || w.timeMs - this.lastStatusMs >= statusInterval) {
        const slotEnd = this.nextSlotEnd(w);
        if (slotEnd !== undefined && this.withinBudget(slotEnd, STATUS_LENGTH, this.spec.firmware.dailyAirtimeMs)) return this.transmitStatus(w, slotEnd);
      }
    }
    const end = this.nextSlotEnd(w);
    if (end === undefined) return undefined;
    // Samples older than the codec's age field can carry are dropped, as the firmware must.
    let tooOld = 0;
    while (tooOld < this.queue.length && (end - this.queue[tooOld]!.timeMs) / 1000 > AGE_MAX_S) tooOld++;
    if (tooOld > 0) this.evict(tooOld);
    if (this.queue.length === 0) return undefined;

    const firmware = this.spec.firmware;
    const oldestAgeS = Math.round((end - this.queue[0]!.timeMs) / 1000);
    // Most wakes only add a sample to a queue far from full: a cheap bound says so without encoding.
    const waiting = firmware.samplesPerUplink > 0 ? this.queue.length < firmware.samplesPerUplink : this.bound.certainlyFits(end, this.budget);
    if (waiting && !shouldSendMeasurements({ queueLength: this.queue.length, consumed: this.queue.length, oldestAgeS, firmware })) return undefined;
    const count = Math.min(this.queue.length, firmware.samplesPerUplink > 0 ? firmware.samplesPerUplink : MAX_FRAME_SAMPLES);
    const samples: MeasurementSample[] = [];
    for (let k = 0; k < count; k++) {
      const q = this.queue[k]!;
      q.raw.ageS = Math.round((end - q.timeMs) / 1000);
      samples.push(q.raw);
    }
    const encoded = encodeMeasurements(samples, this.budget);
    if (!encoded.ok) throw new ReplayError('REPLAY_ENCODE', `buoy ${this.id}: ${encoded.error.message}`);
    const send = shouldSendMeasurements({ queueLength: this.queue.length, consumed: encoded.value.consumed, oldestAgeS, firmware });
    if (!send) return undefined;
    if (!this.withinBudget(end, encoded.value.bytes.length, firmware.dailyAirtimeMs - this.statusReserveMs)) {
      // Out of daily airtime: try again at the next wake (the firmware waits; ages then grow).
      w.backedOff = true;
      return undefined;
    }
    return this.transmit(w, 'measurements', FPORT_MEASUREMENTS, encoded.value.bytes, end, encoded.value.consumed, undefined);
  }

  /** True when a frame of `bytes` ending at `end` keeps the last 24 h of airtime within `limitMs`. */
  private withinBudget(end: number, bytes: number, limitMs: number): boolean {
    const slot = slotFor(end, this.rate, bytes);
    return this.airtime.earliestMs(slot.txStartMs, slot.airtimeMs, limitMs) <= slot.txStartMs;
  }

  /** End (whole second) of the next transmission in this wake, or undefined if it would overrun the wake. */
  private nextSlotEnd(w: Wake): number | undefined {
    const earliest = Math.max(w.earliestStartMs, this.dutyFreeAtMs);
    const end = frameEndMs(earliest, this.rate, this.budget);
    return end > w.deadlineMs ? undefined : end;
  }

  private transmitStatus(w: Wake, end: number): BuoyTransmission {
    const mv = this.battery.voltageMv(end);
    const faults: string[] = [...this.missingChannels];
    if (mv < LOW_BATTERY_MV) faults.push('battery');
    const airtime = this.airtime.usedMs(end);
    const status: StatusMessage = {
      type: 'status',
      batteryMv: Math.round(mv),
      firmwareVersion: this.spec.firmware.version,
      resetCause: this.resetCause,
      uptimeS: Math.min(0xffffffff, Math.max(0, Math.floor((end - (this.bootAtMs ?? end)) / 1000))),
      queueDepth: Math.min(65535, this.queue.length),
      droppedSamples: this.droppedSinceBoot,
      sensorFaults: faults,
      uplinksSent: this.uplinksSinceBoot,
      downlinksReceived: 0,
      lastRssiDbm: 0,
      lastSnrDb: 0,
      airtimeLast24hMs: Math.round(airtime),
      sampleIntervalS: this.spec.firmware.sampleIntervalS,
    };
    const encoded = encodeUplink(status);
    if (!encoded.ok) throw new ReplayError('REPLAY_ENCODE', `buoy ${this.id}: status: ${encoded.error.message}`);
    this.statusDue = false;
    this.lastStatusMs = w.timeMs;
    this.missingChannels.clear();
    return this.transmit(w, 'status', FPORT_STATUS, encoded.value.bytes, end, 0, status);
  }

  private transmit(w: Wake, kind: 'measurements' | 'status', fPort: number, bytes: number[], end: number, carried: number, status: StatusMessage | undefined): BuoyTransmission {
    const slot: Slot = slotFor(end, this.rate, bytes.length);
    const fCnt = this.fCnt;
    this.fCnt = (this.fCnt + 1) >>> 0;
    const wrong = this.usesWrongKeys(slot.txStartMs);
    const payload = Uint8Array.from(bytes);
    const phyPayload = buildUplinkFrame(wrong ? this.wrongKeys : this.keys, { fCnt, fPort, payload, confirmed: this.spec.firmware.confirmed });
    const channel = EU868_DEFAULT_CHANNELS[this.random.channel.int(EU868_DEFAULT_CHANNELS.length)]!;
    this.dutyFreeAtMs = dutyCycleFreeAt(slot);
    w.earliestStartMs = end + RX_WINDOWS_MS;
    this.airtime.record(end, slot.airtimeMs);
    w.uplinks++;
    this.uplinksSinceBoot++;
    const frame = this.options.ledger.addFrame({
      buoyId: this.id,
      devEui: this.spec.device.devEui,
      devAddr: this.spec.device.devAddr,
      fCnt,
      fPort,
      kind,
      confirmed: this.spec.firmware.confirmed,
      txStartMs: slot.txStartMs,
      rxTimeMs: slot.rxEndMs,
      airtimeMs: slot.airtimeMs,
      dataRate: this.spec.radio.dataRate,
      frequencyHz: channel.frequencyHz,
      payloadBytes: bytes.length,
      phyPayload,
      payload,
      sampleCount: carried,
      status,
      heardBy: [],
      lost: undefined,
      corrupted: false,
      wrongKeys: wrong,
      counterNotIncreasing: false,
      duplicates: 0,
      delayedMs: 0,
      forwards: 0,
      acked: 0,
      unacknowledged: 0,
    });
    this.awaiting = { frame, carried };
    return {
      frame,
      channel,
      rate: this.rate,
      txPowerDbm: this.spec.radio.txPowerDbm,
      antennaGainDbi: this.spec.radio.antennaGainDbi,
      latitude: this.records.latitude,
      longitude: this.records.longitude,
    };
  }

  private usesWrongKeys(atMs: number): boolean {
    const wk = this.faults.wrongKeys;
    if (!wk) return false;
    if (wk.windows?.some((w) => atMs >= w.from && atMs < w.to)) return true;
    return this.random.wrongKeys.chance(wk.probability ?? 0);
  }

  /** Counts why a sample left the queue unsent, and writes its ledger rows. */
  private settleSample(s: QueuedSample, frameId: number, unsent: UnsentReason | undefined): void {
    if (unsent === 'evicted') this.counters.evicted++;
    if (unsent === 'lost-on-reboot') this.counters.lostOnReboot++;
    if (unsent === 'queued-at-end') this.counters.queuedAtEnd++;
    writeLedgerRows(this.options.ledger, this.id, s, frameId, unsent, this.records.nominalPressureDbar);
  }
}
