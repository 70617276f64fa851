/**
 * `RawIpTransport` (src/net/transport.ts) on Linux through the native addon: whole IP packets in both directions.
 *
 * - IPv4 (protocols 41, 4, 50): one AF_INET SOCK_RAW socket; reads carry the IPv4 header, writes are whole packets
 *   (IP_HDRINCL), routed on the header's destination.
 * - IPv6 (protocols 50, 135, 41, 4): writes through AF_INET6 IPPROTO_RAW (whole packets, so the Home Address option
 *   and the type 2 routing header go out as the pipeline built them, RFC 6275 §6.3–§6.4). Reads come from an
 *   AF_PACKET socket, because a kernel without CONFIG_IPV6_MIP6 discards a packet carrying either header while
 *   parsing its extension headers (RFC 8200 §4.2 option type 0xC9's high bits say discard; RH type 2 with Segments
 *   Left 1 is unknown), before any raw IPv6 socket sees it. A raw IPv6 socket for the protocol is kept open too,
 *   unread: with a raw socket present the kernel does not answer the plain packets with ICMP Parameter Problem
 *   (unrecognized Next Header, RFC 4443 §3.4). Packets with a HAO or RH2 would still draw an ICMP error from such a
 *   kernel: the provider installs a KernelGuard (kernel-guard.ts) for the node's addresses.
 *
 * Every raw socket of a protocol sees every packet of that protocol on the host (on loopback, the other node's too),
 * so each transport keeps only packets addressed to one of its node's `localAddresses`.
 */
import type { IpFamily, RawIpTransport, RawProtocolNumber } from '../../net/transport.ts';
import { TransportError } from '../../net/transport.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import { monotonicNowMs } from './clock.ts';
import { nativeModule, PacketHandle } from './native.ts';

const ETH_P_IPV6 = 0x86dd;
const IPPROTO_RAW = 255;
const IPV6_HEADER_BYTES = 40; // RFC 8200 §3
/** RFC 8200 §4: extension headers a chain may carry before the upper-layer protocol (AH: RFC 4302 §2.2). */
const EXTENSION_HEADERS = new Set([0, 43, 44, 60, 51, 135]);
const FRAGMENT = 44;
const AH = 51;

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
  /** AF_PACKET interface for IPv6 reads; default: every interface. */
  readonly interface?: string;
  readonly onTrace?: (t: RawPacketTrace) => void;
  readonly now?: () => number;
}

export class NodeRawTransport implements RawIpTransport {
  readonly counters = { sent: 0, received: 0, notForUs: 0, sendErrors: 0 };
  private handler: ((p: { packet: Uint8Array; receivedAt: number }) => void) | undefined;
  private readonly label: string;
  private readonly now: () => number;

  private constructor(
    readonly family: IpFamily,
    readonly protocol: RawProtocolNumber,
    private readonly reader: PacketHandle,
    private readonly writer: PacketHandle,
    /** IPv6 only: the unread raw socket that keeps the kernel from answering with ICMP. */
    private readonly sink: PacketHandle | undefined,
    private readonly options: NodeRawOptions,
  ) {
    this.label = `raw${family}/${protocol}`;
    this.now = options.now ?? monotonicNowMs;
    reader.onPackets((packets) => {
      for (const p of packets) this.receive(p);
    });
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
    const opened: PacketHandle[] = [];
    const handle = (fd: number) => {
      const h = new PacketHandle(fd, native);
      opened.push(h);
      return h;
    };
    try {
      if (options.family === 4) {
        const h = handle(native.openRaw(4, options.protocol));
        return new NodeRawTransport(4, options.protocol, h, h, undefined, options);
      }
      const writer = handle(native.openRaw(6, IPPROTO_RAW));
      const sink = handle(native.openRaw(6, options.protocol));
      const reader = handle(native.openPacket(options.interface ?? '', ETH_P_IPV6));
      return new NodeRawTransport(6, options.protocol, reader, writer, sink, options);
    } catch (e) {
      for (const h of opened) h.close();
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPERM' || code === 'EACCES') throw new TransportError('PERMISSION', (e as Error).message);
      throw e;
    }
  }

  send(packet: Uint8Array): void {
    if (this.writer.isClosed) throw new TransportError('CLOSED', `${this.label} is closed`);
    const version = packet.length > 0 ? (packet[0] as number) >> 4 : 0;
    if (version !== this.family) throw new TransportError('FAMILY_MISMATCH', `IPv${version} packet on ${this.label}`);
    const destination = this.family === 4 ? packet.subarray(16, 20) : packet.subarray(24, IPV6_HEADER_BYTES);
    this.options.onTrace?.({ direction: 'sent', label: this.label, packet, atMs: this.now() });
    this.counters.sent++;
    if (!this.writer.sendTo(packet, Uint8Array.from(destination))) this.counters.sendErrors++;
  }

  onPacket(handler: (p: { packet: Uint8Array; receivedAt: number }) => void): void {
    this.handler = handler;
  }

  close(): void {
    this.reader.close();
    this.writer.close();
    this.sink?.close();
    this.handler = undefined;
  }

  private receive(buffer: Buffer): void {
    const packet = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    if (!this.isOurs(packet)) {
      this.counters.notForUs++;
      return;
    }
    const receivedAt = this.now();
    this.counters.received++;
    this.options.onTrace?.({ direction: 'received', label: this.label, packet, atMs: receivedAt });
    this.handler?.({ packet, receivedAt });
  }

  /** Our protocol (IPv6: at the end of the extension header chain) and one of our addresses as destination. */
  private isOurs(p: Uint8Array): boolean {
    const destination = this.family === 4 ? p.subarray(16, 20) : p.subarray(24, IPV6_HEADER_BYTES);
    if (this.family === 4) {
      if (p.length < 20 || (p[0] as number) >> 4 !== 4 || p[9] !== this.protocol) return false;
    } else if (p.length < IPV6_HEADER_BYTES || upperLayerProtocol(p) !== this.protocol) {
      return false;
    }
    for (const a of this.options.localAddresses()) {
      if (equalBytes(a.bytes, destination)) return true;
    }
    return false;
  }
}

/** The Next Header after the IPv6 extension header chain, or -1 when the chain runs past the packet. */
export function upperLayerProtocol(p: Uint8Array): number {
  let next = p[6] as number;
  let offset = IPV6_HEADER_BYTES;
  while (EXTENSION_HEADERS.has(next)) {
    if (offset + 2 > p.length) return -1;
    const following = p[offset] as number;
    // RFC 8200 §4.5: the Fragment header has a fixed 8 bytes; RFC 4302 §2.2: AH's length is in 4-byte units - 2.
    const length =
      next === FRAGMENT ? 8 : next === AH ? ((p[offset + 1] as number) + 2) * 4 : ((p[offset + 1] as number) + 1) * 8;
    // An MH (135) as a "header" in the chain is the upper layer we may want: stop there.
    if (next === 135) return 135;
    next = following;
    offset += length;
  }
  return next;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
