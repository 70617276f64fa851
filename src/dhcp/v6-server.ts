/**
 * The HA's embedded stateless DHCPv6 server (RFC 8415 §18.3.6, RFC 3736): answers an Information-request that came
 * through a UE's tunnel with the configured DNS servers, Vendor-specific Information per enterprise number and, when
 * configured, RFC 6610 home network information. A pure function of the request and the configuration.
 */
import { ConfigError, isWireError } from '../util/errors.ts';
import { bytesEqual } from '../util/hex.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import {
  Dhcpv6OptionCode as C,
  Dhcpv6MessageType,
  IRT_DEFAULT_SEC,
  IRT_MINIMUM_SEC,
} from '../wire/dhcpv6/constants.ts';
import type { Duid } from '../wire/dhcpv6/duid.ts';
import {
  type Dhcpv6ClientServerMessage,
  decodeDhcpv6Message,
  dhcpv6OptionCode,
  encodeDhcpv6Message,
} from '../wire/dhcpv6/message.ts';
import { type Dhcpv6Option, findAllDhcpv6Options, findDhcpv6Option } from '../wire/dhcpv6/option-types.ts';
import { IA_OPTION_CODES } from './constants.ts';
import { sameDomainName } from './domain-name-compare.ts';
import type { Dhcpv6VendorOptions } from './v6-parameters.ts';
import { encodeDuid } from './v6-reply-check.ts';

/** One entry of the RFC 6610 §4.3 Home Network ID FQDN table. */
export interface IdentifiedHomeNetwork {
  readonly fqdn: string;
  /** HNP / HAA / HAF options for that network (the HNIDF is added by the server). */
  readonly options: readonly Dhcpv6Option[];
}

export interface EmbeddedDhcpv6ServerConfig {
  readonly serverDuid: Duid;
  readonly dnsServers: readonly Ipv6Address[];
  readonly domainSearchList: readonly string[];
  /** At most one entry per enterprise number (RFC 8415 §21.17). */
  readonly vendorOptions: readonly Dhcpv6VendorOptions[];
  /** Sent when asked for; at least IRT_MINIMUM (RFC 8415 §21.23). */
  readonly informationRefreshTimeSec: number;
  /** Contents of VDINF / UDINF containers and the HNIDF table for IDINF (RFC 6610 §4.3); empty = not served. */
  readonly visitedHomeNetwork: readonly Dhcpv6Option[];
  readonly unrestrictedHomeNetwork: readonly Dhcpv6Option[];
  readonly identifiedHomeNetworks: readonly IdentifiedHomeNetwork[];
}

export type EmbeddedDhcpv6ServerInit = Pick<EmbeddedDhcpv6ServerConfig, 'serverDuid'> &
  Partial<Omit<EmbeddedDhcpv6ServerConfig, 'serverDuid'>>;

/** Validates once into a frozen configuration (STYLE.md "config at the edge"). `path` names the config key. */
export function embeddedDhcpv6ServerConfig(
  init: EmbeddedDhcpv6ServerInit,
  path = 'ha.dhcp.v6',
): EmbeddedDhcpv6ServerConfig {
  const vendorOptions = init.vendorOptions ?? [];
  const seen = new Set<number>();
  for (const [i, v] of vendorOptions.entries()) {
    if (!Number.isInteger(v.enterpriseNumber) || v.enterpriseNumber < 0 || v.enterpriseNumber > 0xffffffff)
      throw new ConfigError('INVALID', `${path}.vendorOptions[${i}]`, 'enterprise number outside 0..2^32-1');
    if (seen.has(v.enterpriseNumber))
      throw new ConfigError(
        'INVALID',
        `${path}.vendorOptions[${i}]`,
        'one entry per enterprise number (RFC 8415 §21.17)',
      );
    seen.add(v.enterpriseNumber);
  }
  const irt = init.informationRefreshTimeSec ?? IRT_DEFAULT_SEC;
  if (!Number.isInteger(irt) || irt < IRT_MINIMUM_SEC || irt > 0xffffffff)
    throw new ConfigError(
      'INVALID',
      `${path}.informationRefreshTimeSec`,
      `must be ${IRT_MINIMUM_SEC}..2^32-1 (RFC 8415 §21.23)`,
    );
  return Object.freeze({
    serverDuid: init.serverDuid,
    dnsServers: Object.freeze([...(init.dnsServers ?? [])]),
    domainSearchList: Object.freeze([...(init.domainSearchList ?? [])]),
    vendorOptions: Object.freeze([...vendorOptions]),
    informationRefreshTimeSec: irt,
    visitedHomeNetwork: Object.freeze([...(init.visitedHomeNetwork ?? [])]),
    unrestrictedHomeNetwork: Object.freeze([...(init.unrestrictedHomeNetwork ?? [])]),
    identifiedHomeNetworks: Object.freeze([...(init.identifiedHomeNetworks ?? [])]),
  });
}

