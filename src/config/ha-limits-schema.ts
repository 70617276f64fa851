/**
 * `ha.limits`: what one source or one identity may hold or start at the HA, against floods (issue 16;
 * src/ike/limits.ts, src/node/ha/identity-sessions.ts; docs/spec-choices.md IKE-L1..IKE-L5). 0 turns a cap off.
 */
import { z } from 'zod';
import { durationOfSec } from './duration.ts';
import { duration, int, oneOf } from './scalars.ts';

/** A token bucket: `burst` events at once, `perMinute` more each minute; burst 0 = no limit. */
const bucketSchema = z.strictObject({
  burst: int(0, 1_000_000, 'a count'),
  perMinute: int(0, 1_000_000, 'a count per minute'),
});

export const haLimitsSchema = z.strictObject({
  /** Half-open IKE SAs one IP address may hold (strongSwan `block_threshold`); more IKE_SA_INITs are dropped. */
  halfOpenPerSource: int(0, 1_000_000, 'a count').prefault('10'),
  /** Half-open IKE SAs in all (strongSwan `init_limit_half_open`). */
  halfOpenTotal: int(0, 10_000_000, 'a count').prefault('5000'),
  /** Lifetime of a half-open IKE SA made while cookies are required (instead of 30 s). */
  halfOpenPressureTimeout: duration({ min: durationOfSec(1), max: durationOfSec(30) }).prefault('10s'),
  /** New EAP conversations (each EAP-AKA challenge advances the SQN) per identity. */
  eapPerIdentity: bucketSchema.prefault({ burst: '5', perMinute: '10' }),
  /**
   * New EAP conversations per source IP address. Generous, since many UEs can share one address behind a CGNAT
   * (an attach storm after an HA restart); the per-identity bucket is what keeps one subscriber's SQN in check.
   */
  eapPerSource: bucketSchema.prefault({ burst: '100', perMinute: '6000' }),
  /**
   * A new session of an authenticated identity: `replace` ends its other sessions once the new one has its BU/BA
   * SA (IKE Delete; their bindings deregistered unless the new session carries the same Home Address), `keep` lets
   * them run side by side up to `maxSessionsPerIdentity`.
   */
  sessionsPerIdentity: oneOf(['replace', 'keep']).prefault('replace'),
  /** IKE sessions one identity may hold at once; beyond it the oldest are replaced. 0 = no cap. */
  maxSessionsPerIdentity: int(0, 1_000_000, 'a count').prefault('2'),
});
