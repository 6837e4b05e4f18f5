// Writes settings into the DeviceScript VM from the harness: the VM hosts the Jacdac Settings
// service (class 0x1107dc4a) that @devicescript/settings reads, and it is on the harness's bus
// once the VM has joined (`devs run --tcp`). A value is stored as @devicescript/settings'
// writeSetting stores it: the JSON text, so readSetting in the firmware parses it back.
// Used to provision LoRaWAN keys (lw_devaddr, lw_nwkskey, lw_appskey) without compiling them in.
import { Packet, SRV_SETTINGS, type JDService } from 'jacdac-ts';
import type { VmBus } from './jacdac-tcp.ts';

/** Settings "set" command: key (string, NUL-terminated), value (bytes). jacdac-spec services/settings.md. */
const SETTINGS_SET = 0x81;

/**
 * Resolves with the VM's Settings service once its device has announced itself on the bus: the
 * first device with one, or the device `deviceId` (a bus with a board, `devs deploy` or several
 * VMs on it has more than one).
 */
export async function vmSettingsService(vm: VmBus, timeoutMs = 60_000, deviceId?: string): Promise<JDService> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const d of vm.bus.devices({ serviceClass: SRV_SETTINGS })) {
      if (deviceId !== undefined && d.deviceId !== deviceId) continue;
      const s = d.services({ serviceClass: SRV_SETTINGS })[0];
      if (s) return s;
    }
    if (Date.now() > deadline) throw new Error(`no Jacdac Settings service (${deviceId ?? 'the VM'}) on the bus within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Settings "set" payload for one key (≤ 13 characters, DeviceScript's limit). */
export function settingsSetPayload(key: string, value: unknown): Uint8Array {
  if (key.length === 0 || key.length > 13) throw new RangeError(`setting key "${key}" must have 1..13 characters`);
  return Uint8Array.from(Buffer.concat([Buffer.from(key, 'utf8'), Buffer.from([0]), Buffer.from(JSON.stringify(value), 'utf8')]));
}

/** Writes each setting (acknowledged packets) on the first device with a Settings service, or on `deviceId`; the program reads them with readSetting. */
export async function writeVmSettings(vm: VmBus, values: Record<string, unknown>, timeoutMs = 60_000, deviceId?: string): Promise<void> {
  const service = await vmSettingsService(vm, timeoutMs, deviceId);
  for (const [key, value] of Object.entries(values)) {
    await service.sendPacketAsync(Packet.from(SETTINGS_SET, settingsSetPayload(key, value)), true);
  }
}
