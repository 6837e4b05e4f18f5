// Types for the parts of jacdac-ts 1.33.7 the harness uses. The package ships its types
// (dist/types/src/jacdac.d.ts) but its "exports" map has no "types" entry, so TypeScript's
// NodeNext resolution cannot find them; these lines restate the few signatures we need.
declare module 'jacdac-ts' {
  export class JDBus {
    constructor(transports?: unknown[], options?: { client?: boolean; disableRoleManager?: boolean });
    start(): void;
    stop(): Promise<void>;
    devices(options?: { serviceClass?: number; ignoreInfrastructure?: boolean }): JDDevice[];
    removeServiceProvider(provider: unknown): void;
  }
  export class Packet {
    static from(serviceCommand: number, data: Uint8Array): Packet;
    readonly data: Uint8Array;
    readonly serviceCommand: number;
  }
  export class JDService {
    readonly serviceClass: number;
    sendPacketAsync(pkt: Packet, ack?: boolean): Promise<void>;
    register(code: number): JDRegister;
  }
  export class JDRegister {
    refresh(skipIfValue?: boolean): Promise<void>;
    readonly data: Uint8Array | undefined;
  }
  export class JDDevice {
    readonly deviceId: string;
    services(options?: { serviceClass?: number }): JDService[];
  }
  export class JDServiceServer {
    constructor(serviceClass: number, options?: unknown);
    protected addCommand(identifier: number, handler: (pkt: Packet) => void): void;
    sendPacketAsync(pkt: Packet): Promise<void>;
  }
  export class JDRegisterServer<T extends unknown[]> {
    setValues(values: T): void;
  }
  export class AnalogSensorServer extends JDServiceServer {
    constructor(serviceClass: number, options?: { readingValues?: [number] });
    readonly reading: JDRegisterServer<[number]>;
  }
  export interface ProxyBridge {
    bus: JDBus;
    receiveFrameOrPacket(data: Uint8Array, sender?: string): void;
  }
  export function createProxyBridge(sendPacket: (pkt: Uint8Array, sender: string) => void): ProxyBridge;
  export function addServer(bus: JDBus, name: string, server: JDServiceServer): unknown;
  export const SRV_AIR_PRESSURE: number;
  export const SRV_DC_CURRENT_MEASUREMENT: number;
  export const SRV_DC_VOLTAGE_MEASUREMENT: number;
  export const SRV_LIGHT_LEVEL: number;
  export const SRV_POTENTIOMETER: number;
  export const SRV_SERIAL: number;
  export const SRV_SETTINGS: number;
}
