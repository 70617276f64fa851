/**
 * The HA's Diameter EAP backend over TCP (RFC 6733 §2.1; SCTP is not offered: Node has no SCTP sockets): an
 * `EapBackend` around the sans-I/O S6b client (src/aaa/diameter/eap-client.ts). One TCP connection per configured
 * peer, reconnected after `reconnectMs` when it drops (RFC 6733 §2.1 Tc); requests go to the first open peer
 * serving the destination realm, and fail over to the next (T flag) when it turns suspect or closes.
 */
import { connect, type Socket } from 'node:net';
import { type DiameterApplication, DiameterEapClient, type EapClientCounters } from '../../aaa/diameter/index.ts';
import { ApplicationId, VENDOR_3GPP } from '../../wire/diameter/index.ts';
import { DeadlineTimer, defaultRandomU32, localIdentity } from './diameter-common.ts';
import type { EapBackend, EapRoundRequest, EapRoundResult } from './eap-backend.ts';

export interface DiameterPeerOptions {
  readonly host: string;
  readonly port: number;
  /** Realms reached through this peer; omitted = any (a default route). */
  readonly realms?: readonly string[];
}

export interface DiameterBackendOptions {
  /** Origin-Host / Origin-Realm of the HA (DiameterIdentity, RFC 6733 §6.3/§6.4). */
  readonly originHost: string;
  readonly originRealm: string;
  /** The 3GPP AAA server's realm (Destination-Realm) and, optionally, host (Destination-Host of the first DER). */
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  /** In order of preference: the first is primary, the next ones alternates. */
  readonly peers: readonly DiameterPeerOptions[];
  /** Application id in the header and Auth-Application-Id: 's6b' (default), 'swm', or 'eap' (5). */
  readonly application?: DiameterApplication;
  readonly hostIpAddresses?: readonly string[];
  readonly requestTimeoutMs?: number;
  /** RFC 3539 Tw (default 30 s). */
  readonly twMs?: number;
  readonly reconnectMs?: number;
  readonly ratType?: number;
  readonly mip6FeatureVector?: bigint;
  readonly clock?: () => number;
  readonly random?: () => number;
}

export type DiameterBackendEvent =
  | { readonly kind: 'peer-open'; readonly peer: number; readonly originHost: string }
  | { readonly kind: 'peer-down'; readonly peer: number; readonly reason: string }
  | { readonly kind: 'failover'; readonly from: number; readonly to: number }
  | { readonly kind: 'reauth'; readonly sessionKey: string };

export interface DiameterBackend extends EapBackend {
  readonly counters: EapClientCounters;
  /** Resolves once some peer finished its capabilities exchange. */
  ready(): Promise<void>;
  onEvent(listener: (e: DiameterBackendEvent) => void): void;
  isPeerOpen(peer: number): boolean;
}

const APP_IDS: Record<DiameterApplication, number> = {
  s6b: ApplicationId.S6B,
  swm: ApplicationId.SWM,
  eap: ApplicationId.DIAMETER_EAP,
};

