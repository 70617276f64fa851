/**
 * Glue between a discovery core and a `DnsResolver`: every polled query is resolved and its result handed back
 * with the clock's time of arrival.
 */
import type { DnsLookupResult, DnsQuery, DnsResolver } from '../../discovery/dns-lookup.ts';

export interface DnsQuerySource {
  pollDnsQuery(): DnsQuery | undefined;
  handleDnsAnswer(now: number, id: number, result: DnsLookupResult): void;
}

/** Resolves all queries `core` has now; resolves when their answers were handed back (the core may ask more). */
export async function answerDnsQueries(
  core: DnsQuerySource,
  resolver: DnsResolver,
  clock: () => number,
): Promise<number> {
  const jobs: Promise<void>[] = [];
  for (let q = core.pollDnsQuery(); q; q = core.pollDnsQuery()) {
    const query = q;
    jobs.push(resolver.lookup(query.name, query.type).then((r) => core.handleDnsAnswer(clock(), query.id, r)));
  }
  await Promise.all(jobs);
  return jobs.length;
}
