/**
 * The RADIUS (RFC 3579) and Diameter EAP (RFC 4072, S6b TS 29.273 §9) clients as `ha.aaa.mode` backends: the
 * `ha.aaa.radius` / `ha.aaa.diameter` sections mapped to the clients' options, their counters exported as
 * Prometheus metrics, and failovers and peers going down logged at warn.
 */
import type { Registry } from 'prom-client';
import type { DeepReadonly } from '../../config/freeze.ts';
import type { HaAaaConfig } from '../../config/load.ts';
import { registerAaaClientMetrics } from '../../obs/aaa-client-metrics.ts';
import type { Logger } from '../../obs/log.ts';
import { createDiameterBackend } from './diameter-backend.ts';
import type { EapBackend, EapRoundRequest, EapRoundResult } from './eap-backend.ts';
import { createRadiusBackend, type RadiusBackend } from './radius-backend.ts';

export interface ExternalBackendDeps {
  readonly now: () => number;
  /** Where the client metrics go (the HA's registry); none → not exported. */
  readonly registry?: Registry;
  readonly log?: Logger;
  /** The HA's own address: NAS-IP-Address / Host-IP-Address unless the config names one. */
  readonly localAddress?: string;
}

export function radiusBackendOf(config: DeepReadonly<HaAaaConfig>, deps: ExternalBackendDeps): EapBackend {
  const r = config.radius;
  if (!r) throw new Error('ha.aaa.radius missing (the schema requires it for mode radius)');
  const servers = r.servers.map((s) => ({ host: s.host.toString(), port: s.port, secret: s.secret }));
  const down = new Map<string, number>();
  const deadTimeMs = 30_000;
  const nasAddress = r.nasAddress?.toString() ?? deps.localAddress;
  const opening = createRadiusBackend({
    servers,
    nasIdentifier: r.nasIdentifier,
    ...(nasAddress ? { nasAddress } : {}),
    initialTimeoutMs: r.timeout.ms,
    triesPerServer: r.retries + 1,
    deadTimeMs,
    roundBudgetMs: config.timeout.ms,
    now: deps.now,
    onEvent: (e) => {
      if (e.kind === 'server-down') {
        down.set(e.server, deps.now() + deadTimeMs);
        deps.log?.warn({ server: e.server }, 'RADIUS server not answering: failing over to the next one');
      } else if (e.kind === 'dropped') {
        deps.log?.warn({ server: e.server, why: e.why }, 'RADIUS answer dropped');
      }
    },
  });
  const lazy = lazyBackend(opening);
  if (deps.registry) {
    let client: RadiusBackend | undefined;
    void opening.then((b) => {
      client = b;
    });
    registerAaaClientMetrics(deps.registry, 'radius', {
      counts: () => {
        const c = client?.counters;
        if (!c) return { requests: 0, retransmissions: 0, failovers: 0, timeouts: 0, drops: {} };
        return c;
      },
      peers: () =>
        servers.map((s) => {
          const peer = `${s.host}:${s.port}`;
          return { peer, up: (down.get(peer) ?? 0) <= deps.now() };
        }),
    });
  }
  return lazy;
}

export function diameterBackendOf(config: DeepReadonly<HaAaaConfig>, deps: ExternalBackendDeps): EapBackend {
  const d = config.diameter;
  if (!d) throw new Error('ha.aaa.diameter missing (the schema requires it for mode diameter)');
  const peers = d.servers.map((s) => ({ host: s.host.toString(), port: s.port }));
  const backend = createDiameterBackend({
    originHost: d.originHost,
    originRealm: d.originRealm,
    destinationRealm: d.destinationRealm,
    peers,
    requestTimeoutMs: d.timeout.ms,
    twMs: d.watchdog.ms,
    ...(deps.localAddress ? { hostIpAddresses: [deps.localAddress] } : {}),
    clock: deps.now,
  });
  backend.onEvent((e) => {
    if (e.kind === 'peer-down')
      deps.log?.warn({ peer: peerName(peers, e.peer), reason: e.reason }, 'Diameter peer down');
    else if (e.kind === 'failover')
      deps.log?.warn({ from: peerName(peers, e.from), to: peerName(peers, e.to) }, 'Diameter failover');
    else if (e.kind === 'peer-open')
      deps.log?.info({ peer: peerName(peers, e.peer), host: e.originHost }, 'Diameter peer open');
    else deps.log?.info({ sessionKey: e.sessionKey }, 'Diameter re-auth request');
  });
  if (deps.registry) {
    registerAaaClientMetrics(deps.registry, 'diameter', {
      counts: () => {
        const c = backend.counters;
        return {
          requests: c.der,
          retransmissions: 0,
          failovers: c.failovers,
          timeouts: c.timeouts,
          drops: { malformed: c.malformed },
        };
      },
      peers: () => peers.map((p, i) => ({ peer: `${p.host}:${p.port}`, up: backend.isPeerOpen(i) })),
    });
  }
  return backend;
}

function peerName(peers: readonly { host: string; port: number }[], i: number): string {
  const p = peers[i];
  return p ? `${p.host}:${p.port}` : String(i);
}

/** A backend whose sockets are still being opened: rounds wait for it; a failure to open fails every round. */
function lazyBackend(opening: Promise<EapBackend>): EapBackend {
  let failed: string | undefined;
  const ready = opening.then(
    (b) => b,
    (e: unknown) => {
      failed = String(e);
      return undefined;
    },
  );
  return {
    async exchange(request: EapRoundRequest): Promise<EapRoundResult> {
      const b = await ready;
      if (!b) return { kind: 'failure', reason: 'no-server', detail: `AAA client did not open: ${failed}` };
      return b.exchange(request);
    },
    endSession(sessionKey, cause) {
      void ready.then((b) => b?.endSession(sessionKey, cause));
    },
    onAbort(listener) {
      void ready.then((b) => b?.onAbort(listener));
    },
    async close() {
      await (await ready)?.close();
    },
  };
}
