/**
 * `DatagramTransport` (src/net/transport.ts) over node:dgram: one UDP socket, IPv4 or IPv6 (IPV6_V6ONLY), bound to
 * a specific address or the wildcard, every datagram reported to a trace hook.
 *
 * node:dgram has no IP_PKTINFO: a socket cannot pick a source per datagram, nor learn which local address a
 * datagram reached. So a node that cares (the HA answering from the address a BU reached, RFC 5555 §4.2; a UE
 * sending from its care-of address) binds each address specifically; on such a socket `local` is the bound address
 * and a `source` option must name it. A wildcard socket reports the unspecified address as `local` and refuses a
 * `source` option rather than send from an address the kernel picks.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import {
  type DatagramTransport,
  familyOf,
  type InboundDatagram,
  type IpFamily,
  TransportError,
  type UdpBindOptions,
  type UdpSendOptions,
} from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AddressAliases, sameAddress } from './address-aliases.ts';
import { monotonicNowMs } from './clock.ts';
import type { DatagramTraceHook } from './datagram-trace.ts';

export interface NodeUdpOptions extends UdpBindOptions {
  /** The socket's name in traces and errors (default `udp/<port>`). */
  readonly label?: string;
}

export interface NodeUdpDeps {
  readonly aliases?: AddressAliases;
  readonly onTrace?: DatagramTraceHook;
  /** Socket errors and failed sends (the datagram is lost, the socket keeps running). */
  readonly onError?: (e: Error, label: string) => void;
  readonly now?: () => number;
}

/** Text from the kernel (no zone index) as an address object. */
export function addressOfText(text: string): IpAddress {
  const known = recentAddresses.get(text);
  if (known !== undefined) return known;
  const plain = text.replace(/%.*$/, '');
  const address = isIPv4(plain) ? Ipv4Address.parse(plain) : Ipv6Address.parse(plain);
  // Address values are immutable, so one per text serves every datagram from that peer (a busy tunnel socket
  // receives from few peers). Bounded: a flood of sources costs a clear, not memory.
  if (recentAddresses.size >= RECENT_ADDRESSES_MAX) recentAddresses.clear();
  recentAddresses.set(text, address);
  return address;
}

const RECENT_ADDRESSES_MAX = 4096;
const recentAddresses = new Map<string, IpAddress>();

/** A bind or send errno as the transport's error code (EACCES: a port below 1024 without the privilege). */
export function transportErrorOf(e: unknown, what: string): TransportError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const map: Record<string, TransportError['code']> = {
    EADDRINUSE: 'ADDRESS_IN_USE',
    EADDRNOTAVAIL: 'ADDRESS_NOT_AVAILABLE',
    EACCES: 'PERMISSION',
    EPERM: 'PERMISSION',
  };
  const mapped = code === undefined ? undefined : map[code];
  return mapped ? new TransportError(mapped, `${what}: ${code}`) : undefined;
}

