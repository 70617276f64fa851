/**
 * `RawIpTransport` (src/net/transport.ts) on Linux through the native addon: whole IP packets in both directions.
 *
 * - IPv4 (protocols 41, 4, 50): one AF_INET SOCK_RAW socket; reads carry the IPv4 header, writes are whole packets
 *   (IP_HDRINCL), routed on the header's destination. The kernel hands the raw socket its copy before its own
 *   handler of the protocol runs: with no handler, a raw socket present keeps it from answering with ICMP Protocol
 *   Unreachable (RFC 1122 §3.2.2.1); with one (the ipip or sit modules, through tunnel4), a packet no kernel tunnel
 *   claims still draws ICMP Port Unreachable. A netfilter rule cannot prevent that here: the input hook runs before
 *   raw delivery, so it would hide the packet from the raw socket too. Such hosts should not load those modules.
 * - IPv6 (protocols 50, 135, 41, 4): writes through AF_INET6 IPPROTO_RAW (whole packets, so the Home Address option
 *   and the type 2 routing header go out as the pipeline built them, RFC 6275 §6.3–§6.4). Reads come from the node's
 *   AF_PACKET reader (ipv6-packet-reader.ts), because a kernel without CONFIG_IPV6_MIP6 discards a packet carrying
 *   either header while parsing its extension headers (RFC 8200 §4.2 option type 0xC9's high bits say discard;
 *   RH type 2 with Segments Left 1 is unknown, §4.4), before any raw IPv6 socket sees it. The kernel's own copy would
 *   draw ICMP errors (Parameter Problem for those headers and for a Next Header it has no handler for, RFC 4443
 *   §3.4; Port Unreachable from the tunnel modules for 41/4): the provider's KernelGuard (kernel-guard.ts) drops it
 *   for the node's addresses before the kernel parses it.
 *
 * Every packet of a protocol reaches every node on the host that reads it (on loopback, the other node's too), so
 * each transport keeps only packets addressed to one of its node's `localAddresses`.
 */
import type { IpFamily, RawIpTransport, RawProtocolNumber } from '../../net/transport.ts';
import { TransportError } from '../../net/transport.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import { monotonicNowMs } from './clock.ts';
import { Ipv6PacketReader } from './ipv6-packet-reader.ts';
import { nativeModule, PacketHandle } from './native.ts';

const IPPROTO_RAW = 255;
const IPV6_HEADER_BYTES = 40; // RFC 8200 §3

export interface RawPacketTrace {
  readonly direction: 'sent' | 'received';
  readonly label: string;
  readonly packet: Uint8Array;
  readonly atMs: number;
}

export interface NodeRawOptions {
  readonly protocol: RawProtocolNumber;
  readonly family: IpFamily;
  /** Packets to other destinations are not this node's (other nodes on the same host see them too). */
  readonly localAddresses: () => readonly IpAddress[];
  /** IPv6: the node's shared reader; without one the transport opens its own on `interface`. */
  readonly ipv6Reader?: Ipv6PacketReader;
  /** AF_PACKET interface for a reader of its own; default: every interface. */
  readonly interface?: string;
  readonly onTrace?: (t: RawPacketTrace) => void;
  /** Sees each packet before it is sent (the provider guards its source address first, kernel-guard.ts). */
  readonly beforeSend?: (packet: Uint8Array) => void;
  /** Called once when the transport closes (by its owner or by `close()` from anywhere). */
  readonly onClosed?: () => void;
  readonly now?: () => number;
}

export interface NodeRawCounters {
  sent: number;
  received: number;
  notForUs: number;
  /** Packets the kernel refused (queue full, no route...): not sent, not traced. */
  sendErrors: number;
  lastSendErrno: number;
}

export class NodeRawTransport implements RawIpTransport {
  readonly counters: NodeRawCounters = { sent: 0, received: 0, notForUs: 0, sendErrors: 0, lastSendErrno: 0 };
  readonly label: string;
  private handler: ((p: { packet: Uint8Array; receivedAt: number }) => void) | undefined;
  private readonly now: () => number;
  private closed = false;

