// The boards the firmware is built for: every boards/<id>.board.json, each with its entry point
// devices/src/main_<id>.ts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICES_DIR } from './devs.ts';

export const BOARDS_DIR = join(DEVICES_DIR, '..', 'boards');

export interface FirmwareTarget {
  boardId: string;
  /** Entry point, relative to devices/. */
  entry: string;
}

export function firmwareTargets(): FirmwareTarget[] {
  return readdirSync(BOARDS_DIR)
    .filter((f) => f.endsWith('.board.json'))
    .sort()
    .map((f) => {
      const boardId = f.slice(0, -'.board.json'.length);
      return { boardId, entry: `src/main_${boardId}.ts` };
    });
}
