/**
 * The HA's decision on one received home-registration Binding Update, as a pure function of the BU, its
 * security context, the existing binding, the policy and `now` (no state is changed here; home-agent.ts
 * applies the result). Checks run in the order of RFC 6275 §9.5.1 then §10.3.1/§10.3.2, preceded by the
 * security rule of RFC 4877 §4.3 and followed by the DSMIPv6 additions of RFC 5555 §4.5.
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { BaStatus } from '../wire/mh/constants.ts';
import type { BindingAcknowledgement, BindingUpdate } from '../wire/mh/messages.ts';
import type { MobilityOption } from '../wire/mh/options.ts';
import { ipv6Key, isUnicastRoutableIpv6, prefixContains } from './addresses.ts';
import { type BindingView, TunnelMode, type TunnelModeValue } from './binding-cache.ts';
import { chooseBaTransport, findOption, natDetectionOption, resolveCareOf, usesUdp } from './care-of.ts';
import { decideIpv4HomeAddress, deregistrationIpv4Ack, type Ipv4HoaOutcome } from './ipv4-hoa-decision.ts';
import type { Ipv4PoolView } from './ipv4-pool.ts';
import { grantLifetime } from './lifetime.ts';
import type { HomeAgentPolicy, HomePrefix } from './policy.ts';
import { isSequenceNewer } from './sequence.ts';
import type { BindingUpdateContext, MhTransport, SendMh } from './types.ts';

/** Why a BU was dropped without any reply (counted by the HA; never answered, so nothing helps a prober). */
export type BuDropReason =
  | 'not-protected-by-esp'
  | 'home-address-not-authorized'
  | 'bad-payload-proto'
  | 'home-address-not-unicast'
  | 'nonce-indices-in-home-registration'
  | 'not-home-registration'
  | 'care-of-not-unicast'
  | 'ipv4-bu-not-in-udp'
  | 'udp-over-ipv6-unsupported';

/** What the accepted registration binds; home-agent.ts writes it into the cache entry. */
export interface BindingPlan {
  readonly sequence: number;
  readonly lifetimeSec: number;
  readonly careOf: Ipv6Address | Ipv4Address;
  readonly mode: TunnelModeValue;
  readonly natDetected: boolean;
  readonly forcedUdp: boolean;
  readonly keyManagementMobility: boolean;
  readonly mobileRouter: boolean;
}

export type BuDecision =
  | { readonly verdict: 'drop'; readonly reason: BuDropReason }
  | { readonly verdict: 'reject'; readonly status: number; readonly reply: SendMh }
  | { readonly verdict: 'deregister'; readonly reply: SendMh }
  | { readonly verdict: 'register'; readonly reply: SendMh; readonly plan: BindingPlan; readonly ipv4: Ipv4HoaOutcome };

/** What the decision may read of the HA's state besides the BU's own binding. */
export interface HomeAgentStateView {
  readonly bindingCount: number;
  readonly pool: Ipv4PoolView;
}

function homePrefixOf(policy: HomeAgentPolicy, ctx: BindingUpdateContext): HomePrefix | undefined {
  for (const p of policy.homePrefixes) if (prefixContains(p, ctx.homeAddress)) return p;
  return undefined;
}

function reply(ctx: BindingUpdateContext, message: BindingAcknowledgement, transport: MhTransport): SendMh {
  return { kind: 'send-mh', message, innerSrc: ctx.homeAgentAddress, innerDst: ctx.homeAddress, transport };
}

function ack(
  status: number,
  sequence: number,
  lifetimeSec: number,
  options: MobilityOption[],
  k = false,
  r = false,
): BindingAcknowledgement {
  return {
    kind: 'binding-acknowledgement',
    status,
    keyManagementMobilityCapability: k,
    mobileRouter: r,
    proxyRegistration: false,
    tlvHeaderFormat: false,
    bulkBindingUpdate: false,
    sequence,
    lifetimeSec,
    options,
  };
}

/**
 * Framing of a rejection: the same rules as an acceptance, NAT verdict included when one was reached; in UDP
 * when the BU asked for F = 1, since that MN may be unable to receive anything else (RFC 5555 §3.1.3).
 */
