/**
 * A simulated datagram network with virtual time and a seeded random source (after quinn-proto's test
 * network, STYLE.md): nodes own addresses, links between nodes add latency, loss, duplication and
 * reordering, NAT boxes rewrite IPv4/UDP. It carries raw IP packets (real bytes), routed by destination
 * address to a neighbour owning it or to the sender's gateway. Endpoints are sans-I/O: they are handed
 * packets and `now`, and polled for packets to send and their next timeout. Nothing here reads a clock.
 */
import type { IpAddress } from '../../util/ip-address.ts';
import { EventQueue } from './event-queue.ts';
import { deliveryDelays, type LinkProfile, PERFECT_LINK } from './link.ts';
import { Nat44, type NatConfig } from './nat.ts';
import { SeededRandom } from './random.ts';

/** A sans-I/O participant: a protocol core behind a thin adapter. */
export interface SimEndpoint {
  /** A packet addressed to one of the node's addresses arrived. */
  receive(now: number, packet: Uint8Array): void;
  /** Called once `nextTimeout()` is due. */
  timeout(now: number): void;
  nextTimeout(): number | undefined;
  /** Drained after every step. */
  pollSend(): Uint8Array | undefined;
}

export type TraceEvent = 'sent' | 'delivered' | 'lost' | 'filtered' | 'no-route' | 'nat-dropped' | 'malformed';

export interface TraceEntry {
  readonly at: number;
  readonly event: TraceEvent;
  /** Node that sent (or forwarded) the packet on the link. */
  readonly from: string;
  /** Node it was handed to, '' when it never reached one. */
  readonly to: string;
  readonly packet: Uint8Array;
}

/** Decides whether a packet about to cross a link is dropped (deterministic loss injection for tests). */
export type PacketFilter = (p: {
  readonly from: string;
  readonly to: string;
  readonly packet: Uint8Array;
  readonly at: number;
}) => boolean;

export class SimError extends Error {
  override readonly name = 'SimError';
  constructor(
    readonly code: 'STEP_LIMIT' | 'TIME_LIMIT' | 'STALLED' | 'UNKNOWN_NODE' | 'DUPLICATE',
    detail: string,
  ) {
    super(detail);
  }
}

interface SimNode {
  readonly name: string;
  readonly addresses: string[];
  readonly endpoint: SimEndpoint | undefined;
  readonly links: Map<string, LinkProfile>;
  gateway: string | undefined;
  nat: { readonly box: Nat44; readonly publicAddress: string; readonly inside: Set<string> } | undefined;
}

interface InFlight {
  readonly from: string;
  readonly to: string;
  readonly packet: Uint8Array;
  /** Links crossed so far: a routing loop ends at MAX_HOPS instead of running forever. */
  readonly hops: number;
}

const MAX_HOPS = 16;

export interface RunLimits {
  /** Fail loudly after this many steps (default 10,000). */
  readonly maxSteps?: number;
}

/** The destination address field of a raw IPv4/IPv6 packet as text, or undefined when too short. */
export function destinationOf(packet: Uint8Array): string | undefined {
  const v = (packet[0] ?? 0) >> 4;
  if (v === 4 && packet.length >= 20) return `${packet[16]}.${packet[17]}.${packet[18]}.${packet[19]}`;
  if (v === 6 && packet.length >= 40) return ipv6Text(packet, 24);
  return undefined;
}

function ipv6Text(b: Uint8Array, at: number): string {
  const g: string[] = [];
  for (let i = at; i < at + 16; i += 2) g.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return g.join(':');
}

/** Same text form as `destinationOf` (full IPv6 groups, no `::`) so lookups need no parsing. */
function addressKey(a: IpAddress): string {
  return a.bytes.length === 4 ? a.toString() : ipv6Text(a.bytes, 0);
}

export class SimNetwork {
  readonly random: SeededRandom;
  readonly trace: TraceEntry[] = [];
  now = 0;
  steps = 0;
  private readonly nodes = new Map<string, SimNode>();
  private readonly owners = new Map<string, string>();
  private readonly queue = new EventQueue<InFlight>();
  private readonly filters: PacketFilter[] = [];

