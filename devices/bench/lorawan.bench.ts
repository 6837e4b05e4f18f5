// LoRaWAN on the buoy: time to build one uplink (FRMPayload encryption + MIC) and to open one
// downlink inside the DeviceScript VM, and the bytecode the LoRaWAN link adds to the firmware.
// The VM times come from src/lorawan/mac-bench.vmtest.ts (measured with ds.millis() in the VM,
// GC stress on as `devs run --test` sets it; fastest of three rounds). Each has as baseline the
// same TypeScript on Node's V8 in this process, so the ratio (VM / V8) survives a noisy machine.
// Sizes: function bytecode of `devs build` of the probes in src/lorawan/size/ (from
// .devicescript/bin/bytecode-dbg.json), against DeviceScript's 64 KB limit on code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_PAUSE } from '../src/crypto/pace.ts';
import { fromHex } from '../src/lorawan/bytes.ts';
import { openDownlink } from '../src/lorawan/downlink.ts';
import { buildUplink, sessionCrypto } from '../src/lorawan/frame.ts';
import { LoRaWanMac } from '../src/lorawan/mac.ts';
import { EU868 } from '../src/lorawan/regions/eu868.ts';
import { MemoryStore } from '../src/lorawan/store.ts';
import { DATA_FRAME_VECTORS, TEST_APPSKEY, TEST_DEVADDR, TEST_NWKSKEY } from '../src/lorawan/vectors.ts';
import { ScriptedRadio } from '../src/radio/scripted-radio.ts';
import { VirtualClock } from '../src/radio/virtual-clock.ts';
import { buildFirmware, DEVICES_DIR, DEVS_CODE_LIMIT, functionBytes, runVmTest, vmConsoleLines } from '../harness/devs.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
}

const KEYS = sessionCrypto(fromHex(TEST_NWKSKEY)!, fromHex(TEST_APPSKEY)!);
const payload = (n: number) => Array.from({ length: n }, (_, i) => i & 0xff);

/** ms per call of fn on V8, over at least 200 ms. */
async function v8Ms(fn: (i: number) => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(i);
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < 200) for (let k = 0; k < 50; k++) await fn(n++);
  return (performance.now() - t) / n;
}

async function v8Baselines(): Promise<Record<string, number>> {
  const build = (size: number) => {
    const p = payload(size);
    return (i: number) => buildUplink(KEYS, { confirmed: false, devAddr: 0x26011bda, fCnt: i, adr: true, adrAckReq: false, ack: false, fOpts: [], fPort: 1, payload: p });
  };
  const v = DATA_FRAME_VECTORS[4]!;
  const phy = fromHex(v.hex)!;
  const clock = new VirtualClock(0, NO_PAUSE);
  const store = new MemoryStore();
  store.values = { lw_devaddr: JSON.stringify(TEST_DEVADDR), lw_nwkskey: JSON.stringify(TEST_NWKSKEY), lw_appskey: JSON.stringify(TEST_APPSKEY) };
  const mac = new LoRaWanMac({ region: EU868, radio: new ScriptedRadio(clock), clock, store, pause: NO_PAUSE });
  await mac.start();
  const p51 = payload(51);
  return {
    build11: await v8Ms(build(11)),
    build51: await v8Ms(build(51)),
    build242: await v8Ms(build(242)),
    [`open${phy.length}`]: await v8Ms(() => openDownlink(KEYS, 0x26011bda, v.fCnt - 1, phy, NO_PAUSE)),
    mac51: await v8Ms(() => mac.sendFrame({ fPort: 1, payload: p51, confirmed: false })),
  };
}

const LABELS: Record<string, string> = {
  build11: 'LoRaWAN uplink build (encrypt + MIC), 11 B payload, in the VM',
  build51: 'LoRaWAN uplink build (encrypt + MIC), 51 B payload (EU868 DR0-2 max), in the VM',
  build242: 'LoRaWAN uplink build (encrypt + MIC), 242 B payload, in the VM',
  open22: 'LoRaWAN downlink open (MIC + decrypt), 22 B frame, in the VM',
  mac51: 'MAC sendFrame, 51 B (counter, FOpts, frame, scripted radio), in the VM',
};

/** Builds one probe (one at a time: devs always writes .devicescript/bin) and reads its function bytes. */
async function probe(entry: string): Promise<{ total: number; own: number }> {
  const r = await buildFirmware(entry, 120_000);
  if (r.bytecodeBytes === null) throw new Error(`devs build ${entry} failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
  return functionBytes();
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const vm = await runVmTest('src/lorawan/mac-bench.vmtest.ts', 120_000);
  if (vm.code !== 0) throw new Error(`mac-bench.vmtest.ts failed in the VM:\n${(vm.stdout + vm.stderr).slice(-2000)}`);
  const best: Record<string, number> = {};
  for (const line of vmConsoleLines(vm.stdout)) {
    const m = /^BENCH (\w+) ([\d.]+)$/.exec(line);
    if (m) best[m[1]!] = Math.min(best[m[1]!] ?? Infinity, Number(m[2]));
  }
  const v8 = await v8Baselines();
  for (const key of Object.keys(LABELS)) {
    if (best[key] === undefined) throw new Error(`no BENCH ${key} line from the VM`);
    rows.push({ name: LABELS[key]!, value: best[key]!, unit: 'ms', baseline: v8[key], ratio: best[key]! / v8[key]! });
  }

  // Function bytecode against DeviceScript's 64 KB code limit: the whole stack, what one board
  // build takes (one region, one driver), and the TTGO firmware with the link wired in.
  const all = await probe('src/lorawan/size/probe.ts');
  rows.push({ name: 'LoRaWAN stack function bytecode: MAC, crypto, 4 regions, SX1276 + SX1262, settings, pipe, MQTT (incl. @devicescript/net)', value: all.total, unit: 'B' });
  rows.push({ name: '  of which src/lorawan, src/radio, src/crypto', value: all.own, unit: 'B' });
  for (const [entry, label] of [
    ['src/lorawan/size/board-sx1276.ts', 'LoRaWAN link as a board builds it, EU868 + SX1276'],
    ['src/lorawan/size/board-sx1262.ts', 'LoRaWAN link as a board builds it, EU868 + SX1262'],
  ] as const) {
    const b = await probe(entry);
    rows.push({ name: `${label} (function bytecode)`, value: b.total, unit: 'B', baseline: DEVS_CODE_LIMIT, ratio: b.total / DEVS_CODE_LIMIT });
  }
  const fw = await probe('src/main_lilygo_ttgo_lora32_v21.ts');
  rows.push({ name: 'TTGO LoRa32 firmware with the LoRaWAN link (function bytecode; baseline: DeviceScript 64 KB limit)', value: fw.total, unit: 'B', baseline: DEVS_CODE_LIMIT, ratio: fw.total / DEVS_CODE_LIMIT });
  return rows;
}
