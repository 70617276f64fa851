/**
 * The Diffie-Hellman group interface shared by the MODP, ECP and Curve25519 implementations (RFC 7296 §3.4).
 */
import { CryptoError } from './errors.ts';

/** Injected randomness: returns `n` uniformly random bytes (tests pass fixed bytes to reproduce vectors). */
export type RandomSource = (n: number) => Uint8Array;

/**
 * Marks a RandomSource as the operating system's CSPRNG (the node shell's; never a seeded test source). A group may
 * then let OpenSSL draw the private key itself: the same kind of randomness, without the key import that injected
 * bytes need (for X25519 that import costs about as much as a scalar multiplication, Node having no raw import).
 */
export function systemRandom(source: RandomSource): RandomSource {
  return Object.assign((n: number) => source(n), { systemCsprng: true as const });
}

export function isSystemRandom(source: RandomSource | undefined): boolean {
  return (source as { systemCsprng?: boolean } | undefined)?.systemCsprng === true;
}

/** An opaque handle on a private key, usable only with the group that made it. */
export interface DhPrivateKey {
  readonly groupId: number;
}

export interface DhKeyPair {
  /** The Key Exchange Data exactly as sent in the KE payload (RFC 7296 §3.4). */
  readonly publicKey: Uint8Array;
  readonly privateKey: DhPrivateKey;
}

export interface DhGroup {
  /** Transform Type 4 ID (IANA "Key Exchange Method Transform IDs"). */
  readonly id: number;
  readonly name: string;
  /** Bytes of Key Exchange Data in a KE payload. */
  readonly keyLength: number;
  /** Bytes of the shared secret g^ir as it enters SKEYSEED (RFC 7296 §2.14). */
  readonly sharedSecretLength: number;
  /**
   * A new key pair. With `random` the private key is drawn from it (deterministic in tests); without, or with a
   * `systemRandom` source where OpenSSL's own generation is cheaper, OpenSSL's generator is used.
   */
  generate(random?: RandomSource): DhKeyPair;
  /**
   * g^ir from our private key and the peer's Key Exchange Data. A peer value of the wrong length, out of range or
   * off the curve is CryptoError INVALID_PUBLIC_VALUE; a handle from another group is WRONG_GROUP.
   */
  computeShared(privateKey: DhPrivateKey, peerPublic: Uint8Array): Uint8Array;
}

/** Draws `n` bytes and checks that the injected source kept its contract. */
export function drawBytes(random: RandomSource, n: number): Uint8Array {
  const b = random(n);
  if (b.length !== n) throw new CryptoError('BAD_PRIVATE_KEY', `random source returned ${b.length} bytes, not ${n}`);
  return b;
}

/** How many fresh draws a generator makes before giving up on out-of-range private keys. */
export const PRIVATE_KEY_ATTEMPTS = 4;

export function wrongGroup(id: number, key: DhPrivateKey): CryptoError {
  return new CryptoError('WRONG_GROUP', `private key of group ${key.groupId} used with group ${id}`);
}

/** A plain Uint8Array view of a Buffer returned by node:crypto (APIs outside `net` use Uint8Array). */
export function bufferView(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
