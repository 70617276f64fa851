/**
 * UMTS/EPS AKA tokens over Milenage (TS 33.102 §6.3): AUTN on the network side, the USIM's AUTN check with its
 * two distinct failures, AUTS for resynchronisation and its check on the network side.
 */
import { timingSafeEqual } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import {
  acceptSqn,
  DEFAULT_SQN_POLICY,
  highestAcceptedSqn,
  type SqnPolicy,
  type SqnRejectReason,
  sqnFromBytes,
  sqnToBytes,
  type UsimSqnState,
} from './aka-sqn.ts';
import { expectLength } from './errors.ts';
import type { Milenage } from './milenage.ts';

/** AMF used in MAC-S: resynchronisation uses a dummy all-zero AMF (TS 33.102 §6.3.3). */
const RESYNC_AMF = new Uint8Array(2);

/** An authentication vector as the home network hands it out (TS 33.102 §6.3.2), less RAND, which it chose. */
export interface AuthVector {
  readonly autn: Uint8Array;
  readonly xres: Uint8Array;
  readonly ck: Uint8Array;
  readonly ik: Uint8Array;
}

function xor6(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** AUTN = (SQN ⊕ AK) ‖ AMF ‖ MAC-A, with XRES, CK and IK for the same RAND (TS 33.102 §6.3.2). */
export function buildAuthVector(m: Milenage, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): AuthVector {
  const { res, ck, ik, ak } = m.f2345(rand);
  const { macA } = m.f1(rand, sqn, amf);
  const autn = new Uint8Array(16);
  autn.set(xor6(sqn, ak), 0);
  autn.set(amf, 6);
  autn.set(macA, 8);
  return { autn, xres: res, ck, ik };
}

export type AutnCheck =
  | {
      readonly ok: true;
      readonly res: Uint8Array;
      readonly ck: Uint8Array;
      readonly ik: Uint8Array;
      readonly sqn: Uint8Array;
      readonly amf: Uint8Array;
      readonly newState: UsimSqnState;
    }
  /** XMAC ≠ MAC: the network is not authentic; EAP-AKA answers Authentication-Reject (RFC 4187 §6.3.1). */
  | { readonly ok: false; readonly reason: 'MAC_FAILURE' }
  /** MAC good but SQN refused: EAP-AKA answers Synchronization-Failure with AT_AUTS (RFC 4187 §6.3.1). */
  | {
      readonly ok: false;
      readonly reason: 'SYNC_FAILURE';
      readonly sqnReason: SqnRejectReason;
      readonly auts: Uint8Array;
    };

/**
 * The USIM's processing of RAND and AUTN (TS 33.102 §6.3.3): recover SQN with AK, verify MAC-A first, then
 * the freshness of SQN (Annex C); on a freshness failure build AUTS from SQN_MS.
 */
export function checkAutn(
  m: Milenage,
  rand: Uint8Array,
  autn: Uint8Array,
  state: UsimSqnState,
  policy: SqnPolicy = DEFAULT_SQN_POLICY,
): AutnCheck {
  expectLength('BAD_INPUT_LENGTH', 'AUTN', autn, 16);
  const { res, ck, ik, ak } = m.f2345(rand);
  const sqn = xor6(autn.subarray(0, 6), ak);
  const amf = copyBytes(autn, 6, 8);
  const { macA } = m.f1(rand, sqn, amf);
  if (!timingSafeEqual(macA, autn.subarray(8, 16))) return { ok: false, reason: 'MAC_FAILURE' };
  const verdict = acceptSqn(state, sqnFromBytes(sqn), policy);
  if (!verdict.ok) {
    const auts = buildAuts(m, rand, sqnToBytes(highestAcceptedSqn(state)));
    return { ok: false, reason: 'SYNC_FAILURE', sqnReason: verdict.reason, auts };
  }
  return { ok: true, res, ck, ik, sqn, amf, newState: verdict.newState };
}

/** AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, MAC-S = f1*(K, RAND, SQN_MS, AMF = 0x0000) (TS 33.102 §6.3.3). */
export function buildAuts(m: Milenage, rand: Uint8Array, sqnMs: Uint8Array): Uint8Array {
  const akStar = m.f5Star(rand);
  const { macS } = m.f1(rand, sqnMs, RESYNC_AMF);
  const auts = new Uint8Array(14);
  auts.set(xor6(sqnMs, akStar), 0);
  auts.set(macS, 6);
  return auts;
}

export type AutsCheck =
  | { readonly ok: true; readonly sqnMs: Uint8Array }
  | { readonly ok: false; readonly reason: 'MAC_FAILURE' };

/**
 * The home network's handling of a resynchronisation request (TS 33.102 §6.3.5): recover SQN_MS with AK* and
 * verify MAC-S. The caller then adjusts its counter (`resyncHeSqn`).
 */
export function verifyAuts(m: Milenage, rand: Uint8Array, auts: Uint8Array): AutsCheck {
  expectLength('BAD_INPUT_LENGTH', 'AUTS', auts, 14);
  const sqnMs = xor6(auts.subarray(0, 6), m.f5Star(rand));
  const { macS } = m.f1(rand, sqnMs, RESYNC_AMF);
  if (!timingSafeEqual(macS, auts.subarray(6, 14))) return { ok: false, reason: 'MAC_FAILURE' };
  return { ok: true, sqnMs };
}
