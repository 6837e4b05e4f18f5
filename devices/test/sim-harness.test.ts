// Hardware-in-the-loop on virtual hardware: the firmware (src/main_sim.ts, the real application on
// the real codec) in the DeviceScript VM, bound over Jacdac (TCP 127.0.0.1:8082) to simulated
// sensors whose readings this test sets. The sim radio prints each frame ("UPLINK <fPort> <hex>");
// the test decodes the frames with @reeflink/codecs and finds the values it set, unchanged.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeUplink, fromHex, type MeasurementBatch, type StatusMessage } from '@reeflink/codecs';
import { DEVICES_DIR, spawnDevs, type DevsProcess } from '../harness/devs.ts';
import { startVmBus, type VmBus } from '../harness/jacdac-tcp.ts';
import { SimSensors } from '../harness/sim-sensors.ts';
import { ntcRatioAt } from '../src/sensors/ntc.ts';
import { SIM_NTC, SIM_TSYS01_K } from '../src/sensors/sim-parts.ts';
import { tsys01Celsius } from '../src/sensors/tsys01.ts';

const UPLINK = /^UPLINK (\d+) ([0-9a-f]+)$/;

function decodeLine(line: string) {
  const m = UPLINK.exec(line)!;
  const r = decodeUplink(fromHex(m[2]!) ?? [], Number(m[1]));
  if (!r.ok) throw new Error(`uplink ${line} does not decode: ${r.error.code}`);
  return r.value;
}

describe('firmware in the VM with simulated sensors over Jacdac TCP', () => {
  let vm: VmBus;
  let sim: SimSensors;
  let devs: DevsProcess;
  const first = { temperatureRaw: 9378708, pressureRaw: 39998, conductivityRaw: 530124 };
  const second = { temperatureRaw: 9401234, pressureRaw: 40123, conductivityRaw: 531007 };

  beforeAll(async () => {
    // The simulator's settings live here; a previous run's queue and configuration must not leak in.
    rmSync(join(DEVICES_DIR, '.devicescript', 'flash', 'sim.bin'), { force: true });
    vm = await startVmBus();
    // The NTC agrees with the TSYS01 count (10.58 °C with the simulated PROM): no fault expected.
    const celsius = tsys01Celsius(first.temperatureRaw / 256, SIM_TSYS01_K);
    sim = new SimSensors(vm, { ...first, ntcRatio: ntcRatioAt(celsius, SIM_NTC), batteryRatio: 0.6 });
    devs = spawnDevs(['run', 'src/main_sim.ts', '--tcp']);
  });

  afterAll(async () => {
    await devs?.kill();
    await vm?.close();
  });

  it('boots, reports its status, and sends the sampled values unchanged', async () => {
    const status = await devs.waitForLine(/^UPLINK 2 /, 60_000);
    const s = decodeLine(status.line) as StatusMessage;
    expect(s).toMatchObject({ type: 'status', resetCause: 'power_on', batteryMv: 3960, sensorFaults: [], sampleIntervalS: 5 });

    const frame = await devs.waitForLine(/^UPLINK 1 /, 60_000);
    const m = decodeLine(frame.line) as MeasurementBatch;
    expect(m.samples[0]).toMatchObject(first);
    expect(m.samples[0]!.ageS).toBeLessThanOrEqual(15);

    sim.set(second);
    let found: MeasurementBatch | null = null;
    let from = frame.index + 1;
    while (found === null) {
      const next = await devs.waitForLine(/^UPLINK 1 /, 60_000, from);
      const batch = decodeLine(next.line) as MeasurementBatch;
      for (const sample of batch.samples) {
        const { ageS: _age, ...values } = sample;
        // Every sample carries one of the two value sets the test served, never anything else.
        expect([first, second]).toContainEqual(values);
      }
      if (batch.samples.some((x) => x.temperatureRaw === second.temperatureRaw)) found = batch;
      from = next.index + 1;
    }
    // Each wake after the first booted from flash ("deep sleep" restarts the program in the VM).
    expect(devs.lines.some((l) => l.startsWith('boot: deep_sleep_wake'))).toBe(true);
  }, 150_000);
});
