/**
 * Sequence number management for UMTS/EPS AKA, TS 33.102 Annex C (the "SQN = SEQ ‖ IND" profile).
 *
 * Pure functions over plain state values: the caller keeps the returned state (per subscriber) and passes it
 * back next time. SQNs are numbers here (48 bits fit exactly in a JS number) and become the 6 wire bytes of
 * AUTN/AUTS only at the edge (`sqnToBytes`, `sqnFromBytes`).
 */
import { CryptoError } from './errors.ts';

/**
 * Length of IND in bits. TS 33.102 Annex C.3 proposes 5 and Δ = 2^28. The TS text is not among this project's
 * references: both values are as recalled from the Annex; Δ can be overridden per call (`SqnPolicy`).
 */
export const SQN_IND_BITS = 5;
/** Length of SEQ in bits: SQN is 48 bits (TS 33.102 §6.3.2) and SEQ is everything above IND. */
export const SQN_SEQ_BITS = 48 - SQN_IND_BITS;
/** a, the number of SEQ_MS entries the USIM keeps: one per IND value (TS 33.102 C.2.2). */
export const SQN_ARRAY_SIZE = 2 ** SQN_IND_BITS;
/** Δ, the largest forward jump of SEQ the USIM accepts (TS 33.102 C.2.1). */
export const SQN_DELTA = 2 ** 28;
/** SEQmax (TS 33.102 C.2.1): the largest 43-bit SEQ. */
export const SEQ_MAX = 2 ** SQN_SEQ_BITS - 1;
/** The largest 48-bit SQN. */
export const SQN_MAX = 2 ** 48 - 1;

export function seqOf(sqn: number): number {
  return Math.floor(sqn / SQN_ARRAY_SIZE);
}

export function indOf(sqn: number): number {
  return sqn % SQN_ARRAY_SIZE;
}

export function makeSqn(seq: number, ind: number): number {
  if (!Number.isInteger(seq) || seq < 0 || seq > SEQ_MAX) throw new RangeError(`SEQ out of range: ${seq}`);
  if (!Number.isInteger(ind) || ind < 0 || ind >= SQN_ARRAY_SIZE) throw new RangeError(`IND out of range: ${ind}`);
  return seq * SQN_ARRAY_SIZE + ind;
}

