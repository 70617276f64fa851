/**
 * The HA's raw IP sockets, when the process may open them: over IPv4, protocol 41 (the BA and IPv6 data in plain
 * IPv4 to a CoA without NAT, TS 24.303 §5.1.3.2) and 4 (IPv4 data, RFC 5555 §4.4.3); over IPv6, ESP (a BU with the
 * Home Address option from an IPv6 CoA, RFC 6275 §6.3 / RFC 4877 §4.3) and 41/4 (the RFC 6275 §10.4 tunnel and
 * IPv4-in-IPv6, RFC 5555 §4.4.1). Inbound: signalling to the pipeline, tunnelled data decapsulated with its outer
 * headers for the data plane's source check. Outbound: whole packets on the socket of their family and protocol.
 */
import type { OuterInfo } from '../../mip/types.ts';
import {
  type IpFamily,
  type RawIpTransport,
  RawProtocol,
  TransportError,
  type TransportProvider,
} from '../../net/transport.ts';
import { isWireError } from '../../util/errors.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { decapsulateIpInIp } from '../../wire/ip/tunnel.ts';

export interface HaRawTunnelsDeps {
  /** A packet for the signalling pipeline; returns true when it was not signalling (so maybe tunnelled data). */
  readonly signalling: (now: number, packet: Uint8Array) => boolean;
  readonly data: (now: number, outer: OuterInfo, inner: Uint8Array) => void;
  readonly onDrop: (layer: string, reason: string) => void;
}

export class HaRawTunnels {
  private constructor(
    private readonly sockets: readonly RawIpTransport[],
    private readonly deps: HaRawTunnelsDeps,
  ) {
    for (const t of sockets) t.onPacket((p) => this.receive(p.receivedAt, p.packet));
  }

  /** Opens what the provider allows for the HA's address families; none at all without raw sockets. */
  static async open(
    provider: TransportProvider,
    families: { readonly ipv4: boolean; readonly ipv6: boolean },
    deps: HaRawTunnelsDeps,
  ): Promise<HaRawTunnels> {
    const wanted: [number, IpFamily][] = [];
    if (families.ipv4) wanted.push([RawProtocol.IPV6_IN_IP, 4], [RawProtocol.IPV4_IN_IP, 4]);
    if (families.ipv6) wanted.push([RawProtocol.ESP, 6], [RawProtocol.IPV6_IN_IP, 6], [RawProtocol.IPV4_IN_IP, 6]);
    const sockets: RawIpTransport[] = [];
    try {
      for (const [protocol, family] of wanted) {
        if (provider.canOpenRaw(protocol, family)) sockets.push(await provider.openRaw(protocol, family));
      }
    } catch (e) {
      for (const s of sockets) s.close();
      throw e;
    }
    return new HaRawTunnels(sockets, deps);
  }

  /** Sends a whole packet; false when no socket carries that family and protocol or the send failed. */
  send(family: IpFamily, protocol: number, packet: Uint8Array): boolean {
    const t = this.sockets.find((s) => s.family === family && s.protocol === protocol);
    if (t === undefined) return false;
    try {
      // NodeRawTransport returns false when the kernel refused the packet (counted in its counters, the HA's
      // /status `raw`); the interface's void (the simulator) means it went out.
      const sent: unknown = t.send(packet);
      if (sent === false) {
        this.deps.onDrop('socket', 'raw-send-failed');
        return false;
      }
      return true;
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.deps.onDrop('socket', `raw-${e.code.toLowerCase()}`);
      return false;
    }
  }

  close(): void {
    for (const s of this.sockets) s.close();
  }

  private receive(now: number, packet: Uint8Array): void {
    if (!this.deps.signalling(now, packet)) return;
    try {
      const { outer, inner } = decapsulateIpInIp(packet);
      const info: OuterInfo =
        outer.version === 4
          ? {
              family: 4,
              source: outer.packet.source as Ipv4Address,
              destination: outer.packet.destination as Ipv4Address,
              viaUdp4191: false,
            }
          : {
              family: 6,
              source: outer.packet.source as Ipv6Address,
              destination: outer.packet.destination as Ipv6Address,
              viaUdp4191: false,
            };
      this.deps.data(now, info, inner.bytes);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.deps.onDrop('tunnel', `malformed-${e.layer}`);
    }
  }
}
