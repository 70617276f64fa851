/**
 * Home Agent discovery for `UserEquipment.attach` (TS 24.303 §5.1.2.1): HAs from the PCO or the ePDG win; otherwise
 * the configured `methods` run, one after the other on failure or in parallel (§5.1.2.1.1): DNS resolves the HA-APN
 * (AAAA and A, with TTLs) against the configured servers (§5.1.2.1.2), DHCPv6 sends an Information-request on the
 * access link and resolves any HA FQDN it gets back (§5.1.2.1.5, RFC 6610). HAs from the file's `static` list come
 * last. The result is the ordered list to try; an HA that fails is skipped for the next (§5.1.2.1.1).
 */
import type { UeConfig } from '../../config/load.ts';
import { enabledDiscoveryMethods } from '../../config/ue-schema.ts';
import type { HomeAgentCandidate } from '../../discovery/candidates.ts';
import { type DiscoveryEvent, HomeAgentDiscovery } from '../../discovery/discovery.ts';
import { homeAgentDiscoveryConfig } from '../../discovery/discovery-config.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import { NodeDnsResolver } from '../dns/resolver.ts';
import type { AddressAliases } from '../net/address-aliases.ts';
import { type AccessLink, openAccessLink } from './access-link.ts';
import { driveDiscovery } from './discovery-driver.ts';
import { discoveryInitOf, providedHomeAgents, staticHomeAgents } from './ue-config.ts';

/** `address:port` / `[address]:port` as the resolver takes them, through the lab aliases when given. */
export function dnsServerTexts(config: UeConfig, aliases?: AddressAliases): string[] {
  return (config.discovery.dns?.servers ?? []).map((s) => {
    const a = (aliases ? aliases.toWire(s.address) : s.address).toString();
    return a.includes(':') ? `[${a}]:${s.port}` : `${a}:${s.port}`;
  });
}

export interface DiscoveryIo {
  /** Lab addressing: the resolver's sockets are not the provider's, so DNS addresses are mapped here. */
  readonly aliases?: AddressAliases;
  /** The address DNS queries leave from (the care-of address), or the kernel's choice. */
  readonly localAddress?: IpAddress;
  /** Opens the access link for DHCPv6 (default: UDP 546 on the interface, access-link.ts). */
  readonly openAccessLink?: (interfaceName: string) => Promise<AccessLink>;
}

export interface DiscoveryOutcome {
  /** HAs to try, in order. */
  readonly homeAgents: readonly HomeAgentCandidate[];
  readonly events: readonly DiscoveryEvent[];
}

/** Runs discovery until an HA is selected or every procedure failed; `onEvent` sees each event as it comes. */
export async function discoverHomeAgents(
  config: UeConfig,
  random: (n: number) => Uint8Array,
  onEvent: (e: DiscoveryEvent) => void,
  timeoutMs: number,
  io: DiscoveryIo = {},
): Promise<DiscoveryOutcome> {
  const fallback = staticHomeAgents(config);
  // HAs from the PCO or the ePDG win (§5.1.2.1.1): no procedure runs, so nothing is opened (UDP 546 is privileged).
  const provided = providedHomeAgents(config);
  if (provided.length > 0) return { homeAgents: [...provided, ...fallback], events: [] };
  const methods = enabledDiscoveryMethods(config.discovery);
  const dhcpv6 = methods.includes('dhcpv6') ? config.discovery.dhcpv6 : undefined;
  // Opened first: its link-local address is the core's source (RFC 8415 §17); failing here names the problem.
  const link = dhcpv6 ? await (io.openAccessLink ?? openAccessLink)(dhcpv6.interface) : undefined;
  let resolver: NodeDnsResolver | undefined;
  try {
    const init = discoveryInitOf(config, random, link?.linkLocalAddress);
    if (!init.dns && !init.dhcpv6) return { homeAgents: fallback, events: [] };
    const core = new HomeAgentDiscovery(homeAgentDiscoveryConfig(init));
    // DHCPv6 may return HA FQDNs to resolve (§5.1.2.1.5): without configured servers, the system's resolvers.
    const servers = dnsServerTexts(config, io.aliases);
    if (servers.length > 0 || init.dhcpv6) {
      const local = io.localAddress && (io.aliases ? io.aliases.toWire(io.localAddress) : io.localAddress);
      resolver = new NodeDnsResolver({ servers, ...(local ? { localAddress: local } : {}) });
    }
    let reported = 0;
    const done = (seen: readonly DiscoveryEvent[]) => {
      for (; reported < seen.length; reported++) onEvent(seen[reported]!);
      return seen.some((e) => e.kind === 'home-agent-selected' || e.kind === 'exhausted');
    };
    const driverIo = {
      ...(resolver ? { resolver } : {}),
      ...(link ? { link } : {}),
      ...(dhcpv6 ? { dhcpv6Server: dhcpv6.server } : {}),
    };
    try {
      const events = await driveDiscovery(core, driverIo, done, timeoutMs);
      return { homeAgents: [...core.homeAgents(), ...fallback], events };
    } catch (e) {
      if (fallback.length === 0) throw e;
      return { homeAgents: fallback, events: [] }; // discovery timed out: the configured HAs remain
    }
  } finally {
    resolver?.cancel();
    await link?.socket.close();
  }
}
