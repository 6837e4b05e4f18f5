// A Jacdac bus in Node for the DeviceScript VM: `devs run <file> --tcp` makes the VM connect to
// TCP 127.0.0.1:8082 (a fixed port: one VM, and one test file using it, at a time). This module
// listens there, bridges the socket into a jacdac-ts bus, and lets tests add simulated servers
// (sensors whose readings the test sets) on that bus.
//
// Framing on the socket, both directions: one length byte then the frame, or 0xff, a 16-bit
// little-endian length and the frame for frames of 255 bytes or more.
import { createServer, type Server, type Socket } from 'node:net';
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
  close(): Promise<void>;
}

/** Starts a jacdac-ts bus listening for the VM on 127.0.0.1:`port`. */
export async function startVmBus(port = VM_TCP_PORT): Promise<VmBus> {
  const bus = new JDBus([], { client: false, disableRoleManager: true });
  let socket: Socket | null = null;
  const bridge = createProxyBridge((pkt) => {
    if (socket && !socket.destroyed) socket.write(frameForSocket(pkt));
  });
  bridge.bus = bus;
  let onConnect: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server: Server = createServer((s) => {
    socket = s;
    const splitter = new FrameSplitter();
    s.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk)) bridge.receiveFrameOrPacket(new Uint8Array(frame));
    });
    s.on('error', () => s.destroy());
    onConnect();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  bus.start();
  return {
    bus,
    connected,
    addServer: (name, srv) => {
      addServer(bus, name, srv);
    },
    close: async () => {
      if (socket) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.stop();
    },
  };
}
