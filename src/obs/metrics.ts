/**
 * The home agent's Prometheus metrics (prom-client) in a registry of its own, so two HAs in one process (tests,
 * the demo) never share counters. Gauges either are set by the node or read a callback at scrape time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, type Gauge, Registry } from 'prom-client';
import { toHex } from '../util/hex.ts';
import { scrapedCounter, scrapedGauge } from './scraped-metrics.ts';

export type AttachResult = 'success' | 'auth-failed' | 'no-proposal' | 'timeout' | 'rejected' | 'error';
export type DhcpFamily = 'ipv6' | 'ipv4';
export type DhcpAnswerMode = 'embedded' | 'relay';

export interface HaMetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC) under the `dsmip_` prefix; default on. */
  readonly processMetrics?: boolean;
  /** Read at each scrape instead of being set; a source given here wins over a set value. */
  readonly sources?: {
    readonly bindings?: () => number;
    readonly ikeSas?: () => number;
    readonly ipv4PoolFree?: () => number;
    /** The user-traffic forwarder's counters (src/node/tun), read at scrape time; undefined without a TUN device. */
    readonly dataPlane?: () => DataPlaneCounts | undefined;
  };
}

/** What the data-plane metrics read: inner packets and bytes each way, and drops by reason. */
export interface DataPlaneCounts {
  readonly intoTunnel: { readonly packets: number; readonly bytes: number };
  readonly outOfTunnel: { readonly packets: number; readonly bytes: number };
  readonly icmpErrors: number;
  readonly fragmented: number;
  readonly drops: Readonly<Record<string, number>>;
}

export class HaMetrics {
  readonly registry = new Registry();
  readonly bindings: Gauge;
  readonly attaches: Counter<'result'>;
  readonly bindingUpdates: Counter<'status'>;
  readonly bindingAcks: Counter<'status'>;
  readonly ikeSas: Gauge;
  readonly drops: Counter<'layer' | 'reason'>;
  readonly dhcpAnswers: Counter<'family' | 'mode'>;
  readonly ipv4PoolFree: Gauge;
  /** Tunnelled user traffic (inner packets), by direction: `downlink` toward UEs, `uplink` from them. */
  readonly dataPackets: Counter<'direction'>;
  readonly dataBytes: Counter<'direction'>;
  readonly dataDrops: Counter<'reason'>;
  readonly dataIcmpErrors: Counter<string>;

  constructor(o: HaMetricsOptions = {}) {
    const r = this.registry;
    const s = o.sources ?? {};
    this.bindings = scrapedGauge(
      r,
      'dsmip_bindings',
      'Home registration binding cache entries (RFC 6275 §10.1).',
      s.bindings,
    );
    this.ikeSas = scrapedGauge(r, 'dsmip_ike_sas', 'Established IKE SAs.', s.ikeSas);
    this.ipv4PoolFree = scrapedGauge(
      r,
      'dsmip_ipv4_pool_free',
      'Free addresses in the IPv4 home address pool.',
      s.ipv4PoolFree,
    );
    this.attaches = new Counter({
      name: 'dsmip_attaches_total',
      help: 'Attach attempts (IKE_SA_INIT to the BU/BA child SA) by result.',
      labelNames: ['result'],
      registers: [r],
    });
    this.bindingUpdates = new Counter({
      name: 'dsmip_bu_total',
      help: 'Binding Updates received, by the BA status decided for them ("dropped": no BA was sent).',
      labelNames: ['status'],
      registers: [r],
    });
    this.bindingAcks = new Counter({
      name: 'dsmip_ba_total',
      help: 'Binding Acknowledgements sent, by status (RFC 6275 §6.1.8).',
      labelNames: ['status'],
      registers: [r],
    });
    this.drops = new Counter({
      name: 'dsmip_drops_total',
      help: 'Packets dropped, by protocol layer and reason.',
      labelNames: ['layer', 'reason'],
      registers: [r],
    });
    this.dhcpAnswers = new Counter({
      name: 'dsmip_dhcp_answers_total',
      help: 'DHCP answers tunnelled to UEs, by family and by embedded server or relay.',
      labelNames: ['family', 'mode'],
      registers: [r],
    });
    const dp = s.dataPlane ?? (() => undefined);
    const both = (pick: (c: DataPlaneCounts['intoTunnel']) => number) => (): [{ direction: string }, number][] => {
      const c = dp();
      return c
        ? [
            [{ direction: 'downlink' }, pick(c.intoTunnel)],
            [{ direction: 'uplink' }, pick(c.outOfTunnel)],
          ]
        : [];
    };
    this.dataPackets = scrapedCounter(
      r,
      'dsmip_data_packets_total',
      'User packets through the TUN device and the UE tunnels, by direction (inner packets).',
      ['direction'],
      both((c) => c.packets),
    );
    this.dataBytes = scrapedCounter(
      r,
      'dsmip_data_bytes_total',
      'Bytes of user packets through the TUN device and the UE tunnels, by direction (inner packets).',
      ['direction'],
      both((c) => c.bytes),
    );
    this.dataDrops = scrapedCounter(r, 'dsmip_data_drops_total', 'User packets dropped, by reason.', ['reason'], () =>
      Object.entries(dp()?.drops ?? {}).map(([reason, n]) => [{ reason }, n]),
    );
    this.dataIcmpErrors = scrapedCounter(
      r,
      'dsmip_data_icmp_errors_total',
      'ICMP errors (Packet Too Big, Fragmentation Needed, Unreachable) sent back for user packets.',
      [],
      () => [[{}, dp()?.icmpErrors ?? 0]],
    );
    if (o.processMetrics ?? true) collectDefaultMetrics({ register: r, prefix: 'dsmip_' });
  }

