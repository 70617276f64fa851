/**
 * The I/O shell around a sans-I/O IKEv2 endpoint, over `DatagramTransport`s: the same job as
 * src/node/ike/udp-endpoint.ts (IKE port 500 and NAT-T port 4500 on one address, RFC 3948 demultiplexing on the
 * NAT-T port, one timer, events, key log), but on sockets from a `NodeTransportProvider`, so the trace hook sees
 * every IKE and ESP-in-UDP datagram and lab aliases apply (the UDP shell opens node:dgram sockets itself).
 * On the NAT-T port an IKE message follows the 4-byte non-ESP marker, anything else with a non-zero SPI is ESP
 * (RFC 3948 §2.2) and the 1-byte 0xFF is a NAT keepalive (RFC 3948 §2.3).
 * One engine may listen on several addresses (an HA with an IPv4 and an IPv6 address, for UEs on either access,
 * TS 24.303 §5.1.2.2): every address gets its own pair of sockets on the same two ports, a received message carries
 * the address it arrived on as the engine's local address, and a transmit leaves from the pair of its local address.
 */
import type { IkeEndpoint } from '../../ike/endpoint.ts';
import type { IkeEvent, IkeTransmit } from '../../ike/events.ts';
import type { DatagramTransport, InboundDatagram, UdpBindOptions } from '../../net/transport.ts';
import { familyOf, TransportError } from '../../net/transport.ts';
import type { KeyLogWriter } from '../../obs/keylog.ts';
import type { IpAddress } from '../../util/ip-address.ts';
import { logKeysOfEvent } from '../ike/key-log-events.ts';
import type { UdpIkeAddress, UdpPeer } from '../ike/udp-endpoint.ts';
import { sameAddress } from './address-aliases.ts';
import { DeadlineTimer, monotonicNowMs } from './clock.ts';

/** Opens the two sockets; a `NodeTransportProvider` is one. */
export interface UdpOpener {
  openUdp(options: UdpBindOptions & { readonly label?: string }): Promise<DatagramTransport>;
}

/** An IKE message as it passed the shell (header fields only), e.g. for phase timing. */
export interface IkeMessageSeen {
  readonly direction: 'sent' | 'received';
  readonly exchangeType: number;
  readonly response: boolean;
  readonly messageId: number;
}

export interface IkeDatagramEndpointOptions {
  /** A specific local address: NAT detection hashes the address the engine believes it has (RFC 7296 §2.23). */
  readonly address: IpAddress;
  /**
   * More addresses to listen on, on the ports `address` got (one engine, one NAT-T port in its config). Best effort:
   * one that cannot be bound (not assigned on this host, ports taken) is reported to `onAddressUnavailable` and
   * skipped, where a failure on `address` aborts the open.
   */
  readonly moreAddresses?: readonly IpAddress[];
  readonly onAddressUnavailable?: (address: IpAddress, e: TransportError) => void;
  /** 0 lets the kernel choose; default 500 and 4500. */
  readonly ikePort?: number;
  readonly natTPort?: number;
  readonly onEvent?: (e: IkeEvent) => void;
  readonly onMessage?: (m: IkeMessageSeen) => void;
  readonly keyLog?: KeyLogWriter;
  /** ESP received on the NAT-T port (RFC 3948 §2.1); dropped and counted without it. */
  readonly onEsp?: (esp: Uint8Array, from: UdpPeer, localPort: number) => void;
  /** Failed sends (the transport's TransportError); the endpoint keeps running. */
  readonly onError?: (e: Error) => void;
  readonly now?: () => number;
}

const NON_ESP_MARKER = new Uint8Array(4); // RFC 3948 §2.2
const IKE_HEADER_LENGTH = 28; // RFC 7296 §3.1
const FLAG_RESPONSE = 0x20;

function headerOf(bytes: Uint8Array, direction: IkeMessageSeen['direction']): IkeMessageSeen | undefined {
  if (bytes.length < IKE_HEADER_LENGTH) return undefined;
  const messageId = ((bytes[20]! << 24) | (bytes[21]! << 16) | (bytes[22]! << 8) | bytes[23]!) >>> 0;
  return { direction, exchangeType: bytes[18]!, response: (bytes[19]! & FLAG_RESPONSE) !== 0, messageId };
}

/** The two sockets of one local address. */
interface Listener {
  readonly address: IpAddress;
  readonly ike: DatagramTransport;
  readonly natT: DatagramTransport;
}

export class IkeDatagramEndpoint<E extends IkeEndpoint> {
  readonly counters = { natKeepalives: 0, espPackets: 0, espDropped: 0, runts: 0, noSocket: 0, sendErrors: 0 };
  /** Every address listened on, `local` first. */
  readonly locals: readonly UdpIkeAddress[];
  private readonly now: () => number;
  private readonly timer: DeadlineTimer;
  private espHandler: IkeDatagramEndpointOptions['onEsp'];
  private closed = false;

  private constructor(
    readonly engine: E,
    /** The first address and the ports bound (every address has the same ports). */
    readonly local: UdpIkeAddress,
    private readonly listeners: readonly Listener[],
    private readonly options: IkeDatagramEndpointOptions,
  ) {
    this.now = options.now ?? monotonicNowMs;
    this.espHandler = options.onEsp;
    this.locals = listeners.map((l) => ({ address: l.address, ikePort: local.ikePort, natTPort: local.natTPort }));
    this.timer = new DeadlineTimer((now) => {
      this.engine.handleTimeout(now);
      this.service();
    }, this.now);
    for (const l of listeners) {
      l.ike.onMessage((d) => this.receive(d, l.address, false));
      l.natT.onMessage((d) => this.receive(d, l.address, true));
    }
  }