  constructor(options: { readonly seed: number; readonly startMs?: number }) {
    this.random = new SeededRandom(options.seed);
    this.now = options.startMs ?? 0;
  }

  addNode(name: string, addresses: readonly IpAddress[], endpoint?: SimEndpoint): void {
    if (this.nodes.has(name)) throw new SimError('DUPLICATE', `node ${name} exists`);
    const keys = addresses.map(addressKey);
    for (const k of keys) {
      if (this.owners.has(k)) throw new SimError('DUPLICATE', `address ${k} already belongs to ${this.owners.get(k)}`);
      this.owners.set(k, name);
    }
    this.nodes.set(name, { name, addresses: keys, endpoint, links: new Map(), gateway: undefined, nat: undefined });
  }

  /**
   * A NAT box between `inside` nodes (which should use it as gateway) and the rest; it owns `publicAddress`.
   * Returns the translator, whose table tests may inspect.
   */
  addNat(name: string, config: NatConfig, inside: readonly string[]): Nat44 {
    this.addNode(name, [config.publicAddress]);
    const box = new Nat44(config);
    this.node(name).nat = { box, publicAddress: addressKey(config.publicAddress), inside: new Set(inside) };
    return box;
  }

  /** A bidirectional link; `reverse` gives the b → a direction its own profile. */
  connect(a: string, b: string, profile: LinkProfile = PERFECT_LINK, reverse: LinkProfile = profile): void {
    this.node(a).links.set(b, profile);
    this.node(b).links.set(a, reverse);
  }

  /** Packets to addresses no neighbour owns go to `via`. */
  setGateway(node: string, via: string): void {
    this.node(via);
    this.node(node).gateway = via;
  }

  /** Adds a drop rule; returns a function removing it. */
  addFilter(filter: PacketFilter): () => void {
    this.filters.push(filter);
    return () => {
      const i = this.filters.indexOf(filter);
      if (i >= 0) this.filters.splice(i, 1);
    };
  }

  /** Sends `packet` from `node` as if its endpoint had emitted it. */
  inject(node: string, packet: Uint8Array): void {
    this.forward(this.node(node), packet, 0);
  }

  /** Whether anything is scheduled: a packet in flight or an endpoint timer. */
  nextEventTime(): number | undefined {
    let t = this.queue.peekTime();
    for (const n of this.nodes.values()) {
      const due = n.endpoint?.nextTimeout();
      if (due !== undefined && (t === undefined || due < t)) t = due;
    }
    return t;
  }

  /** Processes the earliest event; false when nothing is scheduled. */
  step(): boolean {
    const packetAt = this.queue.peekTime();
    let timerNode: SimNode | undefined;
    let timerAt: number | undefined;
    for (const n of this.nodes.values()) {
      const due = n.endpoint?.nextTimeout();
      if (due !== undefined && (timerAt === undefined || due < timerAt)) {
        timerAt = due;
        timerNode = n;
      }
    }
    if (packetAt === undefined && timerAt === undefined) return false;
    this.steps++;
    if (packetAt !== undefined && (timerAt === undefined || packetAt <= timerAt)) {
      const { at, item } = this.queue.pop()!;
      this.now = Math.max(this.now, at);
      this.arrive(item);
    } else {
      this.now = Math.max(this.now, timerAt!);
      timerNode!.endpoint!.timeout(this.now);
    }
    this.drainAll();
    return true;
  }

  /** Runs until nothing is in flight and no timer is due within `quietMs` (default 60 s) of now. */
  runUntilQuiescent(limits: RunLimits & { readonly quietMs?: number } = {}): void {
    const quiet = limits.quietMs ?? 60_000;
    this.drainAll();
    this.bounded(limits, () => {
      const t = this.nextEventTime();
      return t === undefined || (this.queue.length === 0 && t > this.now + quiet);
    });
  }

