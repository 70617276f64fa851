/**
 * Test support: a UE and its HA on the simulated network, each a `SimTransportHost` with its signalling pipeline
 * and sockets, the BU/BA Child SA installed on both sides from `child-sa-established` events built here with fixed
 * keys (the IKE exchange itself is tested in src/ike). Every BU and BA crosses the network as real bytes in ESP.
 */
import type { ChildSaEvent, EspKeys } from '../../ike/events.ts';
import { mobilitySelectors } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import type { MobileNodeEvent } from '../../mip/events.ts';
import { HomeAgentCore } from '../../mip/home-agent.ts';
import type { AccessInfo } from '../../mip/mn-config.ts';
import { MobileNodeCore } from '../../mip/mobile-node.ts';
import type { HomeAgentPolicyInput } from '../../mip/policy.ts';
import {
  COA4,
  COA6,
  HA4,
  HA6,
  HOA,
  HOME_PREFIX,
  haPolicy,
  mnConfig,
  NAT_PUBLIC,
  POOL,
  PRIVATE4,
  VISITED_PREFIX,
  v6,
} from '../../mip/test-fixtures.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import type { Nat44 } from '../../net/sim/nat.ts';
import { SimNetwork } from '../../net/sim/network.ts';
import { SimTransportHost } from '../../net/sim/sim-transport.ts';
import type { IpFamily } from '../../net/transport.ts';
import type { IpAddress, Ipv6Address } from '../../util/ip-address.ts';
import { HaSignalling } from './ha-signalling.ts';
import { type IkeSessionLookup, MobilitySaRegistry } from './sa-registry.ts';
import { homeAgentSocketPlan, mobileNodeSocketPlan, SignallingIo, type SignallingIoOptions } from './signalling-io.ts';
import type { SignallingPipeline } from './signalling-pipeline.ts';
import { UeSignalling } from './ue-signalling.ts';

export type Suite = 'gcm128' | 'cbc128-sha256';

/** One UE's BU/BA Child SA as both ends learn it: the HA's inbound SPI is `spiHa`, the UE's `spiUe`. */
export interface ChildSaSpec {
  readonly ikeSaId: number;
  readonly homeAddress: Ipv6Address;
  readonly homeAgent?: Ipv6Address;
  readonly spiHa: number;
  readonly spiUe: number;
  readonly suite?: Suite;
  /** The IKE SA runs over UDP 4500 (a NAT): must not change how BU/BA ESP is framed. */
  readonly udpEncapsulation?: boolean;
  /** Key bytes start here, so each SA gets its own keys. */
  readonly keySeed?: number;
}

const bytes = (n: number, start: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

function keysOf(suite: Suite, seed: number): EspKeys {
  return suite === 'gcm128'
    ? { encrKey: bytes(20, seed), integKey: new Uint8Array(0) } // 16-byte key + 4-byte salt (RFC 4106 §8.1)
    : { encrKey: bytes(16, seed), integKey: bytes(32, seed + 0x40) };
}

/** The `child-sa-established` event of each side for `s` (selectors as src/ike negotiates them, RFC 4877 §7.3). */
export function childSaEvents(s: ChildSaSpec): { ha: ChildSaEvent; ue: ChildSaEvent } {
  const suite = s.suite ?? 'gcm128';
  const seed = s.keySeed ?? 0x10;
  const ueToHa = keysOf(suite, seed);
  const haToUe = keysOf(suite, seed + 0x80);
  const { tsi, tsr } = mobilitySelectors(s.homeAddress, s.homeAgent ?? HA6);
  const common = {
    kind: 'child-sa-established' as const,
    ikeSaId: s.ikeSaId,
    mode: 'transport' as const,
    esn: false,
    encrId: suite === 'gcm128' ? 20 : 12,
    encrKeyBits: 128,
    integId: suite === 'gcm128' ? undefined : 12,
    udpEncapsulation: s.udpEncapsulation ?? false,
    rekeyOf: undefined,
    homeAddress: s.homeAddress,
  };
  return {
    ha: {
      ...common,
      spiIn: s.spiHa,
      spiOut: s.spiUe,
      keysIn: ueToHa,
      keysOut: haToUe,
      tsLocal: [tsr],
      tsRemote: [tsi],
    },
    ue: {
      ...common,
      spiIn: s.spiUe,
      spiOut: s.spiHa,
      keysIn: haToUe,
      keysOut: ueToHa,
      tsLocal: [tsi],
      tsRemote: [tsr],
    },
  };
}

/** IKE sessions by id, as the HA's `IkeResponder.session` would report them. */
export class SessionTable implements IkeSessionLookup {
  readonly prefixes = new Map<number, Ipv6Prefix>();
  session(ikeSaId: number): { homePrefix: Ipv6Prefix | undefined } | undefined {
    return this.prefixes.has(ikeSaId) ? { homePrefix: this.prefixes.get(ikeSaId) } : undefined;
  }
}

export interface SimNode<P extends SignallingPipeline> {
  readonly host: SimTransportHost;
  readonly pipeline: P;
  readonly io: SignallingIo;
}

export type Topology = 'ipv6' | 'ipv4' | 'nat';

export const ACCESS: Record<Topology, AccessInfo> = {
  ipv6: { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] },
  ipv4: { ipv4CareOf: COA4, routerPrefixes: [] },
  nat: { ipv4CareOf: PRIVATE4, routerPrefixes: [] },
};

