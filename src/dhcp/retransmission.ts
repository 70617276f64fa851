/**
 * Client retransmission schedules as pure functions, so they can be tested with tables and virtual time.
 *
 * DHCPv6 (RFC 8415 §15): RT = IRT + RAND·IRT for the first transmission, RT = 2·RTprev + RAND·RTprev afterwards,
 * capped as RT = MRT + RAND·MRT; MRC and MRD end the exchange when non-zero. RAND is uniform in [-0.1, +0.1].
 * DHCPv4 (RFC 2131 §4.1): 4 s before the first retransmission, doubled each time up to 64 s, each randomised by a
 * uniform value in [-1 s, +1 s].
 */
import {
  RETRANSMIT_INITIAL_DELAY_MS,
  RETRANSMIT_JITTER_MS,
  RETRANSMIT_MAX_DELAY_MS,
} from '../wire/dhcpv4/constants.ts';
import {
  INF_MAX_RC,
  INF_MAX_RD_SEC,
  INF_MAX_RT_SEC,
  INF_TIMEOUT_MS,
  RETRANSMISSION_RAND_FACTOR,
} from '../wire/dhcpv6/constants.ts';
import { type RandomSource, uniformBetween } from './random.ts';

/** The RFC 8415 §15 variables of one message type, in milliseconds (MRC is a count). 0 = no limit. */
export interface Dhcpv6RetransmissionParameters {
  readonly irtMs: number;
  readonly mrtMs: number;
  readonly mrc: number;
  readonly mrdMs: number;
}

/** Information-request (RFC 8415 §18.2.6): IRT INF_TIMEOUT, MRT INF_MAX_RT, MRC 0, MRD 0. */
export const INFORMATION_REQUEST_RETRANSMISSION: Dhcpv6RetransmissionParameters = Object.freeze({
  irtMs: INF_TIMEOUT_MS,
  mrtMs: INF_MAX_RT_SEC * 1000,
  mrc: INF_MAX_RC,
  mrdMs: INF_MAX_RD_SEC * 1000,
});

/** RAND of RFC 8415 §15: uniform in [-0.1, +0.1]. */
export function drawRand(random: RandomSource): number {
  return uniformBetween(random, -RETRANSMISSION_RAND_FACTOR, RETRANSMISSION_RAND_FACTOR);
}

/** RT for the first transmission: IRT + RAND·IRT, in whole milliseconds. */
export function firstRetransmissionTimeoutMs(p: Dhcpv6RetransmissionParameters, rand: number): number {
  return Math.round(p.irtMs + rand * p.irtMs);
}

/** RT for the next transmission: 2·RTprev + RAND·RTprev, then MRT + RAND·MRT when above a non-zero MRT. */
export function nextRetransmissionTimeoutMs(
  previousRtMs: number,
  p: Dhcpv6RetransmissionParameters,
  rand: number,
): number {
  const rt = 2 * previousRtMs + rand * previousRtMs;
  // RFC 8415 §15: MRT bounds RT "disregarding the randomization", so the cap itself is randomised again.
  if (p.mrtMs > 0 && rt > p.mrtMs) return Math.round(p.mrtMs + rand * p.mrtMs);
  return Math.round(rt);
}

/**
 * Whether the exchange has failed when the current RT runs out: after MRC transmissions, or once MRD has passed
 * since the first transmission (RFC 8415 §15; either limit counts only when non-zero).
 */
export function retransmissionExhausted(
  p: Dhcpv6RetransmissionParameters,
  transmissions: number,
  sinceFirstTransmissionMs: number,
): boolean {
  if (p.mrc > 0 && transmissions >= p.mrc) return true;
  return p.mrdMs > 0 && sinceFirstTransmissionMs >= p.mrdMs;
}

/**
 * RFC 2131 §4.1: the wait after the `transmission`-th DHCPv4 transmission (1-based): 4 s · 2^(n-1), at most 64 s,
 * plus `jitterMs` (uniform in [-1000, +1000], see `drawInformJitterMs`).
 */
export function informRetransmissionDelayMs(transmission: number, jitterMs: number): number {
  if (!Number.isInteger(transmission) || transmission < 1) throw new RangeError(`transmission ${transmission} < 1`);
  const base = Math.min(RETRANSMIT_INITIAL_DELAY_MS * 2 ** (transmission - 1), RETRANSMIT_MAX_DELAY_MS);
  return Math.round(base + jitterMs);
}

export function drawInformJitterMs(random: RandomSource): number {
  return uniformBetween(random, -RETRANSMIT_JITTER_MS, RETRANSMIT_JITTER_MS);
}
