/**
 * Randomness for retransmission jitter, drawn from the injected source (STYLE.md: a core reads no global random source).
 * RFC 8415 §15 and RFC 2131 §4.1 need no cryptographic quality, only a uniform spread.
 */
import type { RandomSource } from '../crypto/dh-types.ts';

export type { RandomSource };

/** A uniform value in [0, 1) from 32 random bits. */
export function uniformUnit(random: RandomSource): number {
  const b = random(4);
  if (b.length < 4) throw new RangeError('random source returned fewer than 4 bytes');
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 0x1_0000_0000;
}

/** A uniform value in [low, high). */
export function uniformBetween(random: RandomSource, low: number, high: number): number {
  return low + (high - low) * uniformUnit(random);
}

/** An unsigned integer of `bytes` random octets (1..6), e.g. a 24-bit transaction-id (RFC 8415 §16.1). */
export function randomUint(random: RandomSource, bytes: number): number {
  const b = random(bytes);
  if (b.length < bytes) throw new RangeError(`random source returned fewer than ${bytes} bytes`);
  let v = 0;
  for (let i = 0; i < bytes; i++) v = v * 256 + b[i]!;
  return v;
}
