import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import {
  HOME_NETWORK_INFO_INNER_CODES,
  HomeNetworkInfoContainer,
  type HomeNetworkInfoScope,
  IPV4_EMBEDDED_WELL_KNOWN_PREFIX,
} from './constants.ts';

/**
 * RFC 6610 value helpers: the IPv4 home agent carried in an HAA option, and the ORO a mobile node
 * sends to ask for home-network information.
 */

/**
 * The IPv4 address embedded in an HAA address under the Well-Known Prefix 64:ff9b::/96
 * (RFC 6610 §3.4, RFC 6052 §2.2 /96 layout: the IPv4 address is the last 32 bits), or undefined
 * for an ordinary IPv6 home agent. Such an HA may only be reached over IPv4 (RFC 6610 §4.1.2).
 */
export function homeAgentIpv4Address(address: Ipv6Address): Ipv4Address | undefined {
  const b = address.bytes;
  for (let i = 0; i < IPV4_EMBEDDED_WELL_KNOWN_PREFIX.length; i++) {
    if (b[i] !== IPV4_EMBEDDED_WELL_KNOWN_PREFIX[i]) return undefined;
  }
  return Ipv4Address.fromBytes(b.subarray(12, 16));
}

/** The HAA form of an IPv4 home agent address: 64:ff9b::a.b.c.d (RFC 6052 §2.1, §2.2). */
export function ipv4EmbeddedHomeAgentAddress(v4: Ipv4Address): Ipv6Address {
  const b = new Uint8Array(16);
  b.set(IPV4_EMBEDDED_WELL_KNOWN_PREFIX);
  b.set(v4.bytes, 12);
  return Ipv6Address.fromBytes(b);
}

/**
 * ORO codes asking for the given containers: each requested container, then HNIDF, HNP, HAA and
 * HAF, which a client requesting any container MUST also list (RFC 6610 §4.1.1).
 */
export function homeNetworkInfoRequestCodes(scopes: readonly HomeNetworkInfoScope[]): number[] {
  if (scopes.length === 0) return [];
  const codes: number[] = [];
  for (const s of scopes) {
    const c = HomeNetworkInfoContainer[s];
    if (!codes.includes(c)) codes.push(c);
  }
  return [...codes, ...HOME_NETWORK_INFO_INNER_CODES];
}
