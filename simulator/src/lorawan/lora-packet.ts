// lora-packet is CommonJS and replaces module.exports after setting exports.default, so Node's
// ESM default import is the API object while its type declarations describe `{ default: api }`.
// This adapter picks whichever shape the runtime (Node, tsx, vitest) hands over.
import loraPacketModule from 'lora-packet';

export type LoraPacketApi = (typeof loraPacketModule)['default'];
export type LoraPacket = ReturnType<LoraPacketApi['fromWire']>;

const candidate = loraPacketModule as unknown as Partial<LoraPacketApi> & { default?: LoraPacketApi };
export const loraPacket: LoraPacketApi = typeof candidate.fromFields === 'function' ? (candidate as LoraPacketApi) : (candidate.default as LoraPacketApi);
