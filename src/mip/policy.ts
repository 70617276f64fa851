/**
 * Operator policy of the HA and the UE's registration policy, validated once into frozen objects
 * (STYLE.md "config at the edge": a core never sees raw JSON). Defaults cite where they come from.
 */
import { ConfigError } from '../util/errors.ts';
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { LIFETIME_UNIT_SEC, NATKATIMEOUT_SEC } from '../wire/mh/constants.ts';
import type { Ipv4HoaRetryPolicy } from './ipv4-hoa-retry.ts';
import type { Ipv6Prefix } from './types.ts';

/** Largest BU/BA Lifetime: 16 bits of 4-second units (RFC 6275 §6.1.7). */
export const MAX_LIFETIME_SEC = 0xffff * LIFETIME_UNIT_SEC;

/** A home network prefix the HA serves, with the lifetimes of its Prefix List entry (RFC 6275 §10.3.1). */
export interface HomePrefix extends Ipv6Prefix {
  /** When the prefix's valid lifetime ends (ms, same clock as `now`); undefined = infinite. */
  readonly validUntilMs?: number;
  /** When the prefix becomes deprecated; undefined = never. */
  readonly preferredUntilMs?: number;
}

/**
 * How the HA frames a BA to a BU that came in UDP over IPv4 when no NAT was detected (SPEC-NOTES §15 item 13):
 * `seed` = TS 24.303 §5.1.3.2, plain IPv4 (protocol 41); `rfc5555` = RFC 5555 §4.2, always UDP with a
 * NAT Detection option.
 */
export type BaEncapsulation = 'seed' | 'rfc5555';

/** What the HA does with a requested static IPv4 home address (RFC 5555 §4.5). */
export type StaticIpv4Policy =
  /** Refuse every static request with status 129. */
  | 'prohibited'
  /** Accept only the address tied to the BU's IKE identity (`authorizedIpv4HomeAddress`): else 129/130. */
  | 'authorized-only'
  /** Accept any valid unicast address nobody else holds (a lab setting). */
  | 'any-free';

export interface HomeAgentPolicy {
  /** False: answer every registration with 131 "home registration not supported" (RFC 6275 §10.3.1). */
  readonly homeRegistration: boolean;
  /** The HA's own addresses: BA source, tunnel endpoint. `ipv4` is needed for IPv4-access UEs. */
  readonly ipv6Address: Ipv6Address;
  readonly ipv4Address?: Ipv4Address;
  /** The HA's Prefix List (RFC 6275 §10.3.1 test "not home subnet"). */
  readonly homePrefixes: readonly HomePrefix[];
  /** Operator cap on a binding's lifetime (TS 24.303 §5.1.3.2 "set based on operator's policies"). */
  readonly maxLifetimeSec: number;
  /** Binding Refresh Advice interval (RFC 6275 §6.2.4), or undefined to omit the option. */
  readonly refreshAdviceSec: number | undefined;
  /** Most bindings at once; beyond it new registrations get 130 "insufficient resources". */
  readonly maxBindings: number;
  /** Whether an F-flag request is honoured (RFC 5555 §4.5); `reject-144` answers status 144 (docs/spec-choices.md). */
  readonly forceUdpRequest: 'accept' | 'reject-144';
  /** NAT Detection Refresh time to suggest when a NAT is seen (RFC 5555 §3.2.2, default NATKATIMEOUT). */
  readonly natRefreshTimeSec: number;
  readonly baEncapsulation: BaEncapsulation;
  /** Whether the HA serves IPv4 home addresses at all (129 "administratively prohibited" otherwise). */
  readonly ipv4HomeAddresses: boolean;
  readonly staticIpv4: StaticIpv4Policy;
  /** RFC 3963 §6.2: false answers R = 1 with 140 "Mobile Router Operation not permitted". */
  readonly mobileRouter: boolean;
  /** Whether the HA can move its IKE endpoint with the CoA: the BA's K bit (RFC 6275 §10.3.1). */
  readonly keyManagementMobility: boolean;
  /** Require the Alternate CoA option in BUs from a visited IPv6 network (RFC 4877 §4.3 MUST for the MN). */
  readonly requireAlternateCareOf: boolean;
}

export type HomeAgentPolicyInput = Pick<HomeAgentPolicy, 'ipv6Address' | 'homePrefixes'> &
  Partial<Omit<HomeAgentPolicy, 'ipv6Address' | 'homePrefixes'>>;

function check(ok: boolean, path: string, detail: string): void {
  if (!ok) throw new ConfigError('INVALID', path, detail);
}

function checkLifetime(v: number, path: string): void {
  check(
    Number.isInteger(v) && v >= 0 && v <= MAX_LIFETIME_SEC && v % LIFETIME_UNIT_SEC === 0,
    path,
    'must be a multiple of 4 in 0..262140',
  );
}