function rejection(
  status: number,
  sequence: number,
  ctx: BindingUpdateContext,
  policy: HomeAgentPolicy,
  nat: boolean,
  udpRequested: boolean,
): BuDecision {
  const options: MobilityOption[] = [];
  const natOption = natDetectionOption(ctx, nat, false, policy);
  if (natOption) options.push(natOption);
  return {
    verdict: 'reject',
    status,
    reply: reply(ctx, ack(status, sequence, 0, options), chooseBaTransport(ctx, nat || udpRequested, policy)),
  };
}

/** F = 1 in a BU that came in UDP over IPv4: "all packets" to this MN go in UDP (RFC 5555 §3.1.3). */
function udpRequestedBy(bu: BindingUpdate, ctx: BindingUpdateContext): boolean {
  return bu.forceUdpEncapsulation && ctx.outer.family === 4 && ctx.outer.viaUdp4191;
}

export function decideBindingUpdate(
  bu: BindingUpdate,
  ctx: BindingUpdateContext,
  existing: BindingView | undefined,
  policy: HomeAgentPolicy,
  now: number,
  state: HomeAgentStateView,
): BuDecision {
  // RFC 4877 §4.3 / RFC 6275 §10.3.1: only an ESP-authenticated BU whose HoA belongs to the IKE SA's identity.
  if (!ctx.protectedByEsp) return { verdict: 'drop', reason: 'not-protected-by-esp' };
  if (ctx.authorizedHomePrefix === undefined || !prefixContains(ctx.authorizedHomePrefix, ctx.homeAddress)) {
    return { verdict: 'drop', reason: 'home-address-not-authorized' };
  }
  // RFC 6275 §9.2 / §9.5.1 / §6.1.7 validity tests: failures are silently discarded.
  if (bu.payloadProto !== undefined) return { verdict: 'drop', reason: 'bad-payload-proto' };
  if (!isUnicastRoutableIpv6(ctx.homeAddress)) return { verdict: 'drop', reason: 'home-address-not-unicast' };
  if (bu.homeRegistration && findOption(bu, 'nonce-indices') !== undefined) {
    return { verdict: 'drop', reason: 'nonce-indices-in-home-registration' };
  }
  const coa = resolveCareOf(bu, ctx, policy);
  if (coa.kind === 'drop') return { verdict: 'drop', reason: coa.reason };
  // Every BA to an IPv4 CoA, rejections included, must get through a NAT when one is (or may be) there.
  const nat = natOnPath(bu, ctx);
  const udpRequested = udpRequestedBy(bu, ctx);
  if (existing !== undefined) {
    // RFC 6275 §9.5.1: stale → 135 with the last accepted number; H change → 139 (entry unchanged).
    if (!isSequenceNewer(bu.sequence, existing.sequence)) {
      return rejection(BaStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, existing.sequence, ctx, policy, nat, udpRequested);
    }
    if (!bu.homeRegistration) {
      return rejection(BaStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED, bu.sequence, ctx, policy, nat, udpRequested);
    }
  } else if (!bu.homeRegistration) {
    // A correspondent registration needs return-routability options this HA-only node never accepts.
    return { verdict: 'drop', reason: 'not-home-registration' };
  }
  if (!policy.homeRegistration) {
    return rejection(BaStatus.HOME_REGISTRATION_NOT_SUPPORTED, bu.sequence, ctx, policy, nat, udpRequested);
  }
  if (bu.lifetimeSec === 0) {
    // RFC 6275 §10.3.2: 133 without a home registration, else status 0, lifetime 0, no Binding Refresh Advice.
    if (existing === undefined) {
      return rejection(BaStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE, bu.sequence, ctx, policy, nat, udpRequested);
    }
    return decideDeregistration(bu, ctx, existing, policy, nat, udpRequested);
  }
  // RFC 6275 §10.3.1: "not home subnet" comes before any other reason to reject.
  const prefix = homePrefixOf(policy, ctx);
  if (prefix === undefined) return rejection(BaStatus.NOT_HOME_SUBNET, bu.sequence, ctx, policy, nat, udpRequested);
  if (coa.kind === 'reject') return rejection(coa.status, bu.sequence, ctx, policy, nat, udpRequested);
  if (bu.mobileRouter && !policy.mobileRouter) {
    return rejection(BaStatus.MOBILE_ROUTER_OPERATION_NOT_PERMITTED, bu.sequence, ctx, policy, nat, udpRequested);
  }
  // F only means something for an IPv4 CoA; over IPv6 it is ignored (RFC 5555 §3.1.3 "SHOULD NOT be set").
  const forcedUdp = bu.forceUdpEncapsulation && coa.kind === 'ipv4';
  if (forcedUdp && policy.forceUdpRequest === 'reject-144') {
    // RFC 5555 §4.5 "error code 144" (docs/spec-choices.md)
    return rejection(BaStatus.MIPV6_ID_MISMATCH, bu.sequence, ctx, policy, nat, udpRequested);
  }
  if (existing === undefined && state.bindingCount >= policy.maxBindings) {
    return rejection(BaStatus.INSUFFICIENT_RESOURCES, bu.sequence, ctx, policy, nat, udpRequested);
  }
  const grant = grantLifetime(bu.lifetimeSec, policy.maxLifetimeSec, prefix, now);
  if (grant === undefined) return rejection(BaStatus.NOT_HOME_SUBNET, bu.sequence, ctx, policy, nat, udpRequested);
  const ipv4 = decideIpv4HomeAddress(
    findOption(bu, 'ipv4-home-address'),
    { homeAddressKey: ipv6Key(ctx.homeAddress), existing, authorizedIpv4HomeAddress: ctx.authorizedIpv4HomeAddress },
    policy,
    state.pool,
  );
  const natDetected = coa.kind === 'ipv4' && coa.natDetected;
  const udp = usesUdp(natDetected, forcedUdp);
  const keyManagementMobility = bu.keyManagementMobilityCapability && policy.keyManagementMobility;
  const mobileRouter = bu.mobileRouter && policy.mobileRouter;
  const options: MobilityOption[] = [];
  // RFC 6275 §10.3.1: the advice must be below the granted lifetime, else it is left out.
  if (policy.refreshAdviceSec !== undefined && policy.refreshAdviceSec < grant.lifetimeSec) {
    options.push({ kind: 'binding-refresh-advice', refreshIntervalSec: policy.refreshAdviceSec });
  }
  if (ipv4.kind !== 'none') options.push(ipv4.ack);
  const natOption = natDetectionOption(ctx, natDetected, forcedUdp, policy);
  if (natOption) options.push(natOption);
  const message = ack(grant.status, bu.sequence, grant.lifetimeSec, options, keyManagementMobility, mobileRouter);
  return {
    verdict: 'register',
    reply: reply(ctx, message, chooseBaTransport(ctx, udp, policy)),
    plan: {
      sequence: bu.sequence,
      lifetimeSec: grant.lifetimeSec,
      careOf: coa.careOf,
      mode: coa.kind === 'ipv6' ? TunnelMode.IPV6 : udp ? TunnelMode.UDP4 : TunnelMode.IPV4,
      natDetected,
      forcedUdp,
      keyManagementMobility,
      mobileRouter,
    },
    ipv4,
  };
}

