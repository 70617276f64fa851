/**
 * Runs the Home Agent discovery core on real I/O, for the real-server tests: DHCPv6 datagrams through a UDP socket
 * on the access link (in a network namespace, `NetnsUdpSocket`), DNS through a `DnsResolver`, timers on the wall
 * clock. It stops when `done` says so, or fails after `timeoutMs`.
 */
import type { DiscoveryEvent, HomeAgentDiscovery } from '../../discovery/discovery.ts';
import type { DnsResolver } from '../../discovery/dns-lookup.ts';
import type { NetnsUdpSocket } from './netns-udp.ts';

/** The time base handed to the core: milliseconds of a monotonic clock, the same across runs. */
export const monotonicNowMs = (): number => Math.round(performance.now());
const clock = monotonicNowMs;

export interface DiscoveryIo {
  /** The client-port (546) socket on the access link and the link's interface name (for ff02::1:2%if). */
  readonly dhcpv6?: { readonly socket: NetnsUdpSocket; readonly interfaceName: string };
  readonly resolver?: DnsResolver;
}

export async function runHomeAgentDiscovery(
  core: HomeAgentDiscovery,
  io: DiscoveryIo,
  done: (events: readonly DiscoveryEvent[], core: HomeAgentDiscovery) => boolean,
  timeoutMs: number,
  start = true,
): Promise<DiscoveryEvent[]> {
  const events: DiscoveryEvent[] = [];
  return new Promise<DiscoveryEvent[]>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(overall);
      off?.();
      if (error) reject(error);
      else resolve(events);
    };
    const pump = () => {
      if (finished) return;
      for (let d = core.pollTransmit(); d; d = core.pollTransmit()) {
        const link = io.dhcpv6;
        if (!link) continue;
        const dst =
          d.destination.isLinkLocal || d.destination.isMulticast
            ? `${d.destination}%${link.interfaceName}`
            : String(d.destination);
        link.socket.send(d.payload, dst, d.destinationPort);
      }
      for (let q = core.pollDnsQuery(); q; q = core.pollDnsQuery()) {
        const query = q;
        if (!io.resolver) continue;
        void io.resolver.lookup(query.name, query.type).then((r) => {
          core.handleDnsAnswer(clock(), query.id, r);
          pump();
        });
      }
      for (let e = core.pollEvent(); e; e = core.pollEvent()) events.push(e);
      if (done(events, core)) {
        finish();
        return;
      }
      clearTimeout(timer);
      const next = core.pollTimeout();
      if (next !== undefined)
        timer = setTimeout(
          () => {
            core.handleTimeout(clock());
            pump();
          },
          Math.max(0, next - clock()),
        );
    };
    const off = io.dhcpv6?.socket.onMessage((d) => {
      if (d.port !== 547) return; // RFC 8415 §7.2: servers and relays answer from port 547
      core.handleDhcpv6Datagram(clock(), d.payload);
      pump();
    });
    const overall = setTimeout(
      () =>
        finish(new Error(`discovery did not finish in ${timeoutMs} ms: ${JSON.stringify(events.map((e) => e.kind))}`)),
      timeoutMs,
    );
    if (start) core.start(clock());
    pump();
  });
}
