/**
 * A DHCP message with its UDP/IP addressing: what the cores hand the node to send (through the DSMIPv6 tunnel, on
 * the access link or to an external server) and what the node hands back. The node builds the IP/UDP headers.
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';

export interface Dhcpv6Datagram {
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** The DHCPv6 message (UDP payload). */
  readonly payload: Uint8Array;
}

export interface Dhcpv4Datagram {
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** The DHCP message (UDP payload). */
  readonly payload: Uint8Array;
}
