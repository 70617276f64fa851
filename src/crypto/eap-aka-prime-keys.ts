/**
 * EAP-AKA′ key derivation and message authentication (RFC 5448 §3.3, §3.4, as updated by RFC 9048 §3.3):
 * CK′ ‖ IK′ from CK ‖ IK and the access network name (TS 33.402 Annex A.2, KDF 1), PRF′ (the IKEv2 prf+ over
 * HMAC-SHA-256, RFC 5448 §3.4.1), MK and the session keys K_encr, K_aut, K_re, MSK and EMSK, and AT_MAC as
 * HMAC-SHA-256-128 (§3.4.1). Pure functions over bytes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import { expectLength } from './errors.ts';

const encoder = new TextEncoder();
const bytesOf = (v: Uint8Array | string) => (typeof v === 'string' ? encoder.encode(v) : v);

/** FC of the CK′/IK′ derivation (TS 33.402 Annex A.2). */
const FC_CK_IK_PRIME = 0x20;

/**
 * CK′ ‖ IK′ = HMAC-SHA-256(CK ‖ IK, S) with S = FC(0x20) ‖ P0 ‖ L0 ‖ P1 ‖ L1, where P0 is the access network
 * name (L0 its length in two octets) and P1 = SQN ⊕ AK, the first six octets of AUTN (L1 = 0x0006)
 * (TS 33.402 Annex A.2, RFC 5448 §3.3). CK′ is the first 128 bits, IK′ the last.
 */
export function deriveCkIkPrime(
  ck: Uint8Array,
  ik: Uint8Array,
  networkName: Uint8Array | string,
  sqnXorAk: Uint8Array,
): { readonly ckPrime: Uint8Array; readonly ikPrime: Uint8Array } {
  expectLength('BAD_KEY_LENGTH', 'CK', ck, 16);
  expectLength('BAD_KEY_LENGTH', 'IK', ik, 16);
  expectLength('BAD_INPUT_LENGTH', 'SQN xor AK', sqnXorAk, 6);
  const name = bytesOf(networkName);
  if (name.length > 0xffff) throw new RangeError('network name longer than 65535 octets');
  const s = new Uint8Array(1 + name.length + 2 + 6 + 2);
  s[0] = FC_CK_IK_PRIME;
  s.set(name, 1);
  s.set([name.length >> 8, name.length & 0xff], 1 + name.length);
  s.set(sqnXorAk, 3 + name.length);
  s.set([0, 6], 9 + name.length);
  const out = createHmac('sha256', Buffer.concat([ck, ik]))
    .update(s)
    .digest();
  return { ckPrime: new Uint8Array(out.subarray(0, 16)), ikPrime: new Uint8Array(out.subarray(16, 32)) };
}

/** PRF′(K, S) = T1 ‖ T2 ‖ …, T1 = HMAC-SHA-256(K, S ‖ 0x01), Tn = HMAC-SHA-256(K, Tn-1 ‖ S ‖ n) (RFC 5448 §3.4.1). */
export function prfPrime(key: Uint8Array, s: Uint8Array, length: number): Uint8Array {
  if (length > 255 * 32) throw new RangeError('PRF′ output longer than 255 blocks');
  const out = new Uint8Array(length);
  let t = new Uint8Array(0);
  for (let n = 1, at = 0; at < length; n++) {
    t = new Uint8Array(createHmac('sha256', key).update(t).update(s).update(Uint8Array.of(n)).digest());
    out.set(t.subarray(0, Math.min(32, length - at)), at);
    at += 32;
  }
  return out;
}

export interface EapAkaPrimeKeys {
  /** 16 octets: AES-128-CBC key for AT_ENCR_DATA. */
  readonly kEncr: Uint8Array;
  /** 32 octets: HMAC-SHA-256-128 key for AT_MAC. */
  readonly kAut: Uint8Array;
  /** 32 octets: the fast re-authentication key. */
  readonly kRe: Uint8Array;
  readonly msk: Uint8Array;
  readonly emsk: Uint8Array;
}

/**
 * MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ Identity), 1664 bits, cut into K_encr (128), K_aut (256), K_re (256),
 * MSK (512) and EMSK (512) (RFC 5448 §3.3). Identity is the peer's identity as in EAP-AKA (RFC 4187 §7).
 */
export function deriveEapAkaPrimeKeys(
  identity: Uint8Array | string,
  ckPrime: Uint8Array,
  ikPrime: Uint8Array,
): EapAkaPrimeKeys {
  expectLength('BAD_KEY_LENGTH', "CK'", ckPrime, 16);
  expectLength('BAD_KEY_LENGTH', "IK'", ikPrime, 16);
  const id = bytesOf(identity);
  const s = new Uint8Array(8 + id.length);
  s.set(encoder.encode("EAP-AKA'"));
  s.set(id, 8);
  const mk = prfPrime(Buffer.concat([ikPrime, ckPrime]), s, 208);
  return {
    kEncr: copyBytes(mk, 0, 16),
    kAut: copyBytes(mk, 16, 48),
    kRe: copyBytes(mk, 48, 80),
    msk: copyBytes(mk, 80, 144),
    emsk: copyBytes(mk, 144, 208),
  };
}

/** AT_MAC of EAP-AKA′: HMAC-SHA-256 with K_aut over the packet (MAC value zeroed), first 16 octets (§3.4.1). */
export function computeEapAkaPrimeMac(
  kAut: Uint8Array,
  packetWithZeroedMac: Uint8Array,
  extra?: Uint8Array,
): Uint8Array {
  expectLength('BAD_KEY_LENGTH', 'K_aut', kAut, 32);
  const h = createHmac('sha256', kAut).update(packetWithZeroedMac);
  if (extra) h.update(extra);
  return new Uint8Array(h.digest().subarray(0, 16));
}

export function verifyEapAkaPrimeMac(kAut: Uint8Array, packetWithZeroedMac: Uint8Array, mac: Uint8Array): boolean {
  const want = computeEapAkaPrimeMac(kAut, packetWithZeroedMac);
  return mac.length === want.length && timingSafeEqual(want, mac);
}
