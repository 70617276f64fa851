/**
 * How the HA's sealed BAs leave. In UDP (RFC 5555 §4.1 framing the core chose): from the 4191 socket. In raw IP
 * (protocol 41 to an IPv4 CoA without NAT, TS 24.303 §5.1.3.2; IPv6 with RH2): from the raw socket of that family
 * and protocol. When the process has no raw sockets (not root, or the native addon is not built), a BA whose BU came
 * in UDP goes back the way the BU came, UDP from 4191 to the observed address and port — the framing RFC 5555 §4.2
 * prescribes and SPEC-NOTES §15 item 13 has the UE accept. (A UE that asked for F = 1 already gets every BA in UDP
 * from src/mip.) Anything else is dropped and counted.
 */
import type { Ipv4OuterInfo, OuterInfo } from '../../mip/types.ts';
import { type DatagramTransport, type IpFamily, TransportError } from '../../net/transport.ts';
import { isWireError } from '../../util/errors.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import type { SignallingOutput } from '../mobility/signalling-packet.ts';

const IPV6_DESTINATION_OFFSET = 24; // RFC 8200 §3

export interface BaSenderDeps {
  readonly socket: () => DatagramTransport | undefined;
  /** Sends a whole packet on a raw socket; false when there is none for that family and protocol. */
  readonly raw: (family: IpFamily, protocol: number, packet: Uint8Array) => boolean;
  readonly onDrop: (reason: string) => void;
  /** A raw-IP BA went out in UDP instead. */
  readonly onUdpFallback: (to: Ipv4OuterInfo) => void;
}

export class BaSender {
  /**
   * The outer headers of the BUs handed to the core since the last `clearNotes`, by HoA: the core answers a BU at
   * once (it never retransmits a BA), so a note lives only until the answers are out.
   */
  private readonly lastOuter = new Map<string, OuterInfo>();

  constructor(private readonly deps: BaSenderDeps) {}

  noteBindingUpdate(homeAddress: Uint8Array, outer: OuterInfo): void {
    this.lastOuter.set(keyOf(homeAddress), outer);
  }

  clearNotes(): void {
    this.lastOuter.clear();
  }

  send(out: SignallingOutput): void {
    const socket = this.deps.socket();
    if (out.kind === 'udp') {
      if (!(out.source instanceof Ipv4Address) || !socket) this.deps.onDrop('no-socket-for-udp-ba');
      else this.sendOn(socket, out.payload, out.destination as Ipv4Address, out.destinationPort, out.source);
      return;
    }
    if (this.deps.raw(out.family, out.protocol, out.packet)) return;
    const inner = out.protocol === IpProtocol.IPV6 ? innerIpv6Of(out.packet) : undefined;
    const outer =
      inner && this.lastOuter.get(keyOf(inner.subarray(IPV6_DESTINATION_OFFSET, IPV6_DESTINATION_OFFSET + 16)));
    if (!inner || !socket || outer?.family !== 4 || !outer.viaUdp4191 || outer.sourcePort === undefined) {
      this.deps.onDrop(`no-raw-socket-for-protocol-${out.protocol}`);
      return;
    }
    this.deps.onUdpFallback(outer);
    this.sendOn(socket, inner, outer.source, outer.sourcePort, outer.destination);
  }

  private sendOn(
    socket: DatagramTransport,
    payload: Uint8Array,
    to: Ipv4Address,
    port: number,
    from: Ipv4Address,
  ): void {
    try {
      socket.send(payload, to, port, { source: from });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.deps.onDrop(`socket-${e.code.toLowerCase()}`);
    }
  }
}

function keyOf(address: Uint8Array): string {
  return String.fromCharCode(...address);
}

/** The IPv6 packet inside an IPv4 protocol 41 packet the pipeline framed (so well-formed), or undefined. */
function innerIpv6Of(packet: Uint8Array): Uint8Array | undefined {
  try {
    const ip = decodeIpPacket(packet);
    if (ip.version !== 4 || ip.packet.protocol !== IpProtocol.IPV6) return undefined;
    const inner = ip.packet.payload;
    return inner.length >= 40 && inner[0]! >> 4 === 6 ? inner : undefined;
  } catch (e) {
    if (!isWireError(e)) throw e;
    return undefined;
  }
}
