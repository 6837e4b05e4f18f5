/// <reference path="./jacdac-ts.d.ts" />
export * from './devs.ts';
export * from './boards.ts';
export * from './jacdac-tcp.ts';
export * from './sim-sensors.ts';
export * from './pipe-air.ts';
export * from './vm-settings.ts';
