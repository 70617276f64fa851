import { decodeDhcpv4Message } from '../dhcpv4/index.ts';
import { decodeDhcpv6Message } from '../dhcpv6/index.ts';
import { decodeDns } from '../dns/dns.ts';
import { decodeEap } from '../eap/index.ts';
import { IpProtocol, UdpPort } from '../ip/constants.ts';
import { decodeIcmpv6, decodeRouterAdvertisement, Icmpv6Type } from '../ip/index.ts';
import { effectiveDestination, effectiveSource, type Ipv6Packet } from '../ip/ipv6.ts';
import { decodeIpPacket } from '../ip/tunnel.ts';
import { decodeUdp, type UdpPseudoHeader, udpChecksum } from '../ip/udp.ts';
import { decodeMobilityHeader, verifyMobilityHeaderChecksum } from '../mh/index.ts';
import { decodePco } from '../pco/index.ts';
import type { Decryptor, EspOuterAddresses } from './decryptor.ts';
import { type Dissection, LayerSink, omit } from './dissection.ts';
import { dissectEsp, dissectIke, dissectIkeUdp, type EspContext } from './ipsec.ts';
import { parseLinkHeader } from './link.ts';
import {
  dhcpv4WithTypes,
  dhcpv6WithTypes,
  eapWithTypes,
  mhWithTypes,
  pcoWithTypes,
  routerAdvertisementWithTypes,
} from './type-numbers.ts';

/** Where `dissect` starts: a captured frame (`link`), an IP packet, or a bare message of one protocol. */
export const START_LAYERS = [
  'link',
  'ip',
  'mh',
  'ike',
  'esp',
  'eap',
  'dhcpv6',
  'dhcpv4',
  'pco',
  'dns',
  'icmpv6',
] as const;
export type StartLayer = (typeof START_LAYERS)[number];

export interface DissectOptions {
  /** Keys to open IKEv2 SK/SKF payloads and ESP packets (e.g. from a Wireshark key log); see decryptor.ts. */
  readonly decryptor?: Decryptor;
}

/** What a payload's dissector needs from the IP header before it; empty for a bare ESP packet. */
interface IpContext {
  /** UDP checksum addresses: for IPv6 the effective ones (HAO, RH2; RFC 6275 §6.1.1, §6.4). */
  readonly pseudo?: UdpPseudoHeader;
  /** The IPv6 header, for the MH checksum. */
  readonly ipv6?: Ipv6Packet;
  /** The header's own addresses, which ESP SAs are matched on. */
  readonly outer?: EspOuterAddresses;
}

/** How deep tunnels may nest (IP in UDP in IP ...) before the walk stops: bounds work on crafted input. */
const MAX_TUNNEL_DEPTH = 8;
/** Test DNS servers here listen on 5353 (the embedded one and dnsmasq in tests). */
const MDNS_PORT = 5353;

/**
 * Decodes every layer of a packet it knows, in order. Never throws on bad input: the first malformed layer is
 * reported in `error` with an absolute offset. UDP port 4191 is RFC 5555 vanilla encapsulation (inner IPv4
 * or IPv6 by version nibble), 500/4500 IKEv2 and UDP-encapsulated ESP (RFC 3948), 546/547 DHCPv6, 67/68
 * DHCPv4, 53/5353 DNS.
 */
export function dissect(
  bytes: Uint8Array,
  start: StartLayer = 'ip',
  linkType = 101,
  options: DissectOptions = {},
): Dissection {
  const sink = new LayerSink(bytes, options.decryptor);
  switch (start) {
    case 'link':
      dissectFrame(sink, bytes, linkType);
      break;
    case 'ip':
      dissectIp(sink, bytes, 0);
      break;
    case 'mh':
      sink.step(bytes, () => sink.add('mh', bytes, mhWithTypes(decodeMobilityHeader(bytes))));
      break;
    case 'ike':
      dissectIke(sink, bytes);
      break;
    case 'esp':
      dissectEsp(sink, bytes, espContext({}, 0));
      break;
    case 'icmpv6':
      sink.step(bytes, () => sink.add('icmpv6', bytes, decodeIcmpv6Message(bytes)));
      break;
    default:
      dissectApplication(sink, bytes, start);
  }
  return sink.finish();
}

