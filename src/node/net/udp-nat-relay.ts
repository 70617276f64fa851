/**
 * An in-process NAT for loopback labs (the `--nat` demo and the end-to-end test without root): a UDP relay that
 * stands in front of the HA. A datagram from an inside client to one of the relay's forwarded ports leaves from a
 * socket of its own on the relay's outside address, with a port the kernel picks: the HA sees the NAT's address and
 * a rewritten port, as behind a real NAPT (RFC 4787). The mapping is endpoint-independent (one outside port per
 * inside address and port, RFC 4787 §4.1 REQ-1); answers from a forwarded target go back to the inside client from
 * the port it sent to. Mappings live until `close` (no idle expiry: the lab runs for seconds).
 */

import { type DatagramTransport, type InboundDatagram, TransportError } from '../../net/transport.ts';
import type { IpAddress, Ipv4Address } from '../../util/ip-address.ts';
import { sameAddress } from './address-aliases.ts';
import type { DatagramTraceHook } from './datagram-trace.ts';
import { rawSocketsNotUsed } from './raw-sockets.ts';
import { NodeTransportProvider } from './transport-provider.ts';

export interface NatForward {
  /** The port the relay listens on for inside clients. */
  readonly port: number;
  /** Where datagrams to that port go. */
  readonly to: { readonly address: Ipv4Address; readonly port: number };
}

export interface UdpNatRelayOptions {
  /** The address inside clients send to (the HA's address as they know it). */
  readonly insideAddress: Ipv4Address;
  /** The address the HA sees datagrams come from (the NAT's public address). */
  readonly outsideAddress: Ipv4Address;
  readonly forwards: readonly NatForward[];
  readonly onTrace?: DatagramTraceHook;
}

interface Mapping {
  readonly inside: { readonly address: IpAddress; readonly port: number };
  readonly outside: DatagramTransport;
}

export class UdpNatRelay {
  readonly counters = { forwardedOut: 0, forwardedIn: 0, unmatched: 0 };
  private readonly mappings = new Map<string, Promise<Mapping>>();
  private readonly listeners = new Map<number, DatagramTransport>();

  private constructor(
    private readonly provider: NodeTransportProvider,
    private readonly options: UdpNatRelayOptions,
  ) {}

  static async open(options: UdpNatRelayOptions): Promise<UdpNatRelay> {
    const provider = new NodeTransportProvider({
      ...(options.onTrace ? { onTrace: options.onTrace } : {}),
      rawSupport: rawSocketsNotUsed('a NAT relay uses UDP only'),
    });
    const relay = new UdpNatRelay(provider, options);
    try {
      for (const f of options.forwards) {
        const t = await provider.openUdp({
          family: 4,
          address: options.insideAddress,
          port: f.port,
          label: `nat:${f.port}`,
        });
        t.onMessage((d) => void relay.outbound(f, d));
        relay.listeners.set(f.port, t);
      }
    } catch (e) {
      await provider.closeAll();
      throw e;
    }
    return relay;
  }

  /** Inside → outside mappings made so far. */
  get mappingCount(): number {
    return this.mappings.size;
  }

  /** The outside port the HA sees for an inside client, once it has sent something. */
  async outsidePortOf(inside: IpAddress, port: number): Promise<number | undefined> {
    return (await this.mappings.get(`${inside}|${port}`))?.outside.localPort;
  }

  async close(): Promise<void> {
    await this.provider.closeAll();
  }

  private async outbound(f: NatForward, d: InboundDatagram): Promise<void> {
    const key = `${d.source}|${d.sourcePort}`;
    let pending = this.mappings.get(key);
    if (!pending) {
      pending = this.newMapping({ address: d.source, port: d.sourcePort });
      this.mappings.set(key, pending);
    }
    let m: Mapping;
    try {
      m = await pending;
    } catch {
      this.mappings.delete(key);
      return;
    }
    this.counters.forwardedOut++;
    sendQuietly(m.outside, d.payload, f.to.address, f.to.port);
  }

  private async newMapping(inside: Mapping['inside']): Promise<Mapping> {
    const outside = await this.provider.openUdp({
      family: 4,
      address: this.options.outsideAddress,
      port: 0,
      label: 'nat-outside',
    });
    const m: Mapping = { inside, outside };
    outside.onMessage((d) => this.inbound(m, d));
    return m;
  }

  private inbound(m: Mapping, d: InboundDatagram): void {
    const f = this.options.forwards.find((x) => x.to.port === d.sourcePort && sameAddress(x.to.address, d.source));
    const listener = f && this.listeners.get(f.port);
    if (!listener) {
      this.counters.unmatched++; // not from a forwarded target: a NAPT filters it (RFC 4787 §5)
      return;
    }
    this.counters.forwardedIn++;
    sendQuietly(listener, d.payload, m.inside.address, m.inside.port);
  }
}

/** A relay closing while a datagram is in flight loses it, as a NAT going down would. */
function sendQuietly(t: DatagramTransport, payload: Uint8Array, address: IpAddress, port: number): void {
  try {
    t.send(payload, address, port);
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
  }
}
