/**
 * The HA's answer to the IPv4 Home Address option of a BU (RFC 5555 §4.5; TS 24.303 §5.1.3.2): allocate for
 * 0.0.0.0 (132 when the pool is empty), check a static request, and say what happens to the linked IPv4
 * binding. Pure: the pool is only looked at.
 */
import type { Ipv4Address } from '../util/ip-address.ts';
import { Ipv4AckStatus } from '../wire/mh/constants.ts';
import type { Ipv4AddressAcknowledgementOption, Ipv4HomeAddressOption } from '../wire/mh/options.ts';
import { ipv4FromInt, ipv4Int, isUnicastIpv4 } from './addresses.ts';
import { BindingFlag, type BindingView } from './binding-cache.ts';
import type { Ipv4PoolView } from './ipv4-pool.ts';
import type { HomeAgentPolicy } from './policy.ts';

export type Ipv4HoaOutcome =
  /** No IPv4 HoA option: keep the IPv6 binding only, dropping an IPv4 one (RFC 5555 §4.4.2.1). */
  | { readonly kind: 'none' }
  | {
      readonly kind: 'assign';
      readonly address: number;
      readonly dynamic: boolean;
      readonly ack: Ipv4AddressAcknowledgementOption;
    }
  /** Refused: the IPv6 binding stands, any IPv4 binding is dropped ("replace the existing cache entries"). */
  | { readonly kind: 'refuse'; readonly ack: Ipv4AddressAcknowledgementOption };

export interface Ipv4HoaContext {
  readonly homeAddressKey: string;
  readonly existing: BindingView | undefined;
  readonly authorizedIpv4HomeAddress: Ipv4Address | undefined;
}

/** A single address is a /32 (RFC 5555 §3.1.1); the ack's Pref-len overrides the request (§3.2.1). */
const SINGLE_ADDRESS_PREFIX_LENGTH = 32;

function refuse(status: number, requested: Ipv4Address): Ipv4HoaOutcome {
  // RFC 5555 §3.2.1: Pref-len MUST be 0 on failure; the address field carries the MN's (requested) address.
  return {
    kind: 'refuse',
    ack: { kind: 'ipv4-address-acknowledgement', status, prefixLength: 0, homeAddress: requested },
  };
}

function assign(address: number, dynamic: boolean): Ipv4HoaOutcome {
  return {
    kind: 'assign',
    address,
    dynamic,
    ack: {
      kind: 'ipv4-address-acknowledgement',
      status: Ipv4AckStatus.SUCCESS,
      prefixLength: SINGLE_ADDRESS_PREFIX_LENGTH,
      homeAddress: ipv4FromInt(address),
    },
  };
}

export function decideIpv4HomeAddress(
  option: Ipv4HomeAddressOption | undefined,
  ctx: Ipv4HoaContext,
  policy: HomeAgentPolicy,
  pool: Ipv4PoolView,
): Ipv4HoaOutcome {
  if (option === undefined) return { kind: 'none' };
  const requested = option.homeAddress;
  if (!policy.ipv4HomeAddresses) return refuse(Ipv4AckStatus.ADMINISTRATIVELY_PROHIBITED, requested);
  // This HA allocates single addresses only, no IPv4 mobile network prefixes (RFC 5555 §3.1.1 P flag).
  if (option.requestMobileNetworkPrefix) return refuse(Ipv4AckStatus.PREFIX_ALLOCATION_UNAUTHORIZED, requested);
  const held = ctx.existing?.ipv4HomeAddress ?? 0;
  const heldDynamic = ctx.existing !== undefined && (ctx.existing.flags & BindingFlag.IPV4_DYNAMIC) !== 0;
  if (requested.isUnspecified) {
    // A retransmitted request (its BA lost) must get the address it already holds, not a second one.
    if (held !== 0) return assign(held, heldDynamic);
    const free = pool.peekFree();
    return free === undefined
      ? refuse(Ipv4AckStatus.DYNAMIC_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_AVAILABLE, requested)
      : assign(free, true);
  }
  const address = ipv4Int(requested);
  if (!isUnicastIpv4(address)) return refuse(Ipv4AckStatus.INVALID_IPV4_ADDRESS, requested);
  // The address this binding already holds (allocated earlier, sent back in refreshes as RFC 5555 §3.1.1 asks).
  if (address === held) return assign(held, heldDynamic);
  if (policy.staticIpv4 === 'prohibited') return refuse(Ipv4AckStatus.ADMINISTRATIVELY_PROHIBITED, requested);
  if (policy.staticIpv4 === 'authorized-only') {
    // RFC 5555 §4.5: "MUST check that this address is allocated to the mobile node".
    if (ctx.authorizedIpv4HomeAddress === undefined)
      return refuse(Ipv4AckStatus.ADMINISTRATIVELY_PROHIBITED, requested);
    if (!ctx.authorizedIpv4HomeAddress.equals(requested))
      return refuse(Ipv4AckStatus.INCORRECT_IPV4_HOME_ADDRESS, requested);
  }
  const owner = pool.ownerOf(address);
  if (owner !== undefined && owner !== ctx.homeAddressKey)
    return refuse(Ipv4AckStatus.INCORRECT_IPV4_HOME_ADDRESS, requested);
  return assign(address, false);
}

/**
 * The IPv4 AA of a de-registration BA (lifetime 0 removes every binding, RFC 5555 §4.4.2.1): success for the
 * address the binding held (or the one named in the BU when it held none).
 */
export function deregistrationIpv4Ack(
  option: Ipv4HomeAddressOption | undefined,
  existing: BindingView | undefined,
): Ipv4AddressAcknowledgementOption | undefined {
  if (option === undefined) return undefined;
  const held = existing?.ipv4HomeAddress ?? 0;
  return {
    kind: 'ipv4-address-acknowledgement',
    status: Ipv4AckStatus.SUCCESS,
    prefixLength: SINGLE_ADDRESS_PREFIX_LENGTH,
    homeAddress: held === 0 ? option.homeAddress : ipv4FromInt(held),
  };
}
