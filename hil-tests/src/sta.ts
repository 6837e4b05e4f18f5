// Reading back what the server made of the firmware's uplinks, through the SensorThings API.
import type { RunningServer } from './server.ts';

export interface StaObservation {
  id: number;
  phenomenonTimeMs: number;
  result: number;
}

/** Datastream ids of the station by ObservedProperty name ("Sea water temperature", …). */
export async function datastreamIds(server: RunningServer, stationCode: string): Promise<Map<string, number>> {
  const ds = await server.get<{ value: any[] }>('/v1.1/Datastreams?$expand=ObservedProperty&$top=1000');
  const ids = new Map<string, number>();
  for (const d of ds.value) if (String(d.name).startsWith(stationCode + ' ')) ids.set(d.ObservedProperty.name, d['@iot.id']);
  return ids;
}

function instantMs(t: string): number {
  return Date.parse(t.includes('/') ? t.split('/')[0]! : t);
}

/** Every observation of a datastream, oldest first. */
export async function observations(server: RunningServer, datastreamId: number): Promise<StaObservation[]> {
  const out: StaObservation[] = [];
  let path: string | null = `/v1.1/Datastreams(${datastreamId})/Observations?$orderby=phenomenonTime%20asc&$top=1000`;
  while (path) {
    const page: { value: any[]; '@iot.nextLink'?: string } = await server.get(path);
    for (const o of page.value) out.push({ id: o['@iot.id'], phenomenonTimeMs: instantMs(o.phenomenonTime), result: Number(o.result) });
    const next = page['@iot.nextLink'];
    path = next ? next.slice(next.indexOf('/v1.1/')) : null;
  }
  return out;
}

/** Polls until `pred` holds for the datastream's observations (ingest commits in batches); rejects after timeoutMs. */
export async function waitForObservations(
  server: RunningServer,
  datastreamId: number,
  pred: (obs: StaObservation[]) => boolean,
  timeoutMs = 30_000,
): Promise<StaObservation[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const obs = await observations(server, datastreamId);
    if (pred(obs)) return obs;
    if (Date.now() > deadline) throw new Error(`datastream ${datastreamId}: condition not met within ${timeoutMs} ms (${obs.length} observations)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sum of a Prometheus metric's samples whose line starts with `prefix` (e.g. 'reeflink_pipeline_rejections_total'). */
export function metricSum(text: string, prefix: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(prefix)) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}
