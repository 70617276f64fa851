/**
 * ECP-256 (NIST P-256) Diffie-Hellman for IKEv2, RFC 5903: KE data is X ‖ Y (no point-format octet, §7) and the
 * shared secret is the X coordinate of the product (also §7). `createECDH` works on raw keys, the fastest path in
 * Node 20, and avoids the KeyObject JWK export that can deadlock there.
 */
import { createECDH, type ECDH } from 'node:crypto';
import { copyBytes } from '../util/bytes.ts';
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

const CURVE = 'prime256v1';
const COORDINATE = 32;

class EcpPrivateKey implements DhPrivateKey {
  constructor(
    readonly groupId: number,
    readonly ecdh: ECDH,
  ) {}
}

/** An ECDH with a private key in [1, n − 1] drawn from `random`; out-of-range draws are redrawn. */
function fromRandom(random: RandomSource): ECDH {
  for (let i = 0; i < PRIVATE_KEY_ATTEMPTS; i++) {
    const d = drawBytes(random, COORDINATE);
    const ecdh = createECDH(CURVE);
    try {
      ecdh.setPrivateKey(d); // also computes the public point
      return ecdh;
    } catch {
      // d = 0 or d ≥ n: astronomically rare for real randomness; try the next draw.
    }
  }
  throw new CryptoError('BAD_PRIVATE_KEY', 'ECP-256: random source gave no private key in [1, n − 1]');
}

export function createEcp256Group(id: number): DhGroup {
  return {
    id,
    name: 'ECP-256',
    keyLength: 2 * COORDINATE,
    sharedSecretLength: COORDINATE,
    generate(random?: RandomSource): DhKeyPair {
      let ecdh: ECDH;
      if (random) {
        ecdh = fromRandom(random);
      } else {
        ecdh = createECDH(CURVE);
        ecdh.generateKeys();
      }
      // getPublicKey() is 0x04 ‖ X ‖ Y; IKEv2 drops the 0x04 (RFC 5903 §7).
      const point = bufferView(ecdh.getPublicKey());
      return { publicKey: copyBytes(point, 1), privateKey: new EcpPrivateKey(id, ecdh) };
    },
    computeShared(privateKey: DhPrivateKey, peerPublic: Uint8Array): Uint8Array {
      if (!(privateKey instanceof EcpPrivateKey) || privateKey.groupId !== id) throw wrongGroup(id, privateKey);
      if (peerPublic.length !== 2 * COORDINATE) {
        throw new CryptoError('INVALID_PUBLIC_VALUE', `ECP-256: KE data must be 64 bytes, got ${peerPublic.length}`);
      }
      const point = new Uint8Array(1 + 2 * COORDINATE);
      point[0] = 0x04;
      point.set(peerPublic, 1);
      try {
        // OpenSSL rejects points that are not on the curve, the check RFC 6989 §2 requires of ECP groups.
        return bufferView(privateKey.ecdh.computeSecret(point));
      } catch {
        throw new CryptoError('INVALID_PUBLIC_VALUE', 'ECP-256: peer point is not on the curve');
      }
    },
  };
}
