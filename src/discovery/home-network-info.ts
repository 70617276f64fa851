/**
 * RFC 6610 home network information for DHCPv6 HA discovery (TS 24.303 §5.1.2.1.5), as pure functions: what to
 * ask for, and what a Reply gives.
 *
 * The seed (TS 24.303 v1.2.0) cites draft-ietf-mip6-hiopt: one "Home Network Identifier option" with an id-type,
 * answered by a "Home Network Information option" with sub-options. RFC 6610 replaced both with container options
 * (SPEC-NOTES §11). The mapping used here (docs/spec-choices.md):
 *
 *   id-type 0, "HA in the VPLMN for default connectivity" → ORO asks for OPTION_MIP6_VDINF (50), the visited
 *     domain's home network information (RFC 6610 §3.2.1, §4.1.1); no HNIDF is sent.
 *   id-type 1, "HA for this target PDN", with the HA-APN → ORO asks for OPTION_MIP6_IDINF (69) and the message
 *     carries OPTION_MIP6_HNIDF (49) = the HA-APN (RFC 6610 §3.1, §3.2.2, §4.1.1).
 *   Either way the ORO also lists HNIDF, HNP, HAA and HAF (RFC 6610 §4.1.1 MUST).
 *   The draft's "Home Network Information option" (HA addresses or HA FQDN) → the VDINF / IDINF container with
 *     OPTION_MIP6_HAA (72) / OPTION_MIP6_HAF (73) and OPTION_MIP6_HNP (71) inside.
 *
 * Reading a Reply (RFC 6610 §4.1.2): HNIDF/HNP/HAA/HAF outside a container are discarded; an IDINF without an HNIDF
 * equal to one we sent is discarded; a container without complete information — here: no HAA and no HAF, since the
 * seed says it "shall include either the available HA addresses ... or the HA FQDN" — is discarded; containers of a
 * kind we did not ask for are ignored; of the rest the first usable one is taken.
 */

import { sameDomainName } from '../dhcp/domain-name-compare.ts';
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { HomeNetworkInfoScope } from '../wire/dhcpv6/constants.ts';
import { homeAgentIpv4Address, homeNetworkInfoRequestCodes } from '../wire/dhcpv6/home-network.ts';
import type { Dhcpv6Option, HomeNetworkInfoOption } from '../wire/dhcpv6/option-types.ts';
import { type AddressPair, type Ipv6Prefix, pairListedAddresses } from './candidates.ts';

/** The seed's id-type of the Home Network Identifier option (TS 24.303 §5.1.2.1.5). */
export type SeedHomeNetworkIdType = 0 | 1;

export interface HomeNetworkRequest {
  readonly scope: HomeNetworkInfoScope;
  /** Home Network ID FQDNs to send (IDINF requests only). */
  readonly homeNetworkIds: readonly string[];
}

/** The RFC 6610 request for the seed's id-type; id-type 1 needs the HA-APN. */
export function homeNetworkRequestForIdType(idType: SeedHomeNetworkIdType, haApn?: string): HomeNetworkRequest {
  if (idType === 0) return { scope: 'visited', homeNetworkIds: [] };
  if (haApn === undefined || haApn === '') throw new RangeError('id-type 1 needs the HA-APN of the target PDN');
  return { scope: 'identified', homeNetworkIds: [haApn] };
}

/** ORO codes and the options to add to the Information-request (RFC 6610 §4.1.1). */
export function homeNetworkRequestOptions(req: HomeNetworkRequest): {
  readonly requestedOptions: readonly number[];
  readonly extraOptions: readonly Dhcpv6Option[];
} {
  return {
    requestedOptions: homeNetworkInfoRequestCodes([req.scope]),
    extraOptions: req.homeNetworkIds.map((fqdn) => ({ kind: 'home-network-id-fqdn', fqdn })),
  };
}

export interface HomeNetworkInformation {
  readonly scope: HomeNetworkInfoScope;
  /** HAA options in the order written; 64:ff9b::/96 ones are IPv4 HAs (RFC 6610 §3.4), paired by position. */
  readonly homeAgents: readonly AddressPair[];
  readonly homeAgentFqdns: readonly string[];
  readonly homeNetworkPrefixes: readonly Ipv6Prefix[];
}

export interface HomeNetworkInfoReading {
  readonly info: HomeNetworkInformation | undefined;
  /** Counts of what RFC 6610 §4.1.2 made us discard, for logs. */
  readonly discarded: {
    readonly outsideContainer: number;
    readonly unmatchedIdentified: number;
    readonly incomplete: number;
    readonly notRequested: number;
  };
}

const SCOPE_OF_KIND: Record<HomeNetworkInfoOption['kind'], HomeNetworkInfoScope> = {
  'visited-home-network-info': 'visited',
  'identified-home-network-info': 'identified',
  'unrestricted-home-network-info': 'unrestricted',
};

function isContainer(o: Dhcpv6Option): o is HomeNetworkInfoOption {
  return o.kind in SCOPE_OF_KIND;
}

function contents(scope: HomeNetworkInfoScope, options: readonly Dhcpv6Option[]): HomeNetworkInformation {
  const v6: Ipv6Address[] = [];
  const v4: Ipv4Address[] = [];
  const homeAgentFqdns: string[] = [];
  const homeNetworkPrefixes: Ipv6Prefix[] = [];
  for (const o of options) {
    if (o.kind === 'home-agent-address') {
      const embedded = homeAgentIpv4Address(o.address);
      if (embedded) v4.push(embedded);
      else v6.push(o.address);
    } else if (o.kind === 'home-agent-fqdn') homeAgentFqdns.push(o.fqdn);
    else if (o.kind === 'home-network-prefix')
      homeNetworkPrefixes.push({ prefix: o.prefix, prefixLength: o.prefixLength });
  }
  return { scope, homeAgents: pairListedAddresses(v6, v4), homeAgentFqdns, homeNetworkPrefixes };
}

/** The home network information a Reply's top-level options give for `req`. */
export function readHomeNetworkInformation(
  replyOptions: readonly Dhcpv6Option[],
  req: HomeNetworkRequest,
): HomeNetworkInfoReading {
  const discarded = { outsideContainer: 0, unmatchedIdentified: 0, incomplete: 0, notRequested: 0 };
  let info: HomeNetworkInformation | undefined;
  for (const o of replyOptions) {
    if (
      o.kind === 'home-network-id-fqdn' ||
      o.kind === 'home-network-prefix' ||
      o.kind === 'home-agent-address' ||
      o.kind === 'home-agent-fqdn'
    ) {
      discarded.outsideContainer++; // RFC 6610 §4.1.2 "MUST silently discard"
      continue;
    }
    if (!isContainer(o)) continue;
    const scope = SCOPE_OF_KIND[o.kind];
    if (scope !== req.scope) {
      discarded.notRequested++;
      continue;
    }
    if (scope === 'identified') {
      const matches = o.options.some(
        (x) => x.kind === 'home-network-id-fqdn' && req.homeNetworkIds.some((id) => sameDomainName(id, x.fqdn)),
      );
      if (!matches) {
        discarded.unmatchedIdentified++;
        continue;
      }
    }
    const c = contents(scope, o.options);
    if (c.homeAgents.length === 0 && c.homeAgentFqdns.length === 0) {
      discarded.incomplete++;
      continue;
    }
    info ??= c; // "the mobile node SHOULD choose the first one that it can employ"
  }
  return { info, discarded };
}
