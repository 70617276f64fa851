/**
 * Integrity check and decryption of one protected unit, shared by IKE SK payloads and ESP packets: HMAC checked
 * before decrypting (RFC 4303 §3.4.4, RFC 7296 §3.14), or AES-GCM whose tag is checked while decrypting
 * (RFC 4106, RFC 5282). Offline decoding, so nothing here needs to be constant-time.
 */
import { type CipherGCMTypes, createDecipheriv, createHmac } from 'node:crypto';
import { bytesEqual } from '../../util/hex.ts';
import type { CipherSpec, IntegSpec } from './algorithms.ts';

/** GCM keying material ends with a 4-byte salt; nonce = salt ‖ the packet's 8-byte IV (RFC 4106 §4, RFC 5282 §4). */
const GCM_SALT_LENGTH = 4;

export interface ProtectedUnit {
  readonly cipher: CipherSpec;
  /** The integrity algorithm; ignored with an AEAD cipher. */
  readonly integrity: IntegSpec;
  readonly encryptionKey: Uint8Array;
  readonly integrityKey: Uint8Array;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly icv: Uint8Array;
  /** What an HMAC covers: everything of the message or packet before the ICV. */
  readonly authenticated: Uint8Array;
  /** GCM's associated data. */
  readonly aad: Uint8Array;
}

export type UnprotectResult =
  | { readonly ok: true; readonly plaintext: Uint8Array; readonly checked: boolean }
  | { readonly ok: false };

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Checks the ICV and decrypts; the caller has split the unit with the cipher's IV/ICV lengths and block size. */
export function unprotect(u: ProtectedUnit): UnprotectResult {
  if (u.cipher.mode === 'gcm') return openGcm(u);
  const hash = u.integrity.hash;
  if (hash !== undefined) {
    const mac = createHmac(hash, u.integrityKey).update(u.authenticated).digest();
    if (!bytesEqual(view(mac).subarray(0, u.integrity.icvLength), u.icv)) return { ok: false };
  }
  if (u.cipher.mode === 'null') return { ok: true, plaintext: u.ciphertext, checked: hash !== undefined };
  // The protocols pad themselves (RFC 7296 §3.14, RFC 4303 §2.4): no PKCS#7 padding to strip.
  const d = createDecipheriv(`aes-${u.encryptionKey.length * 8}-cbc`, u.encryptionKey, u.iv).setAutoPadding(false);
  const head = d.update(u.ciphertext);
  const tail = d.final(); // whole blocks (checked by the caller): nothing held back
  return {
    ok: true,
    plaintext: view(tail.length === 0 ? head : Buffer.concat([head, tail])),
    checked: hash !== undefined,
  };
}

function openGcm(u: ProtectedUnit): UnprotectResult {
  const keyLength = u.encryptionKey.length - GCM_SALT_LENGTH;
  const nonce = new Uint8Array(GCM_SALT_LENGTH + u.iv.length);
  nonce.set(u.encryptionKey.subarray(keyLength), 0);
  nonce.set(u.iv, GCM_SALT_LENGTH);
  const name = `aes-${keyLength * 8}-gcm` as CipherGCMTypes;
  const d = createDecipheriv(name, u.encryptionKey.subarray(0, keyLength), nonce, {
    authTagLength: u.icv.length,
  });
  d.setAuthTag(u.icv);
  d.setAAD(u.aad);
  const plaintext = d.update(u.ciphertext);
  try {
    d.final();
  } catch {
    return { ok: false }; // the tag does not verify: no plaintext leaves here
  }
  return { ok: true, plaintext: view(plaintext), checked: true };
}
