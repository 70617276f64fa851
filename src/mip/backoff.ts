/**
 * Binding Update retransmission as pure functions (RFC 6275 §11.8, §11.7.1, §13; RFC 5555 §4.4.1):
 * 1.5 s before the first answer of a first registration, 1 s otherwise, doubling up to 32 s; at 32 s the
 * next home agent, and with an IPv6 CoA the IPv4 CoA after three unanswered attempts.
 */
import {
  INITIAL_BINDACK_TIMEOUT_FIRST_REG_MS,
  INITIAL_BINDACK_TIMEOUT_MS,
  MAX_BINDACK_TIMEOUT_MS,
  MAX_UPDATE_RATE_PER_SEC,
} from '../wire/mh/constants.ts';

/** RFC 6275 §11.8: InitialBindackTimeoutFirstReg when the HA holds no binding yet (it may run DAD). */
export function initialBindAckTimeoutMs(firstRegistration: boolean): number {
  return firstRegistration ? INITIAL_BINDACK_TIMEOUT_FIRST_REG_MS : INITIAL_BINDACK_TIMEOUT_MS;
}

export interface BindAckTimeoutInput {
  /** Transmissions of this BU so far, the first included. */
  readonly attempts: number;
  /** The timeout that just expired. */
  readonly timeoutMs: number;
  /** The BU carries an IPv6 CoA and the access also has an IPv4 CoA to fall back to. */
  readonly ipv6CareOfWithIpv4Available: boolean;
  /** RFC 5555 §4.4.1: "after three attempts, in total". */
  readonly ipv6AttemptsBeforeIpv4: number;
  /** Another home agent is left to try. */
  readonly hasNextHomeAgent: boolean;
  /** A de-registration is not moved to another HA: it is given up at 32 s. */
  readonly deregistration: boolean;
}

export type BindAckTimeoutAction =
  | { readonly action: 'retransmit'; readonly timeoutMs: number }
  | { readonly action: 'fallback-to-ipv4' }
  | { readonly action: 'next-home-agent' }
  | { readonly action: 'give-up' };

export function onBindAckTimeout(s: BindAckTimeoutInput): BindAckTimeoutAction {
  if (!s.deregistration && s.ipv6CareOfWithIpv4Available && s.attempts >= s.ipv6AttemptsBeforeIpv4) {
    return { action: 'fallback-to-ipv4' };
  }
  if (s.timeoutMs >= MAX_BINDACK_TIMEOUT_MS) {
    if (s.deregistration) return { action: 'give-up' };
    // RFC 6275 §11.7.1: next HA; with none left, keep retransmitting at MAX_BINDACK_TIMEOUT.
    if (s.hasNextHomeAgent) return { action: 'next-home-agent' };
    return { action: 'retransmit', timeoutMs: MAX_BINDACK_TIMEOUT_MS };
  }
  return { action: 'retransmit', timeoutMs: Math.min(2 * s.timeoutMs, MAX_BINDACK_TIMEOUT_MS) };
}

/**
 * RFC 6275 §11.8: no more than MAX_UPDATE_RATE messages of one MH type to one node within a second.
 * `recentSendsMs` are the send times, oldest first; returns the earliest time the next one may go.
 */
export function earliestSendTime(recentSendsMs: readonly number[], now: number): number {
  if (recentSendsMs.length < MAX_UPDATE_RATE_PER_SEC) return now;
  const oldest = recentSendsMs[recentSendsMs.length - MAX_UPDATE_RATE_PER_SEC]!;
  return Math.max(now, oldest + 1000);
}
