/**
 * The IKEv2/ESP transforms this implementation offers, keyed by IANA transform ID (RFC 7296 §3.3.2), with the
 * sizes the IKE engine and ESP need: key, salt, IV, ICV, alignment, PRF output. DH groups live in `dh.ts`.
 */
import { CryptoError } from './errors.ts';

/** Transform Type 1, encryption (IANA IKEv2 registry; RFC 3602, RFC 5282, RFC 4106). */
export const ENCR_ID = { AES_CBC: 12, AES_GCM_16: 20 } as const;
/** Transform Type 2, pseudo-random function (RFC 7296 §3.3.2, RFC 4868). */
export const PRF_ID = { HMAC_SHA1: 2, HMAC_SHA2_256: 5, HMAC_SHA2_384: 6, HMAC_SHA2_512: 7 } as const;
/** Transform Type 3, integrity (RFC 2404, RFC 4868). An AEAD cipher selects none at all (RFC 5282 §8); 0 is NONE. */
export const INTEG_ID = { NONE: 0, HMAC_SHA1_96: 2, HMAC_SHA2_256_128: 12 } as const;

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface EncrTransform {
  readonly id: number;
  /** The Key Length attribute (RFC 7296 §3.3.5), in bits of AES key (salt not counted). */
  readonly keyLengthBits: number;
  readonly name: string;
  readonly mode: 'cbc' | 'gcm';
  /** AES key bytes. */
  readonly keyLength: number;
  /** Salt bytes after the key in the keying material: 4 for GCM (RFC 5282 §7.1, RFC 4106 §8.1). */
  readonly saltLength: number;
  /** Bytes taken from KEYMAT / SK_e* for this cipher: key ‖ salt. */
  readonly keymatLength: number;
  /** IV bytes carried in every message: 16 for CBC (RFC 3602 §3), 8 for GCM (RFC 4106 §3.1). */
  readonly ivLength: number;
  /**
   * Plaintext alignment the cipher needs: 16 for CBC; 1 for GCM, which needs no padding (RFC 5282 §3,
   * RFC 4106 §3). ESP adds its own 4-byte alignment of the trailer on top (RFC 4303 §2.4).
   */
  readonly blockSize: number;
  /** ICV bytes the cipher itself appends: 0 for CBC (an INTEG transform does it), 16 for GCM-16. */
  readonly icvLength: number;
}

export interface PrfTransform {
  readonly id: number;
  readonly name: string;
  readonly hash: HashName;
  /** Preferred key length = output length for HMAC PRFs: the size of SK_d, SK_pi, SK_pr (RFC 7296 §2.13, §2.14). */
  readonly keyLength: number;
  readonly outputLength: number;
}

export interface IntegTransform {
  readonly id: number;
  readonly name: string;
  readonly hash: HashName;
  /** Key bytes: the HMAC output length (RFC 2404 §3, RFC 4868 §2.1.1). */
  readonly keyLength: number;
  /** Truncated ICV bytes: 12 for HMAC-SHA1-96, 16 for HMAC-SHA2-256-128. */
  readonly icvLength: number;
}

const AES_KEY_BITS = [128, 192, 256];

/** ENCR_AES_CBC and ENCR_AES_GCM_16 with a Key Length attribute of 128, 192 or 256; others are UNSUPPORTED. */
export function encrTransform(id: number, keyLengthBits: number | undefined): EncrTransform {
  if (id !== ENCR_ID.AES_CBC && id !== ENCR_ID.AES_GCM_16) {
    throw new CryptoError('UNSUPPORTED', `encryption transform ${id}`);
  }
  // AES transforms carry a mandatory Key Length attribute (RFC 7296 §3.3.5, RFC 5282 §7.3, RFC 4106 §8.4).
  if (keyLengthBits === undefined || !AES_KEY_BITS.includes(keyLengthBits)) {
    throw new CryptoError('UNSUPPORTED', `encryption transform ${id} with key length ${keyLengthBits}`);
  }
  const keyLength = keyLengthBits / 8;
  if (id === ENCR_ID.AES_CBC) {
    return {
      id,
      keyLengthBits,
      name: `AES-CBC-${keyLengthBits}`,
      mode: 'cbc',
      keyLength,
      saltLength: 0,
      keymatLength: keyLength,
      ivLength: 16,
      blockSize: 16,
      icvLength: 0,
    };
  }
  return {
    id,
    keyLengthBits,
    name: `AES-GCM-16-${keyLengthBits}`,
    mode: 'gcm',
    keyLength,
    saltLength: 4,
    keymatLength: keyLength + 4,
    ivLength: 8,
    blockSize: 1,
    icvLength: 16,
  };
}

const PRFS: ReadonlyMap<number, PrfTransform> = new Map(
  (
    [
      [PRF_ID.HMAC_SHA1, 'PRF_HMAC_SHA1', 'sha1', 20],
      [PRF_ID.HMAC_SHA2_256, 'PRF_HMAC_SHA2_256', 'sha256', 32],
      [PRF_ID.HMAC_SHA2_384, 'PRF_HMAC_SHA2_384', 'sha384', 48],
      [PRF_ID.HMAC_SHA2_512, 'PRF_HMAC_SHA2_512', 'sha512', 64],
    ] as const
  ).map(([id, name, hash, n]) => [id, Object.freeze({ id, name, hash, keyLength: n, outputLength: n })]),
);

const INTEGS: ReadonlyMap<number, IntegTransform> = new Map(
  (
    [
      [INTEG_ID.HMAC_SHA1_96, 'AUTH_HMAC_SHA1_96', 'sha1', 20, 12],
      [INTEG_ID.HMAC_SHA2_256_128, 'AUTH_HMAC_SHA2_256_128', 'sha256', 32, 16],
    ] as const
  ).map(([id, name, hash, keyLength, icvLength]) => [id, Object.freeze({ id, name, hash, keyLength, icvLength })]),
);

export function prfTransform(id: number): PrfTransform {
  const t = PRFS.get(id);
  if (!t) throw new CryptoError('UNSUPPORTED', `PRF transform ${id}`);
  return t;
}

export function integTransform(id: number): IntegTransform {
  const t = INTEGS.get(id);
  if (!t) throw new CryptoError('UNSUPPORTED', `integrity transform ${id}`);
  return t;
}

/** Every supported PRF / INTEG transform, e.g. to build a proposal. */
export const SUPPORTED_PRFS: readonly PrfTransform[] = [...PRFS.values()];
export const SUPPORTED_INTEGS: readonly IntegTransform[] = [...INTEGS.values()];
