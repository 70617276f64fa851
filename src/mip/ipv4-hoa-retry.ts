/**
 * Whether a registration BU asks again for an IPv4 home address after the HA refused one (pure; the UE core keeps
 * the refusal and asks this at each new BU). TS 24.303 §5.1.2.4: after IPv4 AA 129 or 132 "the UE shall not re-send
 * the Binding Update" (no immediate 0.0.0.0 retry as for 128/130/131/133). RFC 5555 §3.1.1 lets any BU carry the
 * IPv4 Home Address option, and 132 ("dynamic IPv4 home address assignment not available") is a state of the pool
 * that changes as other UEs leave: with the policy on, a later refresh asks again with 0.0.0.0, after a back-off
 * that doubles with each 132 (docs/spec-choices.md V4R-1). 129 ("administratively prohibited") stays final for the
 * registration.
 */
import { Ipv4AckStatus } from '../wire/mh/constants.ts';

export interface Ipv4HoaRetryPolicy {
  /** Ask again on later BUs after 132 (default on). */
  readonly afterNoAddress: boolean;
  /** Wait after the first 132 before asking again; doubled per further 132, up to `maxBackoffSec`. */
  readonly initialBackoffSec: number;
  readonly maxBackoffSec: number;
}

/** The last refusal the UE got in this registration: its status, when, and how many 132s in a row. */
export interface Ipv4HoaRefusal {
  readonly status: number;
  readonly atMs: number;
  readonly consecutive: number;
}

export type Ipv4HoaRetryDecision =
  | { readonly kind: 'ask' }
  /** Not in this BU; `notBeforeMs` is when a BU may ask again (undefined: never in this registration). */
  | { readonly kind: 'wait'; readonly notBeforeMs: number | undefined };

/** The back-off after `consecutive` refusals with 132 (1 = the first). */
export function ipv4HoaBackoffSec(consecutive: number, p: Ipv4HoaRetryPolicy): number {
  const doublings = Math.max(0, Math.min(consecutive - 1, 30));
  return Math.min(p.maxBackoffSec, p.initialBackoffSec * 2 ** doublings);
}

export function decideIpv4HoaRetry(
  refusal: Ipv4HoaRefusal | undefined,
  nowMs: number,
  p: Ipv4HoaRetryPolicy,
): Ipv4HoaRetryDecision {
  if (refusal === undefined) return { kind: 'ask' };
  if (refusal.status !== Ipv4AckStatus.DYNAMIC_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_AVAILABLE || !p.afterNoAddress) {
    return { kind: 'wait', notBeforeMs: undefined };
  }
  const notBeforeMs = refusal.atMs + ipv4HoaBackoffSec(refusal.consecutive, p) * 1000;
  return nowMs >= notBeforeMs ? { kind: 'ask' } : { kind: 'wait', notBeforeMs };
}
