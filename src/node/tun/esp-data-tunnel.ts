/**
 * The sending half of a data SA (RFC 5555 §5.2.2): a whole inner packet is sealed in ESP tunnel mode (RFC 4303
 * §3.1.2, Next Header 4 or 41) on the outbound SA and leaves between the IKE endpoints, in one of the two formats
 * RFC 5555 §5.2.2 shows:
 *   no NAT:  IPv4 (CoA ↔ HA) | ESP | inner           on a raw socket for protocol 50, header built here
 *   NAT:     IPv4 | UDP (4500 ↔ the peer's port) | ESP | inner   from the IKE NAT-T socket (RFC 3948 §2.1)
 * The outer IPv4 header follows RFC 4301 §5.1.2.1: DSCP and ECN copied from the inner header (the RFC 6040 §4.1
 * normal mode), DF copied from an inner IPv4 header (RFC 4301 §8.1 "copy") and clear for IPv6, whose size the
 * tunnel MTU bounds; TTL 64; a counting Identification (RFC 6864 §4.1).
 */

import { sealEsp } from '../../ipsec/esp-protect.ts';
import type { EspSa } from '../../ipsec/sa.ts';
import { TransportError } from '../../net/transport.ts';
import type { IpAddress, Ipv4Address } from '../../util/ip-address.ts';
import { ESP_HEADER_LENGTH, ESP_TRAILER_LENGTH, EspNextHeader } from '../../wire/esp/constants.ts';
import { DEFAULT_TTL, IPV4_MIN_HEADER_LENGTH, IpProtocol, UDP_HEADER_LENGTH } from '../../wire/ip/constants.ts';
import type { TunnelMtus } from './compiled-tunnel.ts';
import type { DataPlaneDropReason } from './data-plane-counters.ts';
import type { ProtectedTunnel } from './protected-tunnel.ts';

/** Where a data SA's packets leave. */
export interface EspOutput {
  /** ESP in UDP from the NAT-T port to `to` (RFC 3948 §2.1); false when there is no such socket. */
  sendUdp(esp: Uint8Array, to: { readonly address: IpAddress; readonly port: number }): boolean;
  /** A whole IPv4 packet carrying ESP on the raw socket for protocol 50; false without one. May throw TransportError. */
  sendRaw(packet: Uint8Array): boolean;
}

/** The outer IPv4 header of plain ESP, prepared once per SA: each packet patches a few fields and the checksum. */
export class EspIpv4Framer {
  private readonly template = new Uint8Array(IPV4_MIN_HEADER_LENGTH);
  /** One's-complement sum of the fields that never change. */
  private readonly fixedSum: number;
  private identification: number;

  constructor(source: Ipv4Address, destination: Ipv4Address, firstIdentification = 0) {
    const h = this.template;
    h[0] = 0x45; // version 4, IHL 5 (RFC 791 §3.1)
    h[8] = DEFAULT_TTL;
    h[9] = IpProtocol.ESP;
    h.set(source.bytes, 12);
    h.set(destination.bytes, 16);
    let sum = 0;
    for (let i = 0; i < IPV4_MIN_HEADER_LENGTH; i += 2) sum += (h[i]! << 8) | h[i + 1]!;
    this.fixedSum = sum;
    this.identification = firstIdentification & 0xffff;
  }

  /** IPv4 | `esp`, with DSCP/ECN and DF taken from `inner`, the packet `esp` protects. */
  frame(esp: Uint8Array, inner: Uint8Array): Uint8Array {
    const out = new Uint8Array(IPV4_MIN_HEADER_LENGTH + esp.length);
    out.set(this.template);
    out.set(esp, IPV4_MIN_HEADER_LENGTH);
    const v4 = inner[0]! >> 4 === 4;
    const tos = v4 ? inner[1]! : ((inner[0]! & 0x0f) << 4) | (inner[1]! >> 4); // RFC 2474 §3, RFC 3168 §5
    const flags = v4 ? (inner[6]! & 0x40) << 8 : 0;
    const total = out.length;
    const id = this.identification;
    this.identification = (id + 1) & 0xffff;
    out[1] = tos;
    out[2] = total >>> 8;
    out[3] = total;
    out[4] = id >>> 8;
    out[5] = id;
    out[6] = flags >>> 8;
    let sum = this.fixedSum + tos + total + id + flags;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    const checksum = ~sum & 0xffff;
    out[10] = checksum >>> 8;
    out[11] = checksum;
    return out;
  }
}

/**
 * The largest inner packet one ESP packet carries over a `linkMtu` path (RFC 4301 §8.2): the link minus the outer
 * IPv4 header, UDP when encapsulated, SPI and Sequence, the IV, the ICV and the trailer, with the plaintext padded to
 * the SA's alignment (RFC 4303 §2.4); never more than the device MTU.
 */
export function espMaxInner(sa: EspSa, udp: boolean, mtus: TunnelMtus): number {
  const room =
    mtus.linkMtu -
    IPV4_MIN_HEADER_LENGTH -
    (udp ? UDP_HEADER_LENGTH : 0) -
    ESP_HEADER_LENGTH -
    sa.ivLength -
    sa.icvLength;
  const plaintext = room - (room % sa.alignment);
  return Math.min(mtus.deviceMtu, plaintext - ESP_TRAILER_LENGTH);
}

export class EspDataTunnel implements ProtectedTunnel {
  readonly maxInner: number;
  /** Plain ESP only. */
  private readonly framer: EspIpv4Framer | undefined;
  /** UDP-encapsulated ESP only: the peer's address and NAT-T port as IKE last saw them. */
  private readonly peer: { readonly address: IpAddress; readonly port: number } | undefined;

  constructor(
    /** The outbound SA (tunnel mode, both endpoint addresses IPv4). */
    readonly sa: EspSa,
    private readonly output: EspOutput,
    mtus: TunnelMtus,
  ) {
    const { localAddress, remoteAddress, udpEncap } = sa.params;
    if (sa.mode !== 'tunnel' || localAddress?.bytes.length !== 4 || remoteAddress?.bytes.length !== 4) {
      throw new RangeError(`data SA ${sa.spi}: needs tunnel mode between two IPv4 endpoints`);
    }
    this.peer = udpEncap ? { address: remoteAddress, port: udpEncap.remotePort } : undefined;
    this.framer = udpEncap ? undefined : new EspIpv4Framer(localAddress as Ipv4Address, remoteAddress as Ipv4Address);
    this.maxInner = espMaxInner(sa, udpEncap !== undefined, mtus);
  }

  send(inner: Uint8Array): DataPlaneDropReason | undefined {
    const sealed = sealEsp(this.sa, inner[0]! >> 4 === 4 ? EspNextHeader.IPV4 : EspNextHeader.IPV6, inner);
    if (!sealed.ok) return 'esp-refused';
    try {
      const sent =
        this.peer !== undefined
          ? this.output.sendUdp(sealed.packet, this.peer)
          : this.output.sendRaw(this.framer!.frame(sealed.packet, inner));
      return sent ? undefined : 'no-socket';
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      return 'send-failed';
    }
  }
}
