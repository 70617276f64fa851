/**
 * The `TransportProvider` a runnable node opens its sockets through: UDP over node:dgram with the lab aliases and
 * the trace hook applied to every socket, and raw IP as the probe allows (never, in this build: raw-sockets.ts).
 * It remembers what it opened, so a node's `stop()` closes everything and waits for the kernel to let go.
 */
import {
  type IpFamily,
  isRawProtocolOf,
  type RawIpTransport,
  TransportError,
  type TransportProvider,
} from '../../net/transport.ts';
import { probeRawSockets, type RawSocketSupport } from './raw-sockets.ts';
import { type NodeUdpDeps, type NodeUdpOptions, NodeUdpTransport } from './udp-transport.ts';

export interface NodeTransportProviderDeps extends NodeUdpDeps {
  /** Default: `probeRawSockets()`. */
  readonly rawSupport?: RawSocketSupport;
}

export class NodeTransportProvider implements TransportProvider {
  readonly rawSupport: RawSocketSupport;
  private readonly open = new Set<NodeUdpTransport>();

  constructor(private readonly deps: NodeTransportProviderDeps = {}) {
    this.rawSupport = deps.rawSupport ?? probeRawSockets();
  }

  async openUdp(options: NodeUdpOptions): Promise<NodeUdpTransport> {
    const t = await NodeUdpTransport.open(options, this.deps);
    this.open.add(t);
    void t.closed.then(() => this.open.delete(t));
    return t;
  }

  canOpenRaw(_protocol: number, _family: IpFamily): boolean {
    return this.rawSupport.available;
  }

  async openRaw(protocol: number, family: IpFamily): Promise<RawIpTransport> {
    if (!isRawProtocolOf(protocol, family)) {
      throw new TransportError('UNSUPPORTED', `protocol ${protocol} over IPv${family} is not opened raw`);
    }
    throw new TransportError('PERMISSION', this.rawSupport.detail);
  }

  /** Sockets opened and not yet released. */
  get openCount(): number {
    return this.open.size;
  }

  /** Closes every socket still open and resolves when the kernel released them all. */
  async closeAll(): Promise<void> {
    const all = [...this.open];
    for (const t of all) t.close();
    await Promise.all(all.map((t) => t.closed));
  }
}
