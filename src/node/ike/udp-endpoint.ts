/**
 * The I/O shell around a sans-I/O IKEv2 endpoint (STYLE.md): two UDP sockets on one address, the IKE port
 * (500) and the NAT-T port (4500, RFC 3948), one timer re-armed from `pollTimeout()`, events to a listener and
 * keys to a Wireshark key log. On the NAT-T port an IKE message follows the 4-byte non-ESP marker and anything
 * else with a non-zero SPI is ESP, handed to the ESP callback (RFC 3948 §2.2); the 1-byte 0xFF is a NAT
 * keepalive (RFC 3948 §2.3).
 */
import { randomFillSync } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import { type RandomSource, systemRandom } from '../../crypto/dh-types.ts';
import type { IkeEndpoint } from '../../ike/endpoint.ts';
import type { IkeEvent, IkeTransmit } from '../../ike/events.ts';
import type { KeyLogWriter } from '../../obs/keylog.ts';
import { copyBytes } from '../../util/bytes.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { logKeysOfEvent } from './key-log-events.ts';

/**
 * Milliseconds that never go backwards (performance.now), on the epoch scale (timeOrigin) because the engine
 * also checks certificate validity against `now`.
 */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolAt = POOL_BYTES;

/**
 * The engine's randomness (SPIs, nonces, DH keys, IVs, RANDs, rekey jitter): the operating system's CSPRNG, drawn
 * 4 KiB at a time. An attach asks for about 20 small values, and each call into OpenSSL costs ≈ 5 µs on a busy
 * machine, more than the bytes themselves; every byte of the pool is handed out once, in a copy of its own.
 * Marked as the system CSPRNG, so Diffie-Hellman groups may let OpenSSL draw their private keys (dh-types.ts).
 */
