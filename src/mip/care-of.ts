/**
 * Which care-of address a home registration binds, whether a NAT is on the path, and how the BA must be
 * framed (RFC 6275 §9.5.1, §9.5.4; RFC 5555 §4.2, §4.5; TS 24.303 §5.1.3.2; SPEC-NOTES §2.4, §15 items 12, 13).
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { UdpPort } from '../wire/ip/constants.ts';
import { BaStatus, NAT_REFRESH_TIME_NOT_NEEDED } from '../wire/mh/constants.ts';
import type { BindingUpdate } from '../wire/mh/messages.ts';
import type { NatDetectionOption } from '../wire/mh/options.ts';
import { ipv4Int, isUnicastIpv4, isUnicastRoutableIpv6 } from './addresses.ts';
import type { HomeAgentPolicy } from './policy.ts';
import type { BindingUpdateContext, MhTransport } from './types.ts';

export type CareOfResolution =
  /** Silently discarded (RFC 6275 §6.1.7: a CoA that is not unicast routable; RFC 5555 §4.1: BU not in UDP). */
  | {
      readonly kind: 'drop';
      readonly reason: 'care-of-not-unicast' | 'ipv4-bu-not-in-udp' | 'udp-over-ipv6-unsupported';
    }
  | { readonly kind: 'reject'; readonly status: number }
  | { readonly kind: 'ipv6'; readonly careOf: Ipv6Address }
  | { readonly kind: 'ipv4'; readonly careOf: Ipv4Address; readonly natDetected: boolean };

/** The first option of a kind in a BU; a repeated option is not looked at. */
export function findOption<K extends BindingUpdate['options'][number]['kind']>(bu: BindingUpdate, kind: K) {
  for (const o of bu.options) if (o.kind === kind) return o as Extract<BindingUpdate['options'][number], { kind: K }>;
  return undefined;
}

/** The care-of address of a home registration BU and the NAT verdict, from its options and outer headers. */
export function resolveCareOf(bu: BindingUpdate, ctx: BindingUpdateContext, policy: HomeAgentPolicy): CareOfResolution {
  const alternate = findOption(bu, 'alternate-care-of-address');
  const ipv4CareOf = findOption(bu, 'ipv4-care-of-address');
  const outer = ctx.outer;
  if (outer.family === 6) {
    if (outer.viaUdp4191) return { kind: 'drop', reason: 'udp-over-ipv6-unsupported' };
    // An IPv4 CoA cannot be reached through a BU that came over IPv6: nothing to bind it to.
    if (ipv4CareOf !== undefined) return { kind: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS };
    // TS 24.303 §5.1.3.2 alt-CoA check: the option must repeat the (unprotected) outer source (RFC 4877 §4.3).
    if (alternate !== undefined && !alternate.careOfAddress.equals(outer.source)) {
      return { kind: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS };
    }
    const atHome = outer.source.equals(ctx.homeAddress);
    if (alternate === undefined && policy.requireAlternateCareOf && !atHome && bu.lifetimeSec > 0) {
      return { kind: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS };
    }
    const careOf = alternate?.careOfAddress ?? outer.source; // RFC 6275 §9.5.1
    if (!isUnicastRoutableIpv6(careOf)) return { kind: 'drop', reason: 'care-of-not-unicast' };
    // Binding the HoA to itself only makes sense as a de-registration (RFC 6275 §11.5.5).
    if (bu.lifetimeSec > 0 && careOf.equals(ctx.homeAddress)) {
      return { kind: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS };
    }
    return { kind: 'ipv6', careOf };
  }
  // RFC 5555 §4.1: a BU from an IPv4 network MUST come UDP-encapsulated (port Z is needed to answer through a NAT).
  if (!outer.viaUdp4191 || outer.sourcePort === undefined) return { kind: 'drop', reason: 'ipv4-bu-not-in-udp' };
  if (alternate !== undefined) return { kind: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS };
  if (ipv4CareOf === undefined) {
    // A de-registration needs no CoA; a registration without the IPv4 CoA option has none to bind.
    if (bu.lifetimeSec === 0) return { kind: 'ipv4', careOf: outer.source, natDetected: false };
    return { kind: 'reject', status: BaStatus.INVALID_CARE_OF_ADDRESS };
  }
  const careOf = ipv4CareOf.careOfAddress;
  if (!isUnicastIpv4(ipv4Int(careOf))) return { kind: 'drop', reason: 'care-of-not-unicast' };
  // RFC 5555 §4.2: option ≠ outer IPv4 source means a NAT rewrote it — not an error (SPEC-NOTES §15 item 12).
  return { kind: 'ipv4', careOf, natDetected: !careOf.equals(outer.source) };
}

/** Whether replies and data to an IPv4 CoA travel in UDP: NAT seen, or F requested and accepted (RFC 5555 §4.5). */
export function usesUdp(natDetected: boolean, forcedUdp: boolean): boolean {
  return natDetected || forcedUdp;
}

/**
 * The BA's framing. IPv6: to the BU's IPv6 source, with a type 2 routing header unless that source is the
 * HoA itself (RFC 6275 §9.5.4). IPv4: UDP to the observed address and port when a NAT was seen or UDP is
 * forced, else per `baEncapsulation` — plain IPv4 protocol 41 (`seed`, TS 24.303 §5.1.3.2) or UDP
 * (`rfc5555`, RFC 5555 §4.2 "perpetual NAT detection").
 */
export function chooseBaTransport(ctx: BindingUpdateContext, udp: boolean, policy: HomeAgentPolicy): MhTransport {
  const outer = ctx.outer;
  if (outer.family === 6) {
    return outer.source.equals(ctx.homeAddress) ? { kind: 'ipv6' } : { kind: 'ipv6-rh2', careOf: outer.source };
  }
  if (udp || policy.baEncapsulation === 'rfc5555') {
    return {
      kind: 'udp4',
      source: outer.destination,
      destination: outer.source,
      sourcePort: UdpPort.DSMIPV6,
      destinationPort: outer.sourcePort ?? UdpPort.DSMIPV6,
    };
  }
  return { kind: 'ipv4-protocol-41', source: outer.destination, destination: outer.source };
}

/**
 * The NAT Detection option of the BA (RFC 5555 §3.2.2): F set with the refresh time when a NAT was seen
 * (TS 24.303 §5.1.3.2); F set without keepalives when UDP is only forced; F clear "no NAT" in every BA to a
 * UDP BU under `rfc5555` framing; absent otherwise.
 */
export function natDetectionOption(
  ctx: BindingUpdateContext,
  natDetected: boolean,
  forcedUdp: boolean,
  policy: HomeAgentPolicy,
): NatDetectionOption | undefined {
  if (natDetected) {
    return { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: policy.natRefreshTimeSec };
  }
  if (forcedUdp)
    return { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: NAT_REFRESH_TIME_NOT_NEEDED };
  if (ctx.outer.family === 4 && policy.baEncapsulation === 'rfc5555') {
    return { kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: NAT_REFRESH_TIME_NOT_NEEDED };
  }
  return undefined;
}
