import type { Ipv6Address } from '../../util/ip-address.ts';
import type { Duid } from './duid.ts';
import type { Dhcpv6Message } from './message.ts';

/** One code/length/value item inside a Vendor-specific Information option (RFC 8415 §21.17). */
export interface VendorSubOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/**
 * A DHCPv6 option (RFC 8415 §21.1: code(2) | len(2) | data). Options this codec does not model are
 * `unknown` and re-encode byte for byte; whether they matter is the caller's decision.
 */
export type Dhcpv6Option =
  | { readonly kind: 'client-id'; readonly duid: Duid } // 1, RFC 8415 §21.2
  | { readonly kind: 'server-id'; readonly duid: Duid } // 2, RFC 8415 §21.3
  | { readonly kind: 'option-request'; readonly codes: readonly number[] } // 6, RFC 8415 §21.7
  /** 8, RFC 8415 §21.9: hundredths of a second since the exchange began, 0xffff saturates. */
  | { readonly kind: 'elapsed-time'; readonly elapsedCentiSec: number }
  | { readonly kind: 'relay-message'; readonly message: Dhcpv6Message } // 9, RFC 8415 §21.10
  | { readonly kind: 'status-code'; readonly statusCode: number; readonly message: string } // 13, §21.13
  /** 16, RFC 8415 §21.16: each entry of vendor-class-data is one length-prefixed opaque item. */
  | { readonly kind: 'vendor-class'; readonly enterpriseNumber: number; readonly classData: readonly Uint8Array[] }
  | {
      readonly kind: 'vendor-opts'; // 17, RFC 8415 §21.17
      readonly enterpriseNumber: number;
      readonly subOptions: readonly VendorSubOption[];
    }
  | { readonly kind: 'interface-id'; readonly interfaceId: Uint8Array } // 18, RFC 8415 §21.18
  | { readonly kind: 'dns-servers'; readonly servers: readonly Ipv6Address[] } // 23, RFC 3646 §3
  | { readonly kind: 'domain-list'; readonly domains: readonly string[] } // 24, RFC 3646 §4
  | { readonly kind: 'information-refresh-time'; readonly refreshTimeSec: number } // 32, RFC 8415 §21.23
  | { readonly kind: 'inf-max-rt'; readonly infMaxRtSec: number } // 83, RFC 8415 §21.25
  | { readonly kind: 'home-network-id-fqdn'; readonly fqdn: string } // 49 HNIDF, RFC 6610 §3.1
  /** 50 VDINF (RFC 6610 §3.2.1): options about the visited (local) network. */
  | { readonly kind: 'visited-home-network-info'; readonly options: readonly Dhcpv6Option[] }
  /** 69 IDINF (RFC 6610 §3.2.2): options about the home network an HNIDF names. */
  | { readonly kind: 'identified-home-network-info'; readonly options: readonly Dhcpv6Option[] }
  /** 70 UDINF (RFC 6610 §3.2.3): options about a home network the server administrator chose. */
  | { readonly kind: 'unrestricted-home-network-info'; readonly options: readonly Dhcpv6Option[] }
  /** 71 HNP (RFC 6610 §3.3): prefix bits beyond `prefixLength` are carried as received. */
  | { readonly kind: 'home-network-prefix'; readonly prefixLength: number; readonly prefix: Ipv6Address }
  /** 72 HAA (RFC 6610 §3.4): 64:ff9b::/96 addresses are IPv4 HAs (see `homeAgentIpv4Address`). */
  | { readonly kind: 'home-agent-address'; readonly address: Ipv6Address }
  | { readonly kind: 'home-agent-fqdn'; readonly fqdn: string } // 73 HAF, RFC 6610 §3.5
  | { readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array };

export type Dhcpv6OptionKind = Dhcpv6Option['kind'];

/** The RFC 6610 container kinds, which hold nested options. */
export type HomeNetworkInfoOption = Extract<
  Dhcpv6Option,
  { kind: 'visited-home-network-info' | 'identified-home-network-info' | 'unrestricted-home-network-info' }
>;

/** The first option of `kind` in `options`, typed, or undefined. */
export function findDhcpv6Option<K extends Dhcpv6OptionKind>(
  options: readonly Dhcpv6Option[],
  kind: K,
): Extract<Dhcpv6Option, { kind: K }> | undefined {
  for (const o of options) if (o.kind === kind) return o as Extract<Dhcpv6Option, { kind: K }>;
  return undefined;
}

/** Every option of `kind` in `options`, typed, in order. */
export function findAllDhcpv6Options<K extends Dhcpv6OptionKind>(
  options: readonly Dhcpv6Option[],
  kind: K,
): Extract<Dhcpv6Option, { kind: K }>[] {
  const out: Extract<Dhcpv6Option, { kind: K }>[] = [];
  for (const o of options) if (o.kind === kind) out.push(o as Extract<Dhcpv6Option, { kind: K }>);
  return out;
}
