/**
 * Curve25519 Diffie-Hellman for IKEv2 (RFC 8031): 32-byte little-endian u-coordinates as KE data, the X25519
 * output as the shared secret.
 *
 * Node 20 has no raw import/export of X25519 keys, and the JWK *export* of generated keys can deadlock
 * (see PEERS.md), so: injected private keys come in through JWK import (safe) and their public value is
 * computed as X25519(d, 9), the scalar product with the base point; OpenSSL-generated keys hand out their public
 * value through `generateKeyPairSync`'s `publicKeyEncoding`, which does not take the hazardous path.
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import {
  bufferView,
  type DhGroup,
  type DhKeyPair,
  type DhPrivateKey,
  drawBytes,
  isSystemRandom,
  type RandomSource,
  wrongGroup,
} from './dh-types.ts';
import { CryptoError } from './errors.ts';

const KEY_BYTES = 32;

class X25519PrivateKey implements DhPrivateKey {
  constructor(
    readonly groupId: number,
    readonly key: KeyObject,
  ) {}
}

const b64url = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

function publicKeyObject(u: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(u) }, format: 'jwk' });
}

let basePoint: KeyObject | undefined;
/** u = 9, the Curve25519 base point (RFC 7748 §4.1); imported once. */
function basePointKey(): KeyObject {
  if (!basePoint) {
    const u = new Uint8Array(KEY_BYTES);
    u[0] = 9;
    basePoint = publicKeyObject(u);
  }
  return basePoint;
}

export function createX25519Group(id: number): DhGroup {
  return {
    id,
    name: 'Curve25519',
    keyLength: KEY_BYTES,
    sharedSecretLength: KEY_BYTES,
    generate(random?: RandomSource): DhKeyPair {
      // From the system CSPRNG too: OpenSSL's generation skips the JWK import of injected bytes (≈ 45 µs) and the
      // scalar multiplication with the base point that recovers their public value.
      if (!random || isSystemRandom(random)) {
        const pair = generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } });
        // @types/node has no overload for a JWK public key here; at run time it is the JWK object.
        const x = (pair.publicKey as unknown as JsonWebKey).x;
        if (typeof x !== 'string') throw new CryptoError('UNSUPPORTED', 'X25519: OpenSSL returned no public key');
        return {
          publicKey: bufferView(Buffer.from(x, 'base64url')),
          privateKey: new X25519PrivateKey(id, pair.privateKey),
        };
      }
      // The 32 random bytes are the private key; X25519 clamps them itself (RFC 7748 §5, RFC 8031 §2).
      const d = drawBytes(random, KEY_BYTES);
      // Node 20 requires `x` in a private OKP JWK but imports the key from `d` alone; '' keeps that explicit.
      const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(d), x: '' }, format: 'jwk' });
      const publicKey = bufferView(diffieHellman({ privateKey: key, publicKey: basePointKey() }));
      return { publicKey, privateKey: new X25519PrivateKey(id, key) };
    },
    computeShared(privateKey: DhPrivateKey, peerPublic: Uint8Array): Uint8Array {
      if (!(privateKey instanceof X25519PrivateKey) || privateKey.groupId !== id) throw wrongGroup(id, privateKey);
      if (peerPublic.length !== KEY_BYTES) {
        throw new CryptoError('INVALID_PUBLIC_VALUE', `X25519: KE data must be 32 bytes, got ${peerPublic.length}`);
      }
      // The receiver masks the most significant bit of the final byte (RFC 7748 §5, RFC 8031 §2); values ≥ 2^255 − 19
      // are accepted and reduced by X25519 itself.
      const u = copyBytes(peerPublic);
      u[KEY_BYTES - 1]! &= 0x7f;
      let shared: Uint8Array;
      try {
        shared = bufferView(diffieHellman({ privateKey: privateKey.key, publicKey: publicKeyObject(u) }));
      } catch {
        // For a well-formed 32-byte u the only failure is an all-zero result, which OpenSSL refuses to return.
        throw new CryptoError('ZERO_SHARED_SECRET', 'X25519: peer value of small order');
      }
      // RFC 8031 §2: an all-zero shared secret MUST be rejected (checked here too, not left to OpenSSL alone).
      if (shared.every((b) => b === 0)) throw new CryptoError('ZERO_SHARED_SECRET', 'X25519: all-zero shared secret');
      return shared;
    },
  };
}
