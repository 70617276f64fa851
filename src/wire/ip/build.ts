/**
 * One-call packet builders for tests and the node layer: they fill in lengths, checksums, the Home
 * Address option and the Type 2 Routing Header. Lower-level control is in ipv4.ts / ipv6.ts / udp.ts.
 */
import { finishChecksum, ipv6PseudoSum, onesSum } from '../../util/checksum.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Writer } from '../../util/writer.ts';
import { DEFAULT_TTL, IpProtocol } from './constants.ts';
import { emitIpv4, type Ipv4Packet, ipv4Length } from './ipv4.ts';
import { effectiveDestination, effectiveSource, emitIpv6, type Ipv6Packet, ipv6Length } from './ipv6.ts';
import type { Ipv6ExtensionHeader } from './ipv6-ext.ts';
import { encodeUdp } from './udp.ts';

export interface Ipv6BuildOptions {
  readonly src: Ipv6Address;
  readonly dst: Ipv6Address;
  /** Protocol of `payload` (the last Next Header of the chain). */
  readonly nextHeader: number;
  readonly payload: Uint8Array;
  readonly hopLimit?: number;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
  /** Adds a Destination Options header with this Home Address option (RFC 6275 §6.3). */
  readonly homeAddressOption?: Ipv6Address;
  /** Adds a Type 2 Routing Header with this home address, Segments Left 1 (RFC 6275 §6.4). */
  readonly routingHeaderType2?: Ipv6Address;
  /**
   * Offset of a 16-bit checksum inside `payload` to fill in with the pseudo-header of the effective
   * addresses (RFC 8200 §8.1, RFC 6275 §6.1.1): MH 4, ICMPv6 2, UDP 6. The field's input value is ignored.
   */
  readonly checksumOffset?: number;
}

/** The IPv6 packet value `buildIpv6Packet` encodes. Order per RFC 8200 §4.1; HAO after the RH (RFC 6275 §6.3). */
export function ipv6PacketOf(o: Ipv6BuildOptions): Ipv6Packet {
  const extensionHeaders: Ipv6ExtensionHeader[] = [];
  if (o.routingHeaderType2)
    extensionHeaders.push({ kind: 'routingType2', segmentsLeft: 1, homeAddress: o.routingHeaderType2 });
  if (o.homeAddressOption) {
    extensionHeaders.push({
      kind: 'destinationOptions',
      options: [{ kind: 'homeAddress', homeAddress: o.homeAddressOption }],
    });
  }
  return {
    trafficClass: o.trafficClass ?? 0,
    flowLabel: o.flowLabel ?? 0,
    hopLimit: o.hopLimit ?? DEFAULT_TTL,
    source: o.src,
    destination: o.dst,
    extensionHeaders,
    nextHeader: o.nextHeader,
    payload: o.payload,
  };
}

export function buildIpv6Packet(o: Ipv6BuildOptions): Uint8Array {
  const pkt = ipv6PacketOf(o);
  const w = Writer.alloc(ipv6Length(pkt));
  emitIpv6(pkt, w);
  const out = w.finish();
  if (o.checksumOffset !== undefined) {
    const at = out.length - o.payload.length + o.checksumOffset;
    if (o.checksumOffset < 0 || o.checksumOffset + 2 > o.payload.length) {
      throw new RangeError(`checksum offset ${o.checksumOffset} outside a payload of ${o.payload.length} bytes`);
    }
    out[at] = 0;
    out[at + 1] = 0;
    const upper = out.subarray(out.length - o.payload.length);
    const base = ipv6PseudoSum(effectiveSource(pkt).bytes, effectiveDestination(pkt).bytes, upper.length, o.nextHeader);
    const sum = finishChecksum(onesSum(upper, base));
    // RFC 8200 §8.1: a UDP checksum computing to zero is sent as 0xffff (zero means "none").
    const value = sum === 0 && o.nextHeader === IpProtocol.UDP ? 0xffff : sum;
    out[at] = value >>> 8;
    out[at + 1] = value & 0xff;
  }
  return out;
}

export interface Ipv4BuildOptions {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly protocol: number;
  readonly payload: Uint8Array;
  readonly ttl?: number;
  readonly identification?: number;
  readonly dontFragment?: boolean;
  readonly dscp?: number;
  readonly ecn?: number;
}

export function ipv4PacketOf(o: Ipv4BuildOptions): Ipv4Packet {
  return {
    dscp: o.dscp ?? 0,
    ecn: o.ecn ?? 0,
    identification: o.identification ?? 0,
    reservedFlag: false,
    dontFragment: o.dontFragment ?? false,
    moreFragments: false,
    fragmentOffsetBytes: 0,
    ttl: o.ttl ?? DEFAULT_TTL,
    protocol: o.protocol,
    source: o.src,
    destination: o.dst,
    options: new Uint8Array(0),
    payload: o.payload,
  };
}

export function buildIpv4Packet(o: Ipv4BuildOptions): Uint8Array {
  const pkt = ipv4PacketOf(o);
  const w = Writer.alloc(ipv4Length(pkt));
  emitIpv4(pkt, w);
  return w.finish();
}

export interface UdpPorts {
  readonly sourcePort: number;
  readonly destinationPort: number;
}

/** IPv4 + UDP; `omitChecksum` sends checksum 0 (RFC 768), e.g. for NAT keepalives (RFC 3948 §2.3). */
export function buildUdp4(
  o: Omit<Ipv4BuildOptions, 'protocol'> & UdpPorts & { readonly omitChecksum?: boolean },
): Uint8Array {
  const udp = encodeUdp(
    { sourcePort: o.sourcePort, destinationPort: o.destinationPort, payload: o.payload },
    { version: 4, source: o.src, destination: o.dst, omitChecksum: o.omitChecksum ?? false },
  );
  return buildIpv4Packet({ ...o, protocol: IpProtocol.UDP, payload: udp });
}

/** IPv6 (+ RH2 / HAO when asked) + UDP, checksummed over the effective addresses (RFC 8200 §8.1). */
export function buildUdp6(o: Omit<Ipv6BuildOptions, 'nextHeader' | 'checksumOffset'> & UdpPorts): Uint8Array {
  const pkt = ipv6PacketOf({ ...o, nextHeader: IpProtocol.UDP });
  const udp = encodeUdp(
    { sourcePort: o.sourcePort, destinationPort: o.destinationPort, payload: o.payload },
    { version: 6, source: effectiveSource(pkt), destination: effectiveDestination(pkt) },
  );
  return buildIpv6Packet({ ...o, nextHeader: IpProtocol.UDP, payload: udp });
}
