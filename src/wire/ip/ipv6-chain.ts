/**
 * The one bounded walk over an IPv6 extension header chain (RFC 8200 §4), for the paths that only need to know
 * which upper-layer header a packet carries and where it starts, without decoding it: the raw-socket
 * demultiplexer, the ICMP error rules and the forwarder's DHCP filter. Reads raw bytes, allocates one small result.
 *
 * Walked: Hop-by-Hop, Routing, Destination Options ((Hdr Ext Len + 1) × 8 bytes, RFC 8200 §4.3, §4.4, §4.6), the
 * Fragment header (8 bytes, §4.5) and AH ((Payload Len + 2) × 4 bytes, RFC 4302 §2.2). Everything else ends the
 * chain: ESP cannot be walked (its Next Header is encrypted, RFC 4303 §2), and the Mobility Header is the upper
 * layer a DSMIPv6 node wants (RFC 6275 §6.1: its Payload Proto is 59).
 */
import { IPV6_HEADER_LENGTH, IpProtocol } from './constants.ts';

const FRAGMENT_HEADER_LENGTH = 8; // RFC 8200 §4.5

export interface Ipv6Chain {
  /**
   * The header after the chain: the upper layer. For a later fragment, the Next Header its Fragment header names
   * (what follows is the middle of that protocol's data, not its header).
   */
  readonly protocol: number;
  /** Where that header starts: the IPv6 header and the extension headers walked (at most the packet's length). */
  readonly offset: number;
  /**
   * A Fragment header in the chain (RFC 8200 §4.5): 'first' for Fragment Offset 0 (the walk went on past it, atomic
   * fragments included, RFC 6946), 'later' for any other offset (the walk stopped there).
   */
  readonly fragment: 'none' | 'first' | 'later';
}

/** Whether the walk steps over `protocol` (see the module comment). */
export function isWalkedExtensionHeader(protocol: number): boolean {
  return (
    protocol === IpProtocol.HOP_BY_HOP ||
    protocol === IpProtocol.ROUTING ||
    protocol === IpProtocol.DEST_OPTS ||
    protocol === IpProtocol.FRAGMENT ||
    protocol === IpProtocol.AH
  );
}

/**
 * The upper layer of an IPv6 packet (the caller checked the version), or undefined when the packet is shorter than
 * its IPv6 header or an extension header runs past its end. Never reads past `p.length`; every step consumes at
 * least 8 bytes, so the walk ends.
 */
export function walkIpv6Chain(p: Uint8Array): Ipv6Chain | undefined {
  if (p.length < IPV6_HEADER_LENGTH) return undefined;
  let protocol = p[6]!;
  let offset = IPV6_HEADER_LENGTH;
  let fragment: Ipv6Chain['fragment'] = 'none';
  while (isWalkedExtensionHeader(protocol)) {
    // Next Header and the length byte (or the Fragment header's whole 8 bytes) must be there before we read them.
    if (offset + FRAGMENT_HEADER_LENGTH > p.length) return undefined;
    const next = p[offset]!;
    let length: number;
    if (protocol === IpProtocol.FRAGMENT) {
      length = FRAGMENT_HEADER_LENGTH;
      // Fragment Offset: the upper 13 bits of bytes 2-3 (RFC 8200 §4.5).
      if ((((p[offset + 2]! << 8) | p[offset + 3]!) & 0xfff8) !== 0) {
        return { protocol: next, offset: offset + length, fragment: 'later' };
      }
      fragment = 'first';
    } else if (protocol === IpProtocol.AH) {
      length = (p[offset + 1]! + 2) * 4;
    } else {
      length = (p[offset + 1]! + 1) * 8;
    }
    if (offset + length > p.length) return undefined;
    protocol = next;
    offset += length;
  }
  return { protocol, offset, fragment };
}
