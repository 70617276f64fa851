/**
 * DNS Home Agent discovery (TS 24.303 §5.1.2.1.2, RFC 5026 §5.1): AAAA and A queries for the HA-APN (or an HA
 * FQDN from DHCPv6), or an SRV query for `_mip6._ipv6.<domain>` (RFC 5026 §5.1.2) followed by AAAA and A for each
 * target. The answers become an ordered list of HAs, each with the end of its TTL. Sans-I/O: queries are polled,
 * results handed back with `handleAnswer`, and a query that stays unanswered fails at its deadline.
 */

import { type RandomSource, randomUint } from '../dhcp/random.ts';
import { Fifo } from '../util/fifo.ts';
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { candidate, type DiscoveryMethod, type HomeAgentCandidate, pairDnsAddresses } from './candidates.ts';
import { MIP6_SRV_PREFIX } from './constants.ts';
import type { DnsLookupResult, DnsQuery, DnsRecordType } from './dns-lookup.ts';
import { orderSrvRecords, srvServiceUnavailable } from './srv.ts';

export type DnsDiscoveryTarget =
  /** DNS lookup by name: the HA-APN (TS 24.303 §5.1.2.1.2) or an HA FQDN (RFC 6610 HAF). */
  | { readonly kind: 'name'; readonly name: string }
  /** DNS lookup by service: SRV `_mip6._ipv6.<domain>` (RFC 5026 §5.1.2). */
  | { readonly kind: 'service'; readonly domain: string };

export interface DnsDiscoveryConfig {
  readonly target: DnsDiscoveryTarget;
  readonly queryTimeoutMs: number;
  /** The method recorded in the candidates ('dhcpv6' when the name came from a DHCPv6 HAF option). */
  readonly method: DiscoveryMethod;
  /** Query IDs and the RFC 2782 weighted order. */
  readonly random: RandomSource;
}

export type DnsFailureReason = 'nxdomain' | 'nodata' | 'timeout' | 'error' | 'service-unavailable';

export type DnsDiscoveryOutcome =
  | { readonly kind: 'home-agents'; readonly homeAgents: readonly HomeAgentCandidate[] }
  | { readonly kind: 'failed'; readonly reason: DnsFailureReason };

interface Answered {
  readonly result: DnsLookupResult;
  readonly atMs: number;
}

interface Host {
  readonly name: string;
  aaaa?: Answered;
  a?: Answered;
}

interface Pending {
  readonly query: DnsQuery;
  readonly deadlineMs: number;
  /** Index in `hosts`, or -1 for the SRV query. */
  readonly host: number;
}

export class DnsHaDiscovery {
  private readonly queries = new Fifo<DnsQuery>();
  private readonly pending = new Map<number, Pending>();
  private hosts: Host[] = [];
  private nextId: number;
  private srvFailure: DnsFailureReason | undefined;
  private result: DnsDiscoveryOutcome | undefined;
  /** Answers that matched no outstanding query (late, duplicated, or never asked). */
  ignoredAnswers = 0;

  constructor(readonly config: DnsDiscoveryConfig) {
    this.nextId = randomUint(config.random, 2);
  }

  /** The outcome once every query was answered or timed out. */
  get outcome(): DnsDiscoveryOutcome | undefined {
    return this.result;
  }

  start(now: number): void {
    this.pending.clear();
    this.hosts = [];
    this.srvFailure = undefined;
    this.result = undefined;
    const t = this.config.target;
    if (t.kind === 'name') this.queryHost(now, t.name);
    else this.send(now, `${MIP6_SRV_PREFIX}${t.domain}`, 'SRV', -1);
  }

  handleAnswer(now: number, id: number, result: DnsLookupResult): void {
    const p = this.pending.get(id);
    if (p === undefined) {
      this.ignoredAnswers++;
      return;
    }
    this.pending.delete(id);
    this.record(now, p, result);
    this.finishIfDone();
  }

  handleTimeout(now: number): void {
    for (const p of [...this.pending.values()]) {
      if (now < p.deadlineMs) continue;
      this.pending.delete(p.query.id);
      this.record(now, p, { kind: 'error', reason: 'timeout' });
    }
    this.finishIfDone();
  }

