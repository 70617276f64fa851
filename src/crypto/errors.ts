/**
 * The crypto layer's error (STYLE.md: one small class per family, stable `code`s).
 * Thrown for inputs a function cannot work with: a key of the wrong size, a peer's Diffie-Hellman value that is
 * out of range, an AEAD tag that does not verify. Tests assert on `code`, never on message text.
 * Outcomes that a protocol expects (an AUTN MAC mismatch, an SQN out of range) are results, not errors.
 */

export type CryptoErrorCode =
  | 'BAD_KEY_LENGTH' // a key (K, OPc, HMAC key, AES key, XKEY) of a size the algorithm does not take
  | 'BAD_IV_LENGTH' // an IV, nonce or salt of the wrong size
  | 'BAD_INPUT_LENGTH' // RAND/SQN/AMF/AUTN/AUTS of the wrong size, CBC data not a whole number of blocks
  | 'AUTH_FAILED' // an AEAD integrity check value did not verify
  | 'INVALID_PUBLIC_VALUE' // a peer's KE data: wrong length, out of range (MODP) or not on the curve (ECP)
  | 'ZERO_SHARED_SECRET' // X25519 produced the all-zero value (RFC 8031 §2, RFC 7748 §6.1)
  | 'BAD_PRIVATE_KEY' // injected private key bytes that are out of range for the group
  | 'WRONG_GROUP' // a private key handle used with a group other than the one that made it
  | 'UNSUPPORTED' // a transform ID or key length this implementation does not offer
  | 'OUTPUT_TOO_LONG' // prf+ asked for more than 255 blocks (RFC 7296 §2.13)
  | 'SQN_EXHAUSTED'; // the home network's SEQ reached its 43-bit maximum (TS 33.102 Annex C)

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export function isCryptoError(e: unknown): e is CryptoError {
  return e instanceof CryptoError;
}

/** Throws BAD_KEY_LENGTH / BAD_IV_LENGTH / BAD_INPUT_LENGTH when `bytes` is not one of `lengths`. */
export function expectLength(
  code: 'BAD_KEY_LENGTH' | 'BAD_IV_LENGTH' | 'BAD_INPUT_LENGTH',
  what: string,
  bytes: Uint8Array,
  ...lengths: number[]
): void {
  if (!lengths.includes(bytes.length)) {
    throw new CryptoError(code, `${what} must be ${lengths.join(' or ')} bytes, got ${bytes.length}`);
  }
}
