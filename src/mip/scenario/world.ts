/**
 * Test support: ready-made simulated topologies of one UE and its HA(s). Every packet between them is real
 * bytes (IPv6 + HAO/RH2, IPv4, UDP 4191, protocol 41) decoded again on arrival.
 */

import type { LinkProfile } from '../../net/sim/link.ts';
import type { Nat44 } from '../../net/sim/nat.ts';
import { SimNetwork } from '../../net/sim/network.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { Ipv4Range } from '../ipv4-pool.ts';
import type { AccessInfo, MobileNodeConfig } from '../mn-config.ts';
import type { HomeAgentPolicyInput } from '../policy.ts';
import {
  COA4,
  COA4_B,
  COA6,
  COA6_B,
  HA4,
  HOA,
  HOME_PREFIX,
  haPolicy,
  mnConfig,
  NAT_PUBLIC,
  POOL,
  PRIVATE4,
  VISITED_PREFIX,
} from '../test-fixtures.ts';
import { HaEndpoint, MnEndpoint } from './harness.ts';

export type Topology = 'ipv6' | 'ipv4' | 'nat' | 'dual' | 'home';

export const ACCESS: Record<Topology, AccessInfo> = {
  ipv6: { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] },
  ipv4: { ipv4CareOf: COA4, routerPrefixes: [] },
  nat: { ipv4CareOf: PRIVATE4, routerPrefixes: [] },
  dual: { ipv6CareOf: COA6, ipv4CareOf: COA4, routerPrefixes: [VISITED_PREFIX] },
  home: { ipv6CareOf: HOA, routerPrefixes: [HOME_PREFIX] },
};

export interface WorldOptions {
  readonly topology: Topology;
  readonly ha?: Partial<HomeAgentPolicyInput>;
  readonly mn?: Parameters<typeof mnConfig>[0];
  readonly pool?: readonly Ipv4Range[];
  readonly link?: LinkProfile;
  readonly seed?: number;
  readonly natTimeoutMs?: number;
}

export interface World {
  readonly net: SimNetwork;
  readonly ha: HaEndpoint;
  readonly mn: MnEndpoint;
  readonly nat: Nat44 | undefined;
  readonly access: AccessInfo;
  readonly config: MobileNodeConfig;
}

/** The UE's addresses: every CoA it may use plus the HoA (so a UE at home receives natively). */
function ueAddresses(t: Topology): (Ipv6Address | Ipv4Address)[] {
  if (t === 'nat') return [PRIVATE4, HOA];
  return [COA6, COA6_B, COA4, COA4_B, HOA];
}

export function buildWorld(o: WorldOptions): World {
  const net = new SimNetwork({ seed: o.seed ?? 1 });
  const policy = haPolicy(o.ha);
  const ha = new HaEndpoint(policy, o.pool ?? POOL);
  ha.ikeSas.set(HOA.toString(), { ikeSaId: 'ike-ue-1', homePrefix: HOME_PREFIX });
  const config = mnConfig(o.mn);
  const mn = new MnEndpoint(config);
  const haAddresses = [policy.ipv6Address, ...(policy.ipv4Address ? [policy.ipv4Address] : [HA4])];
  net.addNode('ha', haAddresses, ha);
  net.addNode('ue', ueAddresses(o.topology), mn);
  const link = o.link ?? { latencyMs: 20 };
  let nat: Nat44 | undefined;
  if (o.topology === 'nat') {
    nat = net.addNat('nat', { publicAddress: NAT_PUBLIC, mappingTimeoutMs: o.natTimeoutMs ?? 300_000 }, ['ue']);
    net.connect('ue', 'nat', link);
    net.connect('nat', 'ha', link);
    net.setGateway('ue', 'nat');
  } else {
    net.connect('ue', 'ha', link);
  }
  return { net, ha, mn, nat, access: ACCESS[o.topology], config };
}

/** Attaches the UE and runs until it is registered (or fails loudly). */
export function attachAndRegister(w: World, access: AccessInfo = w.access): void {
  w.mn.core.attach(w.net.now, access);
  w.net.runUntil(
    () =>
      w.mn.core.phase === 'registered' &&
      w.mn.core.pollTimeout() !== undefined &&
      w.mn.eventsOf('registered').length > 0,
    {
      maxSteps: 500,
      maxTimeMs: 600_000,
    },
  );
}