function bindSocket(family: IpFamily, address: string, port: number): Promise<Socket> {
  const socket = createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
  return new Promise((resolve, reject) => {
    socket.once('error', (e) => {
      socket.close();
      reject(e);
    });
    socket.bind(port, address, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

export class NodeUdpTransport implements DatagramTransport {
  readonly counters = { sent: 0, received: 0, sendErrors: 0, dropped: 0 };
  /** Resolves once the kernel socket is released (after `close`). */
  readonly closed: Promise<void>;
  private handler: ((d: InboundDatagram) => void) | undefined;
  private isClosed = false;
  private releaseClosed!: () => void;
  private readonly aliases: AddressAliases;
  private readonly now: () => number;

  private constructor(
    private readonly socket: Socket,
    readonly family: IpFamily,
    /** As the node sees it (an alias when the kernel address has one); unspecified for a wildcard bind. */
    readonly localAddress: IpAddress,
    readonly localPort: number,
    readonly label: string,
    private readonly deps: NodeUdpDeps,
  ) {
    this.aliases = deps.aliases ?? AddressAliases.NONE;
    this.now = deps.now ?? monotonicNowMs;
    this.closed = new Promise((resolve) => {
      this.releaseClosed = resolve;
    });
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
    socket.on('error', (e) => deps.onError?.(e, label));
  }

  /** Binds (aliases applied); TransportError ADDRESS_IN_USE / ADDRESS_NOT_AVAILABLE / PERMISSION / FAMILY_MISMATCH. */
  static async open(options: NodeUdpOptions, deps: NodeUdpDeps = {}): Promise<NodeUdpTransport> {
    const { family, port } = options;
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`UDP port ${port}`);
    const local = options.address ?? (family === 4 ? Ipv4Address.ANY : Ipv6Address.ANY);
    if (familyOf(local) !== family) throw new TransportError('FAMILY_MISMATCH', `${local} is not IPv${family}`);
    const wire = (deps.aliases ?? AddressAliases.NONE).toWire(local);
    let socket: Socket;
    try {
      socket = await bindSocket(family, wire.toString(), port);
    } catch (e) {
      throw transportErrorOf(e, `bind ${wire} port ${port}`) ?? e;
    }
    const bound = socket.address().port;
    return new NodeUdpTransport(socket, family, local, bound, options.label ?? `udp/${bound}`, deps);
  }

  send(payload: Uint8Array, address: IpAddress, port: number, options?: UdpSendOptions): void {
    if (this.isClosed) throw new TransportError('CLOSED', `${this.label} is closed`);
    if (familyOf(address) !== this.family)
      throw new TransportError('FAMILY_MISMATCH', `${address} on IPv${this.family}`);
    const source = options?.source;
    if (source !== undefined && !source.isUnspecified && !sameAddress(source, this.localAddress)) {
      const why = this.localAddress.isUnspecified
        ? 'a wildcard socket cannot choose its source'
        : 'not the bound address';
      throw new TransportError('ADDRESS_NOT_AVAILABLE', `source ${source} on ${this.label}: ${why}`);
    }
    const wireRemote = this.aliases.toWire(address);
    this.counters.sent++;
    this.deps.onTrace?.({
      direction: 'sent',
      label: this.label,
      local: this.localAddress,
      localPort: this.localPort,
      remote: address,
      remotePort: port,
      wireLocal: this.aliases.toWire(this.localAddress),
      wireRemote,
      payload,
      atMs: this.now(),
    });
    this.socket.send(payload, port, wireRemote.toString(), (e) => {
      if (!e) return;
      this.counters.sendErrors++;
      this.deps.onError?.(e, this.label);
    });
  }

  onMessage(handler: (d: InboundDatagram) => void): void {
    this.handler = handler;
  }

  /** Stops receiving at once; the kernel socket goes at the end of this loop turn (`closed`). Safe to call twice. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handler = undefined;
    // The close callback comes before libuv lets go of the handle (its close-callbacks phase); a timer runs after.
    this.socket.close(() => setTimeout(this.releaseClosed, 0));
  }

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.isClosed) return;
    const wireRemote = addressOfText(rinfo.address);
    const source = this.aliases.fromWire(wireRemote);
    const payload = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    const receivedAt = this.now();
    this.counters.received++;
    this.deps.onTrace?.({
      direction: 'received',
      label: this.label,
      local: this.localAddress,
      localPort: this.localPort,
      remote: source,
      remotePort: rinfo.port,
      wireLocal: this.aliases.toWire(this.localAddress),
      wireRemote,
      payload,
      atMs: receivedAt,
    });
    if (!this.handler) {
      this.counters.dropped++;
      return;
    }
    this.handler({
      payload,
      source,
      sourcePort: rinfo.port,
      local: this.localAddress,
      localPort: this.localPort,
      receivedAt,
    });
  }
}