/** SQN (0 … 2^48−1) as the 6 big-endian bytes carried in AUTN and AUTS. */
export function sqnToBytes(sqn: number): Uint8Array {
  assertSqn(sqn);
  const hi = Math.floor(sqn / 2 ** 32);
  const lo = sqn % 2 ** 32;
  return Uint8Array.of(hi >>> 8, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
}

export function sqnFromBytes(b: Uint8Array): number {
  if (b.length !== 6) throw new CryptoError('BAD_INPUT_LENGTH', `SQN must be 6 bytes, got ${b.length}`);
  const hi = (b[0]! << 8) | b[1]!;
  const lo = ((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0;
  return hi * 2 ** 32 + lo;
}

function assertSqn(sqn: number): void {
  if (!Number.isInteger(sqn) || sqn < 0 || sqn > SQN_MAX) throw new RangeError(`SQN out of range: ${sqn}`);
}

// ---- USIM side (TS 33.102 C.2) ----

/** The USIM's array SEQ_MS(0) … SEQ_MS(a−1), indexed by IND. */
export interface UsimSqnState {
  readonly seqMs: readonly number[];
}

/** Every entry starts at zero (TS 33.102 C.2.2). */
export function initialUsimSqnState(): UsimSqnState {
  return { seqMs: new Array<number>(SQN_ARRAY_SIZE).fill(0) };
}

export interface SqnPolicy {
  /** Δ of C.2.1: SEQ − SEQ_MS must not exceed it. */
  readonly delta: number;
  /** L of C.2.2, optional: when set, SEQ_MS − SEQ must be below it (limits the age of a vector). */
  readonly ageLimit?: number;
}

export const DEFAULT_SQN_POLICY: SqnPolicy = { delta: SQN_DELTA };

/** Why the USIM refused an SQN; every case leads to a synchronisation failure carrying SQN_MS. */
export type SqnRejectReason =
  | 'TOO_FAR_AHEAD' // SEQ − SEQ_MS > Δ (C.2.1 wrap-around protection)
  | 'TOO_OLD' // SEQ_MS − SEQ ≥ L (C.2.2 age limit)
  | 'NOT_FRESH'; // SEQ ≤ SEQ_MS(IND) (C.2.2 replay)

export type SqnAcceptance =
  | { readonly ok: true; readonly newState: UsimSqnState }
  | { readonly ok: false; readonly reason: SqnRejectReason };

function checkState(state: UsimSqnState): void {
  if (state.seqMs.length !== SQN_ARRAY_SIZE) {
    throw new RangeError(`USIM SQN state needs ${SQN_ARRAY_SIZE} entries, got ${state.seqMs.length}`);
  }
}

/** Index of the highest SEQ_MS in the array (the lowest such index on ties). */
function highestIndex(seqMs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < seqMs.length; i++) if (seqMs[i]! > seqMs[best]!) best = i;
  return best;
}

/**
 * SQN_MS: the highest previously accepted sequence number anywhere in the array, as SEQ ‖ IND
 * (TS 33.102 C.2.2); it is what AUTS carries on a synchronisation failure.
 */
export function highestAcceptedSqn(state: UsimSqnState): number {
  checkState(state);
  const i = highestIndex(state.seqMs);
  return makeSqn(state.seqMs[i]!, i);
}

/**
 * The USIM's freshness check of a received SQN (TS 33.102 C.2.1 then C.2.2): Δ first, then the optional age
 * limit L, then SEQ > SEQ_MS(IND). On success SEQ_MS(IND) becomes SEQ in the returned state.
 */
export function acceptSqn(state: UsimSqnState, sqn: number, policy: SqnPolicy = DEFAULT_SQN_POLICY): SqnAcceptance {
  checkState(state);
  assertSqn(sqn);
  const seq = seqOf(sqn);
  const ind = indOf(sqn);
  const seqMs = state.seqMs[highestIndex(state.seqMs)]!;
  if (seq - seqMs > policy.delta) return { ok: false, reason: 'TOO_FAR_AHEAD' };
  if (policy.ageLimit !== undefined && seqMs - seq >= policy.ageLimit) return { ok: false, reason: 'TOO_OLD' };
  if (seq <= state.seqMs[ind]!) return { ok: false, reason: 'NOT_FRESH' };
  const next = state.seqMs.slice();
  next[ind] = seq;
  return { ok: true, newState: { seqMs: next } };
}

// ---- Home network side (TS 33.102 C.1, C.3, §6.3.5) ----

/** The HE/AuC counter for one subscriber: SEQ_HE and the IND of the last vector generated. */
export interface HeSqnState {
  readonly seqHe: number;
  readonly ind: number;
}

/** Chosen so that the first vector carries SEQ 1, IND 0 (a fresh USIM holds zeros and needs SEQ > 0). */
export function initialHeSqnState(): HeSqnState {
  return { seqHe: 0, ind: SQN_ARRAY_SIZE - 1 };
}

/**
 * The SQN for the next authentication vector: SEQ_HE increases by one per vector and IND takes the array
 * entries in turn (a non-time-based profile of TS 33.102 Annex C), so each vector is fresh for the USIM.
 * SEQ_HE at SEQmax is SQN_EXHAUSTED: the subscriber's counter must be renewed rather than wrap.
 */
export function nextSqn(state: HeSqnState): { readonly sqn: number; readonly newState: HeSqnState } {
  if (state.seqHe >= SEQ_MAX) throw new CryptoError('SQN_EXHAUSTED', 'SEQ_HE reached SEQmax');
  const seqHe = state.seqHe + 1;
  const ind = (state.ind + 1) % SQN_ARRAY_SIZE;
  return { sqn: makeSqn(seqHe, ind), newState: { seqHe, ind } };
}

/**
 * After a synchronisation failure (TS 33.102 §6.3.5): keep SQN_HE if the next SQN it would generate is acceptable
 * to a USIM whose highest accepted SQN is `sqnMs`, otherwise reset SQN_HE to SQN_MS.
 */
export function resyncHeSqn(state: HeSqnState, sqnMs: number, policy: SqnPolicy = DEFAULT_SQN_POLICY): HeSqnState {
  assertSqn(sqnMs);
  const seqMs = seqOf(sqnMs);
  const nextSeq = state.seqHe + 1;
  if (nextSeq > seqMs && nextSeq - seqMs <= policy.delta) return state;
  return { seqHe: seqMs, ind: indOf(sqnMs) };
}
