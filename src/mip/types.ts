/**
 * The boundary between the Mobile IPv6 cores and the node layer: what the node hands a core with each
 * received message (its security context and outer framing), and what a core asks the node to send.
 * Framing into IPv6 + HAO/RH2 (+ IPv4/UDP) and the ESP transport-mode wrapping (RFC 4877 §4.3) are the
 * node pipeline's job; the cores only say which framing a message must get.
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { BindingAcknowledgement, BindingUpdate } from '../wire/mh/messages.ts';

/** An IPv6 prefix, e.g. the home network prefix given in IKEv2 MIP6_HOME_PREFIX (RFC 5026 §4.2.2). */
export interface Ipv6Prefix {
  readonly prefix: Ipv6Address;
  readonly prefixLength: number;
}

/**
 * The outer headers a received packet came in, as the node saw them before any decapsulation.
 * For an IPv6 BU from a visited network `source` is the IPv6 source (the care-of address); for a BU
 * tunnelled over IPv4 (RFC 5555 §4.2) it is the outer IPv4 source, possibly rewritten by a NAT.
 */
export type OuterInfo = Ipv6OuterInfo | Ipv4OuterInfo;
export interface Ipv6OuterInfo {
  readonly family: 6;
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
  /** Present only when the IPv6 packet arrived in UDP (RFC 5555 §4.4.1 last-resort fallback). */
  readonly sourcePort?: number;
  readonly viaUdp4191: boolean;
}
export interface Ipv4OuterInfo {
  readonly family: 4;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** The UDP source port when `viaUdp4191` (port Z of RFC 5555 §4.2). */
  readonly sourcePort?: number;
  readonly viaUdp4191: boolean;
}

/**
 * What the node knows about a received Binding Update besides its bytes. The HA core trusts these
 * fields: the node derives them from the ESP SA that verified the packet and from the IP headers.
 */
export interface BindingUpdateContext {
  /** The IKE SA whose child SA protected the BU (RFC 4877 §4.3); empty when `protectedByEsp` is false. */
  readonly ikeSaId: string;
  /** The home network prefix this IKE SA was given (MIP6_HOME_PREFIX); the identity ↔ HoA tie. */
  readonly authorizedHomePrefix: Ipv6Prefix | undefined;
  /** The IPv4 home address this IKE SA's identity may hold statically (e.g. from AAA), if any. */
  readonly authorizedIpv4HomeAddress?: Ipv4Address;
  /** True when an ESP SA with a non-null integrity algorithm verified the BU (RFC 4877 §4.3). */
  readonly protectedByEsp: boolean;
  /** RFC 6275 §9.5.1: the Home Address option's address when present, else the IPv6 source. */
  readonly homeAddress: Ipv6Address;
  /** The IPv6 destination the BU was sent to: one of the HA's addresses, the BA's IPv6 source. */
  readonly homeAgentAddress: Ipv6Address;
  readonly outer: OuterInfo;
}

/** What the node knows about a received Binding Acknowledgement. */
export interface BindingAckContext {
  /** True when the BA came inside the ESP SA shared with the HA (RFC 6275 §11.7.3). */
  readonly protectedByEsp: boolean;
  /** The BA's IPv6 source (the HA's address). */
  readonly source: Ipv6Address;
}

/**
 * How the node must frame an outbound Mobility Header message. `innerSrc`/`innerDst` of `SendMh` are the
 * addresses the MH checksum and the IPsec selectors use (RFC 4877 §4.2: HoA and HA).
 */
export type MhTransport =
  /** IPv6 innerSrc → innerDst, no extension header: BU/BA at home (RFC 6275 §9.5.4, §11.5.5). */
  | { readonly kind: 'ipv6' }
  /** IPv6 CoA → innerDst with a Home Address option carrying innerSrc (RFC 6275 §11.7.1). */
  | { readonly kind: 'ipv6-hao'; readonly careOf: Ipv6Address }
  /** IPv6 innerSrc → CoA with a type 2 routing header carrying innerDst (RFC 6275 §9.5.4, §6.4). */
  | { readonly kind: 'ipv6-rh2'; readonly careOf: Ipv6Address }
  /** IPv6 innerSrc → innerDst inside IPv4 protocol 41, no UDP (TS 24.303 §5.1.3.2, no NAT). */
  | { readonly kind: 'ipv4-protocol-41'; readonly source: Ipv4Address; readonly destination: Ipv4Address }
  /** IPv6 innerSrc → innerDst inside UDP/IPv4 (RFC 5555 §4.1 "vanilla" encapsulation). */
  | {
      readonly kind: 'udp4';
      readonly source: Ipv4Address;
      readonly destination: Ipv4Address;
      readonly sourcePort: number;
      readonly destinationPort: number;
    };

/** A Mobility Header message the node must frame, protect with ESP and send. */
export interface SendMh {
  readonly kind: 'send-mh';
  readonly message: BindingUpdate | BindingAcknowledgement;
  readonly innerSrc: Ipv6Address;
  readonly innerDst: Ipv6Address;
  readonly transport: MhTransport;
}

/**
 * A data-plane tunnel between the UE's care-of address and the HA (TS 24.303 §5.1.2.4/§5.1.3.2 last
 * paragraphs, RFC 5555 §4.4.3/§4.5.1). The inner packet's version picks protocol 41 or 4 (RFC 5555 §4.1).
 */
export type TunnelRoute =
  | { readonly kind: 'ipv6'; readonly source: Ipv6Address; readonly destination: Ipv6Address }
  | { readonly kind: 'ipv4'; readonly source: Ipv4Address; readonly destination: Ipv4Address }
  | {
      readonly kind: 'udp4';
      readonly source: Ipv4Address;
      readonly destination: Ipv4Address;
      readonly sourcePort: number;
      readonly destinationPort: number;
    };
