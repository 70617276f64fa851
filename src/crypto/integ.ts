/**
 * Integrity transforms for IKE and ESP: HMAC-SHA1-96 (RFC 2404) and HMAC-SHA2-256-128 (RFC 4868 §2.1),
 * i.e. HMAC truncated to its leftmost bits, checked in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './errors.ts';
import type { IntegTransform } from './transforms.ts';

function assertKey(t: IntegTransform, key: Uint8Array): void {
  // The key is exactly the HMAC output size (RFC 2404 §3, RFC 4868 §2.1.1).
  if (key.length !== t.keyLength) {
    throw new CryptoError('BAD_KEY_LENGTH', `${t.name} key must be ${t.keyLength} bytes, got ${key.length}`);
  }
}

/** The truncated ICV over `data` (for ESP: SPI through the end of the ciphertext; for IKE: the message up to the ICV). */
export function computeIcv(t: IntegTransform, key: Uint8Array, data: Uint8Array): Uint8Array {
  assertKey(t, key);
  const d = createHmac(t.hash, key).update(data).digest();
  return new Uint8Array(d.buffer, d.byteOffset, t.icvLength);
}

/** Constant-time comparison of a received ICV; an ICV of the wrong length is simply wrong. */
export function verifyIcv(t: IntegTransform, key: Uint8Array, data: Uint8Array, icv: Uint8Array): boolean {
  const want = computeIcv(t, key, data);
  return icv.length === want.length && timingSafeEqual(want, icv);
}
