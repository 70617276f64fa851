/**
 * The UE's DHCPv6 client socket on its access link, for Home Agent discovery (TS 24.303 §5.1.2.1.5): UDP port 546
 * bound to the interface's link-local address, the source RFC 8415 §17 asks for, so the Reply (sent to that
 * address) arrives on this link only; the Information-request goes to ff02::1:2 scoped to the interface (§7.1).
 * An IPv4-only access has no link-local IPv6 address: opening fails with a ConfigError that says so.
 */
import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { ConfigError } from '../../util/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { DHCPV6_CLIENT_PORT } from '../../wire/dhcpv6/constants.ts';
import { transportErrorOf } from '../net/udp-transport.ts';

/** A datagram from the access link; `address` in Node's text form (a link-local one with `%interface`). */
export interface AccessLinkDatagram {
  readonly payload: Uint8Array;
  readonly address: string;
  readonly port: number;
}

/** What discovery needs of the link (`NetnsUdpSocket` has this shape too, for tests in a network namespace). */
export interface AccessLinkSocket {
  send(payload: Uint8Array, address: string, port: number): void;
  onMessage(listener: (d: AccessLinkDatagram) => void): () => void;
  close(): void | Promise<void>;
}

export interface AccessLink {
  readonly socket: AccessLinkSocket;
  readonly interfaceName: string;
  /** The client's source address (RFC 8415 §17): the core puts it in its datagrams. */
  readonly linkLocalAddress: Ipv6Address;
}

const CONFIG_PATH = 'ue.discovery.dhcpv6.interface';

/** The interface's link-local IPv6 address; ConfigError when the interface is missing or has none. */
export function linkLocalAddressOf(interfaceName: string): Ipv6Address {
  const entries = networkInterfaces()[interfaceName];
  if (!entries) throw new ConfigError('INVALID', CONFIG_PATH, `no interface ${interfaceName} on this host`);
  for (const e of entries) {
    if (e.family !== 'IPv6') continue;
    const a = Ipv6Address.tryParse(e.address.replace(/%.*$/, ''));
    if (a?.isLinkLocal) return a;
  }
  throw new ConfigError(
    'INVALID',
    CONFIG_PATH,
    `${interfaceName} has no IPv6 link-local address, so no DHCPv6 on it (RFC 8415 §7.1, §17): ` +
      'an IPv4-only access cannot run DHCPv6 discovery',
  );
}

class DgramAccessLinkSocket implements AccessLinkSocket {
  private readonly listeners = new Set<(d: AccessLinkDatagram) => void>();

  constructor(private readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => {
      const d = { payload: new Uint8Array(msg), address: rinfo.address, port: rinfo.port };
      for (const l of this.listeners) l(d);
    });
    socket.on('error', () => {}); // a failed send loses the datagram; the client retransmits (RFC 8415 §15)
  }

  send(payload: Uint8Array, address: string, port: number): void {
    this.socket.send(payload, port, address);
  }

  onMessage(listener: (d: AccessLinkDatagram) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** Opens UDP 546 on `interfaceName`'s link-local address (port 546 needs root or CAP_NET_BIND_SERVICE). */
export async function openAccessLink(interfaceName: string): Promise<AccessLink> {
  const linkLocalAddress = linkLocalAddressOf(interfaceName);
  const socket = createSocket({ type: 'udp6', ipv6Only: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(DHCPV6_CLIENT_PORT, `${linkLocalAddress}%${interfaceName}`, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    socket.close();
    throw transportErrorOf(e, `DHCPv6 client port ${DHCPV6_CLIENT_PORT} on ${interfaceName}`) ?? e;
  }
  return { socket: new DgramAccessLinkSocket(socket), interfaceName, linkLocalAddress };
}