export interface MobilityWorldOptions {
  readonly topology: Topology;
  /** Whether the UE and the HA may open raw sockets (default: yes, as root). */
  readonly ueRaw?: boolean | ((protocol: number, family: IpFamily) => boolean);
  readonly haRaw?: boolean | ((protocol: number, family: IpFamily) => boolean);
  /** The HA's handler for packets its pipeline does not take. */
  readonly haUnhandled?: SignallingIoOptions['onUnhandled'];
  readonly ha?: Partial<HomeAgentPolicyInput>;
  readonly mn?: Parameters<typeof mnConfig>[0];
  readonly suite?: Suite;
  /** SPIs of UE 1's Child SA (HA's inbound, UE's inbound). */
  readonly spis?: readonly [number, number];
}

export interface MobilityWorld {
  readonly net: SimNetwork;
  readonly nat: Nat44 | undefined;
  readonly ha: SimNode<HaSignalling>;
  readonly ue: SimNode<UeSignalling>;
  readonly sessions: SessionTable;
  readonly access: AccessInfo;
  /** Every UE event so far (drained from the core). */
  ueEvents(): MobileNodeEvent[];
}

function simNode<P extends SignallingPipeline>(host: SimTransportHost, pipeline: P, io: SignallingIo): SimNode<P> {
  host.timers = { nextTimeout: () => pipeline.pollTimeout(), timeout: (now) => io.timeout(now) };
  return { host, pipeline, io };
}

export const UE1_PREFIX: Ipv6Prefix = HOME_PREFIX;
/** A second subscriber with its own prefix inside the HA's /48. */
export const UE2_PREFIX: Ipv6Prefix = { prefix: v6('2001:db8:1:2::'), prefixLength: 64 };
export const HOA2 = v6('2001:db8:1:2::100');
export const ATTACKER6 = v6('2001:db8:66::66');

function ueAddresses(t: Topology): IpAddress[] {
  if (t === 'ipv6') return [COA6, HOA];
  if (t === 'ipv4') return [COA4, HOA];
  return [PRIVATE4, HOA];
}

export async function buildMobilityWorld(o: MobilityWorldOptions): Promise<MobilityWorld> {
  const net = new SimNetwork({ seed: 7 });
  const sessions = new SessionTable();
  sessions.prefixes.set(1, UE1_PREFIX);
  const random = (n: number) => new Uint8Array(n).fill(0xa5); // CBC IVs only; deterministic runs
  const haSad = new EspSad({ random });
  const haPipeline = new HaSignalling({
    core: new HomeAgentCore(
      haPolicy({ homePrefixes: [{ prefix: v6('2001:db8:1::'), prefixLength: 48 }], ...o.ha }),
      POOL,
    ),
    sad: haSad,
    registry: MobilitySaRegistry.forHomeAgent(haSad, sessions),
  });
  const config = mnConfig(o.mn);
  const ueSad = new EspSad({ random });
  const uePipeline = new UeSignalling({
    core: new MobileNodeCore(config),
    sad: ueSad,
    registry: MobilitySaRegistry.forMobileNode(ueSad),
  });
  const haHost = new SimTransportHost({ addresses: [HA6, HA4], raw: o.haRaw ?? true });
  const ueHost = new SimTransportHost({ addresses: ueAddresses(o.topology), raw: o.ueRaw ?? true });
  const haIo = await SignallingIo.open(haPipeline, haHost, homeAgentSocketPlan(), { onUnhandled: o.haUnhandled });
  const ha = simNode(haHost, haPipeline, haIo);
  const ue = simNode(
    ueHost,
    uePipeline,
    await SignallingIo.open(uePipeline, ueHost, mobileNodeSocketPlan(config.policy.udpSourcePort)),
  );
  net.addNode('ha', [HA6, HA4], haHost);
  net.addNode('ue', ueAddresses(o.topology), ueHost);
  let nat: Nat44 | undefined;
  if (o.topology === 'nat') {
    nat = net.addNat('nat', { publicAddress: NAT_PUBLIC, mappingTimeoutMs: 300_000 }, ['ue']);
    net.connect('ue', 'nat', { latencyMs: 10 });
    net.connect('nat', 'ha', { latencyMs: 10 });
    net.setGateway('ue', 'nat');
  } else {
    net.connect('ue', 'ha', { latencyMs: 20 });
  }
  const [spiHa, spiUe] = o.spis ?? [0x1000_0001, 0x2000_0001];
  const events = childSaEvents({
    ikeSaId: 1,
    homeAddress: HOA,
    spiHa,
    spiUe,
    suite: o.suite ?? 'gcm128',
    udpEncapsulation: o.topology === 'nat',
  });
  if (!haPipeline.registry.install(events.ha).ok || !uePipeline.registry.install(events.ue).ok) {
    throw new Error('test-support: the BU/BA Child SA did not install');
  }
  const seen: MobileNodeEvent[] = [];
  const ueEvents = () => {
    for (let e = uePipeline.core.pollEvent(); e !== undefined; e = uePipeline.core.pollEvent()) seen.push(e);
    return seen;
  };
  return { net, nat, ha, ue, sessions, access: ACCESS[o.topology], ueEvents };
}

/** Attaches the UE and runs until it is registered (or fails loudly). */
export function attachAndRegister(w: MobilityWorld, access: AccessInfo = w.access): void {
  const before = w.ueEvents().filter((e) => e.kind === 'registered').length;
  w.ue.pipeline.core.attach(w.net.now, access);
  w.ue.io.flush();
  w.net.runUntil(() => w.ueEvents().filter((e) => e.kind === 'registered').length > before, {
    maxSteps: 500,
    maxTimeMs: 600_000,
  });
}

/** Packets delivered to `to`, in order. */
export function deliveredTo(w: MobilityWorld, to: string): Uint8Array[] {
  return w.net.trace.filter((t) => t.event === 'delivered' && t.to === to).map((t) => t.packet);
}
