/**
 * The `TransportProvider` a runnable node opens its sockets through: UDP over node:dgram with the lab aliases and
 * the trace hook applied to every socket, and raw IP through the native addon when the probe allows
 * (raw-sockets.ts). Raw packets carry real addresses: lab aliases do not apply to them.
 * It remembers what it opened, so a node's `stop()` closes everything and waits for the kernel to let go.
 */
import {
  type IpFamily,
  isRawProtocolOf,
  type RawIpTransport,
  TransportError,
  type TransportProvider,
} from '../../net/transport.ts';
import { type IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import { KernelGuard } from './kernel-guard.ts';
import { probeRawSockets, type RawSocketSupport, rawSocketsNotUsed } from './raw-sockets.ts';
import { NodeRawTransport, type RawPacketTrace } from './raw-transport.ts';
import { type NodeUdpDeps, type NodeUdpOptions, NodeUdpTransport } from './udp-transport.ts';

export interface NodeTransportProviderDeps extends NodeUdpDeps {
  /** Default: `probeRawSockets()`. */
  readonly rawSupport?: RawSocketSupport;
  /** The node's own addresses: a raw socket keeps only packets addressed to one of them. */
  readonly localAddresses?: () => readonly IpAddress[];
  /** AF_PACKET interface for IPv6 raw reads (default: all). */
  readonly rawInterface?: string;
  readonly onRawTrace?: (t: RawPacketTrace) => void;
  /** Why the kernel guard for IPv6 raw reads could not be installed (the node runs on; the kernel sends ICMP errors). */
  readonly onGuardUnavailable?: (reason: string) => void;
}

export class NodeTransportProvider implements TransportProvider {
  readonly rawSupport: RawSocketSupport;
  private readonly open = new Set<NodeUdpTransport>();
  private readonly openRawSockets = new Set<NodeRawTransport>();
  private guard: KernelGuard | undefined;

  constructor(private readonly deps: NodeTransportProviderDeps = {}) {
    // Raw packets carry the kernel's addresses, so lab aliases (documentation addresses on loopback) rule them out.
    this.rawSupport =
      deps.rawSupport ??
      (deps.aliases ? rawSocketsNotUsed('lab address aliases apply to UDP sockets only') : probeRawSockets());
  }

  async openUdp(options: NodeUdpOptions): Promise<NodeUdpTransport> {
    const t = await NodeUdpTransport.open(options, this.deps);
    this.open.add(t);
    void t.closed.then(() => this.open.delete(t));
    return t;
  }

  canOpenRaw(protocol: number, family: IpFamily): boolean {
    return this.rawSupport.available && isRawProtocolOf(protocol, family);
  }

  async openRaw(protocol: number, family: IpFamily): Promise<RawIpTransport> {
    if (!isRawProtocolOf(protocol, family)) {
      throw new TransportError('UNSUPPORTED', `protocol ${protocol} over IPv${family} is not opened raw`);
    }
    if (!this.rawSupport.available) throw new TransportError('PERMISSION', this.rawSupport.detail);
    const d = this.deps;
    const t = NodeRawTransport.open({
      protocol,
      family,
      localAddresses: d.localAddresses ?? (() => []),
      ...(d.rawInterface ? { interface: d.rawInterface } : {}),
      ...(d.onRawTrace ? { onTrace: d.onRawTrace } : {}),
      ...(d.now ? { now: d.now } : {}),
    });
    this.openRawSockets.add(t);
    if (family === 6 && this.guard === undefined) {
      const v6 = (d.localAddresses?.() ?? []).filter((a): a is Ipv6Address => a instanceof Ipv6Address);
      const g = KernelGuard.install(v6);
      if (g instanceof KernelGuard) this.guard = g;
      else d.onGuardUnavailable?.(g);
    }
    return t;
  }

  /** Sockets opened and not yet released. */
  get openCount(): number {
    return this.open.size;
  }

  /** Closes every socket still open and resolves when the kernel released them all. */
  async closeAll(): Promise<void> {
    for (const r of this.openRawSockets) r.close();
    this.openRawSockets.clear();
    this.guard?.remove();
    this.guard = undefined;
    const all = [...this.open];
    for (const t of all) t.close();
    await Promise.all(all.map((t) => t.closed));
  }
}
