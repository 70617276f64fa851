/**
 * The HA responder's resource limits against floods (RFC 7296 §2.6 leaves them to the implementation; strongSwan's
 * `block_threshold` and `init_limit_half_open` are the model): half-open IKE SAs per source address and in all, a
 * shorter half-open lifetime under pressure, and token buckets on new EAP conversations per identity and per
 * source address, because each EAP-AKA challenge advances the subscriber's SQN (TS 33.102 §6.3.2). Every refusal is
 * counted by limit. docs/spec-choices.md IKE-L1..IKE-L4.
 */
import type { TokenBucketConfig } from './token-bucket.ts';

export interface ResponderLimits {
  /** Half-open IKE SAs from one IP address; beyond it a new IKE_SA_INIT is dropped unanswered. 0 = no cap. */
  readonly halfOpenPerSource: number;
  /** Half-open IKE SAs in all; beyond it a new IKE_SA_INIT is dropped unanswered. 0 = no cap. */
  readonly halfOpenTotal: number;
  /**
   * Lifetime of a half-open SA created while the cookie threshold is reached (under pressure), instead of the
   * timing's `halfOpenTimeoutMs`.
   */
  readonly halfOpenPressureTimeoutMs: number;
  /** New EAP conversations (each may cost an authentication vector) per authenticated-to-be identity. */
  readonly eapPerIdentity: TokenBucketConfig;
  /** New EAP conversations per source IP address. */
  readonly eapPerSource: TokenBucketConfig;
}

/** The limit a refusal is counted under (`dsmip_ike_rejected_by_limit_total{limit}`). */
export type LimitName = 'half-open-per-source' | 'half-open-total' | 'eap-per-identity' | 'eap-per-source';

export const LIMIT_NAMES: readonly LimitName[] = [
  'half-open-per-source',
  'half-open-total',
  'eap-per-identity',
  'eap-per-source',
];

/** Defaults sized for one HA: a CGNAT address may carry a few UEs attaching at once; see docs/spec-choices.md. */
export const DEFAULT_RESPONDER_LIMITS: ResponderLimits = Object.freeze({
  halfOpenPerSource: 10,
  halfOpenTotal: 5000,
  halfOpenPressureTimeoutMs: 10_000,
  eapPerIdentity: Object.freeze({ burst: 5, perMinute: 10 }),
  eapPerSource: Object.freeze({ burst: 100, perMinute: 6000 }),
});

/** Refusals by limit, never reset. */
export type LimitCounters = Record<LimitName, number>;

export function newLimitCounters(): LimitCounters {
  return { 'half-open-per-source': 0, 'half-open-total': 0, 'eap-per-identity': 0, 'eap-per-source': 0 };
}
