/**
 * IKEv2 key derivation (RFC 7296 §2.13–§2.18) and the AUTH payload's octets (§2.15): prf, prf+, SKEYSEED,
 * the seven IKE SA keys, Child SA KEYMAT with and without PFS, signed octets and the shared-key AUTH value.
 */
import { createHmac } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import { concatBytes } from '../util/hex.ts';
import { CryptoError } from './errors.ts';
import type { PrfTransform } from './transforms.ts';

/** RFC 7296 §2.13: prf+ is defined for at most 255 output blocks (the counter is one octet). */
export const PRF_PLUS_MAX_BLOCKS = 255;

/** "Key Pad for IKEv2": 17 ASCII octets, no terminating NUL (RFC 7296 §2.15). */
export const IKEV2_KEY_PAD = new TextEncoder().encode('Key Pad for IKEv2');

/** prf(K, S) for an HMAC PRF: HMAC takes a key of any length, so Ni ‖ Nr is used as is (RFC 7296 §2.14). */
export function prf(t: PrfTransform, key: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createHmac(t.hash, key).update(data).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

/** prf+(K, S) = T1 ‖ T2 ‖ …, T1 = prf(K, S ‖ 0x01), Tn = prf(K, Tn−1 ‖ S ‖ n), cut to `length` (RFC 7296 §2.13). */
export function prfPlus(t: PrfTransform, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`bad prf+ length ${length}`);
  const blocks = Math.ceil(length / t.outputLength);
  if (blocks > PRF_PLUS_MAX_BLOCKS) {
    throw new CryptoError('OUTPUT_TOO_LONG', `prf+ of ${length} bytes needs ${blocks} blocks (max 255)`);
  }
  const out = new Uint8Array(blocks * t.outputLength);
  const counter = new Uint8Array(1);
  let prev: Uint8Array | undefined;
  for (let n = 1; n <= blocks; n++) {
    const h = createHmac(t.hash, key);
    if (prev) h.update(prev);
    counter[0] = n;
    const block = h.update(seed).update(counter).digest();
    out.set(block, (n - 1) * t.outputLength);
    prev = block;
  }
  return out.length === length ? out : copyBytes(out, 0, length);
}

/** SKEYSEED = prf(Ni ‖ Nr, g^ir), nonce bodies only (RFC 7296 §2.14). */
export function computeSkeyseed(t: PrfTransform, ni: Uint8Array, nr: Uint8Array, sharedSecret: Uint8Array): Uint8Array {
  return prf(t, concatBytes([ni, nr]), sharedSecret);
}

/** SKEYSEED of a rekeyed IKE SA = prf(SK_d (old), g^ir (new) ‖ Ni ‖ Nr), with the old SA's PRF (RFC 7296 §2.18). */
export function computeRekeySkeyseed(
  oldPrf: PrfTransform,
  oldSkD: Uint8Array,
  sharedSecret: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
): Uint8Array {
  return prf(oldPrf, oldSkD, concatBytes([sharedSecret, ni, nr]));
}

/** Key sizes that depend on the negotiated ENCR and INTEG transforms. */
export interface KeyLengths {
  /** Integrity key bytes (IntegTransform.keyLength), 0 with an AEAD cipher. */
  readonly integKeyLength: number;
  /** Encryption keying material bytes (EncrTransform.keymatLength: AES key plus GCM salt). */
  readonly encrKeymatLength: number;
}

export interface IkeSaKeys {
  readonly skD: Uint8Array;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly skPi: Uint8Array;
  readonly skPr: Uint8Array;
}

function assertLengths(l: KeyLengths): void {
  for (const n of [l.integKeyLength, l.encrKeymatLength]) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`bad key length ${n}`);
  }
}

/**
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni ‖ Nr ‖ SPIi ‖ SPIr) (RFC 7296 §2.14);
 * SK_d, SK_pi and SK_pr are the PRF's preferred key length (§2.13).
 */
