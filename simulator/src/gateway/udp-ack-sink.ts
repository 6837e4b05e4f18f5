// A minimal Semtech UDP receiver on a real socket: acknowledges PUSH_DATA and PULL_DATA as a
// network server would and hands every datagram to a callback. For benchmarks, tests and trying
// the simulator without a server; it stores nothing and checks nothing.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decodeDatagram, encodeAck, PULL_ACK, PULL_DATA, PUSH_ACK, PUSH_DATA, type Datagram } from './semtech-protocol.js';

export interface UdpAckSinkOptions {
  host?: string;
  port?: number;
  /**
   * Decides when to acknowledge a PUSH_DATA: 'now' (default), 'never', or a function that gets
   * an ack callback to call later (to hold acks back, or drop some).
   */
  ackPolicy?: 'now' | 'never' | ((datagram: Datagram, ack: () => void) => void);
  onDatagram?: (datagram: Datagram, from: RemoteInfo) => void;
}

export interface UdpAckSink {
  host: string;
  port: number;
  /** "host:port", as runReplay's udp target takes it. */
  address: string;
  counts: { pushData: number; pullData: number; pushAcks: number; invalid: number };
  close(): Promise<void>;
}

export async function startUdpAckSink(options: UdpAckSinkOptions = {}): Promise<UdpAckSink> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const counts = { pushData: 0, pullData: 0, pushAcks: 0, invalid: 0 };
  const policy = options.ackPolicy ?? 'now';
  socket.on('message', (msg, from) => {
    const d = decodeDatagram(msg);
    if (!d.ok) {
      counts.invalid++;
      return;
    }
    const datagram = d.value;
    if (datagram.type === PUSH_DATA) {
      counts.pushData++;
      options.onDatagram?.(datagram, from);
      const ack = () => {
        counts.pushAcks++;
        socket.send(encodeAck(datagram.token, PUSH_ACK), from.port, from.address);
      };
      if (policy === 'now') ack();
      else if (typeof policy === 'function') policy(datagram, ack);
    } else if (datagram.type === PULL_DATA) {
      counts.pullData++;
      options.onDatagram?.(datagram, from);
      socket.send(encodeAck(datagram.token, PULL_ACK), from.port, from.address);
    } else {
      options.onDatagram?.(datagram, from);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    host,
    port,
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    counts,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
