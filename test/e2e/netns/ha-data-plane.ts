/**
 * The HA's user-plane counters as an operator reads them: `dsmip_data_*` from /metrics (src/obs/metrics.ts: inner
 * packets and bytes by direction, drops by reason, ICMP errors sent) and the fragment count that only /status shows
 * (`tun.counters.fragmented`). `since` gives what one step of a test added.
 */
import type { LabRun } from './lab-run.ts';

export interface HaDataPlane {
  /** Inner packets into the UEs' tunnels (core network → UE). */
  readonly downlinkPackets: number;
  readonly downlinkBytes: number;
  /** Inner packets out of the tunnels into the core network. */
  readonly uplinkPackets: number;
  readonly uplinkBytes: number;
  /** Packet Too Big, Fragmentation Needed and Unreachable the HA's forwarder sent. */
  readonly icmpErrors: number;
  readonly oversizeDrops: number;
  /** IPv4 datagrams with DF clear the HA split to fit a tunnel (RFC 791 §3.2). */
  readonly fragmented: number;
}

/** The value of one series (`name{labels}`) in Prometheus text; a counter not scraped yet is 0. */
export function metricValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

export async function haDataPlane(run: LabRun): Promise<HaDataPlane> {
  const [metrics, status] = await Promise.all([run.haHttp('/metrics'), run.haHttp('/status')]);
  const tun = (JSON.parse(status) as { tun?: { counters?: { fragmented?: number } } }).tun;
  return {
    downlinkPackets: metricValue(metrics, 'dsmip_data_packets_total{direction="downlink"}'),
    downlinkBytes: metricValue(metrics, 'dsmip_data_bytes_total{direction="downlink"}'),
    uplinkPackets: metricValue(metrics, 'dsmip_data_packets_total{direction="uplink"}'),
    uplinkBytes: metricValue(metrics, 'dsmip_data_bytes_total{direction="uplink"}'),
    icmpErrors: metricValue(metrics, 'dsmip_data_icmp_errors_total'),
    oversizeDrops: metricValue(metrics, 'dsmip_data_drops_total{reason="oversize"}'),
    fragmented: tun?.counters?.fragmented ?? Number.NaN,
  };
}

/** What each counter gained from `before` to `after`. */
export function since(after: HaDataPlane, before: HaDataPlane): HaDataPlane {
  const d = {} as Record<keyof HaDataPlane, number>;
  for (const k of Object.keys(after) as (keyof HaDataPlane)[]) d[k] = after[k] - before[k];
  return d;
}
