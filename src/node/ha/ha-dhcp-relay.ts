/**
 * The sockets of the HA's DHCP relays (TS 24.303 §5.1.1 "relay to an external server"): Relay-forward messages
 * leave from the relay address to the servers' port 547 and Relay-replies come back to port 547 (RFC 8415 §19,
 * §7.2); DHCPv4 goes from giaddr to port 67 and replies come back to giaddr:67 (RFC 2131 §4.1). Ports below 1024
 * need root or CAP_NET_BIND_SERVICE: a relay that cannot bind stops the HA at start.
 */
import type { HaConfig } from '../../config/load.ts';
import type { Dhcpv4Datagram, Dhcpv6Datagram } from '../../dhcp/datagram.ts';
import { type DatagramTransport, TransportError } from '../../net/transport.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { DHCPV4_SERVER_PORT } from '../../wire/dhcpv4/constants.ts';
import { DHCPV6_SERVER_PORT } from '../../wire/dhcpv6/constants.ts';
import type { UdpOpener } from '../net/ike-datagram-endpoint.ts';
import type { HaDataPlane } from './ha-data-plane.ts';

export interface DhcpRelaySockets {
  send(d: Dhcpv6Datagram | Dhcpv4Datagram): void;
}

/** Opens the relay sockets `config.dhcp` asks for, or returns undefined when neither family relays. */
export async function openDhcpRelaySockets(
  opener: UdpOpener,
  dataPlane: HaDataPlane,
  config: HaConfig,
): Promise<DhcpRelaySockets | undefined> {
  const { v6, v4 } = config.dhcp;
  let s6: DatagramTransport | undefined;
  let s4: DatagramTransport | undefined;
  if (v6.mode === 'relay') {
    const address = v6.relayAddress ?? config.addresses.ipv6;
    s6 = await opener.openUdp({ family: 6, address, port: DHCPV6_SERVER_PORT, label: 'dhcpv6-relay' });
    s6.onMessage((d) =>
      dataPlane.fromServerV6(d.receivedAt, {
        source: d.source as Ipv6Address,
        destination: d.local as Ipv6Address,
        sourcePort: d.sourcePort,
        destinationPort: d.localPort,
        payload: d.payload,
      }),
    );
  }
  if (v4.mode === 'relay') {
    const address = v4.relayAddress ?? config.addresses.ipv4;
    if (address === undefined)
      throw new RangeError('a DHCPv4 relay needs ha.dhcp.v4.relayAddress or ha.addresses.ipv4');
    s4 = await opener.openUdp({ family: 4, address, port: DHCPV4_SERVER_PORT, label: 'dhcpv4-relay' });
    s4.onMessage((d) =>
      dataPlane.fromServerV4(d.receivedAt, {
        source: d.source as Ipv4Address,
        destination: d.local as Ipv4Address,
        sourcePort: d.sourcePort,
        destinationPort: d.localPort,
        payload: d.payload,
      }),
    );
  }
  if (!s6 && !s4) return undefined;
  return {
    send(d) {
      const socket = d.destination instanceof Ipv6Address ? s6 : d.destination instanceof Ipv4Address ? s4 : undefined;
      try {
        socket?.send(d.payload, d.destination, d.destinationPort, { source: d.source });
      } catch (e) {
        if (!(e instanceof TransportError)) throw e; // closed under us at shutdown
      }
    },
  };
}