  /** Runs until `done()` holds; fails when the limits are hit or nothing is left to happen. */
  runUntil(done: () => boolean, limits: RunLimits & { readonly maxTimeMs?: number } = {}): void {
    const deadline = limits.maxTimeMs === undefined ? Number.POSITIVE_INFINITY : this.now + limits.maxTimeMs;
    this.drainAll();
    this.bounded(limits, () => {
      if (done()) return true;
      const t = this.nextEventTime();
      if (t === undefined)
        throw new SimError('STALLED', `nothing left to happen at ${this.now} ms and the condition is false`);
      if (t > deadline) throw new SimError('TIME_LIMIT', `condition still false at ${deadline} ms`);
      return false;
    });
  }

  /** Processes every event up to `now + ms`, then sets the clock there. */
  advance(ms: number, limits: RunLimits = {}): void {
    const until = this.now + ms;
    this.drainAll();
    this.bounded(limits, () => {
      const t = this.nextEventTime();
      return t === undefined || t > until;
    });
    this.now = Math.max(this.now, until);
  }

  private bounded(limits: RunLimits, finished: () => boolean): void {
    const max = limits.maxSteps ?? 10_000;
    const start = this.steps;
    while (!finished()) {
      if (this.steps - start >= max)
        throw new SimError('STEP_LIMIT', `no settling within ${max} steps (virtual time ${this.now} ms)`);
      if (!this.step()) return;
    }
  }

  private node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new SimError('UNKNOWN_NODE', `no node ${name}`);
    return n;
  }

  private drainAll(): void {
    for (const n of this.nodes.values()) {
      const ep = n.endpoint;
      if (ep === undefined) continue;
      for (let p = ep.pollSend(); p !== undefined; p = ep.pollSend()) this.forward(n, p, 0);
    }
  }

  private record(event: TraceEvent, from: string, to: string, packet: Uint8Array): void {
    this.trace.push({ at: this.now, event, from, to, packet });
  }

  /** Picks the next hop for a packet leaving `n` and schedules it on that link. */
  private forward(n: SimNode, packet: Uint8Array, hops: number): void {
    const dst = destinationOf(packet);
    if (hops >= MAX_HOPS) {
      this.record('no-route', n.name, '', packet);
      return;
    }
    if (dst === undefined) {
      this.record('malformed', n.name, '', packet);
      return;
    }
    const owner = this.owners.get(dst);
    const hop = owner !== undefined && n.links.has(owner) ? owner : n.gateway;
    const profile = hop === undefined ? undefined : n.links.get(hop);
    if (hop === undefined || profile === undefined) {
      this.record('no-route', n.name, '', packet);
      return;
    }
    if (this.filters.some((f) => f({ from: n.name, to: hop, packet, at: this.now }))) {
      this.record('filtered', n.name, hop, packet);
      return;
    }
    this.record('sent', n.name, hop, packet);
    const delays = deliveryDelays(profile, this.random);
    if (delays.length === 0) this.record('lost', n.name, hop, packet);
    for (const d of delays) this.queue.push(this.now + d, { from: n.name, to: hop, packet, hops: hops + 1 });
  }

  /** A packet reached `to`: deliver it, translate it, or forward it. */
  private arrive(p: InFlight): void {
    const n = this.node(p.to);
    const dst = destinationOf(p.packet)!;
    const nat = n.nat;
    if (nat !== undefined) {
      let out: Uint8Array | undefined = p.packet;
      if (dst === nat.publicAddress) out = nat.box.inbound(this.now, p.packet);
      else if (nat.inside.has(p.from)) out = nat.box.outbound(this.now, p.packet);
      if (out === undefined) this.record('nat-dropped', p.from, n.name, p.packet);
      else this.forward(n, out, p.hops);
      return;
    }
    if (n.addresses.includes(dst)) {
      this.record('delivered', p.from, n.name, p.packet);
      n.endpoint?.receive(this.now, p.packet);
      return;
    }
    this.forward(n, p.packet, p.hops);
  }
}
