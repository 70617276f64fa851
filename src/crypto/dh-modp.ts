/**
 * MODP Diffie-Hellman groups (RFC 3526, RFC 2409) over OpenSSL's DH with generator 2.
 */
import { createDiffieHellman, type DiffieHellman } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
import { fromHex } from '../util/hex.ts';
import {
  bufferView,
  type DhGroup,
  type DhKeyPair,
  type DhPrivateKey,
  drawBytes,
  PRIVATE_KEY_ATTEMPTS,
  type RandomSource,
  wrongGroup,
} from './dh-types.ts';
import { CryptoError } from './errors.ts';
import { MODP_GENERATOR } from './modp-primes.ts';

class ModpPrivateKey implements DhPrivateKey {
  constructor(
    readonly groupId: number,
    readonly dh: DiffieHellman,
  ) {}
}

/** Big-endian comparison of equal-length byte strings. */
function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Left-pads with zeros to `n` bytes: KE data and g^ir are both modulus-length (RFC 7296 §3.4, §2.14). */
function padTo(b: Uint8Array, n: number): Uint8Array {
  if (b.length === n) return b;
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

function minusOne(p: Uint8Array): Uint8Array {
  const out = copyBytes(p);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! > 0) {
      out[i]!--;
      break;
    }
    out[i] = 0xff;
  }
  return out;
}

/**
 * A MODP group. `exponentLength` is the private exponent size drawn from an injected random source, sized from
 * RFC 3526 §8's strength estimates (a short exponent is what makes MODP affordable).
 */
export function createModpGroup(id: number, name: string, primeHex: string, exponentLength: number): DhGroup {
  const prime = fromHex(primeHex);
  const pMinus1 = minusOne(prime);
  const keyLength = prime.length;

  function newDh(): DiffieHellman {
    return createDiffieHellman(prime, MODP_GENERATOR);
  }

  function privateExponent(random: RandomSource): Uint8Array {
    for (let i = 0; i < PRIVATE_KEY_ATTEMPTS; i++) {
      const x = drawBytes(random, exponentLength);
      if (x.some((b) => b !== 0)) return x;
    }
    throw new CryptoError('BAD_PRIVATE_KEY', `${name}: random source gave only zero exponents`);
  }

  return {
    id,
    name,
    keyLength,
    sharedSecretLength: keyLength,
    generate(random?: RandomSource): DhKeyPair {
      const dh = newDh();
      if (random) dh.setPrivateKey(privateExponent(random));
      // With a private key already set, OpenSSL only computes g^x mod p.
      dh.generateKeys();
      return { publicKey: padTo(bufferView(dh.getPublicKey()), keyLength), privateKey: new ModpPrivateKey(id, dh) };
    },
    computeShared(privateKey: DhPrivateKey, peerPublic: Uint8Array): Uint8Array {
      if (!(privateKey instanceof ModpPrivateKey) || privateKey.groupId !== id) throw wrongGroup(id, privateKey);
      if (peerPublic.length !== keyLength) {
        throw new CryptoError(
          'INVALID_PUBLIC_VALUE',
          `${name}: KE data must be ${keyLength} bytes, got ${peerPublic.length}`,
        );
      }
      // 1 < y < p − 1 rules out the values that force a trivial shared secret (RFC 6989 §2).
      const last = peerPublic.length - 1;
      const atMostOne = peerPublic[last]! <= 1 && peerPublic.subarray(0, last).every((b) => b === 0);
      if (atMostOne || compare(peerPublic, pMinus1) >= 0) {
        throw new CryptoError('INVALID_PUBLIC_VALUE', `${name}: peer value outside 1 < y < p − 1`);
      }
      let secret: Buffer;
      try {
        secret = privateKey.dh.computeSecret(peerPublic);
      } catch {
        throw new CryptoError('INVALID_PUBLIC_VALUE', `${name}: OpenSSL refused the peer value`);
      }
      return padTo(bufferView(secret), keyLength);
    },
  };
}
