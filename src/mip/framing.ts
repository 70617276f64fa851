/**
 * Turns a core's `SendMh` into real packet bytes and received bytes back into an MH message with its outer
 * headers, using the codecs of src/wire/ip and src/wire/mh. ESP is left out: the node pipeline inserts it in
 * transport mode right before the MH (RFC 4877 §4.3, SPEC-NOTES §2.3). Tests and simulations use this as is.
 */
import { WireError } from '../util/errors.ts';
import type { Ipv6Address } from '../util/ip-address.ts';
import { buildIpv6Packet } from '../wire/ip/build.ts';
import { IpProtocol } from '../wire/ip/constants.ts';
import { effectiveDestination, effectiveSource, type Ipv6Packet } from '../wire/ip/ipv6.ts';
import {
  decapsulateIpInIp,
  decapsulateUdp,
  decodeIpPacket,
  encapsulateIpInIp,
  encapsulateUdp,
  type IpPacket,
} from '../wire/ip/tunnel.ts';
import { decodeMobilityHeader, encodeMobilityHeader } from '../wire/mh/header.ts';
import type { MobilityMessage } from '../wire/mh/messages.ts';
import type { OuterInfo, SendMh } from './types.ts';

/** The IPv6 packet carrying the MH, then the outer IPv4 (+ UDP) the transport asks for. */
export function frameMobilityPacket(out: SendMh): Uint8Array {
  const payload = encodeMobilityHeader(out.message, { src: out.innerSrc, dst: out.innerDst });
  const t = out.transport;
  const common = { nextHeader: IpProtocol.MH, payload };
  switch (t.kind) {
    case 'ipv6-hao':
      return buildIpv6Packet({ ...common, src: t.careOf, dst: out.innerDst, homeAddressOption: out.innerSrc });
    case 'ipv6-rh2':
      return buildIpv6Packet({ ...common, src: out.innerSrc, dst: t.careOf, routingHeaderType2: out.innerDst });
    default: {
      const ipv6 = buildIpv6Packet({ ...common, src: out.innerSrc, dst: out.innerDst });
      if (t.kind === 'ipv6') return ipv6;
      const outer = { source: t.source, destination: t.destination };
      if (t.kind === 'ipv4-protocol-41') return encapsulateIpInIp(outer, { inner: ipv6 });
      return encapsulateUdp(outer, { inner: ipv6, sourcePort: t.sourcePort, destinationPort: t.destinationPort });
    }
  }
}

export type ReceivedPacket =
  | {
      readonly kind: 'mobility';
      readonly message: MobilityMessage;
      /** Effective source: the Home Address option's address or the IPv6 source (RFC 6275 §9.5.1). */
      readonly source: Ipv6Address;
      /** Effective destination: the type 2 routing header's address or the IPv6 destination. */
      readonly destination: Ipv6Address;
      readonly outer: OuterInfo;
    }
  /** A tunnelled data packet: the caller checks it (`acceptFromUe`) before forwarding `inner`. */
  | { readonly kind: 'tunnelled'; readonly outer: OuterInfo; readonly inner: Uint8Array }
  /** Neither an MH nor a tunnel: the node's ordinary IP input. */
  | { readonly kind: 'native'; readonly packet: IpPacket };

function mobility(v6: Ipv6Packet, outer: OuterInfo, base: number): ReceivedPacket {
  const source = effectiveSource(v6);
  const destination = effectiveDestination(v6);
  try {
    return {
      kind: 'mobility',
      message: decodeMobilityHeader(v6.payload, { src: source, dst: destination }),
      source,
      destination,
      outer,
    };
  } catch (e) {
    if (e instanceof WireError) throw new WireError(e.code, e.layer, base + e.offset, e.message);
    throw e;
  }
}

function innerOf(inner: IpPacket, outer: OuterInfo, base: number): ReceivedPacket {
  if (inner.version === 6 && inner.packet.nextHeader === IpProtocol.MH) return mobility(inner.packet, outer, base);
  return { kind: 'tunnelled', outer, inner: inner.bytes };
}

/** Classifies and opens a received packet; malformed input raises WireError only. */
export function receivePacket(bytes: Uint8Array): ReceivedPacket {
  const ip = decodeIpPacket(bytes);
  if (ip.version === 4) {
    const p = ip.packet;
    const base = ip.bytes.length - p.payload.length;
    if (p.protocol === IpProtocol.UDP) {
      const t = decapsulateUdp(bytes);
      const outer: OuterInfo = {
        family: 4,
        source: p.source,
        destination: p.destination,
        sourcePort: t.udp.sourcePort,
        viaUdp4191: true,
      };
      return innerOf(t.inner, outer, base + 8);
    }
    if (p.protocol === IpProtocol.IPV6 || p.protocol === IpProtocol.IPV4_IN_IP) {
      const outer: OuterInfo = { family: 4, source: p.source, destination: p.destination, viaUdp4191: false };
      return innerOf(decapsulateIpInIp(bytes).inner, outer, base);
    }
    return { kind: 'native', packet: ip };
  }
  const p = ip.packet;
  const outer: OuterInfo = { family: 6, source: p.source, destination: p.destination, viaUdp4191: false };
  if (p.nextHeader === IpProtocol.MH) return mobility(p, outer, ip.bytes.length - p.payload.length);
  if (p.nextHeader === IpProtocol.IPV6 || p.nextHeader === IpProtocol.IPV4_IN_IP) {
    return { kind: 'tunnelled', outer, inner: decapsulateIpInIp(bytes).inner.bytes };
  }
  return { kind: 'native', packet: ip };
}
