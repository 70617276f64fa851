/**
 * The Home Agent discovery core (src/discovery) on the UE's real I/O: DNS queries through a `DnsResolver`, DHCPv6
 * datagrams through the access link (ff02::1:2 or a configured unicast address, scoped to the link), one timer on
 * the monotonic clock. It resolves once `done` accepts the events so far, and fails after `timeoutMs`.
 */
import type { DiscoveryEvent, HomeAgentDiscovery } from '../../discovery/discovery.ts';
import type { DnsResolver } from '../../discovery/dns-lookup.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import { DHCPV6_SERVER_PORT } from '../../wire/dhcpv6/constants.ts';
import { DeadlineTimer, monotonicNowMs } from '../net/clock.ts';
import type { AccessLink } from './access-link.ts';

export interface DiscoveryDriverIo {
  readonly resolver?: DnsResolver;
  readonly link?: AccessLink;
  /** Instead of the core's destination (All_DHCP_Relay_Agents_and_Servers, RFC 8415 §7.1). */
  readonly dhcpv6Server?: Ipv6Address;
}

/** Node's text for a destination on the link: link-scoped ones carry the interface (`ff02::1:2%eth0`). */
function linkDestination(a: Ipv6Address, interfaceName: string): string {
  return a.isLinkLocal || a.isMulticast ? `${a}%${interfaceName}` : String(a);
}

export function driveDiscovery(
  core: HomeAgentDiscovery,
  io: DiscoveryDriverIo,
  done: (events: readonly DiscoveryEvent[]) => boolean,
  timeoutMs: number,
): Promise<DiscoveryEvent[]> {
  const events: DiscoveryEvent[] = [];
  return new Promise<DiscoveryEvent[]>((resolve, reject) => {
    let finished = false;
    const timer = new DeadlineTimer((now) => {
      core.handleTimeout(now);
      pump();
    }, monotonicNowMs);
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      timer.stop();
      clearTimeout(overall);
      off?.();
      if (error) reject(error);
      else resolve(events);
    };
    const pump = () => {
      if (finished) return;
      const link = io.link;
      for (let d = core.pollTransmit(); d; d = core.pollTransmit()) {
        if (link)
          link.socket.send(
            d.payload,
            linkDestination(io.dhcpv6Server ?? d.destination, link.interfaceName),
            d.destinationPort,
          );
      }
      for (let q = core.pollDnsQuery(); q; q = core.pollDnsQuery()) {
        const query = q;
        if (!io.resolver) continue; // unanswered: the core's query timeout fails it
        void io.resolver.lookup(query.name, query.type).then((r) => {
          if (finished) return;
          core.handleDnsAnswer(monotonicNowMs(), query.id, r);
          pump();
        });
      }
      for (let e = core.pollEvent(); e; e = core.pollEvent()) events.push(e);
      if (done(events)) finish();
      else timer.arm(core.pollTimeout());
    };
    const off = io.link?.socket.onMessage((d) => {
      if (finished || d.port !== DHCPV6_SERVER_PORT) return; // RFC 8415 §7.2: servers and relays answer from 547
      core.handleDhcpv6Datagram(monotonicNowMs(), d.payload);
      pump();
    });
    const overall = setTimeout(() => {
      const kinds = events.map((e) => ('procedure' in e ? `${e.kind}:${e.procedure}` : e.kind));
      finish(new Error(`home agent discovery did not finish in ${timeoutMs} ms (${kinds.join(', ') || 'no events'})`));
    }, timeoutMs);
    core.start(monotonicNowMs());
    pump();
  });
}