/**
 * Whether a BU over IPv4 may have crossed a NAT: its IPv4 CoA option differs from the outer source
 * (RFC 5555 §4.2), or it has none to compare (then UDP is the framing that reaches the MN either way).
 */
function natOnPath(bu: BindingUpdate, ctx: BindingUpdateContext): boolean {
  if (ctx.outer.family !== 4) return false;
  const option = findOption(bu, 'ipv4-care-of-address');
  return option === undefined || !option.careOfAddress.equals(ctx.outer.source);
}

function decideDeregistration(
  bu: BindingUpdate,
  ctx: BindingUpdateContext,
  existing: BindingView,
  policy: HomeAgentPolicy,
  nat: boolean,
  udpRequested: boolean,
): BuDecision {
  const options: MobilityOption[] = [];
  const ipv4Ack = deregistrationIpv4Ack(findOption(bu, 'ipv4-home-address'), existing);
  if (ipv4Ack) options.push(ipv4Ack);
  const natOption = natDetectionOption(ctx, nat, false, policy);
  if (natOption) options.push(natOption);
  const k = bu.keyManagementMobilityCapability && policy.keyManagementMobility;
  const message = ack(BaStatus.ACCEPTED, bu.sequence, 0, options, k);
  // F = 1 still holds for the BA that ends the binding (RFC 5555 §3.1.3): the MN may not receive protocol 41.
  return { verdict: 'deregister', reply: reply(ctx, message, chooseBaTransport(ctx, nat || udpRequested, policy)) };
}
