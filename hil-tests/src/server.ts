// A real `reeflink serve` (the published bin, as a child process) on a temporary database
// provisioned with the HIL manifest by `reeflink provision`; ports are ephemeral (0) and read
// from its JSON log. Talks to it the way users do: SensorThings over HTTP, /metrics, and the
// database file read-only for what no API shows (rejected uplinks).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { forgetChild, recordChild } from './children.ts';

/**
 * The server's bin (its package exports only sources; the bin sits next to src/).
 * REEFLINK_HIL_SERVER_BIN runs another build instead (an installed release, another checkout).
 */
export const SERVER_BIN = process.env.REEFLINK_HIL_SERVER_BIN || join(dirname(fileURLToPath(import.meta.resolve('@reeflink/server'))), '..', 'bin', 'reeflink.mjs');

export interface RunningServer {
  http: string;
  udpPort: number;
  database: string;
  /** stderr lines (JSON log) so far. */
  log: string[];
  get<T = any>(path: string): Promise<T>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** Runs `reeflink …args` (the server's CLI) to completion; its stdout and stderr, interleaved. */
export function runReeflink(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    recordChild(child.pid, 'reeflink ' + args[0]);
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      forgetChild(child.pid);
      resolve({ code, output });
    });
  });
}

/** Provisions `manifest` (JSON) into a fresh database and starts serving it. */
export async function startServer(manifest: unknown, timeoutMs = 60_000): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-hil-server-'));
  const database = join(dir, 'reeflink.db');
  const manifestFile = join(dir, 'fleet.json');
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  const p = await runReeflink(['provision', manifestFile, '--database', database, '--log-level', 'warn']);
  if (p.code !== 0) throw new Error(`reeflink provision failed (${p.code}):\n${p.output}`);

  const child: ChildProcess = spawn(
    process.execPath,
    [SERVER_BIN, 'serve', '--database', database, '--http-port', '0', '--udp-port', '0', '--no-mqtt', '--log-level', 'info'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, REEFLINK_LOG_LEVEL: '' } },
  );
  recordChild(child.pid, 'reeflink serve');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const log: string[] = [];
  const ports = await new Promise<{ http: string; udp: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reeflink serve did not start in ${timeoutMs} ms:\n${log.join('\n')}`)), timeoutMs);
    let udp: number | null = null;
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.push(line);
      let entry: any;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'Semtech UDP packet forwarder listener') udp = entry.port;
      if (entry.msg === 'reeflink is serving' && udp !== null) {
        clearTimeout(timer);
        resolve({ http: new URL(entry.http).origin, udp });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reeflink serve exited with ${code} before serving:\n${log.join('\n')}`));
    });
  });

  return {
    http: ports.http,
    udpPort: ports.udp,
    database,
    log,
    async get(path) {
      const r = await fetch(ports.http + path);
      if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as any;
    },
    async metrics() {
      const r = await fetch(ports.http + '/metrics');
      return r.text();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      forgetChild(child.pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
