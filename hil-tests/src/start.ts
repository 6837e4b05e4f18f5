// The set-up every VM scenario file shares: NetCDF records, the HIL firmware built once, a rig
// with the HIL fleet's keys, gateway and radio settings, started, and the station's datastream
// ids. `stop` tears it all down (the rig, then the firmware's private folder); a failed start
// tears down what it had started before rethrowing.
import { buildHilFirmware, removeFirmware, type BuiltFirmware } from './firmware.ts';
import { HIL_GATEWAY_EUI, HIL_KEYS, HIL_STATION, hilManifest } from './fleet.ts';
import { HilRig, type RigOptions } from './rig.ts';
import { loadSource, type SourceSeries } from './source.ts';
import { datastreamIds } from './sta.ts';

export interface StartHilRigOptions extends Partial<Omit<RigOptions, 'firmware' | 'manifest' | 'records'>> {
  /** How many records of the bundled source to serve (loadSource). */
  recordCount: number;
  /** The manifest to provision, from the source's position; default hilManifest. */
  manifest?: (source: SourceSeries) => unknown;
}

export interface StartedHilRig {
  rig: HilRig;
  firmware: BuiltFirmware;
  /** Datastream ids of HIL_STATION by ObservedProperty name. */
  ids: Map<string, number>;
  stop(): Promise<void>;
}

/** Starts a rig with the HIL defaults (HIL_KEYS, HIL_GATEWAY_EUI, holdS 1, data rate 5); `o` overrides them. */
export async function startHilRig(o: StartHilRigOptions): Promise<StartedHilRig> {
  const { recordCount, manifest = hilManifest, ...overrides } = o;
  const source = await loadSource(recordCount);
  const firmware = await buildHilFirmware();
  const rig = new HilRig({
    keys: HIL_KEYS,
    gatewayEui: HIL_GATEWAY_EUI,
    holdS: 1,
    dataRate: 5,
    ...overrides,
    firmware,
    manifest: manifest(source),
    records: source.records,
  });
  const stop = async () => {
    await rig.stop();
    removeFirmware(firmware);
  };
  try {
    await rig.start();
    return { rig, firmware, ids: await datastreamIds(rig.server, HIL_STATION), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
