// Faults on demand: what can go wrong between a buoy's sensors and the network server, chosen
// per run (`all`), per buoy and per gateway. Probabilities are per frame unless said otherwise;
// times are epoch ms (ISO text in YAML). Parsing reports every bad field with its path.
import { FieldReader } from '../fleet/field-reader.js';
import { FleetError } from '../fleet/fleet-error.js';
import { CHANNELS, type Channel } from '../fleet/fleet-types.js';
import { parseYamlSource, withLines, type YamlSource } from '../fleet/yaml-source.js';

export interface TimeWindow {
  from: number;
  to: number;
}

export interface SensorFaults {
  /** Probability per sample of a spike, and its size in the channel's unit (°C, dbar, S/m). */
  spikes?: { probability: number; amplitude: number };
  /** Periods when the sensor repeats its last value. */
  stuck?: TimeWindow[];
  /** Linear drift from a time on, in the channel's unit per day. */
  drift?: { from: number; perDay: number };
}

export interface BuoyFaults {
  /** Frame heard by no gateway (interference, a wave over the antenna). */
  packetLoss?: number;
  /** One gateway forwards a heard frame twice. */
  duplicate?: number;
  /** A gateway forwards the frame late, by up to maxS seconds, so later frames overtake it. */
  delay?: { probability: number; maxS: number };
  /** Bits flipped in the air with the CRC still passing: only the MIC can catch it. */
  corrupt?: number;
  /** Frames signed and encrypted with the wrong session keys. */
  wrongKeys?: { probability?: number; windows?: TimeWindow[] };
  /**
   * Device reboots: the frame counter restarts at 0 (an ABP device that does not persist it). The
   * queue survives in flash, as the firmware's does, unless keepQueue is false (a RAM queue).
   */
  fcntReset?: { at?: number[]; perDay?: number; keepQueue?: boolean };
  sensors?: Partial<Record<Channel, SensorFaults>>;
  /** Battery decline, mV per day, and the brown-out voltage below which the buoy stops. */
  battery?: { declineMvPerDay: number; cutoffMv: number };
}

export interface GatewayFaults {
  /**
   * 'down': the gateway hears nothing. 'backhaul': it hears and stores, then forwards everything
   * when the link returns (store-and-forward; rxpk.time keeps the reception time).
   */
  outages?: (TimeWindow & { mode: 'down' | 'backhaul' })[];
}

export interface FaultPlan {
  all?: BuoyFaults;
  buoys?: Record<string, BuoyFaults>;
  gateways?: Record<string, GatewayFaults>;
}

export const NO_FAULTS: FaultPlan = {};

/** The faults of one buoy: `all`, overridden field by field by the buoy's own. */
export function buoyFaults(plan: FaultPlan, buoyId: string): BuoyFaults {
  const own = plan.buoys?.[buoyId] ?? {};
  const all = plan.all ?? {};
  return { ...all, ...own, sensors: { ...(all.sensors ?? {}), ...(own.sensors ?? {}) } };
}

const BUOY_FAULT_KEYS = ['packetLoss', 'duplicate', 'delay', 'corrupt', 'wrongKeys', 'fcntReset', 'sensors', 'battery'];

function readWindow(f: FieldReader, extra: string[] = []): TimeWindow | undefined {
  if (!f.object(['from', 'to', ...extra])) return undefined;
  const from = f.at('from').time();
  const to = f.at('to').time();
  if (from === undefined || to === undefined) return undefined;
  if (to <= from) return f.at('to').problem('must be after from');
  return { from, to };
}

function readSensorFaults(f: FieldReader): SensorFaults {
  const out: SensorFaults = {};
  if (!f.object(['spikes', 'stuck', 'drift'])) return out;
  const s = f.at('spikes');
  if (s.present && s.object(['probability', 'amplitude'])) {
    const amplitude = s.at('amplitude').number({ min: 0 });
    if (amplitude !== undefined) out.spikes = { probability: s.at('probability').probability(), amplitude };
  }
  if (f.at('stuck').present) out.stuck = f.at('stuck').list().map((w) => readWindow(w)).filter((w): w is TimeWindow => w !== undefined);
  const d = f.at('drift');
  if (d.present && d.object(['from', 'perDay'])) {
    const from = d.at('from').time();
    const perDay = d.at('perDay').number();
    if (from !== undefined && perDay !== undefined) out.drift = { from, perDay };
  }
  return out;
}

