/**
 * The sending half of a data SA (RFC 5555 §5.2.2): a whole inner packet is sealed in ESP tunnel mode (RFC 4303
 * §3.1.2, Next Header 4 or 41) on the outbound SA and leaves between the IKE endpoints, in one of the two formats
 * RFC 5555 §5.2.2 shows:
 *   no NAT:  IPv4 (CoA ↔ HA) | ESP | inner           on a raw socket for protocol 50, header built here
 *   NAT:     IPv4 | UDP (4500 ↔ the peer's port) | ESP | inner   from the IKE NAT-T socket (RFC 3948 §2.1)
 * The outer IPv4 header is the plain tunnel's (tunnel-framer.ts, protocol 50): DSCP copied from the inner header
 * (RFC 4301 §5.1.2.1), ECN Not-ECT (RFC 6040 §4.1 compatibility mode: CE is not carried back inside on opening), DF
 * copied from an inner IPv4 header (RFC 4301 §8.1 "copy") and clear for IPv6, whose size the tunnel MTU bounds;
 * TTL 64; a counting Identification (RFC 6864 §4.1).
 * With a NAT the peer's address and port are those of the latest authenticated packet (RFC 7296 §2.23: ESP that
 * opened on the SA, or the IKE SA's path), which `follow` sets.
 */

import { sealEsp } from '../../ipsec/esp-protect.ts';
import type { EspSa } from '../../ipsec/sa.ts';
import { TransportError } from '../../net/transport.ts';
import { bytesEqual } from '../../util/hex.ts';
import type { IpAddress, Ipv4Address } from '../../util/ip-address.ts';
import { ESP_HEADER_LENGTH, ESP_TRAILER_LENGTH, EspNextHeader } from '../../wire/esp/constants.ts';
import { IPV4_MIN_HEADER_LENGTH, IpProtocol, UDP_HEADER_LENGTH } from '../../wire/ip/constants.ts';
import type { TunnelMtus } from './compiled-tunnel.ts';
import type { DataPlaneDropReason } from './data-plane-counters.ts';
import type { ProtectedTunnel } from './protected-tunnel.ts';
import { TunnelFramer } from './tunnel-framer.ts';

/** A UDP peer: address and port. */
export interface UdpPeer {
  readonly address: IpAddress;
  readonly port: number;
}

/** Where a data SA's packets leave. */
export interface EspOutput {
  /** ESP in UDP from the NAT-T port to `to` (RFC 3948 §2.1); false when there is no such socket. */
  sendUdp(esp: Uint8Array, to: UdpPeer): boolean;
  /** A whole IPv4 packet carrying ESP on the raw socket for protocol 50; false without one. May throw TransportError. */
  sendRaw(packet: Uint8Array): boolean;
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
  /** Plain ESP only: the outer IPv4 header, protocol 50. */
  private readonly framer: TunnelFramer | undefined;
  /** UDP-encapsulated ESP only: where the peer was last seen. */
  private to: UdpPeer | undefined;

  constructor(
    /** The outbound SA (tunnel mode, both endpoint addresses IPv4). */
    readonly sa: EspSa,
    private readonly output: EspOutput,
    mtus: TunnelMtus,
    /** First IPv4 Identification of plain ESP; tests pin it. */
    firstIdentification = 0,
  ) {
    const { localAddress, remoteAddress, udpEncap } = sa.params;
    if (sa.mode !== 'tunnel' || localAddress?.bytes.length !== 4 || remoteAddress?.bytes.length !== 4) {
      throw new RangeError(`data SA ${sa.spi}: needs tunnel mode between two IPv4 endpoints`);
    }
    this.to = udpEncap ? { address: remoteAddress, port: udpEncap.remotePort } : undefined;
    this.framer = udpEncap
      ? undefined
      : new TunnelFramer(
          { kind: 'ipv4', source: localAddress as Ipv4Address, destination: remoteAddress as Ipv4Address },
          firstIdentification,
        );
    this.maxInner = espMaxInner(sa, udpEncap !== undefined, mtus);
  }

  /** UDP-encapsulated: where the packets go now; undefined for plain ESP. */
  get peer(): UdpPeer | undefined {
    return this.to;
  }

  /**
   * The peer was seen at `from` in an authenticated packet newer than any before (RFC 7296 §2.23: a NAT may have
   * given it a new address or port). Plain ESP has no NAT between the ends and keeps its addresses.
   */
  follow(from: UdpPeer): void {
    const to = this.to;
    if (to === undefined || (to.port === from.port && bytesEqual(to.address.bytes, from.address.bytes))) return;
    this.to = { address: from.address, port: from.port };
  }

  send(inner: Uint8Array): DataPlaneDropReason | undefined {
    const sealed = sealEsp(this.sa, inner[0]! >> 4 === 4 ? EspNextHeader.IPV4 : EspNextHeader.IPV6, inner);
    if (!sealed.ok) return 'esp-refused';
    try {
      const to = this.to;
      const sent =
        to !== undefined
          ? this.output.sendUdp(sealed.packet, to)
          : this.output.sendRaw(this.framer!.frameAround(sealed.packet, inner, IpProtocol.ESP));
      return sent ? undefined : 'no-socket';
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      return 'send-failed';
    }
  }
}
