/**
 * The UE's Home Agent discovery policy (TS 24.303 §5.1.2.1.1): HAs from the PCO or the ePDG win; otherwise DNS
 * (§5.1.2.1.2) and/or DHCPv6 (§5.1.2.1.5) run, in parallel or one after the other on failure. The result is an
 * ordered list of HAs; an HA that does not answer IKE, fails authentication or answers BA 129..133 is skipped for
 * the next (`markFailed`), and when the list runs out the procedures not yet run are tried.
 *
 * Sans-I/O: DNS queries and DHCPv6 datagrams are polled, answers handed back; one deadline for all timers.
 */
import type { Dhcpv6Datagram } from '../dhcp/datagram.ts';
import { Fifo } from '../util/fifo.ts';
import { candidate, type HomeAgentCandidate, sharesAddress } from './candidates.ts';
import { DNS_QUERY_TIMEOUT_MS } from './constants.ts';
import { Dhcpv6HaDiscovery } from './dhcpv6-discovery.ts';
import type { HomeAgentDiscoveryConfig } from './discovery-config.ts';
import { DnsHaDiscovery } from './dns-discovery.ts';
import type { DnsLookupResult, DnsQuery } from './dns-lookup.ts';
import { type HomeAgentFailure, shouldSkipHomeAgent } from './skip-rules.ts';

export type DiscoveryProcedure = 'dns' | 'dhcpv6';

export type DiscoveryEvent =
  | { readonly kind: 'procedure-started'; readonly procedure: DiscoveryProcedure }
  /** A lookup of an HA FQDN that DHCPv6 returned (§5.1.2.1.5 "perform a DNS query with the received HA FQDN"). */
  | { readonly kind: 'fqdn-lookup-started'; readonly name: string }
  | {
      readonly kind: 'procedure-succeeded';
      readonly procedure: DiscoveryProcedure;
      readonly homeAgents: readonly HomeAgentCandidate[];
    }
  | { readonly kind: 'procedure-failed'; readonly procedure: DiscoveryProcedure; readonly reason: string }
  | { readonly kind: 'home-agent-selected'; readonly homeAgent: HomeAgentCandidate }
  | { readonly kind: 'home-agent-skipped'; readonly homeAgent: HomeAgentCandidate; readonly failure: HomeAgentFailure }
  /** A failure that is no reason to leave the HA (e.g. BA 128: resend to the same HA). */
  | { readonly kind: 'home-agent-kept'; readonly homeAgent: HomeAgentCandidate; readonly failure: HomeAgentFailure }
  | {
      readonly kind: 'exhausted';
      /** RFC 5026 §5.1.2: authentication failed with every HA, "an unrecoverable error". */
      readonly unrecoverable: boolean;
      readonly retryAtMs: number | undefined;
    };

type ProcedureState = 'idle' | 'running' | 'done';

interface DnsSession {
  readonly owner: DiscoveryProcedure;
  readonly core: DnsHaDiscovery;
}

export class HomeAgentDiscovery {
  private readonly events = new Fifo<DiscoveryEvent>();
  private readonly dnsQueries = new Fifo<DnsQuery>();
  private list: HomeAgentCandidate[] = [];
  /** Index of the current HA in `list`, or undefined. */
  private cursor: number | undefined;
  /** The next index of `list` to consider: HAs are tried once each, in order. */
  private nextIndex = 0;
  private contributed: Record<DiscoveryProcedure, number> = { dns: 0, dhcpv6: 0 };
  private reasons: Record<DiscoveryProcedure, string[]> = { dns: [], dhcpv6: [] };
  private failed: { ha: HomeAgentCandidate; failure: HomeAgentFailure }[] = [];
  private state: Record<DiscoveryProcedure, ProcedureState> = { dns: 'idle', dhcpv6: 'idle' };
  private sessions: DnsSession[] = [];
  private dhcp: Dhcpv6HaDiscovery | undefined;
  /** Our query id → the session and its own id (sessions draw their ids independently). */
  private queryRoutes = new Map<number, { session: DnsSession; id: number }>();
  private nextQueryId = 1;
  private retryAtMs: number | undefined;
  private exhaustedReported = false;

  constructor(readonly config: HomeAgentDiscoveryConfig) {}

  /** The HA in use, if any. */
  current(): HomeAgentCandidate | undefined {
    return this.cursor === undefined ? undefined : this.list[this.cursor];
  }

  /** Every HA found so far, in the order they will be tried. */
  homeAgents(): readonly HomeAgentCandidate[] {
    return this.list;
  }

  start(now: number): void {
    this.list = [];
    this.cursor = undefined;
    this.nextIndex = 0;
    this.contributed = { dns: 0, dhcpv6: 0 };
    this.reasons = { dns: [], dhcpv6: [] };
    this.failed = [];
    this.state = { dns: 'idle', dhcpv6: 'idle' };
    this.sessions = [];
    this.dhcp?.stop();
    this.dhcp = undefined;
    this.queryRoutes.clear();
    this.retryAtMs = undefined;
    this.exhaustedReported = false;
    if (this.config.provided.length > 0) this.add(this.config.provided);
    this.advance(now);
  }

