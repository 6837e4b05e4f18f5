// A Jacdac bus in Node for the DeviceScript VM: `devs run <file> --tcp` makes the VM connect to
// TCP 127.0.0.1:8082 (a fixed port: one VM, and one test file using it, at a time). This module
// listens there, bridges the socket into a jacdac-ts bus, and lets tests add simulated servers
// (sensors whose readings the test sets) on that bus. `connectJacdacBus` is the other way round:
// the harness is a client of a bus someone else serves on that port (`devs devtools`, which
// bridges a board on USB serial to it), with the same framing.
//
// Framing on the socket, both directions: one length byte then the frame, or 0xff, a 16-bit
// little-endian length and the frame for frames of 255 bytes or more.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { addServer, createProxyBridge, JDBus, type JDServiceServer } from 'jacdac-ts';

export const VM_TCP_PORT = 8082;

/** Splits a byte stream into length-prefixed frames; keeps a partial frame for the next chunk. */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      if (this.pending.length < 1) break;
      let header = 1;
      let length = this.pending[0]!;
      if (length === 0xff) {
        if (this.pending.length < 3) break;
        header = 3;
        length = this.pending.readUInt16LE(1);
      }
      if (this.pending.length < header + length) break;
      frames.push(this.pending.subarray(header, header + length));
      this.pending = this.pending.subarray(header + length);
    }
    return frames;
  }
}

/** The socket framing of one frame. */
export function frameForSocket(frame: Uint8Array): Buffer {
  if (frame.length < 0xff) return Buffer.concat([Buffer.from([frame.length]), frame]);
  const header = Buffer.alloc(3);
  header[0] = 0xff;
  header.writeUInt16LE(frame.length, 1);
  return Buffer.concat([header, frame]);
}

export interface VmBus {
  bus: JDBus;
  /** Resolves when a VM has connected. */
  connected: Promise<void>;
  /** Adds a simulated device hosting `server` (one device per server keeps role binding unambiguous). */
  addServer(name: string, server: JDServiceServer): void;
  /** Takes the simulated device added under `name` off the bus (a sensor that stops answering). */
  removeServer(name: string): void;
  close(): Promise<void>;
}

/** A jacdac-ts bus whose frames go to `send` and come from the returned `receive`. */
function bridgedBus(send: (frame: Buffer) => void): { bus: JDBus; receive: (frame: Buffer) => void } {
  const bus = new JDBus([], { client: false, disableRoleManager: true });
  const bridge = createProxyBridge((pkt) => send(frameForSocket(pkt)));
  bridge.bus = bus;
  return { bus, receive: (frame) => bridge.receiveFrameOrPacket(new Uint8Array(frame)) };
}

function simulatedDevices(bus: JDBus): Pick<VmBus, 'addServer' | 'removeServer'> {
  const providers = new Map<string, unknown>();
  return {
    addServer: (name, srv) => {
      providers.set(name, addServer(bus, name, srv));
    },
    removeServer: (name) => {
      const p = providers.get(name);
      if (p === undefined) throw new Error(`no simulated device named ${name} on the bus`);
      providers.delete(name);
      bus.removeServiceProvider(p);
    },
  };
}

/**
 * Starts a jacdac-ts bus listening for the VM on 127.0.0.1:`port`. The port is fixed, so when
 * another test file (another vitest project) holds it, this waits for it to be free, up to
 * `waitForPortMs`, instead of failing: the VM started afterwards connects to this bus only.
 */
export async function startVmBus(port = VM_TCP_PORT, waitForPortMs = 300_000): Promise<VmBus> {
  let socket: Socket | null = null;
  const { bus, receive } = bridgedBus((frame) => {
    if (socket && !socket.destroyed) socket.write(frame);
  });
  let onConnect: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server: Server = createServer((s) => {
    socket = s;
    const splitter = new FrameSplitter();
    s.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) receive(frame);
    });
    s.on('error', () => s.destroy());
    onConnect();
  });
  const deadline = Date.now() + waitForPortMs;
  for (;;) {
    const e = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      server.once('error', resolve);
      server.listen(port, '127.0.0.1', () => {
        server.removeListener('error', resolve);
        resolve(null);
      });
    });
    if (e === null) break;
    if (e.code !== 'EADDRINUSE' || Date.now() > deadline) throw e;
    await new Promise((r) => setTimeout(r, 500));
  }
  bus.start();
  return {
    bus,
    connected,
    ...simulatedDevices(bus),
    close: async () => {
      if (socket) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.stop();
    },
  };
}

/**
 * Joins a Jacdac bus served on 127.0.0.1:`port` (e.g. `devs devtools`, whose bus a board on USB
 * serial, the DeviceScript VM and `devs deploy --tcp` join too) as one more client: the returned
 * bus hosts the harness's simulated devices there. Retries the connection until `timeoutMs`.
 * `onClose` is called if the server closes the connection.
 */
export async function connectJacdacBus(port = VM_TCP_PORT, timeoutMs = 30_000, onClose?: () => void): Promise<VmBus> {
  const deadline = Date.now() + timeoutMs;
  let socket: Socket;
  for (;;) {
    const s = createConnection({ port, host: '127.0.0.1' });
    const e = await new Promise<Error | null>((resolve) => {
      s.once('error', resolve);
      s.once('connect', () => {
        s.removeListener('error', resolve);
        resolve(null);
      });
    });
    if (e === null) {
      socket = s;
      break;
    }
    s.destroy();
    if (Date.now() > deadline) throw new Error(`no Jacdac bus on 127.0.0.1:${port} within ${timeoutMs} ms: ${e.message}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  socket.setNoDelay(true);
  let closing = false;
  const { bus, receive } = bridgedBus((frame) => {
    if (!socket.destroyed) socket.write(frame);
  });
  const splitter = new FrameSplitter();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of splitter.push(chunk)) receive(frame);
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    if (!closing) onClose?.();
  });
  bus.start();
  return {
    bus,
    connected: Promise.resolve(),
    ...simulatedDevices(bus),
    close: async () => {
      closing = true;
      socket.destroy();
      await bus.stop();
    },
  };
}
