// Managing a DeviceScript device (a board, or the VM standing in for one) over the Jacdac bus the
// harness has joined, with the services every DeviceScript runtime hosts: find it by its
// DeviceScript Manager, stop and start its program, clear its settings, reset it. Frames and
// service numbers: jacdac-spec services/devicescriptmanager.md, settings.md, control.md.
import { Packet, SRV_SETTINGS, type JDDevice, type JDService } from 'jacdac-ts';
import type { VmBus } from './jacdac-tcp.ts';

/** DeviceScript Manager service class (the service `devs deploy` deploys through). */
export const SRV_DEVICE_SCRIPT_MANAGER = 0x1134ea2b;
/** Register "set" command base: 0x2000 | register. */
const CMD_SET_REG = 0x2000;
const DSM_REG_RUNNING = 0x80;
const DSM_REG_AUTOSTART = 0x81;
const SETTINGS_CMD_CLEAR = 0x85;
/** Control service (service index 0) command "reset": the device restarts (a board: the chip). */
const CONTROL_CMD_RESET = 0x82;

/** Devices on the bus with a DeviceScript Manager, except `exclude`. */
export function deviceScriptDevices(vm: VmBus, exclude: string[] = []): JDDevice[] {
  return vm.bus.devices({ serviceClass: SRV_DEVICE_SCRIPT_MANAGER }).filter((d) => !exclude.includes(d.deviceId));
}

/**
 * Waits for the DeviceScript device to manage: `deviceId` if given, else the only device with a
 * DeviceScript Manager (after a further `settleMs` for others to announce; several → error, name
 * one with `deviceId`).
 */
export async function waitForDeviceScriptDevice(vm: VmBus, o: { deviceId?: string; timeoutMs?: number; settleMs?: number } = {}): Promise<JDDevice> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    const found = deviceScriptDevices(vm).filter((d) => o.deviceId === undefined || d.deviceId === o.deviceId);
    if (found.length > 0) {
      if (o.deviceId !== undefined) return found[0]!;
      await new Promise((r) => setTimeout(r, o.settleMs ?? 1500));
      const all = deviceScriptDevices(vm);
      if (all.length > 1) throw new Error(`several DeviceScript devices on the bus (${all.map((d) => d.deviceId).join(', ')}): name the board's device id`);
      return all[0]!;
    }
    if (Date.now() > deadline) throw new Error(`no DeviceScript device${o.deviceId ? ` ${o.deviceId}` : ''} on the bus within ${o.timeoutMs ?? 60_000} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function service(device: JDDevice, serviceClass: number): JDService {
  const s = device.services({ serviceClass })[0];
  if (!s) throw new Error(`device ${device.deviceId} has no service 0x${serviceClass.toString(16)}`);
  return s;
}

function setRegister(s: JDService, reg: number, value: number): Promise<void> {
  return s.sendPacketAsync(Packet.from(CMD_SET_REG | reg, Uint8Array.of(value)), true);
}

/**
 * Stops the device's program and keeps it stopped (autostart off, as `devs devtools` does before
 * a deploy): nothing runs while its settings are cleared and the new program is written.
 */
export async function stopProgram(device: JDDevice): Promise<void> {
  const dsm = service(device, SRV_DEVICE_SCRIPT_MANAGER);
  await setRegister(dsm, DSM_REG_AUTOSTART, 0);
  await setRegister(dsm, DSM_REG_RUNNING, 0);
}

/** Autostart on again and the (deployed) program started. */
export async function startProgram(device: JDDevice): Promise<void> {
  const dsm = service(device, SRV_DEVICE_SCRIPT_MANAGER);
  await setRegister(dsm, DSM_REG_AUTOSTART, 1);
  await setRegister(dsm, DSM_REG_RUNNING, 1);
}

/** Clears every setting of the device (its firmware's stored state included). */
export async function clearSettings(device: JDDevice): Promise<void> {
  await service(device, SRV_SETTINGS).sendPacketAsync(Packet.from(SETTINGS_CMD_CLEAR, new Uint8Array(0)), true);
}

/** Control service "reset": the device restarts (not acknowledged: it is gone at once). */
export async function resetDevice(device: JDDevice): Promise<void> {
  await service(device, 0).sendPacketAsync(Packet.from(CONTROL_CMD_RESET, new Uint8Array(0)), false);
}
