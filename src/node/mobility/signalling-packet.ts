/**
 * The packets around protected BU/BA (RFC 3776 §3.1 as RFC 4877 §3 requires it; RFC 5555 §4.1, §5.2.1):
 *   BU from an IPv6 CoA   IPv6(CoA → HA) · DstOpts(HAO = HoA) · ESP · MH
 *   BA to an IPv6 CoA     IPv6(HA → CoA) · RH2(HoA) · ESP · MH
 *   at home               IPv6(HoA ↔ HA) · ESP · MH
 *   IPv4 access           IPv4 · UDP(Z ↔ 4191) · IPv6(HoA ↔ HA) · ESP · MH
 *   BA, IPv4 CoA, no NAT  IPv4(HA → CoA) · protocol 41 · IPv6(HA → HoA) · ESP · MH (TS 24.303 §5.1.3.2)
 * Inbound: where the ESP is and which outer headers it came in (kept for NAT detection, RFC 5555 §5.1: "the
 * information in the outer header will be preserved after IPsec processing"). Outbound: the framing a core's
 * `MhTransport` asks for around sealed ESP.
 */
import { packetBytes } from '../../ipsec/packet-bytes.ts';
import { classifyIpsecPacket, type EspCarrier } from '../../ipsec/packet-open.ts';
import type { MhTransport, OuterInfo, SendMh } from '../../mip/types.ts';
import type { InboundDatagram, IpFamily } from '../../net/transport.ts';
import { WireError } from '../../util/errors.ts';
import { type IpAddress, Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import {
  HOME_ADDRESS_OPTION_LENGTH,
  IPV6_HEADER_LENGTH,
  IpProtocol,
  Ipv6OptionType,
  RoutingType,
  UdpPort,
} from '../../wire/ip/constants.ts';
import { decodeIpPacket, encapsulateIpInIp } from '../../wire/ip/tunnel.ts';
import { parseUdp } from '../../wire/ip/udp.ts';

/** What a received packet is to the signalling pipeline. */
export type SignallingInput =
  /** ESP in an IPv6 packet (possibly the inner one of a tunnel), with the outermost headers. */
  | { readonly kind: 'esp'; readonly carrier: EspCarrier; readonly outer: OuterInfo }
  /** A Mobility Header outside ESP: never accepted (RFC 4877 §4.3, RFC 5555 §5). */
  | { readonly kind: 'mh-without-esp'; readonly outer: OuterInfo }
  /** Anything else (data tunnels, other protocols, fragments): the node's other paths. */
  | { readonly kind: 'other' };

const OTHER: SignallingInput = { kind: 'other' };

/** The IPv6 packet inside a tunnel (or received directly) as seen by IPsec; trailing bytes are malformed. */
/**
 * Next Header values after which an IPv6 packet may still be signalling: ESP (the BU/BA SA, RFC 4877 §4.3), an MH
 * in the clear (dropped and counted, SIG-3), or an extension header in front of either (RFC 8200 §4.1). Anything
 * else (UDP, TCP, ICMPv6, ...) is user data, and the data path need not parse the header chain first.
 */
const MAY_LEAD_TO_SIGNALLING = new Uint8Array(256);
for (const nh of [IpProtocol.ESP, IpProtocol.MH, 0, 43, 44, 51, 60]) MAY_LEAD_TO_SIGNALLING[nh] = 1;

function classifyIpv6(bytes: Uint8Array, outer: OuterInfo, base: number, exact: boolean): SignallingInput {
  if (bytes.length === 0 || bytes[0]! >> 4 !== 6) return OTHER; // an IPv4 inner packet is data
  if (bytes.length >= IPV6_HEADER_LENGTH && MAY_LEAD_TO_SIGNALLING[bytes[6]!] === 0) return OTHER;
  const packet = classifyIpsecPacket(bytes, []);
  if (packet.version !== 6) return OTHER;
  if (exact && bytes.length >= IPV6_HEADER_LENGTH) {
    const length = IPV6_HEADER_LENGTH + ((bytes[4]! << 8) | bytes[5]!);
    if (length !== bytes.length) {
      throw new WireError('TRAILING_DATA', 'udp-encap', base + length, 'bytes after the tunnelled IPv6 packet');
    }
  }
  if (packet.kind === 'esp') return { kind: 'esp', carrier: packet, outer };
  if (packet.kind === 'other' && packet.protocol === IpProtocol.MH) return { kind: 'mh-without-esp', outer };
  return OTHER;
}

function isDsmipPort(sourcePort: number, destinationPort: number): boolean {
  return sourcePort === UdpPort.DSMIPV6 || destinationPort === UdpPort.DSMIPV6;
}

/** An IPv6 packet as received: ESP directly, an MH in the clear, or the IPv6-in-UDP fallback. */
function classifyOuterIpv6(bytes: Uint8Array): SignallingInput {
  const packet = classifyIpsecPacket(bytes, []); // parses the header chain once
  if (packet.version !== 6) return OTHER; // the caller saw version 6
  const outer: OuterInfo = { family: 6, source: packet.source, destination: packet.destination, viaUdp4191: false };
  if (packet.kind === 'esp') return { kind: 'esp', carrier: packet, outer };
  if (packet.kind !== 'other') return OTHER;
  if (packet.protocol === IpProtocol.MH) return { kind: 'mh-without-esp', outer };
  if (packet.protocol !== IpProtocol.UDP) return OTHER;
  // RFC 5555 §4.4.1's last resort, the IPv6 packet in UDP over IPv6 (the HA core decides what to do with it).
  const ip = decodeIpPacket(bytes);
  if (ip.version !== 6 || ip.packet.extensionHeaders.some((h) => h.kind === 'fragment')) return OTHER;
  const at = packet.payload.byteOffset - bytes.byteOffset;
  const udp = parseUdp(Reader.of(packet.payload, 'udp', at), {
    version: 6,
    source: packet.effectiveSource,
    destination: packet.effectiveDestination,
  });
  if (!isDsmipPort(udp.sourcePort, udp.destinationPort)) return OTHER;
  const viaUdp: OuterInfo = { ...outer, sourcePort: udp.sourcePort, viaUdp4191: true };
  return classifyIpv6(udp.payload, viaUdp, at + 8, true);
}

/**
 * Classifies a whole received IP packet (a raw transport's, or the simulator's). Malformed headers raise
 * WireError; the caller counts them.
 */
export function classifyIp(bytes: Uint8Array): SignallingInput {
  if (bytes.length > 0 && bytes[0]! >> 4 === 6) return classifyOuterIpv6(bytes);
  const ip = decodeIpPacket(bytes);
  if (ip.version !== 4) return OTHER; // IPv6 was taken above
  const at = ip.bytes.length - ip.packet.payload.length;
  const p = ip.packet;
  if (p.moreFragments || p.fragmentOffsetBytes !== 0) return OTHER; // reassembly is the IP input's job
  if (p.protocol === IpProtocol.UDP) {
    const udp = parseUdp(Reader.of(p.payload, 'udp', at), { version: 4, source: p.source, destination: p.destination });
    if (!isDsmipPort(udp.sourcePort, udp.destinationPort)) return OTHER;
    const outer: OuterInfo = {
      family: 4,
      source: p.source,
      destination: p.destination,
      sourcePort: udp.sourcePort,
      viaUdp4191: true,
    };
    return classifyIpv6(udp.payload, outer, at + 8, true);
  }
  if (p.protocol === IpProtocol.IPV6) {
    const outer: OuterInfo = { family: 4, source: p.source, destination: p.destination, viaUdp4191: false };
    return classifyIpv6(p.payload, outer, at, true);
  }
  return OTHER;
}

/** Classifies what a UDP socket on 4191 (HA) or port Z (UE) received: the tunnelled packet and its outer addresses. */
export function classifyDatagram(
  d: Pick<InboundDatagram, 'payload' | 'source' | 'sourcePort' | 'local'>,
): SignallingInput {
  const outer: OuterInfo =
    d.source instanceof Ipv4Address
      ? {
          family: 4,
          source: d.source,
          destination: d.local as Ipv4Address,
          sourcePort: d.sourcePort,
          viaUdp4191: true,
        }
      : {
          family: 6,
          source: d.source as Ipv6Address,
          destination: d.local as Ipv6Address,
          sourcePort: d.sourcePort,
          viaUdp4191: true,
        };
  return classifyIpv6(d.payload, outer, 0, true);
}

/** A packet for the node to send: a whole IP packet for a raw transport, or a UDP payload for a UDP socket. */
export type SignallingOutput =
  | { readonly kind: 'ip'; readonly family: IpFamily; readonly protocol: 41 | 50; readonly packet: Uint8Array }
  | {
      readonly kind: 'udp';
      readonly source: IpAddress;
      readonly sourcePort: number;
      readonly destination: IpAddress;
      readonly destinationPort: number;
      /** The IPv6 packet carrying ESP (RFC 5555 §4.1 vanilla encapsulation). */
      readonly payload: Uint8Array;
    };

const HOP_LIMIT = 64; // RFC 8200 §3 leaves it to the node; the usual default (DEFAULT_TTL)
const EXTENSION_LENGTH = 24; // RH2 (RFC 6275 §6.4) and Destination Options holding the HAO (SPEC-NOTES §2.1)

/**
 * IPv6 · [RH2 | Destination Options(PadN, HAO)] · ESP written straight into one buffer: the BA/BU hot path of a busy
 * HA. The same bytes as `buildIpv6Packet` (signalling-packet.test.ts checks them against it), without its objects.
 */
function ipv6WithEsp(
  src: Ipv6Address,
  dst: Ipv6Address,
  esp: Uint8Array,
  extension?: { readonly kind: 'hao' | 'rh2'; readonly address: Ipv6Address },
): Uint8Array {
  const extLength = extension === undefined ? 0 : EXTENSION_LENGTH;
  const payloadLength = extLength + esp.length;
  if (payloadLength > 0xffff) throw new RangeError(`IPv6 payload of ${payloadLength} bytes`);
  const out = packetBytes(IPV6_HEADER_LENGTH + payloadLength);
  out[0] = 0x60;
  out[4] = payloadLength >>> 8;
  out[5] = payloadLength & 0xff;
  out[7] = HOP_LIMIT;
  out.set(src.bytes, 8);
  out.set(dst.bytes, 24);
  if (extension === undefined) {
    out[6] = IpProtocol.ESP;
  } else {
    const at = IPV6_HEADER_LENGTH;
    out[at] = IpProtocol.ESP; // the extension header's Next Header
    out[at + 1] = 2; // Hdr Ext Len: 2 × 8 octets after the first 8
    if (extension.kind === 'rh2') {
      out[6] = IpProtocol.ROUTING;
      out[at + 2] = RoutingType.TYPE2;
      out[at + 3] = 1; // Segments Left (RFC 6275 §6.4: always 1)
    } else {
      out[6] = IpProtocol.DEST_OPTS;
      out[at + 2] = Ipv6OptionType.PADN; // 2 bytes of padding, so the HAO starts at 8n+6 (RFC 6275 §6.3)
      out[at + 3] = 2;
      out[at + 6] = Ipv6OptionType.HOME_ADDRESS;
      out[at + 7] = HOME_ADDRESS_OPTION_LENGTH;
    }
    out.set(extension.address.bytes, at + 8);
  }
  out.set(esp, IPV6_HEADER_LENGTH + extLength);
  return out;
}

/**
 * Frames sealed ESP (whose payload is `send`'s MH) as `send.transport` asks: HAO and RH2 go in front of ESP, the
 * IPv4/UDP outer headers around the IPv6 packet (RFC 3776 §3.1; RFC 5555 §5.2.1).
 */
export function frameSignalling(send: SendMh, esp: Uint8Array): SignallingOutput {
  const t: MhTransport = send.transport;
  switch (t.kind) {
    case 'ipv6':
      return { kind: 'ip', family: 6, protocol: 50, packet: ipv6WithEsp(send.innerSrc, send.innerDst, esp) };
    case 'ipv6-hao': {
      const packet = ipv6WithEsp(t.careOf, send.innerDst, esp, { kind: 'hao', address: send.innerSrc });
      return { kind: 'ip', family: 6, protocol: 50, packet };
    }
    case 'ipv6-rh2': {
      const packet = ipv6WithEsp(send.innerSrc, t.careOf, esp, { kind: 'rh2', address: send.innerDst });
      return { kind: 'ip', family: 6, protocol: 50, packet };
    }
    case 'ipv4-protocol-41': {
      const inner = ipv6WithEsp(send.innerSrc, send.innerDst, esp);
      const packet = encapsulateIpInIp({ source: t.source, destination: t.destination }, { inner });
      return { kind: 'ip', family: 4, protocol: 41, packet };
    }
    case 'udp4':
      return {
        kind: 'udp',
        source: t.source,
        sourcePort: t.sourcePort,
        destination: t.destination,
        destinationPort: t.destinationPort,
        payload: ipv6WithEsp(send.innerSrc, send.innerDst, esp),
      };
  }
}

/** The whole IP packet of an output (UDP outputs framed as a UDP socket would send them): tests and captures. */
export function signallingOutputBytes(out: SignallingOutput): Uint8Array {
  if (out.kind === 'ip') return out.packet;
  const common = { sourcePort: out.sourcePort, destinationPort: out.destinationPort, payload: out.payload };
  if (out.source instanceof Ipv4Address) {
    return buildUdp4({ ...common, src: out.source, dst: out.destination as Ipv4Address });
  }
  return buildUdp6({ ...common, src: out.source as Ipv6Address, dst: out.destination as Ipv6Address });
}
