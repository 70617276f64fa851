/** Numbers of the user-space ESP implementation (RFC 4303, RFC 3948), each with its source. */

/**
 * Receive window when the SA does not say (RFC 4303 §3.4.3: 32 MUST be supported, 64 SHOULD be the default;
 * a larger window MAY be chosen: 128 tolerates the reordering a busy HA sees without costing anything).
 */
export const DEFAULT_REPLAY_WINDOW = 128;
/** Smallest window accepted: the 32 packets RFC 4303 §3.4.3 requires. */
export const MIN_REPLAY_WINDOW = 32;
/** Largest window accepted: a bound on the bitmap's memory, far above any reordering seen on a real path. */
export const MAX_REPLAY_WINDOW = 65536;

/** Highest 32-bit sequence number: one more would cycle the counter (RFC 4303 §3.3.3). */
export const MAX_SEQUENCE_32 = 0xffffffff;
/**
 * Highest ESN counter kept here. RFC 4303 §3.3.3 allows 2^64 − 1; counters are JS numbers, exact to 2^53, so an
 * ESN SA is treated as exhausted at 2^53 − 1 (stricter, and 28 years at 10 Mpacket/s).
 */
export const MAX_SEQUENCE_ESN = Number.MAX_SAFE_INTEGER;
/**
 * Packets left before sequence exhaustion at which a soft "rekey now" event fires (RFC 4303 §3.3.3: establish a
 * new SA "in anticipation of this value cycling"): 2^20 packets leave IKE seconds to minutes to rekey.
 */
export const SEQUENCE_SOFT_MARGIN = 0x100000;

/** Interval between NAT keepalives when nothing else was sent (RFC 3948 §4: default 20 s). */
export const NAT_KEEPALIVE_INTERVAL_MS = 20_000;

/** How many events the SAD holds for the owner before it drops the oldest (and counts the loss). */
export const DEFAULT_EVENT_QUEUE_LIMIT = 1024;