export function deriveIkeSaKeys(
  t: PrfTransform,
  skeyseed: Uint8Array,
  nonces: { readonly ni: Uint8Array; readonly nr: Uint8Array },
  spis: { readonly spiI: Uint8Array; readonly spiR: Uint8Array },
  lengths: KeyLengths,
): IkeSaKeys {
  assertLengths(lengths);
  const p = t.keyLength;
  const a = lengths.integKeyLength;
  const e = lengths.encrKeymatLength;
  const km = prfPlus(t, skeyseed, concatBytes([nonces.ni, nonces.nr, spis.spiI, spis.spiR]), 3 * p + 2 * a + 2 * e);
  let o = 0;
  const take = (n: number) => {
    const part = copyBytes(km, o, o + n);
    o += n;
    return part;
  };
  return { skD: take(p), skAi: take(a), skAr: take(a), skEi: take(e), skEr: take(e), skPi: take(p), skPr: take(p) };
}

/** Keys of one direction of an ESP SA: encryption key first, then integrity key (RFC 7296 §2.17). */
export interface DirectionKeys {
  readonly encrKey: Uint8Array;
  readonly integKey: Uint8Array;
}

export interface ChildSaKeys {
  readonly initiatorToResponder: DirectionKeys;
  readonly responderToInitiator: DirectionKeys;
}

/**
 * KEYMAT = prf+(SK_d, Ni ‖ Nr), or prf+(SK_d, g^ir (new) ‖ Ni ‖ Nr) with a PFS exchange in CREATE_CHILD_SA.
 * Initiator-to-responder keys are taken first; within a direction the encryption key, then the integrity key
 * (RFC 7296 §2.17). Ni and Nr are the nonces of the exchange that created the Child SA.
 */
export function deriveChildSaKeys(
  t: PrfTransform,
  skD: Uint8Array,
  nonces: { readonly ni: Uint8Array; readonly nr: Uint8Array },
  lengths: KeyLengths,
  pfsSharedSecret?: Uint8Array,
): ChildSaKeys {
  assertLengths(lengths);
  const e = lengths.encrKeymatLength;
  const a = lengths.integKeyLength;
  const seed = concatBytes(pfsSharedSecret ? [pfsSharedSecret, nonces.ni, nonces.nr] : [nonces.ni, nonces.nr]);
  const km = prfPlus(t, skD, seed, 2 * (e + a));
  return {
    initiatorToResponder: { encrKey: copyBytes(km, 0, e), integKey: copyBytes(km, e, e + a) },
    responderToInitiator: { encrKey: copyBytes(km, e + a, 2 * e + a), integKey: copyBytes(km, 2 * e + a) },
  };
}

/**
 * The octets an AUTH payload covers (RFC 7296 §2.15): for the initiator, its whole first message (IKE header
 * on, no non-ESP marker) ‖ the responder's nonce body ‖ prf(SK_pi, IDi body); symmetric for the responder with
 * message 2, Ni and SK_pr. The ID body is the ID payload without its generic header: ID Type ‖ 3 reserved ‖ data.
 */
export function buildSignedOctets(
  t: PrfTransform,
  message: Uint8Array,
  peerNonce: Uint8Array,
  skP: Uint8Array,
  idBody: Uint8Array,
): Uint8Array {
  return concatBytes([message, peerNonce, prf(t, skP, idBody)]);
}

/**
 * AUTH for Shared Key Message Integrity Code (method 2) and for EAP: prf(prf(Shared Secret, "Key Pad for IKEv2"),
 * SignedOctets) (RFC 7296 §2.15); after EAP-AKA the shared secret is the MSK (§2.16).
 */
export function computeSharedKeyAuth(t: PrfTransform, sharedSecret: Uint8Array, signedOctets: Uint8Array): Uint8Array {
  return prf(t, prf(t, sharedSecret, IKEV2_KEY_PAD), signedOctets);
}