  countAttach(result: AttachResult): void {
    this.attaches.inc({ result });
  }

  /** `status` is the BA status decided for the BU, or `dropped` when none was sent. */
  countBindingUpdate(status: number | 'dropped'): void {
    this.bindingUpdates.inc({ status: String(status) });
  }

  countBindingAck(status: number): void {
    this.bindingAcks.inc({ status: String(status) });
  }

  countDrop(layer: string, reason: string): void {
    this.drops.inc({ layer, reason });
  }

  countDhcpAnswer(family: DhcpFamily, mode: DhcpAnswerMode): void {
    this.dhcpAnswers.inc({ family, mode });
  }

  setBindings(n: number): void {
    this.bindings.set(n);
  }

  setIkeSas(n: number): void {
    this.ikeSas.set(n);
  }

  setIpv4PoolFree(n: number): void {
    this.ipv4PoolFree.set(n);
  }

  /** The text exposition format (what `/metrics` serves). */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

export interface MetricsServerOptions {
  readonly registry: Registry;
  /** Address to listen on; default 127.0.0.1 (metrics are not for the world). */
  readonly host?: string;
  /** Default 9464; 0 picks a free port. */
  readonly port?: number;
  /** The `/status` document; without it `/status` is 404. */
  readonly status?: () => unknown;
  /** Bounds on clients, so a flood of idle connections cannot pin the process's file descriptors. */
  readonly limits?: Partial<MetricsServerLimits>;
}

export interface MetricsServerLimits {
  /** Open connections at once; more are closed as soon as they are accepted (net.Server maxConnections). */
  readonly maxConnections: number;
  /** Time for a connection to send a whole request head, counted from the connection (or the previous request). */
  readonly headersTimeoutMs: number;
  /** Time for a whole request (head and body). */
  readonly requestTimeoutMs: number;
  /** Time an idle keep-alive connection is kept after a response. */
  readonly keepAliveTimeoutMs: number;
}

/** A scraper needs one or two connections; 10 s to send a request head is generous on any network. */
export const DEFAULT_METRICS_LIMITS: MetricsServerLimits = {
  maxConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/** JSON for the status document: byte strings as hex, bigints as text (addresses print through toJSON). */
function statusJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? v.toString() : v),
    2,
  );
}

async function answer(o: MetricsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  try {
    if (path === '/metrics') {
      const body = await o.registry.metrics();
      res.writeHead(200, { 'content-type': o.registry.contentType }).end(req.method === 'HEAD' ? undefined : body);
    } else if (path === '/status' && o.status) {
      const body = statusJson(await o.status());
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.method === 'HEAD' ? undefined : body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  } catch (e) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(statusJson({ error: (e as Error).message }));
  }
}

/** Serves `/metrics` (Prometheus text format) and `/status` (JSON) over plain HTTP. */
export function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const host = o.host ?? '127.0.0.1';
  const limits = { ...DEFAULT_METRICS_LIMITS, ...o.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node enforces the two timeouts above on its own interval (connectionsCheckingInterval, 30 s), which leaves a
      // silent connection alone; the socket inactivity timeout below covers that one. (Node 20 with a short checking
      // interval was seen to stop the inactivity timeout from firing, so the default interval is kept.)
    },
    (req, res) => {
      void answer(o, req, res);
    },
  );
  server.maxConnections = limits.maxConnections;
  // A connection silent for headersTimeout (before its request, or mid-request) is destroyed: with no 'timeout'
  // listener on the server, Node destroys the socket.
  server.setTimeout(limits.headersTimeoutMs);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 9464, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        host,
        port,
        url: `http://${urlHost}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((e) => (e ? fail(e) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
