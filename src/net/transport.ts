/**
 * The sockets a node needs, as interfaces: UDP always (IKE on 500/4500, DSMIPv6 on 4191, RFC 5555 §4.1), and raw
 * IP for the protocols a user-space DSMIPv6 stack must send and receive itself: ESP (50) and the Mobility Header
 * (135) over IPv6, IPv6-in-IPv4 (41) and IPv4-in-IP (4). Raw sockets need privileges (root or CAP_NET_RAW on
 * Linux), so a node asks `canOpenRaw` first and adapts: e.g. a UE that cannot receive protocol 41 asks the HA for
 * UDP with F = 1 (RFC 5555 §4.2, SPEC-NOTES §15 item 13).
 *
 * The runnable programs implement these over node:dgram and a raw-socket helper; src/net/sim/sim-transport.ts
 * implements them over the simulated network for tests. Both pass src/net/transport.test.ts's suite.
 *
 * Raw packets are whole IP packets, header and extension headers included, in both directions: the pipeline
 * needs the Home Address option and the Type 2 Routing Header in front of ESP (RFC 6275 §6.3, §6.4). An
 * implementation on Linux IPv6 raw sockets, which hand over the payload only, rebuilds the header from
 * IPV6_RECVPKTINFO / IPV6_RECVDSTOPTS / IPV6_RECVRTHDR ancillary data and sends through IPPROTO_RAW.
 */
import type { IpAddress } from '../util/ip-address.ts';

export type IpFamily = 4 | 6;

/** IP protocols a raw transport may carry (RFC 5555 §4.1 tunnels; RFC 4303 ESP; RFC 6275 §6.1 MH, IPv6 only). */
export const RawProtocol = {
  IPV4_IN_IP: 4,
  IPV6_IN_IP: 41,
  ESP: 50,
  MH: 135,
} as const;
export type RawProtocolNumber = (typeof RawProtocol)[keyof typeof RawProtocol];

/** Whether `protocol` can be opened raw on `family` at all (MH exists over IPv6 only). */
export function isRawProtocolOf(protocol: number, family: IpFamily): protocol is RawProtocolNumber {
  if (protocol === RawProtocol.MH) return family === 6;
  return protocol === RawProtocol.IPV4_IN_IP || protocol === RawProtocol.IPV6_IN_IP || protocol === RawProtocol.ESP;
}

export type TransportErrorCode =
  | 'PERMISSION' // raw sockets without the privilege (EPERM/EACCES)
  | 'ADDRESS_IN_USE' // the UDP address and port are taken (EADDRINUSE)
  | 'ADDRESS_NOT_AVAILABLE' // a source or bind address that is not ours (EADDRNOTAVAIL)
  | 'FAMILY_MISMATCH' // an address or packet of the other IP version
  | 'UNSUPPORTED' // a protocol this interface does not open raw
  | 'CLOSED'; // used after close()

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

/** A datagram as a UDP socket hands it over. */
export interface InboundDatagram {
  readonly payload: Uint8Array;
  readonly source: IpAddress;
  readonly sourcePort: number;
  /** The local address it was sent to (IP_PKTINFO): the HA answers from the address a BU reached. */
  readonly local: IpAddress;
  readonly localPort: number;
  /** When it arrived, in ms on the clock of the node that owns the transport (virtual time in the simulator). */
  readonly receivedAt: number;
}

export interface UdpBindOptions {
  readonly family: IpFamily;
  /** Unspecified (0.0.0.0 / ::) or absent: every local address of the family. */
  readonly address?: IpAddress;
  /** 0: any free port. */
  readonly port: number;
}

export interface UdpSendOptions {
  /** Local source address (IP_PKTINFO), e.g. the care-of address a BU must leave from (RFC 5555 §4.2). */
  readonly source?: IpAddress;
}

export interface DatagramTransport {
  readonly family: IpFamily;
  /** The bound address (unspecified for a wildcard bind) and port (the chosen one when 0 was asked). */
  readonly localAddress: IpAddress;
  readonly localPort: number;
  send(payload: Uint8Array, address: IpAddress, port: number, options?: UdpSendOptions): void;
  /** Replaces the handler; datagrams arriving without one are dropped. */
  onMessage(handler: (d: InboundDatagram) => void): void;
  close(): void;
}

/** A whole IP packet as a raw transport hands it over. */
export interface InboundRawPacket {
  readonly packet: Uint8Array;
  readonly receivedAt: number;
}

export interface RawIpTransport {
  readonly family: IpFamily;
  /** The upper-layer protocol it carries: the last Next Header of an IPv6 chain, the IPv4 Protocol field. */
  readonly protocol: RawProtocolNumber;
  /** Sends a whole IP packet of `family` carrying `protocol`; its source must be one of the node's addresses. */
  send(packet: Uint8Array): void;
  onPacket(handler: (p: InboundRawPacket) => void): void;
  close(): void;
}

/** What a node opens its sockets through. */
export interface TransportProvider {
  openUdp(options: UdpBindOptions): Promise<DatagramTransport>;
  /** True when `openRaw(protocol, family)` would succeed (on Linux: root or CAP_NET_RAW). Never throws. */
  canOpenRaw(protocol: number, family: IpFamily): boolean;
  /** TransportError PERMISSION without the privilege, UNSUPPORTED for other protocols. */
  openRaw(protocol: number, family: IpFamily): Promise<RawIpTransport>;
}

export function familyOf(a: IpAddress): IpFamily {
  return a.bytes.length === 4 ? 4 : 6;
}