  /** Opens the sockets, then builds the engine for the ports actually bound (they go into its config). */
  static async open<E extends IkeEndpoint>(
    opener: UdpOpener,
    options: IkeDatagramEndpointOptions,
    createEngine: (local: UdpIkeAddress) => E,
  ): Promise<IkeDatagramEndpoint<E>> {
    const opened: DatagramTransport[] = [];
    const bind = async (address: IpAddress, port: number, label: string) => {
      const t = await opener.openUdp({ family: familyOf(address), address, port, label });
      opened.push(t);
      return t;
    };
    try {
      const first: Listener = {
        address: options.address,
        ike: await bind(options.address, options.ikePort ?? 500, 'ike'),
        natT: await bind(options.address, options.natTPort ?? 4500, 'nat-t'),
      };
      const local = { address: options.address, ikePort: first.ike.localPort, natTPort: first.natT.localPort };
      const listeners = [first];
      for (const address of options.moreAddresses ?? []) {
        const before = opened.length;
        try {
          listeners.push({
            address,
            ike: await bind(address, local.ikePort, 'ike'),
            natT: await bind(address, local.natTPort, 'nat-t'),
          });
        } catch (e) {
          if (!(e instanceof TransportError)) throw e;
          for (const t of opened.splice(before)) t.close();
          options.onAddressUnavailable?.(address, e);
        }
      }
      return new IkeDatagramEndpoint(createEngine(local), local, listeners, options);
    } catch (e) {
      for (const t of opened) t.close();
      throw e;
    }
  }

  /** Runs a command on the engine (connect, createChildSa, deleteIkeSa...) at the current time, then sends. */
  run<T>(command: (engine: E, now: number) => T): T {
    if (this.closed) throw new Error('IKE endpoint is closed');
    const result = command(this.engine, this.now());
    this.service();
    return result;
  }

  /** Where ESP received on the NAT-T port goes from now on (replaces `onEsp`), e.g. a data SA set up later. */
  onEsp(handler: (esp: Uint8Array, from: UdpPeer, localPort: number) => void): void {
    this.espHandler = handler;
  }

  /** Sends ESP in UDP from the NAT-T port: no marker, the SPI comes first (RFC 3948 §2.1). */
  sendEsp(esp: Uint8Array, to: UdpPeer): void {
    const l = this.listeners.find((x) => familyOf(x.address) === familyOf(to.address)) ?? this.listeners[0]!;
    this.sendOn(l.natT, esp, to.address, to.port);
  }

  /** Stops the timer and closes both sockets; IKE SAs are forgotten (delete them first to tell the peer). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer.stop();
    for (const l of this.listeners) {
      l.ike.close();
      l.natT.close();
    }
  }

  private receive(d: InboundDatagram, localAddr: IpAddress, onNatT: boolean): void {
    if (this.closed) return;
    let bytes = d.payload;
    if (onNatT) {
      if (bytes.length === 1 && bytes[0] === 0xff) {
        this.counters.natKeepalives++;
        return;
      }
      if (bytes.length < 4) {
        this.counters.runts++;
        return;
      }
      if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0 || bytes[3] !== 0) {
        this.counters.espPackets++;
        if (this.espHandler) this.espHandler(bytes, { address: d.source, port: d.sourcePort }, d.localPort);
        else this.counters.espDropped++;
        return;
      }
      bytes = bytes.subarray(4);
    }
    const seen = headerOf(bytes, 'received');
    if (seen) this.options.onMessage?.(seen);
    const path = {
      localAddr,
      localPort: d.localPort,
      remoteAddr: d.source,
      remotePort: d.sourcePort,
    };
    this.engine.handleDatagram(d.receivedAt, bytes, path);
    this.service();
  }

  /** Drains datagrams and events, then re-arms the timer for the engine's next deadline. */
  private service(): void {
    if (this.closed) return;
    for (let t = this.engine.pollTransmit(); t; t = this.engine.pollTransmit()) this.transmit(t);
    for (let e = this.engine.pollEvent(); e; e = this.engine.pollEvent()) this.deliver(e);
    if (!this.closed) this.timer.arm(this.engine.pollTimeout());
  }

  private transmit(t: IkeTransmit): void {
    const l = this.listeners.find((x) => sameAddress(x.address, t.localAddr));
    const socket =
      l === undefined
        ? undefined
        : t.localPort === this.local.ikePort
          ? l.ike
          : t.localPort === this.local.natTPort
            ? l.natT
            : undefined;
    if (!socket) {
      this.counters.noSocket++;
      return;
    }
    const seen = headerOf(t.bytes, 'sent');
    if (seen) this.options.onMessage?.(seen);
    const data = t.nonEspMarker ? concat(NON_ESP_MARKER, t.bytes) : t.bytes;
    this.sendOn(socket, data, t.remoteAddr, t.remotePort);
  }

  private sendOn(socket: DatagramTransport, data: Uint8Array, address: IpAddress, port: number): void {
    try {
      socket.send(data, address, port);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.counters.sendErrors++;
      this.options.onError?.(e);
    }
  }

  private deliver(e: IkeEvent): void {
    if (this.options.keyLog) logKeysOfEvent(this.options.keyLog, this.engine, e);
    this.options.onEvent?.(e);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
