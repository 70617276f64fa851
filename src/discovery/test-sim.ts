/**
 * Test support (not exported): the discovery policy core on a simulated access network with a virtual clock —
 * a DNS zone answering after `dnsDelayMs` and an embedded DHCPv6 server answering after `dhcpDelayMs`.
 * Nothing sleeps; a run that does not settle within a bounded number of steps fails loudly.
 */
import { answerInformationRequest, type EmbeddedDhcpv6ServerConfig } from '../dhcp/v6-server.ts';
import type { DiscoveryEvent, HomeAgentDiscovery } from './discovery.ts';
import { lookupInZone, type Zone } from './test-zone.ts';

export interface SimWorld {
  readonly zone: Zone;
  /** Undefined: DNS never answers. */
  readonly dnsDelayMs: number | undefined;
  /** Undefined: no DHCPv6 server on the link. */
  readonly dhcpServer: EmbeddedDhcpv6ServerConfig | undefined;
  readonly dhcpDelayMs: number;
}

export class DiscoverySim {
  now = 0;
  readonly events: DiscoveryEvent[] = [];
  readonly dnsNamesAsked: string[] = [];
  dhcpTransmissions = 0;
  private scheduled: { at: number; run: () => void }[] = [];

  constructor(
    readonly core: HomeAgentDiscovery,
    readonly world: SimWorld,
  ) {}

  /** Runs until nothing is left to do before `untilMs`; returns the events seen in this run. */
  run(untilMs: number): DiscoveryEvent[] {
    const first = this.events.length;
    for (let step = 0; step < 10_000; step++) {
      this.drain();
      const times = [this.core.pollTimeout(), ...this.scheduled.map((s) => s.at)].filter(
        (t): t is number => t !== undefined,
      );
      const next = times.length ? Math.min(...times) : undefined;
      if (next === undefined || next > untilMs) return this.events.slice(first);
      this.now = Math.max(this.now, next);
      const due = this.scheduled.filter((s) => s.at <= this.now);
      this.scheduled = this.scheduled.filter((s) => s.at > this.now);
      for (const s of due) s.run();
      this.core.handleTimeout(this.now);
    }
    throw new Error('simulation did not settle');
  }

  kinds(events: readonly DiscoveryEvent[]): string[] {
    return events.map((e) => ('procedure' in e ? `${e.kind}:${e.procedure}` : e.kind));
  }

  private drain(): void {
    const core = this.core;
    for (let q = core.pollDnsQuery(); q; q = core.pollDnsQuery()) {
      this.dnsNamesAsked.push(`${q.type} ${q.name}`);
      const delay = this.world.dnsDelayMs;
      if (delay === undefined) continue;
      const query = q;
      this.scheduled.push({
        at: this.now + delay,
        run: () => core.handleDnsAnswer(this.now, query.id, lookupInZone(this.world.zone, query)),
      });
    }
    for (let d = core.pollTransmit(); d; d = core.pollTransmit()) {
      this.dhcpTransmissions++;
      const server = this.world.dhcpServer;
      if (!server) continue;
      const r = answerInformationRequest(d.payload, server);
      if (r.kind !== 'reply') continue;
      this.scheduled.push({
        at: this.now + this.world.dhcpDelayMs,
        run: () => core.handleDhcpv6Datagram(this.now, r.payload),
      });
    }
    for (let e = core.pollEvent(); e; e = core.pollEvent()) this.events.push(e);
  }
}
