/**
 * A simulated host speaking UDP over IPv4/IPv6 (for IKE and other datagram protocols): datagrams in and
 * out as `address:port` + payload, framed as real packets by src/wire/ip. It is a `SimEndpoint`.
 */
import { isWireError } from '../../util/errors.ts';
import { type IpAddress, Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { effectiveDestination, effectiveSource } from '../../wire/ip/ipv6.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import { parseUdp, type UdpPseudoHeader } from '../../wire/ip/udp.ts';
import type { SimEndpoint } from './network.ts';

export interface Datagram {
  readonly source: IpAddress;
  readonly sourcePort: number;
  readonly destination: IpAddress;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
}

export type DatagramHandler = (now: number, d: Datagram) => void;

export class SimUdpHost implements SimEndpoint {
  private readonly outgoing: Uint8Array[] = [];
  private readonly handlers = new Map<number, DatagramHandler>();
  private readonly timers: { at: number; fn: (now: number) => void }[] = [];
  /** Packets that were not UDP to a bound port, or were malformed. */
  dropped = 0;

  bind(port: number, handler: DatagramHandler): void {
    this.handlers.set(port, handler);
  }

  sendTo(d: Datagram): void {
    const common = { sourcePort: d.sourcePort, destinationPort: d.destinationPort, payload: d.payload };
    if (d.source instanceof Ipv4Address && d.destination instanceof Ipv4Address) {
      this.outgoing.push(buildUdp4({ ...common, src: d.source, dst: d.destination }));
    } else if (!(d.source instanceof Ipv4Address) && !(d.destination instanceof Ipv4Address)) {
      this.outgoing.push(buildUdp6({ ...common, src: d.source as Ipv6Address, dst: d.destination as Ipv6Address }));
    } else {
      throw new RangeError('source and destination must be the same IP version');
    }
  }

  /** Runs `fn` at virtual time `at` (a test's retransmission or keepalive timer). */
  schedule(at: number, fn: (now: number) => void): void {
    this.timers.push({ at, fn });
    this.timers.sort((a, b) => a.at - b.at);
  }

  receive(now: number, packet: Uint8Array): void {
    try {
      const ip = decodeIpPacket(packet);
      const protocol = ip.version === 4 ? ip.packet.protocol : ip.packet.nextHeader;
      if (protocol !== IpProtocol.UDP) {
        this.dropped++;
        return;
      }
      const pseudo: UdpPseudoHeader =
        ip.version === 4
          ? { version: 4, source: ip.packet.source, destination: ip.packet.destination }
          : { version: 6, source: effectiveSource(ip.packet), destination: effectiveDestination(ip.packet) };
      const udp = parseUdp(Reader.of(ip.packet.payload, 'udp'), pseudo);
      const handler = this.handlers.get(udp.destinationPort);
      if (handler === undefined) {
        this.dropped++;
        return;
      }
      handler(now, {
        source: ip.packet.source,
        sourcePort: udp.sourcePort,
        destination: ip.packet.destination,
        destinationPort: udp.destinationPort,
        payload: udp.payload,
      });
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.dropped++;
    }
  }

  timeout(now: number): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= now) this.timers.shift()!.fn(now);
  }

  nextTimeout(): number | undefined {
    return this.timers[0]?.at;
  }

  pollSend(): Uint8Array | undefined {
    return this.outgoing.shift();
  }
}
