/**
 * What the HA and the UE forwarders share: packets from the device go into a tunnel (size checked first: an inner
 * packet the tunnel cannot carry gets ICMPv6 Packet Too Big, RFC 4443 §3.2 / RFC 2473 §7.1, or ICMPv4
 * Fragmentation Needed, RFC 1191 §4 / RFC 2003 §5.1, or is fragmented when DF is clear, RFC 791 §3.2); packets out of
 * a tunnel, whose outer headers the node already checked, are checked by the subclass and written to the device.
 * A data SA (RFC 5555 §5.2.2, protected-tunnel.ts) takes the packets its selectors cover, with its own tunnel MTU;
 * packets the rule covers while no SA can take them are dropped (RFC 4301 §5.1).
 * Per packet: no closure; the plain tunnel allocates only the outer packet, the data SA also its ESP packet (and
 * the SAD its cipher state).
 */
import { TransportError } from '../../net/transport.ts';
import { IPV4_MIN_HEADER_LENGTH, IPV6_HEADER_LENGTH, IpProtocol } from '../../wire/ip/constants.ts';
import { CompiledTunnel } from './compiled-tunnel.ts';
import { type DataPlaneCounters, type DataPlaneDropReason, newDataPlaneCounters } from './data-plane-counters.ts';
import type { IcmpReporter } from './icmp-reporter.ts';
import { fragmentIpv4 } from './ipv4-fragmenter.ts';
import type { PacketDevice } from './packet-device.ts';
import { type DataSaSelector, NO_DATA_SA, type ProtectedTunnel } from './protected-tunnel.ts';
import type { TunnelOutput } from './tunnel-output.ts';

export interface ForwarderDeps {
  readonly device: PacketDevice;
  readonly output: TunnelOutput;
  readonly icmp: IcmpReporter;
  /** Milliseconds on the node's clock (virtual in tests), read once per batch of device packets. */
  readonly now: () => number;
  /** ESP data SAs (RFC 5555 §5.2.2) that take the packets their selectors cover; none when absent. */
  readonly dataSas?: DataSaSelector;
}

/** The IP version of a packet long enough for its fixed header (RFC 791 §3.1, RFC 8200 §3), else 0. */
export function ipVersionOf(p: Uint8Array): 0 | 4 | 6 {
  const v = (p[0] ?? 0) >> 4;
  if (v === 4 && p.length >= 20) return 4;
  if (v === 6 && p.length >= 40) return 6;
  return 0;
}

/** Whether `inner` is exactly one IPv4 or IPv6 packet: its length fields agree with its size. */
export function isWholePacket(inner: Uint8Array): boolean {
  const version = (inner[0] ?? 0) >> 4;
  if (version === 4) {
    return (
      inner.length >= IPV4_MIN_HEADER_LENGTH &&
      (inner[0]! & 0x0f) >= 5 &&
      ((inner[2]! << 8) | inner[3]!) === inner.length
    );
  }
  return (
    version === 6 &&
    inner.length >= IPV6_HEADER_LENGTH &&
    IPV6_HEADER_LENGTH + ((inner[4]! << 8) | inner[5]!) === inner.length
  );
}

export abstract class TunnelForwarder {
  readonly counters: DataPlaneCounters = newDataPlaneCounters();
  private closed = false;

  constructor(protected readonly deps: ForwarderDeps) {
    deps.device.onPackets((packets) => {
      if (this.closed) return;
      const now = deps.now();
      for (let i = 0; i < packets.length; i++) this.fromDevice(now, packets[i]!);
    });
  }

  /** A packet the device handed over (from the kernel's routing toward the tunnel). */
  abstract fromDevice(now: number, packet: Uint8Array): void;

  /** Stops taking packets and closes the device (the sockets belong to the node). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.deps.device.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Into tunnel `t`, or the data SA that covers the packet (RFC 5555 §5.2.2), unless it is larger than that carries;
   * dropped when the data SA rule covers it but no SA can take it (RFC 4301 §5.1: PROTECT without an SA).
   */
  protected sendInto(now: number, t: CompiledTunnel, packet: Uint8Array): void {
    const sa = this.deps.dataSas?.select(packet);
    if (sa === NO_DATA_SA) {
      this.drop('no-data-sa');
      return;
    }
    const through: CompiledTunnel | ProtectedTunnel = sa ?? t;
    if (packet.length > through.maxInner) this.oversize(now, through, packet);
    else this.transmit(through, packet);
  }

  /** Out of the tunnel, to the device, if it is one whole packet; false when it was dropped (and counted). */
  protected deliver(inner: Uint8Array): boolean {
    if (this.closed) return false;
    if (!isWholePacket(inner)) {
      this.drop('malformed-inner');
      return false;
    }
    if (!this.deps.device.write(inner)) {
      this.drop('device-full');
      return false;
    }
    this.counters.outOfTunnel.packets++;
    this.counters.outOfTunnel.bytes += inner.length;
    return true;
  }

  /** An ICMP error (or nothing) back to the packet's source through the device. */
  protected reply(icmp: Uint8Array | undefined): void {
    if (icmp === undefined) return;
    if (this.deps.device.write(icmp)) this.counters.icmpErrors++;
    else this.drop('device-full');
  }

  protected drop(reason: DataPlaneDropReason): void {
    this.counters.drops[reason]++;
  }

  private transmit(t: CompiledTunnel | ProtectedTunnel, inner: Uint8Array): void {
    if (!(t instanceof CompiledTunnel)) {
      const why = t.send(inner);
      if (why !== undefined) {
        this.drop(why);
        return;
      }
      this.counters.intoTunnel.packets++;
      this.counters.intoTunnel.bytes += inner.length;
      return;
    }
    const out = this.deps.output;
    try {
      if (t.framer === undefined) {
        const route = t.route as Extract<CompiledTunnel['route'], { kind: 'udp4' }>;
        const udp = out.udp;
        if (udp === undefined) {
          this.drop('no-socket');
          return;
        }
        udp.send(inner, route.destination, route.destinationPort, t.sendOptions);
      } else {
        const protocol = inner[0]! >> 4 === 4 ? IpProtocol.IPV4_IN_IP : IpProtocol.IPV6;
        if (!out.sendRaw(t.route.kind === 'ipv6' ? 6 : 4, protocol, t.framer.frame(inner))) {
          this.drop('no-socket');
          return;
        }
      }
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.drop('send-failed');
      return;
    }
    this.counters.intoTunnel.packets++;
    this.counters.intoTunnel.bytes += inner.length;
  }

  /** RFC 2473 §7.1 / RFC 4213 §3.2 / RFC 2003 §5.1: tell the source the tunnel MTU, or split a DF-clear datagram. */
  private oversize(now: number, t: CompiledTunnel | ProtectedTunnel, packet: Uint8Array): void {
    const icmp = this.deps.icmp;
    if (packet[0]! >> 4 === 4) {
      if ((packet[6]! & 0x40) === 0) {
        const pieces = fragmentIpv4(packet, t.maxInner);
        if (pieces === undefined) {
          this.drop('oversize'); // a malformed header: nothing to report on
          return;
        }
        this.counters.fragmented++;
        for (const p of pieces) this.transmit(t, p);
        return;
      }
      this.drop('oversize');
      this.reply(icmp.fragmentationNeeded(now, packet, t.maxInner));
      return;
    }
    this.drop('oversize');
    this.reply(icmp.packetTooBig(now, packet, t.maxInner));
  }
}
