/**
 * The HA's embedded stateless DHCPv4 server: DHCPACK to a DHCPINFORM (RFC 2131 §3.4, §4.3.5) that came through a
 * UE's tunnel, with DNS servers, V-I Vendor-Specific Information per enterprise number (RFC 3925 §4) and option 43
 * (RFC 2132 §8.4) from the configuration. No lease time, yiaddr 0. A pure function of request and configuration.
 */
import { ConfigError, isWireError } from '../util/errors.ts';
import { bytesEqual } from '../util/hex.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import {
  BootpOp,
  Dhcpv4OptionCode as C,
  DHCPV4_CLIENT_PORT,
  DHCPV4_SERVER_PORT,
  Dhcpv4MessageType,
} from '../wire/dhcpv4/constants.ts';
import { type Dhcpv4Message, decodeDhcpv4Message, encodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import {
  type Dhcpv4Option,
  type Dhcpv4SubOption,
  encodeEncapsulatedVendorOptions,
  findDhcpv4Option,
  type ViVendorSpecificEntry,
} from '../wire/dhcpv4/options.ts';

export interface EmbeddedDhcpv4ServerConfig {
  /** Option 54, MUST in a DHCPACK (RFC 2131 Table 3); the HA's address toward the UE. */
  readonly serverIdentifier: Ipv4Address;
  readonly dnsServers: readonly Ipv4Address[];
  readonly subnetMask: Ipv4Address | undefined;
  /** Option 125 entries, one per enterprise number (RFC 3925 §4). */
  readonly viVendorOptions: readonly ViVendorSpecificEntry[];
  /**
   * Option 43 as encapsulated sub-options (RFC 2132 §8.4), sent to clients whose Vendor Class Identifier (60)
   * equals `vendorClassIdentifier`, or to every client when that is undefined.
   */
  readonly vendorSpecific:
    | { readonly vendorClassIdentifier: Uint8Array | undefined; readonly subOptions: readonly Dhcpv4SubOption[] }
    | undefined;
}

export type EmbeddedDhcpv4ServerInit = Pick<EmbeddedDhcpv4ServerConfig, 'serverIdentifier'> &
  Partial<Omit<EmbeddedDhcpv4ServerConfig, 'serverIdentifier'>>;

export function embeddedDhcpv4ServerConfig(
  init: EmbeddedDhcpv4ServerInit,
  path = 'ha.dhcp.v4',
): EmbeddedDhcpv4ServerConfig {
  const vi = init.viVendorOptions ?? [];
  const seen = new Set<number>();
  for (const [i, e] of vi.entries()) {
    if (seen.has(e.enterpriseNumber))
      throw new ConfigError('INVALID', `${path}.viVendorOptions[${i}]`, 'one entry per enterprise number');
    seen.add(e.enterpriseNumber);
  }
  if (init.vendorSpecific) {
    try {
      encodeEncapsulatedVendorOptions(init.vendorSpecific.subOptions);
    } catch (e) {
      throw new ConfigError('INVALID', `${path}.vendorSpecific`, (e as Error).message);
    }
  }
  return Object.freeze({
    serverIdentifier: init.serverIdentifier,
    dnsServers: Object.freeze([...(init.dnsServers ?? [])]),
    subnetMask: init.subnetMask,
    viVendorOptions: Object.freeze([...vi]),
    vendorSpecific: init.vendorSpecific,
  });
}

export type Dhcpv4ServerDropReason =
  | 'malformed'
  | 'not-request' // op is not BOOTREQUEST
  | 'not-inform' // a stateless server answers DHCPINFORM only
  | 'no-client-address' // ciaddr 0: the client must put its address there (RFC 2131 §4.4.3)
  | 'client-address-mismatch'; // RFC 2131 §3.4 "SHOULD check the network address ... for consistency"

export type Dhcpv4ServerResult =
  | {
      readonly kind: 'ack';
      readonly ack: Dhcpv4Message;
      readonly payload: Uint8Array;
      /** RFC 2131 §4.1: to the relay at giaddr:67 when relayed, else to ciaddr:68. */
      readonly destination: Ipv4Address;
      readonly destinationPort: number;
    }
  | { readonly kind: 'drop'; readonly reason: Dhcpv4ServerDropReason };

/**
 * Answers one DHCPINFORM. `expectedClientAddress` is the IPv4 HoA bound to the tunnel it came through: a different
 * ciaddr is dropped.
 */
export function answerInform(
  payload: Uint8Array,
  config: EmbeddedDhcpv4ServerConfig,
  expectedClientAddress?: Ipv4Address,
): Dhcpv4ServerResult {
  let request: Dhcpv4Message;
  try {
    request = decodeDhcpv4Message(payload);
  } catch (e) {
    if (!isWireError(e)) throw e;
    return { kind: 'drop', reason: 'malformed' };
  }
  if (request.op !== BootpOp.BOOTREQUEST) return { kind: 'drop', reason: 'not-request' };
  if (findDhcpv4Option(request.options, 'message-type')?.messageType !== Dhcpv4MessageType.INFORM)
    return { kind: 'drop', reason: 'not-inform' };
  if (request.ciaddr.isUnspecified) return { kind: 'drop', reason: 'no-client-address' };
  if (expectedClientAddress && !request.ciaddr.equals(expectedClientAddress))
    return { kind: 'drop', reason: 'client-address-mismatch' };

  const requested = new Set(findDhcpv4Option(request.options, 'parameter-request-list')?.codes ?? []);
  const options: Dhcpv4Option[] = [
    { kind: 'message-type', messageType: Dhcpv4MessageType.ACK },
    { kind: 'server-identifier', address: config.serverIdentifier },
  ];
  if (requested.has(C.SUBNET_MASK) && config.subnetMask) options.push({ kind: 'subnet-mask', mask: config.subnetMask });
  if (requested.has(C.DOMAIN_NAME_SERVER) && config.dnsServers.length > 0)
    options.push({ kind: 'dns-servers', servers: config.dnsServers });
  const vs = config.vendorSpecific;
  if (requested.has(C.VENDOR_SPECIFIC) && vs && vs.subOptions.length > 0) {
    const clientClass = findDhcpv4Option(request.options, 'vendor-class-identifier')?.data;
    const wanted = vs.vendorClassIdentifier;
    if (wanted === undefined || (clientClass !== undefined && bytesEqual(clientClass, wanted)))
      options.push({ kind: 'vendor-specific', data: encodeEncapsulatedVendorOptions(vs.subOptions) });
  }
  if (requested.has(C.VI_VENDOR_SPECIFIC) && config.viVendorOptions.length > 0)
    options.push({ kind: 'vi-vendor-specific', entries: config.viVendorOptions });
  // RFC 3046 §2.2: a server that supports option 82 echoes it whole in its replies, so a relay can find the client.
  const relayInfo = findDhcpv4Option(request.options, 'relay-agent-information');
  if (relayInfo) options.push(relayInfo);

  // RFC 2131 Table 3 (DHCPACK): ciaddr from the request, yiaddr 0 for DHCPINFORM (§4.3.5), flags and giaddr and
  // chaddr copied; no lease time (§3.4, §4.3.5).
  const ack: Dhcpv4Message = {
    op: BootpOp.BOOTREPLY,
    htype: request.htype,
    hops: 0,
    xid: request.xid,
    secs: 0,
    broadcast: request.broadcast,
    ciaddr: request.ciaddr,
    yiaddr: Ipv4Address.ANY,
    siaddr: Ipv4Address.ANY,
    giaddr: request.giaddr,
    chaddr: request.chaddr,
    sname: new Uint8Array(0),
    file: new Uint8Array(0),
    options,
  };
  const relayed = !request.giaddr.isUnspecified;
  return {
    kind: 'ack',
    ack,
    payload: encodeDhcpv4Message(ack),
    destination: relayed ? request.giaddr : request.ciaddr,
    destinationPort: relayed ? DHCPV4_SERVER_PORT : DHCPV4_CLIENT_PORT,
  };
}
