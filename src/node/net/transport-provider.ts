/**
 * The `TransportProvider` a runnable node opens its sockets through: UDP over node:dgram with the lab aliases and
 * the trace hook applied to every socket, and raw IP through the native addon when the probe allows
 * (raw-sockets.ts). Raw packets carry real addresses: lab aliases do not apply to them. Every raw IPv6 transport
 * reads from the provider's one AF_PACKET reader (ipv6-packet-reader.ts), and the provider keeps the KernelGuard
 * (kernel-guard.ts) in step with the node's IPv6 addresses and the protocols it reads.
 * It remembers what it opened, so a node's `stop()` closes everything and waits for the kernel to let go.
 */
import {
  type IpFamily,
  isRawProtocolOf,
  type RawIpTransport,
  type RawProtocolNumber,
  TransportError,
  type TransportProvider,
} from '../../net/transport.ts';
import type { Ipv6ReaderCounts } from '../../obs/drop-metrics.ts';
import { copyBytes } from '../../util/bytes.ts';
import { type IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import { Ipv6PacketReader, type Ipv6ReaderCounters } from './ipv6-packet-reader.ts';
import { KernelGuard } from './kernel-guard.ts';
import { probeRawSockets, type RawSocketSupport, rawSocketsNotUsed } from './raw-sockets.ts';
import { type NodeRawCounters, NodeRawTransport, type RawPacketTrace } from './raw-transport.ts';
import { type NodeUdpDeps, type NodeUdpOptions, NodeUdpTransport } from './udp-transport.ts';

export interface NodeTransportProviderDeps extends NodeUdpDeps {
  /** Default: `probeRawSockets()`. */
  readonly rawSupport?: RawSocketSupport;
  /**
   * The node's own addresses: a raw socket keeps only packets addressed to one of them, and the kernel guard covers
   * the IPv6 ones. Read again at each raw open and each `refreshGuard()`.
   */
  readonly localAddresses?: () => readonly IpAddress[];
  /** AF_PACKET interface for IPv6 raw reads (default: all). */
  readonly rawInterface?: string;
  readonly onRawTrace?: (t: RawPacketTrace) => void;
  /** Why the kernel guard for IPv6 raw reads could not be installed or updated (the kernel sends ICMP errors). */
  readonly onGuardUnavailable?: (reason: string) => void;
}

/** What `rawStatus()` reports: each raw socket's counters and the shared IPv6 reader's. */
export interface RawTransportStatus {
  readonly sockets: readonly ({ readonly label: string } & NodeRawCounters)[];
  readonly ipv6Reader?: Ipv6ReaderCounters & { readonly readErrors: number };
  readonly kernelGuard: string;
}

/** The reader's counters as `dsmip_ipv6_reader_*` metrics read them (src/obs/drop-metrics.ts). */
export function ipv6ReaderCountsOf(s: RawTransportStatus): Ipv6ReaderCounts | undefined {
  const r = s.ipv6Reader;
  if (!r) return undefined;
  return {
    packets: r.packets,
    drops: { fragment: r.fragments, truncated: r.truncated, unclaimed: r.unclaimed, 'read-error': r.readErrors },
  };
}

export class NodeTransportProvider implements TransportProvider {
  readonly rawSupport: RawSocketSupport;
  private readonly open = new Set<NodeUdpTransport>();
  private readonly openRawSockets = new Set<NodeRawTransport>();
  private ipv6Reader: Ipv6PacketReader | undefined;
  private guard: KernelGuard | undefined;
  /** Sources already seen to: the guarded addresses, and others a refresh did not add (not local). */
  private checkedSources: readonly Uint8Array[] = [];
  /** Why the guard could not be installed: not tried again (nft missing, no privilege). */
  private guardProblem: string | undefined;
  private closing = false;

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
    if (family === 6 && (this.ipv6Reader === undefined || this.ipv6Reader.isClosed)) {
      this.ipv6Reader = openReader(this.deps.rawInterface);
    }
    let t: NodeRawTransport;
    try {
      t = this.openRawTransport(protocol, family);
    } catch (e) {
      // A reader opened for this transport alone would stay open with nobody to read for.
      if (family === 6 && ![...this.openRawSockets].some((s) => s.family === 6)) {
        this.ipv6Reader?.close();
        this.ipv6Reader = undefined;
      }
      throw e;
    }
    this.openRawSockets.add(t);
    if (family === 6) this.refreshGuard();
    return t;
  }

  private openRawTransport(protocol: RawProtocolNumber, family: IpFamily): NodeRawTransport {
    const d = this.deps;
    const t = NodeRawTransport.open({
      protocol,
      family,
      localAddresses: d.localAddresses ?? (() => []),
      ...(family === 6 && this.ipv6Reader ? { ipv6Reader: this.ipv6Reader } : {}),
      ...(d.onRawTrace ? { onTrace: d.onRawTrace } : {}),
      ...(d.now ? { now: d.now } : {}),
      ...(family === 6 ? { beforeSend: (packet: Uint8Array) => this.beforeIpv6Send(packet) } : {}),
      onClosed: () => {
        this.openRawSockets.delete(t);
        if (family === 6) this.refreshGuard();
      },
    });
    return t;
  }

  /**
   * Brings the kernel guard in step with `localAddresses()` and the open raw IPv6 protocols, installing it with the
   * first raw IPv6 transport. Runs by itself at each raw open and close, and before a raw IPv6 packet leaves from an
   * address the guard does not cover yet (the answer comes back to that address: a UE's BU from a new care-of
   * address, RFC 6275 §6.3, is answered by a BA with a type 2 routing header). A node whose IPv6 address changes
   * may call it as soon as the new address is in `localAddresses()`.
   */
  refreshGuard(): void {
    if (this.closing || this.guardProblem !== undefined) return;
    const protocols = [...new Set([...this.openRawSockets].filter((t) => t.family === 6).map((t) => t.protocol))];
    if (this.guard === undefined && protocols.length === 0) return;
    const addresses = (this.deps.localAddresses?.() ?? []).filter((a): a is Ipv6Address => a instanceof Ipv6Address);
    if (this.guard === undefined) {
      const g = KernelGuard.install({ addresses, protocols });
      if (!(g instanceof KernelGuard)) {
        this.guardProblem = g;
        this.deps.onGuardUnavailable?.(g);
        return;
      }
      this.guard = g;
    } else {
      const failed = this.guard.update({ addresses, protocols });
      if (failed !== undefined) this.deps.onGuardUnavailable?.(failed);
    }
    this.checkedSources = addresses.map((a) => a.bytes);
  }

  /** Raw sockets' counters, for a node's status page. */
  rawStatus(): RawTransportStatus {
    const r = this.ipv6Reader;
    return {
      sockets: [...this.openRawSockets].map((t) => ({ label: t.label, ...t.counters })),
      ...(r && !r.isClosed ? { ipv6Reader: { ...r.counters, readErrors: r.readErrors } } : {}),
      kernelGuard: this.guard ? this.guard.table : (this.guardProblem ?? 'not needed'),
    };
  }

  /** UDP and raw sockets opened and not yet released. */
  get openCount(): number {
    return this.open.size + this.openRawSockets.size;
  }

  /** Closes every socket still open and resolves when the kernel released them all. */
  async closeAll(): Promise<void> {
    this.closing = true; // the transports' onClosed must not update the guard being removed
    for (const r of [...this.openRawSockets]) r.close();
    this.openRawSockets.clear();
    this.ipv6Reader?.close();
    this.ipv6Reader = undefined;
    this.guard?.remove();
    this.guard = undefined;
    this.checkedSources = [];
    this.closing = false;
    const all = [...this.open];
    for (const t of all) t.close();
    await Promise.all(all.map((t) => t.closed));
  }

  /** Per packet: the source (RFC 8200 §3, bytes 8-23) against the one or two checked ones; nft at most once each. */
  private beforeIpv6Send(packet: Uint8Array): void {
    if (this.isCheckedSource(packet)) return;
    this.refreshGuard();
    if (!this.isCheckedSource(packet)) this.checkedSources = [...this.checkedSources, copyBytes(packet, 8, 24)];
  }

  private isCheckedSource(packet: Uint8Array): boolean {
    const list = this.checkedSources;
    for (let k = 0; k < list.length; k++) {
      const a = list[k]!;
      let i = 0;
      while (i < 16 && packet[8 + i] === a[i]) i++;
      if (i === 16) return true;
    }
    return false;
  }
}

function openReader(interfaceName: string | undefined): Ipv6PacketReader {
  try {
    return Ipv6PacketReader.open(interfaceName);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'EACCES') throw new TransportError('PERMISSION', (e as Error).message);
    if (code === 'ENOADDON') throw new TransportError('UNSUPPORTED', (e as Error).message);
    throw e;
  }
}
