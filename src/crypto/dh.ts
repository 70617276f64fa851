/**
 * The Diffie-Hellman groups offered for IKEv2, keyed by Transform Type 4 ID (RFC 7296 §3.3.2, IANA registry).
 */
import { createEcp256Group } from './dh-ecp256.ts';
import { createModpGroup } from './dh-modp.ts';
import type { DhGroup } from './dh-types.ts';
import { createX25519Group } from './dh-x25519.ts';
import { CryptoError } from './errors.ts';
import { MODP_1024_PRIME, MODP_2048_PRIME, MODP_3072_PRIME } from './modp-primes.ts';

export type { DhGroup, DhKeyPair, DhPrivateKey, RandomSource } from './dh-types.ts';

export const DH_ID = { MODP_1024: 2, MODP_2048: 14, MODP_3072: 15, ECP_256: 19, CURVE25519: 31 } as const;

// Private exponent sizes: RFC 3526 §8's "Strength Estimate 2" exponent for groups 14 (320 bits) and 15 (420 bits,
// rounded up to 424); RFC 3526 has no row for the 1024-bit group 2, which gets a 256-bit exponent.
const GROUPS: ReadonlyMap<number, DhGroup> = new Map(
  [
    createModpGroup(DH_ID.MODP_1024, 'MODP-1024', MODP_1024_PRIME, 32),
    createModpGroup(DH_ID.MODP_2048, 'MODP-2048', MODP_2048_PRIME, 40),
    createModpGroup(DH_ID.MODP_3072, 'MODP-3072', MODP_3072_PRIME, 53),
    createEcp256Group(DH_ID.ECP_256),
    createX25519Group(DH_ID.CURVE25519),
  ].map((g) => [g.id, Object.freeze(g)]),
);

export function dhGroup(id: number): DhGroup {
  const g = GROUPS.get(id);
  if (!g) throw new CryptoError('UNSUPPORTED', `Diffie-Hellman group ${id}`);
  return g;
}

export const SUPPORTED_DH_GROUPS: readonly DhGroup[] = [...GROUPS.values()];
