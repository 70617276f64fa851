/**
 * The lifetime an HA grants a home registration and the success status that goes with it
 * (RFC 6275 §10.3.1; TS 24.303 §5.1.3.2 "set based on operator's policies").
 */
import { BaStatus, LIFETIME_UNIT_SEC } from '../wire/mh/constants.ts';
import type { HomePrefix } from './policy.ts';

export interface LifetimeGrant {
  readonly lifetimeSec: number;
  /** 0, or 1 "accepted but prefix discovery necessary" when the prefix is or becomes deprecated or invalid. */
  readonly status: number;
}

/** Whole 4-second units left until `untilMs`, "ignoring the two least significant bits" (RFC 6275 §10.3.1). */
function remainingUnitsSec(untilMs: number | undefined, now: number): number {
  if (untilMs === undefined) return Number.POSITIVE_INFINITY;
  const sec = Math.max(0, Math.floor((untilMs - now) / 1000));
  return sec - (sec % LIFETIME_UNIT_SEC);
}

/**
 * min(requested, operator maximum, remaining valid lifetime of the home prefix), a multiple of 4 s.
 * Undefined when the prefix has less than 4 s of validity left: no binding can be granted on it.
 */
export function grantLifetime(
  requestedSec: number,
  maxSec: number,
  prefix: HomePrefix,
  now: number,
): LifetimeGrant | undefined {
  const valid = remainingUnitsSec(prefix.validUntilMs, now);
  let lifetimeSec = Math.min(requestedSec, maxSec, valid);
  lifetimeSec -= lifetimeSec % LIFETIME_UNIT_SEC;
  if (lifetimeSec <= 0) return undefined;
  const preferred = remainingUnitsSec(prefix.preferredUntilMs, now);
  // Status 1 when the prefix is deprecated now or during the binding, or becomes invalid at its end.
  const status =
    preferred < lifetimeSec || valid <= lifetimeSec ? BaStatus.ACCEPTED_PREFIX_DISCOVERY_NECESSARY : BaStatus.ACCEPTED;
  return { lifetimeSec, status };
}
