// Fault plans: YAML or values, validated with paths; buoy faults merge over `all`.
import { describe, expect, it } from 'vitest';
import { buoyFaults, FleetError, parseFaultPlan, runReplay, unknownFaultTargets } from '../../src/index.js';
import { bundledFleet, sources } from '../support/bundled.js';

describe('fault plan', () => {
  it('parses every kind of fault, times as ISO text', () => {
    const plan = parseFaultPlan(`
all:
  packetLoss: 0.05
  delay: { probability: 0.1, maxS: 600 }
buoys:
  abore-slope:
    packetLoss: 0.5
    corrupt: 0.01
    duplicate: 0.02
    wrongKeys: { windows: [{ from: 2024-01-01T00:00:00Z, to: 2024-01-02T00:00:00Z }] }
    fcntReset: { at: [2024-01-03T06:00:00Z], keepQueue: true }
    battery: { declineMvPerDay: 20, cutoffMv: 3300 }
    sensors:
      temperature: { spikes: { probability: 0.01, amplitude: 2 }, stuck: [{ from: 2024-01-04T00:00:00Z, to: 2024-01-05T00:00:00Z }] }
      pressure: { drift: { from: 2024-01-01T00:00:00Z, perDay: 0.01 } }
gateways:
  mont-dore:
    outages: [{ from: 2024-01-02T00:00:00Z, to: 2024-01-02T12:00:00Z, mode: backhaul }]
`);
    const abore = buoyFaults(plan, 'abore-slope');
    expect(abore).toMatchObject({ packetLoss: 0.5, delay: { probability: 0.1, maxS: 600 }, corrupt: 0.01, fcntReset: { at: [Date.parse('2024-01-03T06:00:00Z')], keepQueue: true } });
    expect(abore.sensors?.temperature?.stuck).toEqual([{ from: Date.parse('2024-01-04T00:00:00Z'), to: Date.parse('2024-01-05T00:00:00Z') }]);
    expect(buoyFaults(plan, 'other')).toMatchObject({ packetLoss: 0.05 });
    expect(plan.gateways?.['mont-dore']?.outages?.[0]?.mode).toBe('backhaul');
  });

  it('names each bad field', () => {
    try {
      parseFaultPlan('all:\n  packetLoss: 1.5\n  delay: { probability: 0.1, maxS: 0 }\ngateways:\n  g:\n    outages: [{ from: 2024-01-02T00:00:00Z, to: 2024-01-01T00:00:00Z, mode: sideways }]\n', 'faults.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FleetError);
      expect((e as FleetError).code).toBe('FAULTS_INVALID');
      expect((e as FleetError).issues.map((i) => [i.path, i.line])).toEqual([
        ['all.packetLoss', 2],
        ['all.delay.maxS', 3],
        ['gateways.g.outages[0].to', 6],
        ['gateways.g.outages[0].mode', 6],
      ]);
    }
  });

  it('refuses faults aimed at buoys or gateways the fleet does not have', async () => {
    expect(unknownFaultTargets({ buoys: { x: {} }, gateways: { y: {} } }, ['a'], ['b'])).toEqual(['buoys.x', 'gateways.y']);
    const fleet = await bundledFleet();
    await expect(runReplay({ fleet, sourceCache: sources, target: { udp: '127.0.0.1:9' }, faults: { buoys: { 'amedee-lagon': { packetLoss: 1 } } } })).rejects.toMatchObject({
      code: 'FAULTS_INVALID',
      issues: [{ path: 'buoys.amedee-lagon', message: 'is not in the fleet' }],
    });
  });
});