function dissectFrame(sink: LayerSink, frame: Uint8Array, linkType: number): void {
  sink.step(frame, () => {
    const link = parseLinkHeader(frame, linkType);
    const payload = frame.subarray(link.headerLength);
    if (link.headerLength > 0) sink.add('link', frame.subarray(0, link.headerLength), link.header);
    if (link.kind === 'ip') dissectIp(sink, payload, 0);
    else if (link.kind === 'eapol' && payload.length >= 4) {
      const body = payload.subarray(4, 4 + ((payload[2]! << 8) | payload[3]!));
      sink.add('eapol', payload.subarray(0, 4), { version: payload[0], type: payload[1], length: body.length });
      if (payload[1] === 0) dissectApplication(sink, body, 'eap');
    }
  });
}

/** Application payloads that need no addressing context. */
export function dissectApplication(
  sink: LayerSink,
  view: Uint8Array,
  kind: 'eap' | 'dhcpv6' | 'dhcpv4' | 'pco' | 'dns',
): void {
  sink.step(view, () => {
    switch (kind) {
      case 'eap':
        return sink.add('eap', view, eapWithTypes(decodeEap(view)));
      case 'dhcpv6':
        return sink.add('dhcpv6', view, dhcpv6WithTypes(decodeDhcpv6Message(view)));
      case 'dhcpv4':
        return sink.add('dhcpv4', view, dhcpv4WithTypes(decodeDhcpv4Message(view)));
      case 'pco':
        return sink.add('pco', view, pcoWithTypes(decodePco(view)));
      case 'dns':
        return sink.add('dns', view, decodeDns(view));
    }
  });
}

function dissectIp(sink: LayerSink, view: Uint8Array, depth: number): void {
  if (depth > MAX_TUNNEL_DEPTH) return;
  sink.step(view, () => {
    const ip = decodeIpPacket(view);
    const pkt = ip.packet;
    const protocol = ip.version === 4 ? ip.packet.protocol : ip.packet.nextHeader;
    sink.add(
      ip.version === 4 ? 'ipv4' : 'ipv6',
      ip.bytes.subarray(0, ip.bytes.length - pkt.payload.length),
      omit(pkt, 'payload'),
    );
    const payload = pkt.payload;
    if (ip.version === 4 && (ip.packet.fragmentOffsetBytes > 0 || ip.packet.moreFragments)) {
      return sink.add('fragment', payload, { length: payload.length });
    }
    const ctx: IpContext =
      ip.version === 4
        ? {
            pseudo: { version: 4, source: ip.packet.source, destination: ip.packet.destination },
            outer: { version: 4, source: ip.packet.source, destination: ip.packet.destination },
          }
        : {
            pseudo: { version: 6, source: effectiveSource(ip.packet), destination: effectiveDestination(ip.packet) },
            ipv6: ip.packet,
            outer: { version: 6, source: ip.packet.source, destination: ip.packet.destination },
          };
    dissectIpPayload(sink, protocol, payload, ctx, depth);
  });
}