export const osRandom: RandomSource = systemRandom(function pooledRandom(n: number): Uint8Array {
  if (n > POOL_BYTES / 4) return randomFillSync(new Uint8Array(n));
  if (poolAt + n > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = copyBytes(pool, poolAt, poolAt + n);
  pool.fill(0, poolAt, poolAt + n); // what was handed out does not stay behind in the pool
  poolAt += n;
  return out;
});

export interface UdpIkeAddress {
  readonly address: IpAddress;
  readonly ikePort: number;
  readonly natTPort: number;
}

export interface UdpPeer {
  readonly address: IpAddress;
  readonly port: number;
}

export interface UdpIkeEndpointOptions {
  /**
   * A specific local address, not a wildcard: a wildcard socket answers from whatever source the kernel picks,
   * and NAT detection hashes the address the engine believes it has (RFC 7296 §2.23).
   */
  readonly address: string;
  /** 0 lets the kernel choose (tests); default 500 and 4500. */
  readonly ikePort?: number;
  readonly natTPort?: number;
  readonly onEvent?: (e: IkeEvent) => void;
  readonly keyLog?: KeyLogWriter;
  /** ESP received on the NAT-T port (RFC 3948 §2.1): the node's ESP pipeline. Dropped and counted without it. */
  readonly onEsp?: (esp: Uint8Array, from: UdpPeer, localPort: number) => void;
  /** Socket errors and failed sends; the endpoint keeps running. */
  readonly onError?: (e: Error) => void;
  readonly now?: () => number;
}

const NON_ESP_MARKER = new Uint8Array(4); // RFC 3948 §2.2
const MAX_TIMER_MS = 0x7fffffff; // setTimeout's limit

function ipAddress(text: string): IpAddress {
  const plain = text.replace(/%.*$/, ''); // a zone index (fe80::1%eth0) is not part of the address
  return isIPv4(plain) ? Ipv4Address.parse(plain) : Ipv6Address.parse(plain);
}

function bind(address: string, port: number): Promise<Socket> {
  const socket = createSocket(isIPv4(address) ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export class UdpIkeEndpoint<E extends IkeEndpoint> {
  readonly counters = { natKeepalives: 0, espPackets: 0, espDropped: 0, runts: 0, noSocket: 0, sendErrors: 0 };
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private closed = false;

  private constructor(
    readonly engine: E,
    readonly local: UdpIkeAddress,
    private readonly ike: Socket,
    private readonly natT: Socket,
    private readonly options: UdpIkeEndpointOptions,
  ) {
    this.now = options.now ?? monotonicNow;
    ike.on('message', (m, r) => this.receive(m, r.address, r.port, local.ikePort));
    natT.on('message', (m, r) => this.receive(m, r.address, r.port, local.natTPort));
    for (const s of [ike, natT]) s.on('error', (e) => options.onError?.(e));
  }

  /** Binds both sockets, then builds the engine for the ports actually bound (they go into its config). */
  static async open<E extends IkeEndpoint>(
    options: UdpIkeEndpointOptions,
    createEngine: (local: UdpIkeAddress) => E,
  ): Promise<UdpIkeEndpoint<E>> {
    const ike = await bind(options.address, options.ikePort ?? 500);
    let natT: Socket | undefined;
    try {
      natT = await bind(options.address, options.natTPort ?? 4500);
      const local = { address: ipAddress(options.address), ikePort: ike.address().port, natTPort: natT.address().port };
      return new UdpIkeEndpoint(createEngine(local), local, ike, natT, options);
    } catch (e) {
      ike.close();
      natT?.close();
      throw e;
    }
  }

  /** Runs a command on the engine (connect, createChildSa, deleteIkeSa...) at the current time, then sends. */
  run<T>(command: (engine: E, now: number) => T): T {
    if (this.closed) throw new Error('UDP IKE endpoint is closed');
    const result = command(this.engine, this.now());
    this.service();
    return result;
  }

  /** Sends ESP in UDP from the NAT-T port: no marker, the SPI comes first (RFC 3948 §2.1). */
  sendEsp(esp: Uint8Array, to: UdpPeer): void {
    this.natT.send(esp, to.port, to.address.toString(), (e) => this.sendFailed(e));
  }

  /** Stops the timer and closes both sockets; IKE SAs are forgotten (delete them first to tell the peer). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.ike, this.natT].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private receive(msg: Buffer, fromAddress: string, fromPort: number, localPort: number): void {
    if (this.closed) return;
    let bytes: Uint8Array = msg;
    if (localPort === this.local.natTPort) {
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
        if (this.options.onEsp)
          this.options.onEsp(bytes, { address: ipAddress(fromAddress), port: fromPort }, localPort);
        else this.counters.espDropped++;
        return;
      }
      bytes = bytes.subarray(4);
    }
    const path = { localAddr: this.local.address, localPort, remoteAddr: ipAddress(fromAddress), remotePort: fromPort };
    this.engine.handleDatagram(this.now(), bytes, path);
    this.service();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.armedFor = undefined;
    if (this.closed) return;
    this.engine.handleTimeout(this.now());
    this.service();
  };

  /** Drains datagrams and events, then re-arms the one timer for the engine's next deadline. */
  private service(): void {
    if (this.closed) return;
    for (let t = this.engine.pollTransmit(); t; t = this.engine.pollTransmit()) this.transmit(t);
    for (let e = this.engine.pollEvent(); e; e = this.engine.pollEvent()) this.deliver(e);
    const deadline = this.engine.pollTimeout();
    if (deadline === this.armedFor || this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = deadline;
    if (deadline !== undefined) {
      this.timer = setTimeout(this.onTimer, Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(deadline - this.now()))));
    }
  }

  private transmit(t: IkeTransmit): void {
    const socket =
      t.localPort === this.local.ikePort ? this.ike : t.localPort === this.local.natTPort ? this.natT : undefined;
    if (!socket) {
      this.counters.noSocket++;
      return;
    }
    const data = t.nonEspMarker ? Buffer.concat([NON_ESP_MARKER, t.bytes]) : t.bytes;
    socket.send(data, t.remotePort, t.remoteAddr.toString(), (e) => this.sendFailed(e));
  }

  private sendFailed(e: Error | null): void {
    if (!e) return;
    this.counters.sendErrors++;
    this.options.onError?.(e);
  }

  private deliver(e: IkeEvent): void {
    if (this.options.keyLog) logKeysOfEvent(this.options.keyLog, this.engine, e);
    this.options.onEvent?.(e);
  }
}
