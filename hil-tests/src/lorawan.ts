// Reading the firmware's frames in the harness (independently of the firmware's own MAC code):
// lora-packet parses the PHYPayload, checks the MIC and decrypts FRMPayload with the ABP keys.
import { loraPacket } from '@reeflink/simulator';
import type { AbpKeys } from './virtual-buoy.ts';

export interface ParsedUplink {
  mType: string;
  devAddr: string;
  fCnt: number;
  fPort: number | null;
  micOk: boolean;
  payload: Buffer | null;
  fOpts: Buffer;
}

export function parseLoRaWanUplink(phy: Buffer, keys: AbpKeys): ParsedUplink {
  const p = loraPacket.fromWire(phy);
  // A Join-request (OTAA) has no session, FCnt or payload; its MIC needs the AppKey (the OTAA test checks it).
  if (p.getMType() === 'Join Request') return { mType: p.getMType(), devAddr: '', fCnt: -1, fPort: null, micOk: false, payload: null, fOpts: Buffer.alloc(0) };
  const nwk = Buffer.from(keys.nwkSKey, 'hex');
  const app = Buffer.from(keys.appSKey, 'hex');
  const fPort = p.getFPort();
  const micOk = loraPacket.verifyMIC(p, nwk);
  let payload: Buffer | null = null;
  if (fPort !== null && p.FRMPayload && p.FRMPayload.length > 0) payload = loraPacket.decrypt(p, app, nwk);
  return {
    mType: p.getMType(),
    devAddr: p.DevAddr ? Buffer.from(p.DevAddr).toString('hex') : '',
    fCnt: p.getFCnt() ?? -1,
    fPort,
    micOk,
    payload,
    fOpts: p.FOpts ? Buffer.from(p.FOpts) : Buffer.alloc(0),
  };
}

/**
 * A downlink as a network server would send it to this ABP device (unconfirmed data down,
 * FPort ≥ 1, FRMPayload encrypted with AppSKey, MIC with NwkSKey), built by lora-packet.
 */
export function buildDownlink(keys: AbpKeys, fCntDown: number, fPort: number, payload: number[] | Buffer): Buffer {
  const p = loraPacket.fromFields(
    {
      MType: 'Unconfirmed Data Down',
      DevAddr: Buffer.from(keys.devAddr, 'hex'),
      FCtrl: { ADR: false, ACK: false, FPending: false },
      FCnt: fCntDown,
      FPort: fPort,
      payload: Buffer.from(payload),
    },
    Buffer.from(keys.appSKey, 'hex'),
    Buffer.from(keys.nwkSKey, 'hex'),
  );
  return p.getPHYPayload()!;
}
