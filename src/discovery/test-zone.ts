/** Test support (not exported): a tiny DNS zone that answers the discovery cores' queries as a resolver would. */
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { DnsLookupResult, DnsQuery, SrvRecord } from './dns-lookup.ts';

export interface ZoneEntry {
  readonly aaaa?: readonly [string, number][];
  readonly a?: readonly [string, number][];
  readonly srv?: readonly SrvRecord[];
}

/** Names not in the zone are NXDOMAIN; a name without records of a type is NODATA. */
export type Zone = Readonly<Record<string, ZoneEntry>>;

export function lookupInZone(zone: Zone, q: Pick<DnsQuery, 'name' | 'type'>): DnsLookupResult {
  const e = zone[q.name.toLowerCase()];
  if (!e) return { kind: 'nxdomain' };
  if (q.type === 'AAAA' && e.aaaa?.length)
    return { kind: 'aaaa', records: e.aaaa.map(([a, ttlSec]) => ({ address: Ipv6Address.parse(a), ttlSec })) };
  if (q.type === 'A' && e.a?.length)
    return { kind: 'a', records: e.a.map(([a, ttlSec]) => ({ address: Ipv4Address.parse(a), ttlSec })) };
  if (q.type === 'SRV' && e.srv?.length) return { kind: 'srv', records: e.srv };
  return { kind: 'nodata' };
}

/** Drains queries with `poll` and answers each from `zone` (names in `silent` are never answered). */
export function answerFromZone(
  poll: () => DnsQuery | undefined,
  answer: (id: number, r: DnsLookupResult) => void,
  zone: Zone,
  silent: readonly string[] = [],
): DnsQuery[] {
  const asked: DnsQuery[] = [];
  for (let q = poll(); q; q = poll()) {
    asked.push(q);
    if (!silent.includes(q.name)) answer(q.id, lookupInZone(zone, q));
  }
  return asked;
}
