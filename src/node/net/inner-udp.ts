/**
 * UDP inside the DSMIPv6 tunnel, for the DHCP exchanges both ends run through it (TS 24.303 §5.1.2.4 last
 * paragraph): the inner IPv4/IPv6 packet of a DHCP datagram, and the datagram of an inner packet (checksum
 * verified over the inner addresses, RFC 768 / RFC 8200 §8.1; fragments and other protocols are not UDP here).
 */
import type { Dhcpv4Datagram, Dhcpv6Datagram } from '../../dhcp/datagram.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import { parseUdp } from '../../wire/ip/udp.ts';

export type InnerUdp = ({ readonly family: 6 } & Dhcpv6Datagram) | ({ readonly family: 4 } & Dhcpv4Datagram);

/** The IP packet carrying `d` (its addresses decide the family). */
export function innerUdpPacket(d: Dhcpv6Datagram | Dhcpv4Datagram): Uint8Array {
  const ports = { sourcePort: d.sourcePort, destinationPort: d.destinationPort, payload: d.payload };
  if (d.source instanceof Ipv6Address && d.destination instanceof Ipv6Address) {
    return buildUdp6({ src: d.source, dst: d.destination, ...ports });
  }
  if (d.source instanceof Ipv4Address && d.destination instanceof Ipv4Address) {
    return buildUdp4({ src: d.source, dst: d.destination, ...ports });
  }
  throw new RangeError(`UDP from ${d.source} to ${d.destination}: address families differ`);
}

/** The UDP datagram in an inner packet, or undefined for another protocol or a fragment; WireError if malformed. */
export function innerUdpOf(inner: Uint8Array): InnerUdp | undefined {
  const ip = decodeIpPacket(inner);
  if (ip.version === 6) {
    const p = ip.packet;
    if (p.nextHeader !== IpProtocol.UDP || p.extensionHeaders.some((h) => h.kind === 'fragment')) return undefined;
    const at = ip.bytes.length - p.payload.length;
    const udp = parseUdp(Reader.of(p.payload, 'udp', at), { version: 6, source: p.source, destination: p.destination });
    return { family: 6, source: p.source, destination: p.destination, ...udp };
  }
  const p = ip.packet;
  if (p.protocol !== IpProtocol.UDP || p.moreFragments || p.fragmentOffsetBytes !== 0) return undefined;
  const at = ip.bytes.length - p.payload.length;
  const udp = parseUdp(Reader.of(p.payload, 'udp', at), { version: 4, source: p.source, destination: p.destination });
  return { family: 4, source: p.source, destination: p.destination, ...udp };
}