  /**
   * Reports that `ha` failed. Skipped (TS 24.303 §5.1.2.4, RFC 5026 §5.1.2): the next HA becomes current and is
   * returned. Not skipped (e.g. BA 128): the current HA is returned unchanged.
   */
  markFailed(now: number, ha: HomeAgentCandidate, failure: HomeAgentFailure): HomeAgentCandidate | undefined {
    if (!shouldSkipHomeAgent(failure)) {
      this.events.push({ kind: 'home-agent-kept', homeAgent: ha, failure });
      return this.current();
    }
    this.failed.push({ ha, failure });
    this.events.push({ kind: 'home-agent-skipped', homeAgent: ha, failure });
    const cur = this.current();
    if (cur && sharesAddress(cur, ha)) this.advance(now);
    return this.current();
  }

  /** Moves to the next usable HA (skipping failed and expired ones) and returns it; runs more procedures if needed. */
  next(now: number): HomeAgentCandidate | undefined {
    this.advance(now);
    return this.current();
  }

  handleDnsAnswer(now: number, id: number, result: DnsLookupResult): void {
    const route = this.queryRoutes.get(id);
    if (!route) return;
    this.queryRoutes.delete(id);
    route.session.core.handleAnswer(now, route.id, result);
    this.collect(now);
  }

  /** A datagram that arrived on the UE's DHCPv6 client port on the access link. */
  handleDhcpv6Datagram(now: number, payload: Uint8Array): void {
    this.dhcp?.handleDatagram(now, payload);
    this.collect(now);
  }

  handleTimeout(now: number): void {
    for (const s of this.sessions) s.core.handleTimeout(now);
    this.dhcp?.handleTimeout(now);
    this.collect(now);
    if (this.retryAtMs !== undefined && now >= this.retryAtMs) this.start(now);
  }

  pollDnsQuery(): DnsQuery | undefined {
    return this.dnsQueries.shift();
  }

  pollTransmit(): Dhcpv6Datagram | undefined {
    return this.dhcp?.pollTransmit();
  }