  private constructor(
    readonly family: IpFamily,
    readonly protocol: RawProtocolNumber,
    private readonly writer: PacketHandle,
    /** IPv4: the socket itself; IPv6: the reader subscription's end. */
    private readonly stopReading: () => void,
    private readonly options: NodeRawOptions,
  ) {
    this.label = `raw${family}/${protocol}`;
    this.now = options.now ?? monotonicNowMs;
  }

  /** TransportError PERMISSION without CAP_NET_RAW; UNSUPPORTED without the addon. */
  static open(options: NodeRawOptions): NodeRawTransport {
    const native = (() => {
      try {
        return nativeModule();
      } catch (e) {
        throw new TransportError('UNSUPPORTED', (e as Error).message);
      }
    })();
    let writer: PacketHandle | undefined;
    try {
      if (options.family === 4) {
        const socket = new PacketHandle(native.openRaw(4, options.protocol), native);
        writer = socket;
        const t = new NodeRawTransport(4, options.protocol, socket, () => socket.close(), options);
        socket.onPackets((packets) => {
          for (let i = 0; i < packets.length; i++) {
            const b = packets[i]!;
            t.receive(new Uint8Array(b.buffer, b.byteOffset, b.length));
          }
        });
        return t;
      }
      writer = new PacketHandle(native.openRaw(6, IPPROTO_RAW), native);
      const reader = options.ipv6Reader ?? Ipv6PacketReader.open(options.interface);
      let t: NodeRawTransport | undefined;
      const stop = reader.subscribe(options.protocol, (p) => t?.receive(p));
      t = new NodeRawTransport(6, options.protocol, writer, stop, options);
      return t;
    } catch (e) {
      writer?.close();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPERM' || code === 'EACCES') throw new TransportError('PERMISSION', (e as Error).message);
      throw e;
    }
  }

  /** Sends a whole packet; false (counted in `sendErrors`, not traced) when the kernel refused it. */
  send(packet: Uint8Array): boolean {
    if (this.closed) throw new TransportError('CLOSED', `${this.label} is closed`);
    const version = packet.length > 0 ? (packet[0] as number) >> 4 : 0;
    if (version !== this.family) throw new TransportError('FAMILY_MISMATCH', `IPv${version} packet on ${this.label}`);
    const destination = this.family === 4 ? packet.subarray(16, 20) : packet.subarray(24, IPV6_HEADER_BYTES);
    this.options.beforeSend?.(packet);
    if (!this.writer.sendTo(packet, Uint8Array.from(destination))) {
      this.counters.sendErrors++;
      this.counters.lastSendErrno = this.writer.counters.lastError;
      return false;
    }
    this.counters.sent++;
    // After the kernel took it: a capture shows what went out, not what was refused.
    this.options.onTrace?.({ direction: 'sent', label: this.label, packet, atMs: this.now() });
    return true;
  }

  onPacket(handler: (p: { packet: Uint8Array; receivedAt: number }) => void): void {
    this.handler = handler;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopReading();
    this.writer.close();
    this.handler = undefined;
    this.options.onClosed?.();
  }

  private receive(packet: Uint8Array): void {
    if (this.closed) return;
    if (!this.isOurs(packet)) {
      this.counters.notForUs++;
      return;
    }
    const receivedAt = this.now();
    this.counters.received++;
    this.options.onTrace?.({ direction: 'received', label: this.label, packet, atMs: receivedAt });
    this.handler?.({ packet, receivedAt });
  }

  /** IPv4: our protocol (the reader already demultiplexed IPv6); both: one of our addresses as destination. */
  private isOurs(p: Uint8Array): boolean {
    if (this.family === 4 && (p.length < 20 || (p[0] as number) >> 4 !== 4 || p[9] !== this.protocol)) return false;
    if (this.family === 6 && p.length < IPV6_HEADER_BYTES) return false;
    const at = this.family === 4 ? 16 : 24;
    const length = this.family === 4 ? 4 : 16;
    for (const a of this.options.localAddresses()) {
      if (a.bytes.length === length && equalAt(p, at, a.bytes)) return true;
    }
    return false;
  }
}

function equalAt(p: Uint8Array, at: number, address: Uint8Array): boolean {
  for (let i = 0; i < address.length; i++) if (p[at + i] !== address[i]) return false;
  return true;
}
