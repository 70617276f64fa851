/**
 * The RADIUS `EapBackend` (RFC 3579): the sans-I/O client of src/aaa/radius-client.ts behind UDP sockets (one per
 * address family), one timer, and promises. Counters are plain numbers (`counters`) and every drop, failover and
 * outcome is also an event, for the caller's metrics and logs.
 *
 * RADIUS has no way for the server to end a session on this path (Disconnect-Request, RFC 5176, is not
 * implemented), so `onAbort` listeners are kept but never called.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { RadiusClient } from '../../aaa/radius-client.ts';
import type { RadiusClientCounters, RadiusClientEvent, RadiusOutcome } from '../../aaa/radius-client-types.ts';
import { DeadlineTimer, monotonicNowMs } from '../net/clock.ts';
import type { EapBackend, EapRoundRequest, EapRoundResult } from './eap-backend.ts';

export interface RadiusBackendServer {
  readonly host: string;
  /** Default 1812 (RFC 2865 §3). */
  readonly port?: number;
  readonly secret: string | Uint8Array;
}

export interface RadiusBackendOptions {
  /** In order of preference (failover to the next). */
  readonly servers: readonly RadiusBackendServer[];
  readonly nasIdentifier?: string;
  readonly nasAddress?: string;
  readonly initialTimeoutMs?: number;
  readonly triesPerServer?: number;
  readonly deadTimeMs?: number;
  /** Time a round may take when the request names no deadline (default 10 s, below IKEv2 initiators' patience). */
  readonly roundBudgetMs?: number;
  readonly onEvent?: (e: RadiusClientEvent) => void;
  readonly now?: () => number;
  readonly random?: (n: number) => Uint8Array;
}

/** A round may name its own deadline (absolute, on the backend's clock): the IKE exchange's remaining budget. */
export type RadiusRoundRequest = EapRoundRequest & { readonly deadlineMs?: number };

export interface RadiusBackend extends EapBackend {
  exchange(request: RadiusRoundRequest): Promise<EapRoundResult>;
  readonly counters: Readonly<RadiusClientCounters>;
}

export async function createRadiusBackend(options: RadiusBackendOptions): Promise<RadiusBackend> {
  const now = options.now ?? monotonicNowMs;
  const servers = options.servers.map((s) => ({
    host: s.host,
    port: s.port ?? 1812,
    secret: typeof s.secret === 'string' ? new TextEncoder().encode(s.secret) : s.secret,
  }));
  const client = new RadiusClient({
    servers: servers.map((s) => ({ address: `${s.host}:${s.port}`, secret: s.secret })),
    random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
    ...(options.nasIdentifier ? { nasIdentifier: options.nasIdentifier } : {}),
    ...(options.nasAddress ? { nasAddress: options.nasAddress } : {}),
    ...(options.initialTimeoutMs ? { initialTimeoutMs: options.initialTimeoutMs } : {}),
    ...(options.triesPerServer ? { triesPerServer: options.triesPerServer } : {}),
    ...(options.deadTimeMs ? { deadTimeMs: options.deadTimeMs } : {}),
  });
  const pending = new Map<number, (r: EapRoundResult) => void>();
  const sockets = new Map<'udp4' | 'udp6', Socket>();
  const families = new Set(servers.map((s) => (isIPv6(s.host) ? 'udp6' : 'udp4') as 'udp4' | 'udp6'));
  let closed = false;

  const flush = (): void => {
    for (let t = client.pollTransmit(); t; t = client.pollTransmit()) {
      const s = servers[t.server]!;
      sockets.get(isIPv6(s.host) ? 'udp6' : 'udp4')?.send(t.bytes, s.port, s.host);
    }
    for (let e = client.pollEvent(); e; e = client.pollEvent()) {
      options.onEvent?.(e);
      if (e.kind === 'outcome') {
        const resolve = pending.get(e.round);
        pending.delete(e.round);
        resolve?.(toRoundResult(e.outcome));
      }
    }
    timer.arm(client.pollTimeout());
  };
  const timer = new DeadlineTimer((t) => {
    client.handleTimeout(t);
    flush();
  }, now);

  for (const family of families) {
    const socket = createSocket(family);
    socket.on('message', (msg, rinfo) => {
      const index = servers.findIndex((s) => s.port === rinfo.port && sameHost(s.host, rinfo.address));
      if (index < 0) return; // not from a configured server: not ours to count per server
      client.handleDatagram(now(), index, new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      flush();
    });
    socket.on('error', () => {}); // ICMP unreachable and the like: the retransmission timer handles it
    await new Promise<void>((resolve) => socket.bind(0, resolve));
    socket.unref();
    sockets.set(family, socket);
  }

  return {
    counters: client.counters,
    exchange(request: RadiusRoundRequest): Promise<EapRoundResult> {
      if (closed) return Promise.resolve({ kind: 'failure', reason: 'aborted', detail: 'backend closed' });
      const t = now();
      return new Promise((resolve) => {
        const round = client.startRound(t, {
          sessionKey: request.sessionKey,
          identity: request.identity,
          eap: request.eap,
          callingStationId: `${request.peerAddress}[${request.peerPort}]`,
          deadlineMs: request.deadlineMs ?? t + (options.roundBudgetMs ?? 10_000),
          // Only an RFC 4739 second round may succeed without an MSK (EAP-MD5/GTC derive none).
          keylessSuccess: request.round === 2,
        });
        pending.set(round, resolve);
        flush();
      });
    },
    endSession(sessionKey: string): void {
      client.endSession(sessionKey);
      flush();
    },
    onAbort(): void {},
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      timer.stop();
      for (const resolve of pending.values()) resolve({ kind: 'failure', reason: 'aborted', detail: 'backend closed' });
      pending.clear();
      await Promise.all([...sockets.values()].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

function sameHost(configured: string, from: string): boolean {
  return configured === from || `::ffff:${configured}` === from || configured === `::ffff:${from}`;
}

function toRoundResult(o: RadiusOutcome): EapRoundResult {
  switch (o.kind) {
    case 'continue':
      return o;
    case 'success':
      return {
        kind: 'success',
        eap: o.eap,
        ...(o.msk ? { msk: o.msk } : {}),
        ...(o.identity ? { identity: o.identity } : {}),
      };
    case 'failure':
      return { kind: 'failure', reason: o.reason, detail: o.detail, ...(o.eap ? { eap: o.eap } : {}) };
  }
}
