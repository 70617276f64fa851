/**
 * Home Agent discovery for `UserEquipment.attach` (TS 24.303 §5.1.2.1): HAs from the PCO or the ePDG win; otherwise
 * the HA-APN is resolved (AAAA and A, with TTLs) against the configured DNS servers; HAs from the file's `static`
 * list come last. The result is the ordered list to try; an HA that fails is skipped for the next (§5.1.2.1.1).
 */
import type { UeConfig } from '../../config/load.ts';
import type { HomeAgentCandidate } from '../../discovery/candidates.ts';
import { type DiscoveryEvent, HomeAgentDiscovery } from '../../discovery/discovery.ts';
import { homeAgentDiscoveryConfig } from '../../discovery/discovery-config.ts';
import { runHomeAgentDiscovery } from '../dhcp/discovery-runner.ts';
import { NodeDnsResolver } from '../dns/resolver.ts';
import { discoveryInitOf, staticHomeAgents } from './ue-config.ts';

/** `address:port` / `[address]:port` as the resolver takes them. */
export function dnsServerTexts(config: UeConfig): string[] {
  return (config.discovery.dns?.servers ?? []).map((s) => {
    const a = s.address.toString();
    return a.includes(':') ? `[${a}]:${s.port}` : `${a}:${s.port}`;
  });
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
): Promise<DiscoveryOutcome> {
  const init = discoveryInitOf(config, random);
  const fallback = staticHomeAgents(config);
  if ((init.provided ?? []).length === 0 && !init.dns) return { homeAgents: fallback, events: [] };
  const core = new HomeAgentDiscovery(homeAgentDiscoveryConfig(init));
  const servers = dnsServerTexts(config);
  const resolver = servers.length > 0 ? new NodeDnsResolver({ servers }) : undefined;
  let reported = 0;
  try {
    const events = await runHomeAgentDiscovery(
      core,
      resolver ? { resolver } : {},
      (seen) => {
        for (; reported < seen.length; reported++) onEvent(seen[reported]!);
        return seen.some((e) => e.kind === 'home-agent-selected' || e.kind === 'exhausted');
      },
      timeoutMs,
    );
    return { homeAgents: [...core.homeAgents(), ...fallback], events };
  } catch (e) {
    if (fallback.length === 0) throw e;
    return { homeAgents: fallback, events: [] }; // discovery timed out: the configured HAs remain
  } finally {
    resolver?.cancel();
  }
}
