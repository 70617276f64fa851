/**
 * The ICMP errors a tunnel entry point originates about packets it cannot forward: Packet Too Big (RFC 4443 §3.2,
 * RFC 2473 §7.1), Fragmentation Needed (RFC 1191 §4, RFC 2003 §5.1) and Address Unreachable (RFC 6275 §10.4.2).
 * Each passes the "may I answer" rules (RFC 4443 §2.4 (e), RFC 1812 §4.3.2.7) and one token bucket
 * (RFC 4443 §2.4 (f) asks for rate limiting; RFC 1812 §4.3.2.8 allows it for ICMPv4). Time is handed in.
 */
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import {
  buildFragmentationNeeded,
  buildIcmpv6Unreachable,
  buildPacketTooBig,
  mayReportIpv4,
  mayReportIpv6,
} from '../../wire/ip/icmp-error-packets.ts';

export interface IcmpReporterOptions {
  /** Source of ICMPv6 errors: an address of this node that the receiver routes back to it. */
  readonly ipv6Source?: Ipv6Address;
  /**
   * Source of ICMPv4 errors; 'destination': the invoking datagram's own destination. A node writing the error into
   * its TUN device needs that: Linux drops an IPv4 packet arriving with one of its own addresses as source (a
   * "martian", fib_validate_source) and, with strict reverse-path filtering (RFC 3704 §2.2), one whose source is not
   * routed back through the device. The destination is routed through the device on both counts.
   */
  readonly ipv4Source?: Ipv4Address | 'destination';
  /** Sustained rate; default 100 per second. */
  readonly ratePerSec?: number;
  /** Bucket size; default 20. */
  readonly burst?: number;
}

export interface IcmpReporterCounters {
  sent: number;
  /** RFC 4443 §2.4 (e) / RFC 1812 §4.3.2.7 said no. */
  notAllowed: number;
  rateLimited: number;
  /** No source address of the family configured. */
  noSource: number;
}

export class IcmpReporter {
  readonly counters: IcmpReporterCounters = { sent: 0, notAllowed: 0, rateLimited: 0, noSource: 0 };
  private readonly ratePerMs: number;
  private readonly burst: number;
  private tokens: number;
  private lastMs: number | undefined;
  private identification = 0;

  constructor(private readonly o: IcmpReporterOptions = {}) {
    this.ratePerMs = (o.ratePerSec ?? 100) / 1000;
    this.burst = o.burst ?? 20;
    this.tokens = this.burst;
  }

  /** ICMPv6 Packet Too Big about `invoking`, or undefined (counted) when none may be sent. */
  packetTooBig(now: number, invoking: Uint8Array, mtu: number): Uint8Array | undefined {
    if (!this.mayV6(now, invoking, true)) return undefined;
    return buildPacketTooBig({
      source: this.o.ipv6Source!,
      destination: sourceV6(invoking),
      mtu,
      invokingPacket: invoking,
    });
  }

  /** ICMPv6 Destination Unreachable code 3 (RFC 6275 §10.4.2), or undefined. */
  addressUnreachable(now: number, invoking: Uint8Array): Uint8Array | undefined {
    if (!this.mayV6(now, invoking, false)) return undefined;
    return buildIcmpv6Unreachable({
      source: this.o.ipv6Source!,
      destination: sourceV6(invoking),
      invokingPacket: invoking,
    });
  }

  /** ICMPv4 Fragmentation Needed with the Next-Hop MTU (RFC 1191 §4), or undefined. */
  fragmentationNeeded(now: number, invoking: Uint8Array, nextHopMtu: number): Uint8Array | undefined {
    if (this.o.ipv4Source === undefined) return this.refuse('noSource');
    if (!mayReportIpv4(invoking)) return this.refuse('notAllowed');
    if (!this.take(now)) return this.refuse('rateLimited');
    this.counters.sent++;
    const identification = this.identification;
    this.identification = (identification + 1) & 0xffff;
    const source =
      this.o.ipv4Source === 'destination' ? Ipv4Address.fromBytes(invoking.subarray(16, 20)) : this.o.ipv4Source;
    return buildFragmentationNeeded({
      source,
      destination: Ipv4Address.fromBytes(invoking.subarray(12, 16)),
      nextHopMtu,
      invokingPacket: invoking,
      identification,
    });
  }

  private mayV6(now: number, invoking: Uint8Array, packetTooBig: boolean): boolean {
    const why =
      this.o.ipv6Source === undefined
        ? 'noSource'
        : !mayReportIpv6(invoking, packetTooBig)
          ? 'notAllowed'
          : !this.take(now)
            ? 'rateLimited'
            : undefined;
    if (why !== undefined) {
      this.counters[why]++;
      return false;
    }
    this.counters.sent++;
    return true;
  }

  private refuse(why: 'notAllowed' | 'rateLimited' | 'noSource'): undefined {
    this.counters[why]++;
    return undefined;
  }

  /** Token bucket: refills at `ratePerSec`, holds at most `burst`. */
  private take(now: number): boolean {
    if (this.lastMs !== undefined && now > this.lastMs) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.lastMs) * this.ratePerMs);
    }
    if (this.lastMs === undefined || now > this.lastMs) this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function sourceV6(packet: Uint8Array): Ipv6Address {
  return Ipv6Address.fromBytes(packet.subarray(8, 24));
}
