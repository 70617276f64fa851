/**
 * Shared test values: addresses of one home network, BU/BA builders and security contexts. Documentation
 * prefixes only (RFC 3849, RFC 5737).
 */
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { buildUdp4, buildUdp6 } from '../wire/ip/build.ts';
import type { BindingAcknowledgement, BindingUpdate } from '../wire/mh/messages.ts';
import type { MobilityOption } from '../wire/mh/options.ts';
import { BindingEntry } from './binding-cache.ts';
import { Ipv4HomeAddressPool, type Ipv4Range } from './ipv4-pool.ts';
import type { MobileNodeConfig } from './mn-config.ts';
import {
  type HomeAgentPolicy,
  type HomeAgentPolicyInput,
  homeAgentPolicy,
  type MobileNodePolicy,
  mobileNodePolicy,
} from './policy.ts';
import type { BindingUpdateContext, Ipv6Prefix, OuterInfo } from './types.ts';

export const v6 = (s: string) => Ipv6Address.parse(s);
export const v4 = (s: string) => Ipv4Address.parse(s);

export const HOME_PREFIX: Ipv6Prefix = { prefix: v6('2001:db8:1::'), prefixLength: 64 };
export const OTHER_PREFIX: Ipv6Prefix = { prefix: v6('2001:db8:9::'), prefixLength: 64 };
export const HOA = v6('2001:db8:1::100');
export const HOA_2 = v6('2001:db8:1::200');
export const HA6 = v6('2001:db8:1::1');
export const HA6_B = v6('2001:db8:1::2');
export const HA4 = v4('192.0.2.1');
export const HA4_B = v4('192.0.2.2');
export const COA6 = v6('2001:db8:2::200');
export const COA6_B = v6('2001:db8:3::300');
export const VISITED_PREFIX: Ipv6Prefix = { prefix: v6('2001:db8:2::'), prefixLength: 64 };
export const VISITED_PREFIX_B: Ipv6Prefix = { prefix: v6('2001:db8:3::'), prefixLength: 64 };
export const COA4 = v4('198.51.100.7');
export const COA4_B = v4('198.51.100.8');
export const PRIVATE4 = v4('192.168.1.10');
export const NAT_PUBLIC = v4('203.0.113.5');
export const CN6 = v6('2001:db8:5::5');
export const CN4 = v4('203.0.113.99');
export const POOL: readonly Ipv4Range[] = [{ first: v4('10.1.0.1'), last: v4('10.1.0.3') }];
export const STATIC_V4 = v4('10.9.0.9');

export function haPolicy(overrides: Partial<HomeAgentPolicyInput> = {}): HomeAgentPolicy {
  return homeAgentPolicy({ ipv6Address: HA6, ipv4Address: HA4, homePrefixes: [HOME_PREFIX], ...overrides });
}

export function mnConfig(
  overrides: Partial<Omit<MobileNodeConfig, 'policy'>> & { policy?: Partial<MobileNodePolicy> } = {},
): MobileNodeConfig {
  const { policy, ...rest } = overrides;
  return {
    homeAgents: [{ ipv6: HA6, ipv4: HA4 }],
    homePrefix: HOME_PREFIX,
    homeAddress: HOA,
    wantIpv4HomeAddress: true,
    initialSequence: 0,
    policy: mobileNodePolicy(policy),
    ...rest,
  };
}

const BU_FLAGS = {
  acknowledge: true,
  homeRegistration: true,
  linkLocalAddressCompatibility: false,
  keyManagementMobilityCapability: true,
  mapRegistration: false,
  mobileRouter: true,
  proxyRegistration: false,
  forceUdpEncapsulation: false,
  tlvHeaderFormat: false,
  overwriteOrBulkBinding: false,
} as const;

export function bu(overrides: Partial<BindingUpdate> = {}, options: MobilityOption[] = []): BindingUpdate {
  return { kind: 'binding-update', ...BU_FLAGS, sequence: 1, lifetimeSec: 3600, options, ...overrides };
}

export function ba(
  overrides: Partial<BindingAcknowledgement> = {},
  options: MobilityOption[] = [],
): BindingAcknowledgement {
  return {
    kind: 'binding-acknowledgement',
    status: 0,
    keyManagementMobilityCapability: false,
    mobileRouter: false,
    proxyRegistration: false,
    tlvHeaderFormat: false,
    bulkBindingUpdate: false,
    sequence: 1,
    lifetimeSec: 3600,
    options,
    ...overrides,
  };
}

export const altCoa = (a: Ipv6Address): MobilityOption => ({ kind: 'alternate-care-of-address', careOfAddress: a });
export const v4Coa = (a: Ipv4Address): MobilityOption => ({ kind: 'ipv4-care-of-address', careOfAddress: a });
export const v4Hoa = (a: Ipv4Address = Ipv4Address.ANY, requestMobileNetworkPrefix = false): MobilityOption => ({
  kind: 'ipv4-home-address',
  prefixLength: 32,
  requestMobileNetworkPrefix,
  homeAddress: a,
});

export const OUTER6: OuterInfo = { family: 6, source: COA6, destination: HA6, viaUdp4191: false };
export const OUTER4_UDP: OuterInfo = { family: 4, source: COA4, destination: HA4, sourcePort: 4191, viaUdp4191: true };
export const OUTER4_NAT: OuterInfo = {
  family: 4,
  source: NAT_PUBLIC,
  destination: HA4,
  sourcePort: 20000,
  viaUdp4191: true,
};

/** An ESP-protected BU from HOA whose IKE SA was given HOME_PREFIX, sent over IPv6 from COA6. */
export function context(overrides: Partial<BindingUpdateContext> = {}): BindingUpdateContext {
  return {
    ikeSaId: 'ike-1',
    authorizedHomePrefix: HOME_PREFIX,
    protectedByEsp: true,
    homeAddress: HOA,
    homeAgentAddress: HA6,
    outer: OUTER6,
    ...overrides,
  };
}

export function poolOf(ranges: readonly Ipv4Range[] = POOL): Ipv4HomeAddressPool {
  return new Ipv4HomeAddressPool(ranges);
}

export function entry(fields: Partial<BindingEntry> & { homeAddressKey: string }): BindingEntry {
  return Object.assign(new BindingEntry(fields.homeAddressKey), fields);
}

/** An inner UDP packet from `src` to `dst` (IPv6 or IPv4 by address type). */
export function udpPacket(
  src: Ipv6Address | Ipv4Address,
  dst: Ipv6Address | Ipv4Address,
  payload = Uint8Array.of(1, 2, 3),
): Uint8Array {
  if (src instanceof Ipv4Address && dst instanceof Ipv4Address) {
    return buildUdp4({ src, dst, sourcePort: 5000, destinationPort: 6000, payload });
  }
  return buildUdp6({
    src: src as Ipv6Address,
    dst: dst as Ipv6Address,
    sourcePort: 5000,
    destinationPort: 6000,
    payload,
  });
}
