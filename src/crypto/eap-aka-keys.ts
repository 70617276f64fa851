/**
 * EAP-AKA key derivation and message authentication (RFC 4187 §7, §10.15).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import { expectLength } from './errors.ts';
import { fips186Prf } from './fips186-prf.ts';

const encoder = new TextEncoder();

/**
 * MK = SHA1(Identity ‖ IK ‖ CK) (RFC 4187 §7). Identity is the last identity the peer sent (AT_IDENTITY, else
 * EAP-Response/Identity), byte for byte, without a terminating NUL; a string is taken as UTF-8.
 */
export function deriveMasterKey(identity: Uint8Array | string, ik: Uint8Array, ck: Uint8Array): Uint8Array {
  expectLength('BAD_KEY_LENGTH', 'IK', ik, 16);
  expectLength('BAD_KEY_LENGTH', 'CK', ck, 16);
  const id = typeof identity === 'string' ? encoder.encode(identity) : identity;
  return new Uint8Array(createHash('sha1').update(id).update(ik).update(ck).digest());
}

export interface EapAkaKeys {
  /** K_encr, 16 bytes: AES-128-CBC key for AT_ENCR_DATA. */
  readonly kEncr: Uint8Array;
  /** K_aut, 16 bytes: HMAC-SHA1-128 key for AT_MAC. */
  readonly kAut: Uint8Array;
  /** Master Session Key, 64 bytes: exported to IKEv2 as the shared key for AUTH (RFC 7296 §2.16). */
  readonly msk: Uint8Array;
  /** Extended MSK, 64 bytes. */
  readonly emsk: Uint8Array;
}

/** K_encr ‖ K_aut ‖ MSK ‖ EMSK = the first 160 bytes of PRF(XKEY = MK) (RFC 4187 §7). */
export function deriveEapAkaKeys(mk: Uint8Array): EapAkaKeys {
  const x = fips186Prf(mk, 160);
  return {
    kEncr: copyBytes(x, 0, 16),
    kAut: copyBytes(x, 16, 32),
    msk: copyBytes(x, 32, 96),
    emsk: copyBytes(x, 96, 160),
  };
}

/**
 * AT_MAC value: HMAC-SHA1-128 with K_aut over the whole EAP packet with the AT_MAC value field zeroed, followed
 * by `extra` where the message type needs it (none for AKA-Challenge; NONCE_S for re-authentication,
 * RFC 4187 §10.15).
 */
export function computeEapAkaMac(kAut: Uint8Array, packetWithZeroedMac: Uint8Array, extra?: Uint8Array): Uint8Array {
  expectLength('BAD_KEY_LENGTH', 'K_aut', kAut, 16);
  const h = createHmac('sha1', kAut).update(packetWithZeroedMac);
  if (extra) h.update(extra);
  return new Uint8Array(h.digest().subarray(0, 16));
}

/** Constant-time check of a received AT_MAC value; a value that is not 16 bytes is simply wrong. */
export function verifyEapAkaMac(
  kAut: Uint8Array,
  packetWithZeroedMac: Uint8Array,
  mac: Uint8Array,
  extra?: Uint8Array,
): boolean {
  const want = computeEapAkaMac(kAut, packetWithZeroedMac, extra);
  return mac.length === want.length && timingSafeEqual(want, mac);
}
