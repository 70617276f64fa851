/**
 * Prometheus counters for drops the node already counts in plain numbers for `/status`: the shared IPv6 AF_PACKET
 * reader (src/node/net/ipv6-packet-reader.ts) and the data Child SAs (src/node/tun/ha-data-sas.ts). Copied at scrape
 * time (no prom-client call on the packet path); each typed drop reason is a `reason` label.
 */
import type { Registry } from 'prom-client';
import { scrapedCounter } from './scraped-metrics.ts';

/** What the IPv6 reader counts: packets the filter passed, and drops by reason. */
export interface Ipv6ReaderCounts {
  readonly packets: number;
  readonly drops: Readonly<Record<string, number>>;
}

/** What the data SAs count (RFC 5555 §5.2.2): lifecycle, opened packets, drops by reason. */
export interface DataSaCounts {
  readonly installed: number;
  readonly removed: number;
  readonly refused: number;
  readonly opened: number;
  readonly drops: Readonly<Record<string, number>>;
}

export interface DropMetricSources {
  /** Undefined while the node has no reader (no raw IPv6). */
  readonly ipv6Reader: () => Ipv6ReaderCounts | undefined;
  readonly dataSas: () => DataSaCounts;
}

const byReason = (drops: Readonly<Record<string, number>> | undefined): [{ reason: string }, number][] =>
  Object.entries(drops ?? {}).map(([reason, n]) => [{ reason }, n]);

export function registerDropMetrics(registry: Registry, s: DropMetricSources): void {
  scrapedCounter(
    registry,
    'dsmip_ipv6_reader_packets_total',
    'IPv6 packets the AF_PACKET reader passed on.',
    [],
    () => [[{}, s.ipv6Reader()?.packets ?? 0]],
  );
  scrapedCounter(
    registry,
    'dsmip_ipv6_reader_drops_total',
    'IPv6 packets the AF_PACKET reader dropped, by reason (fragment, truncated, unclaimed, read-error).',
    ['reason'],
    () => byReason(s.ipv6Reader()?.drops),
  );
  scrapedCounter(
    registry,
    'dsmip_data_sa_events_total',
    'Data Child SAs (RFC 5555 §5.2.2) installed, removed, or refused by the SAD.',
    ['event'],
    () => {
      const c = s.dataSas();
      return [
        [{ event: 'installed' }, c.installed],
        [{ event: 'removed' }, c.removed],
        [{ event: 'refused' }, c.refused],
      ];
    },
  );
  scrapedCounter(
    registry,
    'dsmip_data_sa_opened_total',
    'Inner packets that passed every data SA inbound check.',
    [],
    () => [[{}, s.dataSas().opened]],
  );
  scrapedCounter(registry, 'dsmip_data_sa_drops_total', 'Packets dropped on the data SAs, by reason.', ['reason'], () =>
    byReason(s.dataSas().drops),
  );
}