export function createDiameterBackend(o: DiameterBackendOptions): DiameterBackend {
  const clock = o.clock ?? Date.now;
  const random = o.random ?? defaultRandomU32;
  const appId = APP_IDS[o.application ?? 's6b'];
  const local = localIdentity({
    ...o,
    authApplications: [
      appId === ApplicationId.DIAMETER_EAP ? { applicationId: appId } : { applicationId: appId, vendorId: VENDOR_3GPP },
    ],
    clock,
  });
  const client = new DiameterEapClient(
    {
      local,
      destinationRealm: o.destinationRealm,
      ...(o.destinationHost ? { destinationHost: o.destinationHost } : {}),
      peers: o.peers.map((p) => (p.realms ? { realms: p.realms } : {})),
      application: o.application ?? 's6b',
      random,
      ...(o.requestTimeoutMs !== undefined ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
      ...(o.twMs !== undefined ? { twMs: o.twMs } : {}),
      ...(o.ratType !== undefined ? { ratType: o.ratType } : {}),
      ...(o.mip6FeatureVector !== undefined ? { mip6FeatureVector: o.mip6FeatureVector } : {}),
    },
    clock(),
  );
  const sockets: (Socket | undefined)[] = o.peers.map(() => undefined);
  const waiting = new Map<number, (r: EapRoundResult) => void>();
  const abortListeners: ((key: string) => void)[] = [];
  const eventListeners: ((e: DiameterBackendEvent) => void)[] = [];
  const readyWaiters: (() => void)[] = [];
  const reconnects = new Set<NodeJS.Timeout>();
  let closing = false;
  const timer = new DeadlineTimer(clock, (now) => {
    client.handleTimeout(now);
    flush();
  });

  const emit = (e: DiameterBackendEvent) => {
    for (const l of eventListeners) l(e);
  };

  function flush(): void {
    for (let t = client.router.pollTransmit(); t; t = client.router.pollTransmit()) sockets[t.peer]?.write(t.bytes);
    for (let p = client.router.pollClose(); p !== undefined; p = client.router.pollClose()) sockets[p]?.end();
    for (let e = client.pollEvent(); e; e = client.pollEvent()) {
      if (e.kind === 'result') {
        const resolve = waiting.get(e.token);
        waiting.delete(e.token);
        resolve?.(e.outcome);
      } else if (e.kind === 'abort') for (const l of abortListeners) l(e.sessionKey);
      else if (e.kind === 'peer-open') {
        emit(e);
        for (const w of readyWaiters.splice(0)) w();
      } else if (e.kind === 'peer-down' || e.kind === 'failover' || e.kind === 'reauth') emit(e);
    }
    timer.arm(client.router.pollTimeout());
  }

  function open(i: number): void {
    const p = o.peers[i]!;
    const s = connect({ host: p.host, port: p.port });
    s.setNoDelay(true);
    sockets[i] = s;
    s.on('connect', () => {
      client.router.transportUp(clock(), i);
      flush();
    });
    s.on('data', (chunk: Buffer) => {
      client.bytes(clock(), i, chunk);
      flush();
    });
    s.on('error', () => {}); // 'close' follows
    s.on('close', () => {
      if (sockets[i] === s) sockets[i] = undefined;
      client.router.transportDown(i, 'TCP connection closed');
      client.pump(clock());
      flush();
      if (closing) return;
      const t = setTimeout(() => {
        reconnects.delete(t);
        if (!closing) open(i);
      }, o.reconnectMs ?? 5_000);
      reconnects.add(t);
    });
  }
  o.peers.forEach((_, i) => {
    open(i);
  });

  return {
    counters: client.counters,
    exchange(request: EapRoundRequest): Promise<EapRoundResult> {
      if (closing) return Promise.resolve({ kind: 'failure', reason: 'aborted', detail: 'backend closed' });
      return new Promise((resolve) => {
        const token = client.exchange(clock(), {
          sessionKey: request.sessionKey,
          userName: request.identity,
          eap: request.eap,
          ...(request.apn !== undefined ? { apn: request.apn } : {}),
          keylessSuccess: request.round === 2,
        });
        waiting.set(token, resolve);
        flush();
      });
    },
    endSession(sessionKey, cause) {
      client.endSession(clock(), sessionKey, cause);
      flush();
    },
    onAbort(listener) {
      abortListeners.push(listener);
    },
    onEvent(listener) {
      eventListeners.push(listener);
    },
    isPeerOpen: (i) => client.router.isOpen(i),
    ready() {
      if (o.peers.some((_, i) => client.router.isOpen(i))) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    async close(): Promise<void> {
      closing = true;
      for (const t of reconnects) clearTimeout(t);
      // RFC 6733 §5.4: DPR, then close on DPA (or after a short grace).
      client.router.disconnectAll(clock());
      flush();
      await new Promise<void>((resolve) => {
        const started = clock();
        const check = setInterval(() => {
          if (sockets.every((s) => !s || s.destroyed) || clock() - started > 1_000) {
            clearInterval(check);
            resolve();
          }
        }, 10);
      });
      for (const s of sockets) s?.destroy();
      timer.stop();
      for (const [token, resolve] of waiting) {
        waiting.delete(token);
        resolve({ kind: 'failure', reason: 'aborted', detail: 'backend closed' });
      }
    },
  };
}
