/**
 * Encryption transforms for IKE (SK payload) and ESP: AES-CBC (RFC 3602) and AES-GCM with a 16-byte ICV
 * (RFC 4106 for ESP, RFC 5282 for IKE). The protocols pad their plaintext themselves, so CBC runs without
 * OpenSSL's padding and insists on whole blocks.
 */
import { type CipherGCMTypes, createCipheriv, createDecipheriv } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import { CryptoError } from './errors.ts';

const AES_BLOCK = 16;
/** GCM: 4-byte salt from the keying material ‖ 8-byte explicit IV from the packet = 12-byte nonce (RFC 4106 §4). */
export const GCM_SALT_LENGTH = 4;
export const GCM_IV_LENGTH = 8;
export const GCM_ICV_LENGTH = 16;

const CBC_NAMES: Readonly<Record<number, string>> = { 16: 'aes-128-cbc', 24: 'aes-192-cbc', 32: 'aes-256-cbc' };
const GCM_NAMES: Readonly<Record<number, CipherGCMTypes>> = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };

function cipherName<T extends string>(names: Readonly<Record<number, T>>, key: Uint8Array): T {
  const name = names[key.length];
  if (name === undefined)
    throw new CryptoError('BAD_KEY_LENGTH', `AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  return name;
}

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function checkCbc(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== AES_BLOCK) throw new CryptoError('BAD_IV_LENGTH', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (data.length % AES_BLOCK !== 0) {
    throw new CryptoError('BAD_INPUT_LENGTH', `AES-CBC data must be whole 16-byte blocks, got ${data.length} bytes`);
  }
}

/** AES-CBC encryption of already padded plaintext (RFC 3602 §2.4: the protocol pads). */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const name = cipherName(CBC_NAMES, key);
  checkCbc(iv, plaintext);
  const c = createCipheriv(name, key, iv).setAutoPadding(false);
  const head = c.update(plaintext);
  const tail = c.final();
  return tail.length === 0 ? view(head) : view(Buffer.concat([head, tail]));
}

/** AES-CBC decryption; the padding stays in the output for the protocol to check and strip. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const name = cipherName(CBC_NAMES, key);
  checkCbc(iv, ciphertext);
  const d = createDecipheriv(name, key, iv).setAutoPadding(false);
  const head = d.update(ciphertext);
  const tail = d.final();
  return tail.length === 0 ? view(head) : view(Buffer.concat([head, tail]));
}

/** An AES-GCM key as negotiated: the AES key and the salt that follows it in KEYMAT / SK_e (RFC 4106 §8.1). */
export interface GcmKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
}

/** Splits keying material of 20, 28 or 36 bytes into the AES key and the trailing 4-byte salt. */
export function gcmKeyFromKeymat(keymat: Uint8Array): GcmKey {
  const key = copyBytes(keymat, 0, keymat.length - GCM_SALT_LENGTH);
  cipherName(GCM_NAMES, key);
  return { key, salt: copyBytes(keymat, keymat.length - GCM_SALT_LENGTH) };
}

function gcmNonce(k: GcmKey, iv: Uint8Array): Uint8Array {
  if (k.salt.length !== GCM_SALT_LENGTH) {
    throw new CryptoError('BAD_IV_LENGTH', `GCM salt must be 4 bytes, got ${k.salt.length}`);
  }
  if (iv.length !== GCM_IV_LENGTH) throw new CryptoError('BAD_IV_LENGTH', `GCM IV must be 8 bytes, got ${iv.length}`);
  const nonce = new Uint8Array(12);
  nonce.set(k.salt, 0);
  nonce.set(iv, GCM_SALT_LENGTH);
  return nonce;
}

/**
 * AES-GCM-16 seal: returns ciphertext ‖ ICV (16 bytes). The nonce is salt ‖ iv; the caller must never reuse an
 * iv under one key (ESP uses the sequence number, RFC 4106 §3.1). `aad`: ESP SPI ‖ (ESN high ‖) Seq (RFC 4106 §5),
 * IKE header through the SK payload header (RFC 5282 §5.1).
 */
export function aesGcmSeal(k: GcmKey, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const name = cipherName(GCM_NAMES, k.key);
  const c = createCipheriv(name, k.key, gcmNonce(k, iv), { authTagLength: GCM_ICV_LENGTH });
  c.setAAD(aad);
  const out = new Uint8Array(plaintext.length + GCM_ICV_LENGTH);
  out.set(c.update(plaintext), 0);
  c.final(); // GCM is a stream mode: final() emits nothing
  out.set(c.getAuthTag(), plaintext.length);
  return out;
}

/**
 * AES-GCM-16 open of ciphertext ‖ ICV. A wrong ICV, key, nonce or AAD is CryptoError AUTH_FAILED; input shorter
 * than the ICV is BAD_INPUT_LENGTH. No plaintext is returned unless the ICV verifies.
 */
export function aesGcmOpen(k: GcmKey, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const name = cipherName(GCM_NAMES, k.key);
  const nonce = gcmNonce(k, iv);
  if (sealed.length < GCM_ICV_LENGTH) {
    throw new CryptoError('BAD_INPUT_LENGTH', `GCM input of ${sealed.length} bytes is shorter than its ICV`);
  }
  const n = sealed.length - GCM_ICV_LENGTH;
  const d = createDecipheriv(name, k.key, nonce, { authTagLength: GCM_ICV_LENGTH });
  d.setAuthTag(sealed.subarray(n));
  d.setAAD(aad);
  const plain = d.update(sealed.subarray(0, n));
  try {
    d.final();
  } catch {
    throw new CryptoError('AUTH_FAILED', 'AES-GCM integrity check value does not verify');
  }
  return view(plain);
}
