// The HIL harness, for scenario files in test/ (and for other packages' end-to-end tests).
export * from './children.ts';
export * from './firmware.ts';
export * from './fleet.ts';
export * from './forwarder.ts';
export * from './lorawan.ts';
export * from './rig.ts';
export * from './server.ts';
export * from './source.ts';
export * from './sta.ts';
export * from './start.ts';
export * from './target.ts';
export * from './virtual-buoy.ts';
