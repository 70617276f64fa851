/**
 * A discovered Home Agent: its IPv6 and/or IPv4 address (a dual-stack HA has both, TS 24.303 §5.1.1), where it came
 * from and, for DNS answers, until when the answer may be used (its TTL).
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';

export type DiscoveryMethod = 'configured' | 'pco' | 'epdg' | 'dns' | 'dhcpv6';

export interface Ipv6Prefix {
  readonly prefix: Ipv6Address;
  readonly prefixLength: number;
}

export interface HomeAgentCandidate {
  readonly ipv6: Ipv6Address | undefined;
  readonly ipv4: Ipv4Address | undefined;
  readonly method: DiscoveryMethod;
  /** The DNS name the addresses were looked up under (HA-APN, HA FQDN or SRV target). */
  readonly name: string | undefined;
  /** End of the DNS TTL (ms, same clock as `now`); undefined for sources without one. */
  readonly expiresAtMs: number | undefined;
  /** A home network prefix that came with it (PCO container 0x0008, RFC 6610 HNP). */
  readonly homeNetworkPrefix: Ipv6Prefix | undefined;
}

export function candidate(
  fields: Pick<HomeAgentCandidate, 'method'> & Partial<Omit<HomeAgentCandidate, 'method'>>,
): HomeAgentCandidate {
  const c: HomeAgentCandidate = {
    ipv6: fields.ipv6,
    ipv4: fields.ipv4,
    method: fields.method,
    name: fields.name,
    expiresAtMs: fields.expiresAtMs,
    homeNetworkPrefix: fields.homeNetworkPrefix,
  };
  if (c.ipv6 === undefined && c.ipv4 === undefined) throw new RangeError('a home agent needs an address');
  return c;
}

/** A text key for an HA's address set, e.g. `2001:db8::1|192.0.2.1`, for logs and de-duplication. */
export function homeAgentKey(c: Pick<HomeAgentCandidate, 'ipv6' | 'ipv4'>): string {
  return `${c.ipv6?.toString() ?? '-'}|${c.ipv4?.toString() ?? '-'}`;
}

/** Whether two candidates name the same HA: they share an IPv6 or an IPv4 address. */
export function sharesAddress(
  a: Pick<HomeAgentCandidate, 'ipv6' | 'ipv4'>,
  b: Pick<HomeAgentCandidate, 'ipv6' | 'ipv4'>,
): boolean {
  if (a.ipv6 && b.ipv6 && a.ipv6.equals(b.ipv6)) return true;
  return a.ipv4 !== undefined && b.ipv4 !== undefined && a.ipv4.equals(b.ipv4);
}

export interface AddressPair {
  readonly ipv6: Ipv6Address | undefined;
  readonly ipv4: Ipv4Address | undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Pairs the AAAA and A answers for one name into dual-stack HAs (TS 24.303 §5.1.2.1.2: "If a HA has both an IPv4
 * and an IPv6 address, the corresponding DNS record should be configured with both"). One of each is one HA. With
 * several, DNS carries no link between a given AAAA and a given A, and servers rotate each RRset independently, so
 * they are paired by rank in address order (a pairing that does not change from one answer to the next); the HAs
 * keep the order of the AAAA answer (the server's preference), then come the A records left over, in their order.
 */
export function pairDnsAddresses(ipv6: readonly Ipv6Address[], ipv4: readonly Ipv4Address[]): AddressPair[] {
  const v6Ranked = [...ipv6].sort((a, b) => compareBytes(a.bytes, b.bytes));
  const v4Ranked = [...ipv4].sort((a, b) => a.toNumber() - b.toNumber());
  const partnerOf = new Map<string, Ipv4Address>();
  v6Ranked.forEach((a, i) => {
    const p = v4Ranked[i];
    if (p) partnerOf.set(a.toString(), p);
  });
  const used = new Set<string>();
  const out: AddressPair[] = [];
  for (const a of ipv6) {
    const p = partnerOf.get(a.toString());
    if (p) used.add(p.toString());
    out.push({ ipv6: a, ipv4: p });
  }
  for (const b of ipv4) if (!used.has(b.toString())) out.push({ ipv6: undefined, ipv4: b });
  return out;
}

/**
 * Pairs addresses a server listed in one container (RFC 6610 HAA options): the i-th IPv6 HA with the i-th IPv4 HA
 * (64:ff9b::/96 form), in the order written; extra ones stand alone.
 */
export function pairListedAddresses(ipv6: readonly Ipv6Address[], ipv4: readonly Ipv4Address[]): AddressPair[] {
  const out: AddressPair[] = [];
  for (let i = 0; i < Math.max(ipv6.length, ipv4.length); i++) out.push({ ipv6: ipv6[i], ipv4: ipv4[i] });
  return out;
}
