/**
 * The hot-path encapsulator for one tunnel route: the outer IPv4 or IPv6 header is prepared once per binding and
 * each packet costs one output buffer, a copy and a few patched fields (no Writer, no address objects). What it
 * writes is what src/wire/ip's builders write for the same fields (tunnel-framer.test.ts holds them together).
 *
 * - Protocol 4 for an IPv4 inner packet, 41 for IPv6 (RFC 5555 §4.1, RFC 2473 §3, RFC 4213 §3.5, RFC 2003 §3).
 * - Outer DSCP copied from the inner packet (the uniform model of RFC 2983 §3.1); outer ECN Not-ECT (00): RFC 6040
 *   §4.1 compatibility mode, which §4.3 asks for when the egress may not copy CE inside. No decapsulator here (nor
 *   the UDP framing, nor the data SA's) carries a CE mark from the outer header to the inner one (RFC 6040 §4.2), so
 *   an ECT outer header would invite marks that are then lost, and the congestion with them.
 * - Outer IPv4 DF copied from an inner IPv4 packet (RFC 2003 §3.1: "MUST" when set); clear for inner IPv6, whose
 *   size this tunnel bounds itself (RFC 4213 §3.2.1 static tunnel MTU). The Identification field counts up, so a
 *   fragmentable outer datagram has an ID unique enough for reassembly (RFC 6864 §4.1, RFC 791 §3.2).
 * - Outer hop limit / TTL 64; flow label 0 (RFC 6437 §3 allows it).
 * UDP routes need no framer: the UDP socket adds UDP and IPv4 (RFC 5555 §4.1).
 */
import type { TunnelRoute } from '../../mip/types.ts';
import { DEFAULT_TTL, IPV4_MIN_HEADER_LENGTH, IPV6_HEADER_LENGTH, IpProtocol } from '../../wire/ip/constants.ts';
import { outerTrafficClass } from '../../wire/ip/tunnel.ts';

export type IpInIpRoute = Extract<TunnelRoute, { readonly kind: 'ipv4' | 'ipv6' }>;

export class TunnelFramer {
  /** Bytes the outer header adds. */
  readonly overhead: number;
  private readonly template: Uint8Array;
  /** IPv4 outer only: the one's-complement sum of the header fields that never change. */
  private readonly fixedSum: number;
  private identification: number;

  constructor(
    readonly route: IpInIpRoute,
    /** First IPv4 Identification; tests pin it. */
    firstIdentification = 0,
  ) {
    const src = route.source.bytes;
    const dst = route.destination.bytes;
    this.identification = firstIdentification & 0xffff;
    if (route.kind === 'ipv4') {
      this.overhead = IPV4_MIN_HEADER_LENGTH;
      const h = new Uint8Array(IPV4_MIN_HEADER_LENGTH);
      h[0] = 0x45; // version 4, IHL 5 (RFC 791 §3.1)
      h[8] = DEFAULT_TTL;
      h.set(src, 12);
      h.set(dst, 16);
      this.template = h;
      this.fixedSum =
        0x4500 +
        (DEFAULT_TTL << 8) +
        ((src[0]! << 8) | src[1]!) +
        ((src[2]! << 8) | src[3]!) +
        ((dst[0]! << 8) | dst[1]!);
      this.fixedSum += (dst[2]! << 8) | dst[3]!;
    } else {
      this.overhead = IPV6_HEADER_LENGTH;
      const h = new Uint8Array(IPV6_HEADER_LENGTH);
      h[0] = 0x60;
      h[7] = DEFAULT_TTL;
      h.set(src, 8);
      h.set(dst, 24);
      this.template = h;
      this.fixedSum = 0;
    }
  }

  /**
   * The outer packet around `inner`, a whole IPv4 or IPv6 packet whose version nibble the caller checked. The caller
   * also checked the size (`overhead + inner.length` fits the link, tunnel-mtu.ts).
   */
  frame(inner: Uint8Array): Uint8Array {
    return this.frameAround(inner, inner, inner[0]! >> 4 === 4 ? IpProtocol.IPV4_IN_IP : IpProtocol.IPV6);
  }

  /**
   * The outer packet around `payload` (protocol `protocol`), with the DSCP and DF taken from `inner`, the packet the
   * payload carries: `inner` itself for IP-in-IP, the packet an ESP payload protects in tunnel mode (RFC 4301
   * §5.1.2.1: the outer header is built from the inner one).
   */
  frameAround(payload: Uint8Array, inner: Uint8Array, protocol: number): Uint8Array {
    const h = this.overhead;
    const out = new Uint8Array(h + payload.length);
    out.set(this.template);
    out.set(payload, h);
    const tc = outerTrafficClass(inner); // DSCP copied, ECN Not-ECT (RFC 6040 §4.1, spec-choices IP-4)
    if (h === IPV6_HEADER_LENGTH) {
      out[0] = 0x60 | (tc >> 4);
      out[1] = (tc & 0x0f) << 4;
      out[4] = payload.length >>> 8;
      out[5] = payload.length;
      out[6] = protocol;
      return out;
    }
    const total = out.length;
    const id = this.identification;
    this.identification = (id + 1) & 0xffff;
    // DF copied from an inner IPv4 header (RFC 2003 §3.1, RFC 4301 §8.1 "copy"); clear for IPv6.
    const flags = inner[0]! >> 4 === 4 ? (inner[6]! & 0x40) << 8 : 0;
    out[1] = tc;
    out[2] = total >>> 8;
    out[3] = total;
    out[4] = id >>> 8;
    out[5] = id;
    out[6] = flags >>> 8;
    out[9] = protocol;
    let sum = this.fixedSum + tc + protocol + total + id + flags;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    const checksum = ~sum & 0xffff;
    out[10] = checksum >>> 8;
    out[11] = checksum;
    return out;
  }
}
