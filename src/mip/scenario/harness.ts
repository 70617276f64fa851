/**
 * Test support: the MN and HA cores as simulated-network endpoints, framing every MH message in real
 * IPv6/IPv4/UDP bytes (framing.ts) and decoding what arrives. ESP is simulated by a predicate — the
 * security context the node layer would derive from the SA that verified the packet.
 */

import type { SimEndpoint } from '../../net/sim/network.ts';
import { Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import type { BindingAcknowledgement, BindingUpdate } from '../../wire/mh/messages.ts';
import type { MobilityOption } from '../../wire/mh/options.ts';
import type { HomeAgentEvent, MobileNodeEvent } from '../events.ts';
import { frameMobilityPacket, type ReceivedPacket, receivePacket } from '../framing.ts';
import { HomeAgentCore } from '../home-agent.ts';
import type { Ipv4Range } from '../ipv4-pool.ts';
import type { MobileNodeConfig } from '../mn-config.ts';
import { MobileNodeCore } from '../mobile-node.ts';
import type { HomeAgentPolicy } from '../policy.ts';
import { encapsulate } from '../tunnel.ts';
import type { BindingUpdateContext, Ipv6Prefix, OuterInfo, SendMh } from '../types.ts';

/** The IKE SA a UE would have: its id and the home prefix it was given (the identity ↔ HoA tie). */
export interface SimulatedIkeSa {
  readonly ikeSaId: string;
  readonly homePrefix: Ipv6Prefix;
  readonly ipv4HomeAddress?: Ipv4Address;
}

/** The HA core on the simulated network. */
export class HaEndpoint implements SimEndpoint {
  readonly core: HomeAgentCore;
  readonly events: HomeAgentEvent[] = [];
  /** Inner packets accepted from UE tunnels. */
  readonly uplink: Uint8Array[] = [];
  /** Received packets, decoded (for assertions on framing). */
  readonly received: ReceivedPacket[] = [];
  /** Whether a received packet counts as ESP-protected (default: all; tests mark an attacker's as not). */
  isProtected: (outer: OuterInfo) => boolean = () => true;
  private readonly outgoing: Uint8Array[] = [];

  constructor(
    policy: HomeAgentPolicy,
    pool: readonly Ipv4Range[],
    /** The IKE SA each HoA's owner negotiated, by HoA text. */
    readonly ikeSas: Map<string, SimulatedIkeSa> = new Map(),
    /** IKE SAs by peer (outer source) address, which take precedence. */
    readonly ikeSasByPeer: Map<string, SimulatedIkeSa> = new Map(),
  ) {
    this.core = new HomeAgentCore(policy, pool);
  }

  receive(now: number, packet: Uint8Array): void {
    const p = receivePacket(packet);
    this.received.push(p);
    if (p.kind === 'mobility' && p.message.kind === 'binding-update') {
      // The SA the packet arrived on: by its outer source when known (an attacker's own SA), else by HoA.
      const sa = this.ikeSasByPeer.get(p.outer.source.toString()) ?? this.ikeSas.get(p.source.toString());
      const ctx: BindingUpdateContext = {
        ikeSaId: sa?.ikeSaId ?? '',
        authorizedHomePrefix: sa?.homePrefix,
        authorizedIpv4HomeAddress: sa?.ipv4HomeAddress,
        protectedByEsp: this.isProtected(p.outer),
        homeAddress: p.source,
        homeAgentAddress: p.destination,
        outer: p.outer,
      };
      this.core.handleBindingUpdate(now, p.message, ctx);
    } else if (p.kind === 'tunnelled') {
      if (this.core.acceptFromUe(p.outer, p.inner).kind === 'accept') this.uplink.push(p.inner);
    }
    this.drainEvents();
  }

  /** A packet for a HoA reached the home network: tunnel it to the UE if bound. */
  deliverFromHomeNetwork(inner: Uint8Array): boolean {
    const d = this.core.routeToUe(inner);
    if (d.kind !== 'tunnel') return false;
    this.outgoing.push(encapsulate(d.route, inner));
    return true;
  }

  timeout(now: number): void {
    this.core.handleTimeout(now);
    this.drainEvents();
  }

  nextTimeout(): number | undefined {
    return this.core.pollTimeout();
  }

  pollSend(): Uint8Array | undefined {
    const t = this.core.pollTransmit();
    if (t !== undefined) return frameMobilityPacket(t);
    return this.outgoing.shift();
  }

  private drainEvents(): void {
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent()) this.events.push(e);
  }
}

/** The MN core on the simulated network. */
export class MnEndpoint implements SimEndpoint {
  readonly core: MobileNodeCore;
  readonly events: MobileNodeEvent[] = [];
  /** Every BU handed to the network, as the core emitted it. */
  readonly sent: SendMh[] = [];
  /** Inner packets that came down a tunnel, and plain ones. */
  readonly downlink: Uint8Array[] = [];
  readonly received: ReceivedPacket[] = [];
  /** Whether a received BA counts as ESP-protected. */
  isProtected: (ba: BindingAcknowledgement) => boolean = () => true;
  private readonly outgoing: Uint8Array[] = [];