export function homeAgentPolicy(input: HomeAgentPolicyInput): HomeAgentPolicy {
  const p: HomeAgentPolicy = {
    homeRegistration: true,
    maxLifetimeSec: 3600,
    refreshAdviceSec: undefined,
    maxBindings: 2_000_000,
    forceUdpRequest: 'accept',
    natRefreshTimeSec: NATKATIMEOUT_SEC,
    baEncapsulation: 'seed',
    ipv4HomeAddresses: true,
    staticIpv4: 'authorized-only',
    mobileRouter: true,
    keyManagementMobility: false,
    requireAlternateCareOf: false,
    ...input,
  };
  check(p.homePrefixes.length > 0, 'ha.homePrefixes', 'at least one home prefix is needed');
  p.homePrefixes.forEach((h, i) => {
    check(
      Number.isInteger(h.prefixLength) && h.prefixLength >= 1 && h.prefixLength <= 128,
      `ha.homePrefixes[${i}].prefixLength`,
      '1..128',
    );
  });
  checkLifetime(p.maxLifetimeSec, 'ha.maxLifetimeSec');
  if (p.refreshAdviceSec !== undefined) {
    checkLifetime(p.refreshAdviceSec, 'ha.refreshAdviceSec');
    check(p.refreshAdviceSec > 0, 'ha.refreshAdviceSec', 'must be positive');
  }
  check(Number.isInteger(p.maxBindings) && p.maxBindings >= 0, 'ha.maxBindings', 'a non-negative integer');
  check(
    Number.isInteger(p.natRefreshTimeSec) && p.natRefreshTimeSec >= 0 && p.natRefreshTimeSec <= 0xffffffff,
    'ha.natRefreshTimeSec',
    '32-bit seconds',
  );
  return Object.freeze(p);
}

/** A home agent the UE may register with, in preference order (TS 24.303 §5.1.2.1 discovery). */
export interface HomeAgentAddress {
  readonly ipv6: Ipv6Address;
  /** Needed to register from an IPv4-only network (RFC 5555 §4.4.2). */
  readonly ipv4?: Ipv4Address;
}

export interface MobileNodePolicy {
  /** Lifetime asked for in each BU (RFC 6275 §11.7.1), a multiple of 4. */
  readonly requestedLifetimeSec: number;
  /** Include the Alternate CoA option in BUs away from home (RFC 4877 §4.3 MUST; TS 24.303 "may"). */
  readonly alternateCareOf: boolean;
  /** F flag of BUs sent over IPv4 (TS 24.303 §5.1.2.4 "should set F to 0"). */
  readonly forceUdp: boolean;
  /** K (RFC 6275 §11.7.1) and R (RFC 3963) flags; TS 24.303 Annex A.2.1 sets both. */
  readonly keyManagementMobility: boolean;
  readonly mobileRouter: boolean;
  /** The 0x0040 flag (O of RFC 5648; TS 24.303 Annex A.2.1 sets it, RFC 5648 gives it meaning only with BIDs). */
  readonly overwrite: boolean;
  /** Refresh the binding when this fraction of the granted lifetime has passed (RFC 6275 §11.7.1 "well before"). */
  readonly refreshFraction: number;
  /** UDP source port Z of BUs and tunnelled packets sent over IPv4 (RFC 5555 §4.1: any port). */
  readonly udpSourcePort: number;
  /** RFC 5555 §4.4.1: BU attempts with an IPv6 CoA before trying the IPv4 CoA. */
  readonly ipv6AttemptsBeforeIpv4: number;
  /** How many times a failed IPv4 HoA request is retried with 0.0.0.0 within one registration (TS 24.303 §5.1.2.4). */
  readonly ipv4RetriesPerRegistration: number;
  /** After IPv4 AA 132, later BUs ask again with 0.0.0.0 after a back-off (ipv4-hoa-retry.ts). */
  readonly ipv4NoAddressRetry: Ipv4HoaRetryPolicy;
}

export function mobileNodePolicy(input: Partial<MobileNodePolicy> = {}): MobileNodePolicy {
  const p: MobileNodePolicy = {
    requestedLifetimeSec: 3600,
    alternateCareOf: true,
    forceUdp: false,
    keyManagementMobility: true,
    mobileRouter: true,
    overwrite: false,
    refreshFraction: 0.8,
    udpSourcePort: 4191,
    ipv6AttemptsBeforeIpv4: 3,
    ipv4RetriesPerRegistration: 1,
    ipv4NoAddressRetry: { afterNoAddress: true, initialBackoffSec: 300, maxBackoffSec: 3600 },
    ...input,
  };
  checkLifetime(p.requestedLifetimeSec, 'mn.requestedLifetimeSec');
  check(p.requestedLifetimeSec > 0, 'mn.requestedLifetimeSec', 'must be non-zero (RFC 6275 §11.7.1)');
  check(p.refreshFraction > 0 && p.refreshFraction < 1, 'mn.refreshFraction', 'strictly between 0 and 1');
  check(
    Number.isInteger(p.udpSourcePort) && p.udpSourcePort > 0 && p.udpSourcePort <= 0xffff,
    'mn.udpSourcePort',
    '1..65535',
  );
  check(
    Number.isInteger(p.ipv6AttemptsBeforeIpv4) && p.ipv6AttemptsBeforeIpv4 >= 1,
    'mn.ipv6AttemptsBeforeIpv4',
    '≥ 1',
  );
  check(
    Number.isInteger(p.ipv4RetriesPerRegistration) && p.ipv4RetriesPerRegistration >= 0,
    'mn.ipv4RetriesPerRegistration',
    '≥ 0',
  );
  const r = p.ipv4NoAddressRetry;
  check(
    r.initialBackoffSec > 0 && r.maxBackoffSec >= r.initialBackoffSec,
    'mn.ipv4NoAddressRetry',
    '0 < initialBackoffSec ≤ maxBackoffSec',
  );
  return Object.freeze(p);
}