/** The upper layer of an IP packet, or of a decrypted ESP payload (whose IP context is the packet's). */
function dissectIpPayload(sink: LayerSink, protocol: number, payload: Uint8Array, ctx: IpContext, depth: number): void {
  switch (protocol) {
    case IpProtocol.IPV4_IN_IP:
    case IpProtocol.IPV6:
      dissectIp(sink, payload, depth + 1);
      break;
    case IpProtocol.UDP:
      dissectUdp(sink, payload, ctx, depth);
      break;
    case IpProtocol.MH:
      // MH has no meaning over IPv4; without any header (a bare ESP packet) it is decoded, its checksum unchecked.
      if (ctx.ipv6) dissectMh(sink, payload, ctx.ipv6);
      else if (ctx.outer) sink.add('data', payload, { protocol });
      else sink.step(payload, () => sink.add('mh', payload, mhWithTypes(decodeMobilityHeader(payload))));
      break;
    case IpProtocol.ESP:
      dissectEsp(sink, payload, espContext(ctx, depth));
      break;
    case IpProtocol.ICMPV6:
      sink.step(payload, () => sink.add('icmpv6', payload, decodeIcmpv6Message(payload)));
      break;
    case IpProtocol.NO_NEXT:
      break;
    default:
      if (payload.length > 0) sink.add('data', payload, { protocol, data: payload });
  }
}

/** ESP's inner payload is read in the context of the header that carried ESP (transport mode, RFC 4303 §3.1.1). */
function espContext(ctx: IpContext, depth: number): EspContext {
  const inner = (child: LayerSink, nextHeader: number, data: Uint8Array) => {
    if (depth < MAX_TUNNEL_DEPTH) dissectIpPayload(child, nextHeader, data, ctx, depth + 1);
  };
  return ctx.outer ? { outer: ctx.outer, inner } : { inner };
}

function dissectMh(sink: LayerSink, view: Uint8Array, outer: Ipv6Packet): void {
  sink.step(view, () => {
    const message = decodeMobilityHeader(view);
    // RFC 6275 §6.1.1: the pseudo-header uses the HAO address as source and the RH2 address as destination.
    const checksumValid = verifyMobilityHeaderChecksum(view, {
      src: effectiveSource(outer),
      dst: effectiveDestination(outer),
    });
    sink.add('mh', view, { ...mhWithTypes(message), checksumValid });
  });
}

function dissectUdp(sink: LayerSink, view: Uint8Array, ctx: IpContext, depth: number): void {
  sink.step(view, () => {
    const udp = decodeUdp(view);
    const checksum = (view[6]! << 8) | view[7]!;
    const pseudo = ctx.pseudo;
    const checksumValid =
      pseudo === undefined || (pseudo.version === 4 && checksum === 0) ? undefined : udpChecksum(view, pseudo) === 0;
    sink.add('udp', view.subarray(0, 8), {
      sourcePort: udp.sourcePort,
      destinationPort: udp.destinationPort,
      checksum,
      checksumValid,
    });
    const body = udp.payload;
    const port = (p: number) => udp.sourcePort === p || udp.destinationPort === p;
    if (body.length === 0) return;
    if (port(UdpPort.DSMIPV6)) return dissectIp(sink, body, depth + 1);
    if (port(UdpPort.IKE_NATT)) return dissectIkeUdp(sink, body, true, espContext(ctx, depth));
    if (port(UdpPort.IKE)) return dissectIkeUdp(sink, body, false, espContext(ctx, depth));
    if (port(UdpPort.DHCPV6_CLIENT) || port(UdpPort.DHCPV6_SERVER)) return dissectApplication(sink, body, 'dhcpv6');
    if (port(UdpPort.DHCPV4_SERVER) || port(UdpPort.DHCPV4_CLIENT)) return dissectApplication(sink, body, 'dhcpv4');
    if (port(UdpPort.DNS) || port(MDNS_PORT)) return dissectApplication(sink, body, 'dns');
    sink.add('data', body, { data: body });
  });
}

/** ICMPv6 with Router Advertisements (RFC 4861 §4.2) decoded fully; other types as type/code/body. */
function decodeIcmpv6Message(view: Uint8Array): unknown {
  const msg = decodeIcmpv6(view);
  if (msg.type === Icmpv6Type.ROUTER_ADVERTISEMENT) {
    return {
      type: msg.type,
      code: msg.code,
      routerAdvertisement: routerAdvertisementWithTypes(decodeRouterAdvertisement(view)),
    };
  }
  return msg;
}