export type Dhcpv6ServerDropReason =
  | 'malformed'
  | 'not-information-request' // a stateless server answers Information-request only (RFC 3736 §5)
  | 'other-server' // RFC 8415 §16.12: Server Identifier of another server
  | 'ia-option'; // RFC 8415 §16.12: an IA option

export type Dhcpv6ServerResult =
  | { readonly kind: 'reply'; readonly reply: Dhcpv6ClientServerMessage; readonly payload: Uint8Array }
  | { readonly kind: 'drop'; readonly reason: Dhcpv6ServerDropReason };

/** Answers one Information-request (RFC 8415 §18.3.6), or says why it is discarded (§16.12). */
export function answerInformationRequest(payload: Uint8Array, config: EmbeddedDhcpv6ServerConfig): Dhcpv6ServerResult {
  let request: Dhcpv6ClientServerMessage;
  try {
    const m = decodeDhcpv6Message(payload);
    if (m.kind !== 'client-server' || m.msgType !== Dhcpv6MessageType.INFORMATION_REQUEST)
      return { kind: 'drop', reason: 'not-information-request' };
    request = m;
  } catch (e) {
    if (!isWireError(e)) throw e;
    return { kind: 'drop', reason: 'malformed' };
  }
  const serverId = findDhcpv6Option(request.options, 'server-id');
  if (serverId && !bytesEqual(encodeDuid(serverId.duid), encodeDuid(config.serverDuid)))
    return { kind: 'drop', reason: 'other-server' };
  if (request.options.some((o) => IA_OPTION_CODES.includes(dhcpv6OptionCode(o))))
    return { kind: 'drop', reason: 'ia-option' };

  const requested = new Set(findDhcpv6Option(request.options, 'option-request')?.codes ?? []);
  const options: Dhcpv6Option[] = [{ kind: 'server-id', duid: config.serverDuid }];
  const clientId = findDhcpv6Option(request.options, 'client-id');
  if (clientId) options.push(clientId); // "the server copies that option to the Reply"
  // §18.3: options the client asked for in its ORO, when this server has a value for them.
  if (requested.has(C.DNS_SERVERS) && config.dnsServers.length > 0)
    options.push({ kind: 'dns-servers', servers: config.dnsServers });
  if (requested.has(C.DOMAIN_LIST) && config.domainSearchList.length > 0)
    options.push({ kind: 'domain-list', domains: config.domainSearchList });
  if (requested.has(C.VENDOR_OPTS)) {
    for (const v of config.vendorOptions)
      options.push({ kind: 'vendor-opts', enterpriseNumber: v.enterpriseNumber, subOptions: v.subOptions });
  }
  options.push(...homeNetworkInformation(request, requested, config));
  if (requested.has(C.INFORMATION_REFRESH_TIME))
    options.push({ kind: 'information-refresh-time', refreshTimeSec: config.informationRefreshTimeSec });

  const reply: Dhcpv6ClientServerMessage = {
    kind: 'client-server',
    msgType: Dhcpv6MessageType.REPLY,
    transactionId: request.transactionId,
    options,
  };
  return { kind: 'reply', reply, payload: encodeDhcpv6Message(reply) };
}

/** RFC 6610 §4.3: configured VDINF/UDINF when asked for; one IDINF per client HNIDF found in the table. */
function homeNetworkInformation(
  request: Dhcpv6ClientServerMessage,
  requested: ReadonlySet<number>,
  config: EmbeddedDhcpv6ServerConfig,
): Dhcpv6Option[] {
  const out: Dhcpv6Option[] = [];
  if (requested.has(C.MIP6_VDINF) && config.visitedHomeNetwork.length > 0)
    out.push({ kind: 'visited-home-network-info', options: config.visitedHomeNetwork });
  if (requested.has(C.MIP6_IDINF)) {
    for (const hnidf of findAllDhcpv6Options(request.options, 'home-network-id-fqdn')) {
      const entry = config.identifiedHomeNetworks.find((e) => sameDomainName(e.fqdn, hnidf.fqdn));
      // "include a Home Network ID option within the [IDINF] that identifies the home network" (§4.3)
      if (entry) out.push({ kind: 'identified-home-network-info', options: [hnidf, ...entry.options] });
    }
  }
  if (requested.has(C.MIP6_UDINF) && config.unrestrictedHomeNetwork.length > 0)
    out.push({ kind: 'unrestricted-home-network-info', options: config.unrestrictedHomeNetwork });
  return out;
}