  pollQuery(): DnsQuery | undefined {
    return this.queries.shift();
  }

  pollTimeout(): number | undefined {
    let t: number | undefined;
    for (const p of this.pending.values()) if (t === undefined || p.deadlineMs < t) t = p.deadlineMs;
    return t;
  }

  private send(now: number, name: string, type: DnsRecordType, host: number): void {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    const query = { id, name, type };
    this.pending.set(id, { query, deadlineMs: now + this.config.queryTimeoutMs, host });
    this.queries.push(query);
  }

  private queryHost(now: number, name: string): void {
    const index = this.hosts.push({ name }) - 1;
    // TS 24.303 §5.1.2.1.2: "the DNS reply will contain 'AAAA' and 'A' records" for a dual-stack HA.
    this.send(now, name, 'AAAA', index);
    this.send(now, name, 'A', index);
  }

  private record(now: number, p: Pending, result: DnsLookupResult): void {
    if (p.host >= 0) {
      const h = this.hosts[p.host]!;
      if (p.query.type === 'AAAA') h.aaaa = { result, atMs: now };
      else h.a = { result, atMs: now };
      return;
    }
    if (result.kind !== 'srv') {
      this.srvFailure = failureOf(result) ?? 'nodata';
      return;
    }
    if (srvServiceUnavailable(result.records)) {
      this.srvFailure = 'service-unavailable';
      return;
    }
    for (const r of orderSrvRecords(result.records, this.config.random)) this.queryHost(now, r.target);
  }

  private finishIfDone(): void {
    if (this.result !== undefined || this.pending.size > 0) return;
    const homeAgents: HomeAgentCandidate[] = [];
    for (const h of this.hosts) homeAgents.push(...this.candidatesOf(h));
    if (homeAgents.length > 0) {
      this.result = { kind: 'home-agents', homeAgents };
      return;
    }
    this.result = { kind: 'failed', reason: this.srvFailure ?? this.failureReason() };
  }

  private candidatesOf(h: Host): HomeAgentCandidate[] {
    const v6 = h.aaaa?.result.kind === 'aaaa' ? h.aaaa.result.records : [];
    const v4 = h.a?.result.kind === 'a' ? h.a.result.records : [];
    const expiry = new Map<string, number>();
    for (const r of v6) expiry.set(r.address.toString(), h.aaaa!.atMs + r.ttlSec * 1000);
    for (const r of v4) expiry.set(r.address.toString(), h.a!.atMs + r.ttlSec * 1000);
    const until = (a: Ipv6Address | Ipv4Address | undefined) => (a ? expiry.get(a.toString()) : undefined);
    return pairDnsAddresses(
      v6.map((r) => r.address),
      v4.map((r) => r.address),
    ).map((p) => {
      const ends = [until(p.ipv6), until(p.ipv4)].filter((x): x is number => x !== undefined);
      return candidate({
        ipv6: p.ipv6,
        ipv4: p.ipv4,
        method: this.config.method,
        name: h.name,
        expiresAtMs: Math.min(...ends), // the pair is usable while both records are
      });
    });
  }

  /** No address at all: NXDOMAIN if the name is gone, NODATA if it has neither type, else what went wrong. */
  private failureReason(): DnsFailureReason {
    const reasons = new Set<DnsFailureReason>();
    for (const h of this.hosts) {
      for (const a of [h.aaaa, h.a]) {
        const f = a ? failureOf(a.result) : undefined;
        if (f) reasons.add(f);
      }
    }
    if (reasons.has('nxdomain') && !reasons.has('timeout') && !reasons.has('error')) return 'nxdomain';
    if (reasons.size === 1 && reasons.has('nodata')) return 'nodata';
    if (reasons.has('timeout')) return 'timeout';
    if (reasons.has('error')) return 'error';
    return reasons.has('nxdomain') ? 'nxdomain' : 'nodata';
  }
}

function failureOf(r: DnsLookupResult): DnsFailureReason | undefined {
  switch (r.kind) {
    case 'nxdomain':
      return 'nxdomain';
    case 'nodata':
      return 'nodata';
    case 'error':
      return r.reason === 'timeout' ? 'timeout' : 'error';
    default:
      return r.records.length === 0 ? 'nodata' : undefined;
  }
}