function readBuoyFaults(f: FieldReader): BuoyFaults {
  const out: BuoyFaults = {};
  if (!f.object(BUOY_FAULT_KEYS)) return out;
  if (f.at('packetLoss').present) out.packetLoss = f.at('packetLoss').probability();
  if (f.at('duplicate').present) out.duplicate = f.at('duplicate').probability();
  if (f.at('corrupt').present) out.corrupt = f.at('corrupt').probability();
  const delay = f.at('delay');
  if (delay.present && delay.object(['probability', 'maxS'])) {
    out.delay = { probability: delay.at('probability').probability(), maxS: delay.at('maxS').number({ min: 1, max: 86_400 * 7 }, 60) ?? 60 };
  }
  const wk = f.at('wrongKeys');
  if (wk.present && wk.object(['probability', 'windows'])) {
    out.wrongKeys = {};
    if (wk.at('probability').present) out.wrongKeys.probability = wk.at('probability').probability();
    if (wk.at('windows').present) out.wrongKeys.windows = wk.at('windows').list().map((w) => readWindow(w)).filter((w): w is TimeWindow => w !== undefined);
  }
  const reset = f.at('fcntReset');
  if (reset.present && reset.object(['at', 'perDay', 'keepQueue'])) {
    out.fcntReset = { keepQueue: reset.at('keepQueue').boolean(true) ?? true };
    if (reset.at('at').present) out.fcntReset.at = reset.at('at').list().map((t) => t.time()).filter((t): t is number => t !== undefined);
    if (reset.at('perDay').present) out.fcntReset.perDay = reset.at('perDay').number({ min: 0, max: 24 }) ?? 0;
  }
  const sensors = f.at('sensors');
  if (sensors.present && sensors.object([...CHANNELS])) {
    out.sensors = {};
    for (const c of CHANNELS) if (sensors.at(c).present) out.sensors[c] = readSensorFaults(sensors.at(c));
  }
  const battery = f.at('battery');
  if (battery.present && battery.object(['declineMvPerDay', 'cutoffMv'])) {
    out.battery = {
      declineMvPerDay: battery.at('declineMvPerDay').number({ min: 0, max: 10_000 }, 0) ?? 0,
      cutoffMv: battery.at('cutoffMv').number({ min: 0, max: 65_535 }, 3300) ?? 3300,
    };
  }
  return out;
}

function readGatewayFaults(f: FieldReader): GatewayFaults {
  const out: GatewayFaults = {};
  if (!f.object(['outages'])) return out;
  out.outages = [];
  for (const o of f.at('outages').list()) {
    const w = readWindow(o, ['mode']);
    const mode = o.at('mode').oneOf(['down', 'backhaul'] as const, 'down');
    if (w && mode) out.outages.push({ ...w, mode });
  }
  return out;
}

/** Validates a fault plan given as a value (from YAML, JSON or code). */
export function faultPlanFromValue(value: unknown, source = 'faults', yaml?: YamlSource): FaultPlan {
  const root = FieldReader.root(value ?? {});
  const plan: FaultPlan = {};
  if (root.object(['all', 'buoys', 'gateways'])) {
    if (root.at('all').present) plan.all = readBuoyFaults(root.at('all'));
    const buoys = root.at('buoys');
    if (buoys.present && buoys.object()) {
      plan.buoys = {};
      for (const id of Object.keys(buoys.value as object)) plan.buoys[id] = readBuoyFaults(buoys.at(id));
    }
    const gateways = root.at('gateways');
    if (gateways.present && gateways.object()) {
      plan.gateways = {};
      for (const id of Object.keys(gateways.value as object)) plan.gateways[id] = readGatewayFaults(gateways.at(id));
    }
  }
  if (root.issues.length > 0) throw new FleetError('FAULTS_INVALID', source, withLines(root.issues, yaml));
  return plan;
}

export function parseFaultPlan(text: string, source = 'faults'): FaultPlan {
  const yaml = parseYamlSource(text, source, 'FAULTS_INVALID');
  return faultPlanFromValue(yaml.value, source, yaml);
}

/** Buoy and gateway ids a plan names that the fleet does not have (a typo would silently do nothing). */
export function unknownFaultTargets(plan: FaultPlan, buoyIds: readonly string[], gatewayIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const id of Object.keys(plan.buoys ?? {})) if (!buoyIds.includes(id)) out.push(`buoys.${id}`);
  for (const id of Object.keys(plan.gateways ?? {})) if (!gatewayIds.includes(id)) out.push(`gateways.${id}`);
  return out;
}
