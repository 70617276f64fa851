/**
 * What the UE's access family decides (TS 24.303 §5.1.2): the care-of address, the raw sockets the UE opens, which
 * discovered HAs it can use, and whether this process can run the access at all.
 *  - IPv4 access: BUs in UDP from port Z (RFC 5555 §4.1); protocol 41 and 4 over IPv4 carry the BA and the tunnel
 *    when no NAT is in the way (TS 24.303 §5.1.3.2), so they are opened unless F = 1 is configured.
 *  - IPv6 access: the BU leaves with a Home Address option and the BA comes back with a type 2 routing header, both
 *    around ESP (RFC 6275 §6.3–§6.4, RFC 4877 §4.3), and the tunnel is IPv6-in-IPv6 / IPv4-in-IPv6 (RFC 6275 §10.4,
 *    RFC 5555 §4.4.1): ESP, 41 and 4 as raw IPv6, which this process must be able to open.
 */
import type { UeConfig } from '../../config/load.ts';
import type { HomeAgentCandidate } from '../../discovery/candidates.ts';
import type { AccessInfo } from '../../mip/mn-config.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import { type IpFamily, RawProtocol } from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import type { RawSocketSupport } from '../net/raw-sockets.ts';

/** The access in the config cannot run in this process (IPv6 access without raw IPv6 sockets); nothing was opened. */
export class AccessUnavailableError extends Error {
  override readonly name = 'AccessUnavailableError';
}

/** The HA's addresses as the UE uses them: IKE and the tunnel go to the one of the access family. */
export interface HomeAgentAddresses {
  readonly ipv6: Ipv6Address;
  /** Absent only on IPv6 access (RFC 5555 §3.1.1: an IPv4 HoA over an IPv6 CoA needs no HA IPv4 address). */
  readonly ipv4: Ipv4Address | undefined;
}

export function careOfOf(config: UeConfig): IpAddress {
  const a = config.access;
  const careOf = a.family === 'ipv4' ? a.ipv4?.careOfAddress : a.ipv6?.careOfAddress;
  if (careOf === undefined) throw new RangeError(`access.${a.family} has no care-of address`); // the schema checks it
  return careOf;
}

/** The raw IPv6 sockets IPv6 access cannot run without, as [protocol, family]. */
const IPV6_ACCESS_RAW: readonly [number, IpFamily][] = [
  [RawProtocol.ESP, 6], // the BA with RH2 around ESP (RFC 6275 §6.4, RFC 4877 §4.3)
  [RawProtocol.IPV6_IN_IP, 6], // the tunnel: IPv6-in-IPv6 (RFC 6275 §10.4)
  [RawProtocol.IPV4_IN_IP, 6], // and IPv4-in-IPv6 (RFC 5555 §4.4.1)
];

/** Why IPv6 access cannot run, given the reason raw IPv6 sockets are missing (the UE's and the demo's message). */
export function ipv6AccessNeedsRaw(why: string): string {
  const protocols = IPV6_ACCESS_RAW.map(([p]) => p);
  return (
    'IPv6 access needs raw IPv6 sockets (a BU with the Home Address option and a BA with a type 2 routing header, ' +
    `RFC 6275 §6.3–§6.4; ESP and the tunnel as IP protocols ${protocols.slice(0, -1).join(', ')} and ` +
    `${protocols.at(-1)}): ${why}`
  );
}

/**
 * Why the access cannot run here, or undefined: IPv6 access needs every one of its raw sockets (`canOpenRaw`, the
 * provider's probe, which also rules out lab aliases); IPv4 access runs without them (F = 1).
 */
export function accessProblem(
  config: UeConfig,
  raw: RawSocketSupport,
  canOpenRaw: (protocol: number, family: IpFamily) => boolean,
): string | undefined {
  if (config.access.family !== 'ipv6') return undefined;
  if (!raw.available) return ipv6AccessNeedsRaw(raw.detail);
  const missing = rawSocketsOf(config).filter(([p, f]) => !canOpenRaw(p, f));
  if (missing.length === 0) return undefined;
  return ipv6AccessNeedsRaw(`this process cannot open protocol ${missing.map(([p]) => p).join(', ')} raw over IPv6`);
}

/** The raw sockets to open, as [protocol, family]. */
export function rawSocketsOf(config: UeConfig): [number, IpFamily][] {
  if (config.access.family === 'ipv6') return IPV6_ACCESS_RAW.map(([p, f]) => [p, f]);
  // Plain ESP carries the data SA when no NAT is in the way (RFC 5555 §5.2.2), whatever F says.
  const esp: [number, IpFamily][] = config.ike.protectData ? [[RawProtocol.ESP, 4]] : [];
  if (config.mobility.forceUdp) return esp;
  return [[RawProtocol.IPV6_IN_IP, 4], [RawProtocol.IPV4_IN_IP, 4], ...esp];
}

/**
 * The HA's addresses, or why this access cannot use it: every access needs the HA's IPv6 address (the BU's
 * destination, RFC 6275 §11.7.1); IPv4 access also its IPv4 address (RFC 5555 §4.4.2).
 */
export function homeAgentAddressesOf(
  ha: HomeAgentCandidate,
  family: UeConfig['access']['family'],
): HomeAgentAddresses | string {
  if (!ha.ipv6) return 'no IPv6 address for the HA (the BU goes to it)';
  if (family === 'ipv4' && !ha.ipv4) return 'IPv4 access needs the HA IPv4 address';
  return { ipv6: ha.ipv6, ipv4: ha.ipv4 };
}

/** Where IKE goes from `careOf`: the HA's address of the same family. */
export function ikeRemoteOf(ha: HomeAgentAddresses, careOf: IpAddress): IpAddress {
  if (careOf instanceof Ipv4Address) {
    if (!ha.ipv4) throw new RangeError('an IPv4 care-of address needs the HA IPv4 address');
    return ha.ipv4;
  }
  return ha.ipv6;
}

/** The access description the mobile node core takes (TS 24.303 §5.1.2.3 home link detection uses the prefixes). */
export function accessInfoOf(careOf: IpAddress, routerPrefixes: readonly Ipv6Prefix[]): AccessInfo {
  return careOf instanceof Ipv4Address
    ? { ipv4CareOf: careOf, routerPrefixes }
    : { ipv6CareOf: careOf, routerPrefixes };
}