  constructor(config: MobileNodeConfig) {
    this.core = new MobileNodeCore(config);
  }

  receive(now: number, packet: Uint8Array): void {
    const p = receivePacket(packet);
    this.received.push(p);
    if (p.kind === 'mobility' && p.message.kind === 'binding-acknowledgement') {
      this.core.handleBindingAck(now, p.message, { protectedByEsp: this.isProtected(p.message), source: p.source });
    } else if (p.kind === 'tunnelled') {
      this.downlink.push(p.inner);
    } else if (p.kind === 'native') {
      this.downlink.push(p.packet.bytes);
    }
    this.drainEvents();
  }

  /** Sends an inner packet through the reverse tunnel the core chose (or natively when it has none). */
  sendData(inner: Uint8Array): void {
    const route = this.core.uplinkRoute();
    this.outgoing.push(route === undefined ? inner : encapsulate(route, inner));
  }

  timeout(now: number): void {
    this.core.handleTimeout(now);
    this.drainEvents();
  }

  nextTimeout(): number | undefined {
    return this.core.pollTimeout();
  }

  pollSend(): Uint8Array | undefined {
    this.drainEvents();
    const t = this.core.pollTransmit();
    if (t !== undefined) {
      this.sent.push(t);
      return frameMobilityPacket(t);
    }
    return this.outgoing.shift();
  }

  /** Events of one kind, narrowed. */
  eventsOf<K extends MobileNodeEvent['kind']>(kind: K): Extract<MobileNodeEvent, { kind: K }>[] {
    this.drainEvents();
    return this.events.filter((e): e is Extract<MobileNodeEvent, { kind: K }> => e.kind === kind);
  }

  private drainEvents(): void {
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent()) this.events.push(e);
  }
}

export interface ScriptedHaOptions {
  /** BA status per received BU, in order; beyond the script: 0. */
  readonly statuses?: readonly number[];
  /** IPv4 AA status per BU carrying the IPv4 HoA option; beyond the script: 0 with 10.7.0.1. */
  readonly ipv4Statuses?: readonly number[];
  /** Leave the IPv4 AA out altogether (an HA without DSMIPv6 IPv4 support). */
  readonly omitIpv4Ack?: boolean;
}

/** Answers every BU with a scripted BA status (for MN paths a real HA never takes), then with 0. */
export class ScriptedHaEndpoint implements SimEndpoint {
  readonly bindingUpdates: { bu: BindingUpdate; at: number }[] = [];
  private readonly outgoing: Uint8Array[] = [];

  constructor(
    readonly address: Ipv6Address,
    readonly script: ScriptedHaOptions = {},
  ) {}

  receive(now: number, packet: Uint8Array): void {
    const p = receivePacket(packet);
    if (p.kind !== 'mobility' || p.message.kind !== 'binding-update') return;
    const bu = p.message;
    const status = this.script.statuses?.[this.bindingUpdates.length] ?? 0;
    this.bindingUpdates.push({ bu, at: now });
    const ba: BindingAcknowledgement = {
      kind: 'binding-acknowledgement',
      status,
      keyManagementMobilityCapability: false,
      mobileRouter: false,
      proxyRegistration: false,
      tlvHeaderFormat: false,
      bulkBindingUpdate: false,
      sequence: status === 135 ? (bu.sequence + 1000) & 0xffff : bu.sequence,
      lifetimeSec: status < 128 ? bu.lifetimeSec : 0,
      options: this.ipv4Ack(bu),
    };
    const transport = p.outer.family === 6 ? ({ kind: 'ipv6-rh2', careOf: p.outer.source } as const) : undefined;
    if (transport === undefined) return; // scripted HA: IPv6 access only
    this.outgoing.push(
      frameMobilityPacket({ kind: 'send-mh', message: ba, innerSrc: this.address, innerDst: p.source, transport }),
    );
  }

  private ipv4Acks = 0;

  private ipv4Ack(bu: BindingUpdate): MobilityOption[] {
    if (this.script.omitIpv4Ack || !bu.options.some((o) => o.kind === 'ipv4-home-address')) return [];
    const status = this.script.ipv4Statuses?.[this.ipv4Acks++] ?? 0;
    const homeAddress = status < 128 ? Ipv4Address.parse('10.7.0.1') : Ipv4Address.ANY;
    return [{ kind: 'ipv4-address-acknowledgement', status, prefixLength: status < 128 ? 32 : 0, homeAddress }];
  }

  timeout(): void {}

  nextTimeout(): number | undefined {
    return undefined;
  }

  pollSend(): Uint8Array | undefined {
    return this.outgoing.shift();
  }
}
