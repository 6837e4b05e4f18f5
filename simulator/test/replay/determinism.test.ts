// Same seed, same bytes: two runs with faults send identical datagrams (tokens, rxpk and all);
// another seed changes the faults' draws.
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay, type FaultPlan } from '../../src/index.js';
import { startDecodingServer, type DecodingServer } from '../support/decoding-server.js';
import { bundledFleet, FROM, until, sources } from '../support/bundled.js';

const servers: DecodingServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const faults: FaultPlan = {
  all: { packetLoss: 0.1, duplicate: 0.1, corrupt: 0.05, delay: { probability: 0.1, maxS: 3600 }, sensors: { temperature: { spikes: { probability: 0.02, amplitude: 1 } } } },
  buoys: { 'abore-slope': { fcntReset: { perDay: 1 } } },
};

async function run(seed: number): Promise<Record<string, string[]>> {
  const fleet = await bundledFleet();
  const server = await startDecodingServer(fleet);
  servers.push(server);
  await runReplay({ fleet, sourceCache: sources, from: FROM, to: until(1.5), target: { udp: server.address, statIntervalS: 7200 }, faults, seed });
  // Per gateway, in arrival order: each gateway's stream is what the seed fixes.
  const streams: Record<string, string[]> = {};
  for (const r of server.received) (streams[r.gatewayEui] ??= []).push(`${r.token} ${JSON.stringify(r.rxpk)}`);
  return streams;
}

describe('determinism', () => {
  it('gives identical datagrams for the same seed and different ones for another seed', async () => {
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    expect(Object.values(a).flat().length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});
