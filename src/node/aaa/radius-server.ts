/**
 * The RADIUS server core (src/aaa/radius-server.ts) on a UDP socket: the AAA side of EAP over RADIUS for our own
 * HA or any RADIUS client (strongSwan's eap-radius). `dsmip aaa` hosts it.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  RadiusServer,
  type RadiusServerCounters,
  type RadiusServerEvent,
  type RadiusServerOptions,
} from '../../aaa/radius-server.ts';
import { DeadlineTimer, monotonicNowMs } from '../net/clock.ts';

export interface RadiusServerNodeOptions extends Omit<RadiusServerOptions, 'random' | 'clients' | 'clientSecret'> {
  /** Address to listen on (default 127.0.0.1) and port (default 1812; 0 picks a free one). */
  readonly address?: string;
  readonly port?: number;
  readonly clients: readonly { readonly address: string; readonly secret: string | Uint8Array }[];
  /** A source address no entry of `clients` names: its secret, if any (client prefixes). */
  readonly clientSecret?: (address: string) => string | Uint8Array | undefined;
  readonly onEvent?: (e: RadiusServerEvent) => void;
  /** Every datagram received and sent, for packet traces and tests. */
  readonly onDatagram?: (d: {
    readonly direction: 'in' | 'out';
    readonly address: string;
    readonly port: number;
    readonly bytes: Uint8Array;
  }) => void;
  readonly random?: (n: number) => Uint8Array;
}

export interface RunningRadiusServer {
  readonly address: string;
  readonly port: number;
  readonly counters: Readonly<RadiusServerCounters>;
  close(): Promise<void>;
}

export async function startRadiusServer(options: RadiusServerNodeOptions): Promise<RunningRadiusServer> {
  const address = options.address ?? '127.0.0.1';
  const { onEvent, onDatagram, clientSecret, ...rest } = options;
  const core = new RadiusServer({
    ...rest,
    random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
    clients: options.clients.map((c) => ({
      address: c.address,
      secret: typeof c.secret === 'string' ? new TextEncoder().encode(c.secret) : c.secret,
    })),
    ...(clientSecret
      ? {
          clientSecret: (a: string) => {
            const v = clientSecret(a);
            return typeof v === 'string' ? new TextEncoder().encode(v) : v;
          },
        }
      : {}),
  });
  const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
  const flush = (): void => {
    for (let t = core.pollTransmit(); t; t = core.pollTransmit()) {
      onDatagram?.({ direction: 'out', ...t });
      socket.send(t.bytes, t.port, t.address);
    }
    for (let e = core.pollEvent(); e; e = core.pollEvent()) onEvent?.(e);
    timer.arm(core.pollTimeout());
  };
  const timer = new DeadlineTimer((now) => {
    core.handleTimeout(now);
    flush();
  });
  socket.on('message', (msg, rinfo) => {
    const from = { address: rinfo.address.replace(/^::ffff:/, ''), port: rinfo.port };
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    onDatagram?.({ direction: 'in', ...from, bytes: new Uint8Array(bytes) });
    core.handleDatagram(monotonicNowMs(), from, bytes);
    flush();
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 1812, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    address,
    port: socket.address().port,
    counters: core.counters,
    async close(): Promise<void> {
      timer.stop();
      await new Promise<void>((r) => socket.close(() => r()));
    },
  };
}