  pollEvent(): DiscoveryEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    const times = [this.retryAtMs, this.dhcp?.pollTimeout(), ...this.sessions.map((s) => s.core.pollTimeout())];
    let t: number | undefined;
    for (const x of times) if (x !== undefined && (t === undefined || x < t)) t = x;
    return t;
  }

  private usable(now: number, c: HomeAgentCandidate): boolean {
    if (c.expiresAtMs !== undefined && c.expiresAtMs <= now) return false; // the DNS TTL ran out
    return !this.failed.some((f) => sharesAddress(f.ha, c));
  }

  private advance(now: number): void {
    while (this.nextIndex < this.list.length) {
      const i = this.nextIndex++;
      if (!this.usable(now, this.list[i]!)) continue;
      this.cursor = i;
      this.events.push({ kind: 'home-agent-selected', homeAgent: this.list[i]! });
      return;
    }
    this.cursor = undefined; // none until more arrive
    this.refreshExpired(now);
    this.startProcedures(now);
    this.checkExhausted(now);
  }

  /**
   * HAs passed over because their DNS TTL ran out were never tried: their procedure runs again for fresh answers
   * (and the stale entries leave the list, so the new ones are not taken for duplicates).
   */
  private refreshExpired(now: number): void {
    for (const p of ['dns', 'dhcpv6'] as const) {
      if (this.state[p] !== 'done') continue;
      const stale = (c: HomeAgentCandidate) =>
        c.method === p &&
        c.expiresAtMs !== undefined &&
        c.expiresAtMs <= now &&
        !this.failed.some((f) => sharesAddress(f.ha, c));
      if (!this.list.some(stale)) continue;
      this.list = this.list.filter((c) => !stale(c));
      this.nextIndex = this.list.length;
      this.state[p] = 'idle';
      this.contributed[p] = 0;
      this.reasons[p] = [];
    }
  }

  /** Starts what the mode allows: both in parallel, or the next one in sequence once nothing else runs. */
  private startProcedures(now: number): void {
    const c = this.config;
    const order: DiscoveryProcedure[] = c.first === 'dns' ? ['dns', 'dhcpv6'] : ['dhcpv6', 'dns'];
    const configured = order.filter((p) => (p === 'dns' ? c.dns !== undefined : c.dhcpv6 !== undefined));
    if (c.mode === 'sequential' && configured.some((p) => this.state[p] === 'running')) return;
    for (const p of configured) {
      if (this.state[p] !== 'idle') continue;
      this.startProcedure(now, p);
      if (c.mode === 'sequential') return;
    }
  }

  private startProcedure(now: number, p: DiscoveryProcedure): void {
    const c = this.config;
    this.state[p] = 'running';
    this.events.push({ kind: 'procedure-started', procedure: p });
    if (p === 'dns' && c.dns) {
      this.startDns(now, 'dns', c.dns.target);
    } else if (p === 'dhcpv6' && c.dhcpv6) {
      const d = c.dhcpv6;
      this.dhcp = new Dhcpv6HaDiscovery({ ...d, random: c.random });
      this.dhcp.start(now);
    }
    this.collect(now);
  }

  private startDns(now: number, owner: DiscoveryProcedure, target: DnsHaDiscovery['config']['target']): void {
    const c = this.config;
    const core = new DnsHaDiscovery({
      target,
      queryTimeoutMs: c.dns?.queryTimeoutMs ?? DNS_QUERY_TIMEOUT_MS, // HA FQDNs from DHCPv6 without DNS configured
      method: owner,
      random: c.random,
    });
    this.sessions.push({ owner, core });
    core.start(now);
  }

  /** Routes new queries out, and turns finished sessions into candidates and events. */
  private collect(now: number): void {
    for (const session of this.sessions) {
      for (let q = session.core.pollQuery(); q; q = session.core.pollQuery()) {
        const id = this.nextQueryId;
        this.nextQueryId = (this.nextQueryId % 0xffff) + 1;
        this.queryRoutes.set(id, { session, id: q.id });
        this.dnsQueries.push({ ...q, id });
      }
    }
    const found: Record<DiscoveryProcedure, HomeAgentCandidate[]> = { dns: [], dhcpv6: [] };
    const failures: Record<DiscoveryProcedure, string[]> = { dns: [], dhcpv6: [] };
    const finished = this.sessions.filter((s) => s.core.outcome !== undefined);
    this.sessions = this.sessions.filter((s) => s.core.outcome === undefined);
    for (const s of finished) {
      const o = s.core.outcome!;
      if (o.kind === 'home-agents') found[s.owner].push(...o.homeAgents);
      else failures[s.owner].push(`dns-${o.reason}`);
    }
    const dhcp = this.dhcp;
    if (dhcp?.outcome) {
      this.dhcp = undefined;
      const o = dhcp.outcome;
      if (o.kind === 'failed') failures.dhcpv6.push(o.reason);
      else {
        const prefix = o.info.homeNetworkPrefixes[0];
        for (const p of o.info.homeAgents)
          found.dhcpv6.push(candidate({ method: 'dhcpv6', ipv6: p.ipv6, ipv4: p.ipv4, homeNetworkPrefix: prefix }));
        for (const name of o.info.homeAgentFqdns) {
          this.events.push({ kind: 'fqdn-lookup-started', name });
          this.startDns(now, 'dhcpv6', { kind: 'name', name });
        }
        if (o.info.homeAgentFqdns.length > 0) this.collect(now); // route the new sessions' queries
      }
    }
    for (const p of ['dns', 'dhcpv6'] as const) this.settle(now, p, found[p], failures[p]);
  }

  private settle(now: number, p: DiscoveryProcedure, found: HomeAgentCandidate[], failures: string[]): void {
    if (found.length === 0 && failures.length === 0) return;
    const added = this.add(found);
    this.contributed[p] += added.length;
    this.reasons[p].push(...failures);
    if (added.length > 0) this.events.push({ kind: 'procedure-succeeded', procedure: p, homeAgents: added });
    const stillRunning = this.sessions.some((s) => s.owner === p) || (p === 'dhcpv6' && this.dhcp !== undefined);
    if (!stillRunning && this.state[p] === 'running') {
      this.state[p] = 'done';
      if (this.contributed[p] === 0)
        this.events.push({
          kind: 'procedure-failed',
          procedure: p,
          reason: this.reasons[p].join(',') || 'no-home-agent',
        });
    }
    if (this.current() === undefined) this.advance(now);
    else this.checkExhausted(now);
  }

  /** Appends candidates not already listed and not sharing an address with a failed HA; returns those added. */
  private add(candidates: readonly HomeAgentCandidate[]): HomeAgentCandidate[] {
    const added: HomeAgentCandidate[] = [];
    for (const c of candidates) {
      if (this.list.some((x) => sharesAddress(x, c)) || this.failed.some((f) => sharesAddress(f.ha, c))) continue;
      this.list.push(c);
      added.push(c);
    }
    return added;
  }

  private checkExhausted(now: number): void {
    if (this.current() !== undefined || this.exhaustedReported) return;
    const c = this.config;
    const pending = (['dns', 'dhcpv6'] as const).some((p) => {
      const configured = p === 'dns' ? c.dns !== undefined : c.dhcpv6 !== undefined;
      return configured && this.state[p] !== 'done';
    });
    if (pending) return;
    this.exhaustedReported = true;
    const unrecoverable =
      this.failed.length > 0 && this.failed.every((f) => f.failure.kind === 'ike-authentication-failed');
    this.retryAtMs = !unrecoverable && c.retryAfterMs !== undefined ? now + c.retryAfterMs : undefined;
    this.events.push({ kind: 'exhausted', unrecoverable, retryAtMs: this.retryAtMs });
  }
}
