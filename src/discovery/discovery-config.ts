/**
 * Configuration of the UE's Home Agent discovery (TS 24.303 §5.1.2.1), validated once into a frozen object
 * (STYLE.md "config at the edge").
 */
import type { RandomSource } from '../dhcp/random.ts';
import { ConfigError } from '../util/errors.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import type { HomeAgentCandidate } from './candidates.ts';
import { DHCPV6_DISCOVERY_MRD_MS, DNS_QUERY_TIMEOUT_MS } from './constants.ts';
import type { DnsDiscoveryTarget } from './dns-discovery.ts';
import { parseHaApn } from './ha-apn.ts';
import type { SeedHomeNetworkIdType } from './home-network-info.ts';

/**
 * §5.1.2.1.1: "The UE may be configured to perform both procedures in parallel or one of the two procedures only
 * in case the other failed."
 */
export type DiscoveryMode = 'parallel' | 'sequential';

export interface DhcpDiscoverySettings {
  readonly idType: SeedHomeNetworkIdType;
  readonly haApn: string | undefined;
  readonly clientDuid: Duid | undefined;
  readonly linkLocalAddress: Ipv6Address;
  readonly maxDurationMs: number;
  readonly firstTransmissionDelayMaxMs: number | undefined;
}

export interface HomeAgentDiscoveryConfig {
  /**
   * HAs from the PCO (§5.1.2.1.3), the ePDG (§5.1.2.1.4) or static configuration: when present they are used first,
   * without DNS or DHCPv6 (§5.1.2.1.1); DNS/DHCPv6 run only once all of them failed.
   */
  readonly provided: readonly HomeAgentCandidate[];
  readonly dns: { readonly target: DnsDiscoveryTarget; readonly queryTimeoutMs: number } | undefined;
  readonly dhcpv6: DhcpDiscoverySettings | undefined;
  readonly mode: DiscoveryMode;
  /** Sequential mode: the procedure tried first. */
  readonly first: 'dns' | 'dhcpv6';
  /**
   * RFC 5026 §5.1.2: when no HA responded, try again after this long; undefined never retries. Not after every HA
   * failed authentication ("an unrecoverable error").
   */
  readonly retryAfterMs: number | undefined;
  readonly random: RandomSource;
}

export interface HomeAgentDiscoveryInit {
  readonly provided?: readonly HomeAgentCandidate[];
  /** DNS by name (the HA-APN) or by service. */
  readonly dns?: { readonly target: DnsDiscoveryTarget; readonly queryTimeoutMs?: number };
  readonly dhcpv6?: Partial<DhcpDiscoverySettings> & Pick<DhcpDiscoverySettings, 'idType' | 'linkLocalAddress'>;
  readonly mode?: DiscoveryMode;
  readonly first?: 'dns' | 'dhcpv6';
  readonly retryAfterMs?: number;
  readonly random: RandomSource;
}

function positive(v: number, path: string): number {
  if (!Number.isFinite(v) || v < 0) throw new ConfigError('INVALID', path, `must be a non-negative number, got ${v}`);
  return v;
}

export function homeAgentDiscoveryConfig(
  init: HomeAgentDiscoveryInit,
  path = 'ue.discovery',
): HomeAgentDiscoveryConfig {
  const provided = init.provided ?? [];
  if (provided.length === 0 && !init.dns && !init.dhcpv6)
    throw new ConfigError('MISSING', path, 'no HA source: give PCO/ePDG/static HAs, DNS or DHCPv6');
  if (init.dns?.target.kind === 'name' && init.dns.target.name === '')
    throw new ConfigError('INVALID', `${path}.dns.target.name`, 'empty name');
  let dhcpv6: DhcpDiscoverySettings | undefined;
  if (init.dhcpv6) {
    const d = init.dhcpv6;
    if (d.idType === 1) {
      if (d.haApn === undefined) throw new ConfigError('MISSING', `${path}.dhcpv6.haApn`, 'id-type 1 needs the HA-APN');
      const parsed = parseHaApn(d.haApn);
      if (!parsed.ok) throw new ConfigError('INVALID', `${path}.dhcpv6.haApn`, `not an HA-APN: ${parsed.problem}`);
    }
    if (!d.linkLocalAddress.isLinkLocal)
      throw new ConfigError('INVALID', `${path}.dhcpv6.linkLocalAddress`, 'must be link-local (RFC 8415 §17)');
    dhcpv6 = Object.freeze({
      idType: d.idType,
      haApn: d.haApn,
      clientDuid: d.clientDuid,
      linkLocalAddress: d.linkLocalAddress,
      maxDurationMs: positive(d.maxDurationMs ?? DHCPV6_DISCOVERY_MRD_MS, `${path}.dhcpv6.maxDurationMs`),
      firstTransmissionDelayMaxMs:
        d.firstTransmissionDelayMaxMs === undefined
          ? undefined
          : positive(d.firstTransmissionDelayMaxMs, `${path}.dhcpv6.firstTransmissionDelayMaxMs`),
    });
  }
  // With only provided HAs (PCO, ePDG, static) no procedure runs, so a defaulted `first` names nothing to check.
  const first = init.first ?? (init.dns || !dhcpv6 ? 'dns' : 'dhcpv6');
  const dynamic = init.dns !== undefined || dhcpv6 !== undefined;
  if (dynamic && ((first === 'dns' && !init.dns) || (first === 'dhcpv6' && !dhcpv6)))
    throw new ConfigError('INVALID', `${path}.first`, `${first} is not configured`);
  return Object.freeze({
    provided: Object.freeze([...provided]),
    dns: init.dns
      ? Object.freeze({
          target: init.dns.target,
          queryTimeoutMs: positive(init.dns.queryTimeoutMs ?? DNS_QUERY_TIMEOUT_MS, `${path}.dns.queryTimeoutMs`),
        })
      : undefined,
    dhcpv6,
    mode: init.mode ?? 'sequential',
    first,
    retryAfterMs: init.retryAfterMs === undefined ? undefined : positive(init.retryAfterMs, `${path}.retryAfterMs`),
    random: init.random,
  });
}
