/**
 * Whole packets around ESP, built on src/wire/ip:
 *   IPv6 transport:  IPv6 | [RH2] | [Dest Opts (HAO)] | ESP | MH …    (RFC 6275 §6.3, §6.4; RFC 4877 §4: the
 *                    HAO is processed before IPsec, so it sits in front of ESP; the MH follows ESP)
 *   IPv4 / tunnel:   IPv4 | ESP | inner IPv4 or IPv6 packet           (RFC 4303 §3.1.2)
 *   UDP-encapsulated: IP | UDP (4500 or the NAT-mapped port) | ESP    (RFC 3948 §2.1, IPv4 checksum 0)
 * The SA decides UDP encapsulation: an SA negotiated with it always sends in UDP (RFC 3948 §3).
 */

import { copyBytes } from '../util/bytes.ts';
import { finishChecksum, ipv4PseudoSum, ipv6PseudoSum, onesSum } from '../util/checksum.ts';
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { EspNextHeader } from '../wire/esp/constants.ts';
import { buildIpv4Packet, buildIpv6Packet, buildUdp4, buildUdp6 } from '../wire/ip/build.ts';
import { DEFAULT_TTL, IpProtocol } from '../wire/ip/constants.ts';
import { type EspSealResult, sealEsp } from './esp-protect.ts';
import type { EspSa } from './sa.ts';

/** The outer IP header of an ESP packet. */
export type EspOuterHeader =
  | {
      readonly version: 4;
      readonly source: Ipv4Address;
      readonly destination: Ipv4Address;
      readonly ttl?: number;
      readonly identification?: number;
      readonly dscp?: number;
      readonly ecn?: number;
    }
  | {
      readonly version: 6;
      readonly source: Ipv6Address;
      readonly destination: Ipv6Address;
      readonly hopLimit?: number;
      readonly trafficClass?: number;
      readonly flowLabel?: number;
      /** A BU sent from a care-of address: Destination Options with the HAO ahead of ESP (RFC 6275 §11.7.1). */
      readonly homeAddressOption?: Ipv6Address;
      /** A BA sent to a care-of address: Type 2 Routing Header with the home address (RFC 6275 §6.4). */
      readonly routingHeaderType2?: Ipv6Address;
    };

export interface ProtectOptions {
  /**
   * Offset of a 16-bit upper-layer checksum in `payload` (MH 4, ICMPv6 2, UDP 6) to fill in before sealing, over
   * the pseudo-header of the effective addresses: the HAO's home address as source, RH2's as destination
   * (RFC 6275 §6.1.1, RFC 8200 §8.1). Transport mode only; `payload` is not modified (a copy is).
   */
  readonly checksumOffset?: number;
}

/** Next Header for a tunnel-mode payload from its version nibble: 4 (IPv4) or 41 (IPv6) (RFC 4303 §2.6). */
export function tunnelNextHeader(inner: Uint8Array): number {
  const version = inner.length > 0 ? inner[0]! >> 4 : 0;
  if (version === 4) return EspNextHeader.IPV4;
  if (version === 6) return EspNextHeader.IPV6;
  throw new RangeError(`tunnel-mode payload is not an IP packet (version nibble ${version})`);
}

function pseudoHeaderSum(outer: EspOuterHeader, length: number, protocol: number): number {
  if (outer.version === 4) return ipv4PseudoSum(outer.source.bytes, outer.destination.bytes, length, protocol);
  const source = outer.homeAddressOption ?? outer.source;
  const destination = outer.routingHeaderType2 ?? outer.destination;
  return ipv6PseudoSum(source.bytes, destination.bytes, length, protocol);
}

/** A copy of `payload` with its checksum at `offset` computed for the upper-layer protocol. */
function withChecksum(outer: EspOuterHeader, protocol: number, payload: Uint8Array, offset: number): Uint8Array {
  if (!Number.isInteger(offset) || offset < 0 || offset + 2 > payload.length) {
    throw new RangeError(`checksum offset ${offset} outside a payload of ${payload.length} bytes`);
  }
  const out = copyBytes(payload);
  out[offset] = 0;
  out[offset + 1] = 0;
  let sum = finishChecksum(onesSum(out, pseudoHeaderSum(outer, out.length, protocol)));
  // A UDP checksum that computes to zero is sent as all ones (RFC 768, RFC 8200 §8.1).
  if (sum === 0 && protocol === IpProtocol.UDP) sum = 0xffff;
  out[offset] = sum >>> 8;
  out[offset + 1] = sum & 0xff;
  return out;
}

/** Frames an ESP packet in the outer header, inside UDP when the SA uses UDP encapsulation. */
export function frameEsp(sa: EspSa, outer: EspOuterHeader, esp: Uint8Array): Uint8Array {
  const encap = sa.udpEncap;
  if (outer.version === 4) {
    const ip = {
      src: outer.source,
      dst: outer.destination,
      ttl: outer.ttl ?? DEFAULT_TTL,
      identification: outer.identification ?? 0,
      dscp: outer.dscp ?? 0,
      ecn: outer.ecn ?? 0,
    };
    if (!encap) return buildIpv4Packet({ ...ip, protocol: IpProtocol.ESP, payload: esp });
    // RFC 3948 §2.1: the IPv4 UDP checksum SHOULD be zero.
    return buildUdp4({
      ...ip,
      sourcePort: encap.localPort,
      destinationPort: encap.remotePort,
      payload: esp,
      omitChecksum: true,
    });
  }
  const ip = {
    src: outer.source,
    dst: outer.destination,
    hopLimit: outer.hopLimit ?? DEFAULT_TTL,
    trafficClass: outer.trafficClass ?? 0,
    flowLabel: outer.flowLabel ?? 0,
    ...(outer.homeAddressOption ? { homeAddressOption: outer.homeAddressOption } : {}),
    ...(outer.routingHeaderType2 ? { routingHeaderType2: outer.routingHeaderType2 } : {}),
  };
  if (!encap) return buildIpv6Packet({ ...ip, nextHeader: IpProtocol.ESP, payload: esp });
  // Over IPv6 the UDP checksum is mandatory (RFC 8200 §8.1).
  return buildUdp6({ ...ip, sourcePort: encap.localPort, destinationPort: encap.remotePort, payload: esp });
}

/**
 * Seals `payload` on `sa` and frames it: transport mode (upper-layer bytes with protocol `nextHeader`) or
 * tunnel mode (`payload` is the inner IP packet; `nextHeader` 4 or 41, see `tunnelNextHeader`). Refusals of
 * the SA (sequence exhausted, hard lifetime) come back as `{ ok: false }`.
 */
export function protectPacket(
  sa: EspSa,
  outer: EspOuterHeader,
  nextHeader: number,
  payload: Uint8Array,
  options: ProtectOptions = {},
): EspSealResult {
  let data = payload;
  if (options.checksumOffset !== undefined) {
    if (sa.mode !== 'transport') throw new RangeError('an upper-layer checksum is filled in only in transport mode');
    data = withChecksum(outer, nextHeader, payload, options.checksumOffset);
  }
  const sealed = sealEsp(sa, nextHeader, data);
  if (!sealed.ok) return sealed;
  return { ok: true, packet: frameEsp(sa, outer, sealed.packet), sequence: sealed.sequence };
}

/** Tunnel mode: seals a whole inner IPv4 or IPv6 packet (Next Header from its version). */
export function protectTunnelPacket(sa: EspSa, outer: EspOuterHeader, inner: Uint8Array): EspSealResult {
  return protectPacket(sa, outer, tunnelNextHeader(inner), inner);
}
