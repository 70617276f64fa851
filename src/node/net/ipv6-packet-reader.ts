/**
 * Whole IPv6 packets in, for every raw IPv6 transport of a node through one AF_PACKET socket (a kernel without
 * CONFIG_IPV6_MIP6 discards packets with a Home Address option or a type 2 routing header before a raw IPv6 socket
 * sees them, raw-transport.ts). One socket per node, so each packet crosses into JavaScript once, however many
 * protocols the node reads; a classic BPF program keeps the kernel from copying anything else: only packets for
 * this host (not our own outgoing ones, nor other hosts' seen in promiscuous mode, packet(7)), only IPv6, and only
 * those whose first Next Header is a protocol read raw or an extension header that may lead to one.
 * The reader walks the extension header chain once (ipv6-chain.ts) and hands the packet to the transports of its
 * upper-layer protocol. Packets with a Fragment header are dropped and counted: there is no reassembly here.
 */
import { IpProtocol } from '../../wire/ip/constants.ts';
import { walkIpv6Chain } from '../../wire/ip/ipv6-chain.ts';
import { nativeModule, PacketHandle } from './native.ts';

const ETH_P_IPV6 = 0x86dd; // linux/if_ether.h

/** The upper layers a raw IPv6 transport may carry (RawProtocol: RFC 5555 §4.1, RFC 4303, RFC 6275 §6.1). */
const RAW_IPV6_PROTOCOLS = [IpProtocol.ESP, IpProtocol.IPV6, IpProtocol.IPV4_IN_IP, IpProtocol.MH];
/** Extension headers the chain walk steps over (ipv6-chain.ts): one may lead to a raw protocol. */
const LEADING_EXTENSION_HEADERS = [
  IpProtocol.HOP_BY_HOP,
  IpProtocol.ROUTING,
  IpProtocol.FRAGMENT,
  IpProtocol.DEST_OPTS,
  IpProtocol.AH,
];

// Classic BPF (linux/bpf_common.h, linux/filter.h).
const LD_W_ABS = 0x20;
const LD_B_ABS = 0x30;
const ALU_AND_K = 0x54;
const JMP_JEQ_K = 0x15;
const RET_K = 0x06;
/** SKF_AD_OFF + SKF_AD_PKTTYPE: loads the packet type (PACKET_HOST, PACKET_OTHERHOST, ...). */
const AD_PKTTYPE = (-0x1000 + 4) >>> 0;
const PACKET_OTHERHOST = 3; // linux/if_packet.h
const PACKET_OUTGOING = 4;
/** Bytes to keep of an accepted packet: all of it. */
const ACCEPT_WHOLE = 0x40000;

/**
 * The socket filter as flat [code, jt, jf, k] quads. SOCK_DGRAM packet sockets run it from the network header on:
 * byte 0's high nibble is the IP version, byte 6 the first Next Header (RFC 8200 §3).
 */
export function ipv6ReaderFilter(
  firstHeaders: readonly number[] = [...RAW_IPV6_PROTOCOLS, ...LEADING_EXTENSION_HEADERS],
): number[] {
  const n = firstHeaders.length;
  if (n === 0 || n > 200) throw new RangeError(`${n} Next Header values: 1 to 200 fit the filter's jumps`);
  // Instruction indexes: 0-5 checks, 6 loads Next Header, 7..6+n compare, 7+n drops, 8+n accepts.
  const drop = 7 + n;
  const accept = 8 + n;
  const program: [number, number, number, number][] = [
    [LD_W_ABS, 0, 0, AD_PKTTYPE],
    [JMP_JEQ_K, drop - 2, 0, PACKET_OUTGOING],
    [JMP_JEQ_K, drop - 3, 0, PACKET_OTHERHOST],
    [LD_B_ABS, 0, 0, 0],
    [ALU_AND_K, 0, 0, 0xf0],
    [JMP_JEQ_K, 0, drop - 6, 0x60],
    [LD_B_ABS, 0, 0, 6],
  ];
  for (let i = 0; i < n; i++) program.push([JMP_JEQ_K, accept - (7 + i) - 1, 0, firstHeaders[i]!]);
  program.push([RET_K, 0, 0, 0], [RET_K, 0, 0, ACCEPT_WHOLE]);
  return program.flat();
}

export interface Ipv6ReaderCounters {
  /** Packets the filter let through. */
  packets: number;
  /** Dropped: a Fragment header in the chain (no reassembly). */
  fragments: number;
  /** Dropped: the extension header chain runs past the packet. */
  truncated: number;
  /** Dropped: no transport reads the upper-layer protocol (e.g. TCP behind a Hop-by-Hop header). */
  unclaimed: number;
}

type Sink = (packet: Uint8Array) => void;

export class Ipv6PacketReader {
  readonly counters: Ipv6ReaderCounters = { packets: 0, fragments: 0, truncated: 0, unclaimed: 0 };
  private readonly sinks = new Map<number, readonly Sink[]>();

  private constructor(private readonly handle: PacketHandle) {
    handle.onPackets((packets) => {
      for (let i = 0; i < packets.length; i++) {
        const b = packets[i]!;
        this.receive(new Uint8Array(b.buffer, b.byteOffset, b.length));
      }
    });
  }

  /** One interface, or every interface when `interfaceName` is empty or absent. Throws the addon's Error codes. */
  static open(interfaceName = ''): Ipv6PacketReader {
    const native = nativeModule();
    return new Ipv6PacketReader(
      new PacketHandle(native.openPacket(interfaceName, ETH_P_IPV6, ipv6ReaderFilter()), native),
    );
  }

  /** Packets whose upper layer is `protocol` go to `sink` until the returned function is called. */
  subscribe(protocol: number, sink: Sink): () => void {
    if (this.handle.isClosed) throw new Error('the IPv6 packet reader is closed');
    // Copy on write: a sink may unsubscribe while a batch is being handed out.
    this.sinks.set(protocol, [...(this.sinks.get(protocol) ?? []), sink]);
    return () => this.unsubscribe(protocol, sink);
  }

  /** Closed with its last subscriber (or by `close`); a node opens a new one for the next raw IPv6 transport. */
  get isClosed(): boolean {
    return this.handle.isClosed;
  }

  close(): void {
    this.sinks.clear();
    this.handle.close();
  }

  /** The handle's read errors (its queue-full count is for writes, which a reader does not do). */
  get readErrors(): number {
    return this.handle.counters.errors;
  }

  private unsubscribe(protocol: number, sink: Sink): void {
    const list = this.sinks.get(protocol)?.filter((s) => s !== sink);
    if (list === undefined) return;
    if (list.length === 0) this.sinks.delete(protocol);
    else this.sinks.set(protocol, list);
    if (this.sinks.size === 0) this.close();
  }

  private receive(packet: Uint8Array): void {
    this.counters.packets++;
    const chain = walkIpv6Chain(packet);
    if (chain === undefined) {
      this.counters.truncated++;
      return;
    }
    const list = this.sinks.get(chain.protocol);
    if (list === undefined) {
      this.counters.unclaimed++;
      return;
    }
    if (chain.fragment !== 'none') {
      this.counters.fragments++;
      return;
    }
    for (let i = 0; i < list.length; i++) list[i]!(packet);
  }
}
