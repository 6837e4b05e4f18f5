// The MQTT output of a replay: a modelled network server that has already checked the MIC,
// de-duplicated the gateway copies and decrypted the payload, publishing one application event
// per frame in ChirpStack v4 or The Things Stack v3 JSON (QoS 1, at most maxInFlight publishes
// waiting for their PUBACK). Frames with a bad MIC (corrupted, wrong keys) or a counter that
// does not increase are dropped, as those network servers do by default.
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { BuoyTransmission } from '../buoy/virtual-buoy.js';
import type { Random } from '../random/seeded-random.js';
import { ReplayError } from '../replay/replay-error.js';
import type { ForwardAction, OutputCounters, Reception, UplinkOutput } from '../replay/uplink-output.js';
import { chirpstackUplinkEvent, chirpstackUplinkTopic } from './chirpstack-event.js';
import { uuidFromBytes, type NetworkServerIdentity } from './event-context.js';
import { ttsUplinkMessage, ttsUplinkTopic } from './tts-uplink.js';

/** Network servers publish after a short de-duplication window (ChirpStack's default: 200 ms). */
export const DEDUPLICATION_DELAY_MS = 200;

export interface MqttOutputOptions {
  url: string;
  format: 'chirpstack' | 'tts';
  identity?: Partial<NetworkServerIdentity>;
  username?: string;
  password?: string;
  clientId?: string;
  maxInFlight?: number;
  /** Device name per buoy id (The Things Stack device_id, ChirpStack deviceName); default the buoy id. */
  deviceName?: (buoyId: string) => string;
}

const DEFAULT_IDENTITY: NetworkServerIdentity = {
  applicationId: 'reeflink-sim',
  applicationName: 'reeflink simulated fleet',
  tenantId: 'ttn',
  tenantName: 'reeflink',
  deviceProfileId: '00000000-0000-4000-8000-000000000001',
  deviceProfileName: 'reeflink buoy (ABP, EU868)',
};

export class MqttNetworkServerOutput implements UplinkOutput {
  readonly kind;
  private client: MqttClient | undefined;
  private readonly identity: NetworkServerIdentity;
  private readonly maxInFlight: number;
  private pending = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private failure: Error | undefined;
  private readonly stats: OutputCounters = { sent: 0, acknowledged: 0, unacknowledged: 0, retransmissions: 0, maxInFlight: 0, droppedByNetworkServer: 0, statMessages: 0 };

  constructor(
    private readonly options: MqttOutputOptions,
    private readonly random: Random,
  ) {
    this.kind = options.format === 'chirpstack' ? ('chirpstack-mqtt' as const) : ('tts-mqtt' as const);
    this.identity = { ...DEFAULT_IDENTITY, ...(options.identity ?? {}) };
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 32);
  }

  async start(): Promise<void> {
    try {
      this.client = await mqtt.connectAsync(this.options.url, {
        clientId: this.options.clientId ?? `reeflink-sim-${Math.floor(this.random.uniform() * 1e9).toString(36)}`,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
        ...(this.options.username === undefined ? {} : { username: this.options.username }),
        ...(this.options.password === undefined ? {} : { password: this.options.password }),
      });
    } catch (e) {
      throw new ReplayError('REPLAY_OUTPUT', `cannot connect to the MQTT broker at ${this.options.url}: ${(e as Error).message}`, { cause: e });
    }
  }

  plan(tx: BuoyTransmission, receptions: Reception[], duplicateOf: Reception | undefined, duplicateGapMs: number): ForwardAction[] {
    if (receptions.length === 0) return [];
    // The network server publishes once, after the de-duplication window that follows the first copy.
    const first = Math.min(...receptions.map((r) => r.forwardAtMs));
    const atMs = first + DEDUPLICATION_DELAY_MS;
    const within = receptions.filter((r) => r.forwardAtMs <= atMs);
    const actions: ForwardAction[] = [{ atMs, tx, frame: tx.frame, receptions: within, duplicate: false }];
    if (duplicateOf) actions.push({ atMs: atMs + duplicateGapMs, tx, frame: tx.frame, receptions: within, duplicate: true });
    return actions;
  }

  async send(action: ForwardAction): Promise<void> {
    const frame = action.frame;
    if (frame.corrupted || frame.wrongKeys || frame.counterNotIncreasing) {
      if (!action.duplicate) this.stats.droppedByNetworkServer++;
      return;
    }
    while (this.pending >= this.maxInFlight && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.failure;
    const client = this.client;
    if (!client) throw new ReplayError('REPLAY_OUTPUT', 'MQTT output used before start()');
    const deviceName = this.options.deviceName?.(frame.buoyId) ?? frame.buoyId;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = this.random.int(256);
    const input = { tx: action.tx, receptions: action.receptions, networkTimeMs: action.atMs, eventId: uuidFromBytes(bytes), deviceName };
    const [topic, body] =
      this.options.format === 'chirpstack'
        ? [chirpstackUplinkTopic(this.identity, frame.devEui), chirpstackUplinkEvent(this.identity, input)]
        : [ttsUplinkTopic(this.identity, deviceName), ttsUplinkMessage(this.identity, input)];
    this.pending++;
    this.stats.sent++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.pending);
    frame.forwards++;
    client.publishAsync(topic, JSON.stringify(body), { qos: 1 }).then(
      () => {
        frame.acked++;
        this.stats.acknowledged++;
        this.released();
      },
      (e: Error) => {
        frame.unacknowledged++;
        this.stats.unacknowledged++;
        this.failure ??= new ReplayError('REPLAY_OUTPUT', `MQTT publish to ${topic} failed: ${e.message}`, { cause: e });
        this.released();
      },
    );
  }

  private released(): void {
    this.pending--;
    this.waiters.shift()?.();
    if (this.pending === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  inFlight(): number {
    return this.pending;
  }

  async drain(): Promise<void> {
    while (this.pending > 0) await new Promise<void>((r) => this.drainWaiters.push(r));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
  }

  counters(): OutputCounters {
    return { ...this.stats };
  }
}
