/**
 * Where a forwarder's tunnelled packets leave: the DSMIPv6 UDP socket (RFC 5555 §4.1: the HA's 4191, the UE's port
 * Z) for UDP routes, which adds UDP and IPv4 itself, and raw IP sockets for IP-in-IP, by outer family and protocol
 * (4 or 41). The nodes own those sockets (their signalling uses them too); `RawTunnelOutput` is the plain version.
 */
import type { DatagramTransport, IpFamily, RawIpTransport } from '../../net/transport.ts';

export interface TunnelOutput {
  /** Read per packet: the UE's socket changes with its care-of address. */
  readonly udp: DatagramTransport | undefined;
  /** A whole IP-in-IP packet out; false when no raw socket carries `family` and `protocol`. May throw TransportError. */
  sendRaw(family: IpFamily, protocol: number, packet: Uint8Array): boolean;
}

export class RawTunnelOutput implements TunnelOutput {
  constructor(
    public udp: DatagramTransport | undefined,
    private readonly raw: readonly RawIpTransport[],
  ) {}

  sendRaw(family: IpFamily, protocol: number, packet: Uint8Array): boolean {
    for (const t of this.raw) {
      if (t.family === family && t.protocol === protocol) {
        t.send(packet);
        return true;
      }
    }
    return false;
  }
}
