/**
 * Metrics of the HA's RADIUS (RFC 3579) and Diameter EAP (RFC 4072) clients, read from the clients' own counters
 * at scrape time: requests sent, retransmissions, failovers to another server, timeouts, answers dropped by reason
 * (bad-message-authenticator, unexpected, malformed, ...) and, where the transport has one, each peer's state.
 */
import { Gauge, type Registry } from 'prom-client';
import { scrapedCounter } from './scraped-metrics.ts';

export interface AaaClientCounts {
  readonly requests: number;
  readonly retransmissions: number;
  readonly failovers: number;
  readonly timeouts: number;
  readonly drops: Readonly<Record<string, number>>;
}

export interface AaaClientMetricsSource {
  readonly counts: () => AaaClientCounts;
  /** Each configured server (`host:port`) and whether it is usable now. */
  readonly peers: () => readonly { readonly peer: string; readonly up: boolean }[];
}

export function registerAaaClientMetrics(registry: Registry, backend: string, source: AaaClientMetricsSource): void {
  const one = (key: keyof Omit<AaaClientCounts, 'drops'>) => (): [Record<string, string>, number][] => [
    [{ backend }, source.counts()[key]],
  ];
  scrapedCounter(
    registry,
    'dsmip_aaa_client_requests_total',
    'Requests sent to the AAA (Access-Request / DER), first tries.',
    ['backend'],
    one('requests'),
  );
  scrapedCounter(
    registry,
    'dsmip_aaa_client_retransmissions_total',
    'Requests sent again after no answer.',
    ['backend'],
    one('retransmissions'),
  );
  scrapedCounter(
    registry,
    'dsmip_aaa_client_failovers_total',
    'Requests moved to the next server after the current one did not answer or went down.',
    ['backend'],
    one('failovers'),
  );
  scrapedCounter(
    registry,
    'dsmip_aaa_client_timeouts_total',
    'Rounds that got no answer from any server in time.',
    ['backend'],
    one('timeouts'),
  );
  scrapedCounter(
    registry,
    'dsmip_aaa_client_drops_total',
    'Answers from the AAA dropped unread, by reason (e.g. bad-message-authenticator, unexpected, malformed).',
    ['backend', 'reason'],
    () => Object.entries(source.counts().drops).map(([reason, n]) => [{ backend, reason }, n]),
  );
  new Gauge({
    name: 'dsmip_aaa_client_peer_up',
    help: 'Whether each configured AAA server is usable now (1) or down (0).',
    labelNames: ['backend', 'peer'],
    registers: [registry],
    collect(this: Gauge) {
      this.reset();
      for (const p of source.peers()) this.set({ backend, peer: p.peer }, p.up ? 1 : 0);
    },
  });
}
