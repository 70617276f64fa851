/**
 * A small seeded pseudo-random source (mulberry32: 32-bit state, full period 2^32) so a simulation with
 * the same seed replays the same losses, duplicates and delays. Not for cryptography.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** An integer in [0, bound). */
  int(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0) throw new RangeError(`bound must be a positive integer, got ${bound}`);
    return Math.floor(this.next() * bound);
  }

  /** True with probability `p` (0 never draws, so a loss-free link consumes no randomness). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /** An independent stream derived from this one (for a sub-component that must not shift the others). */
  fork(): SeededRandom {
    return new SeededRandom(this.nextU32());
  }
}
