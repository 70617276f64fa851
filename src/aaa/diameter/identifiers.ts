/**
 * Hop-by-Hop and End-to-End Identifiers (RFC 6733 §3) and Session-Ids (§8.8), from injected time and randomness.
 */

export type RandomU32 = () => number;

/** Turns an injected `random(n)` byte source into 32-bit numbers. */
export function randomU32From(random: (n: number) => Uint8Array): RandomU32 {
  return () => {
    const b = random(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  };
}

export class IdentifierAllocator {
  private hop: number;
  private e2e: number;

  /**
   * §3: Hop-by-Hop "SHOULD" start random and increase monotonically; End-to-End's high 12 bits are the low 12
   * bits of the current time (seconds), its low 20 bits random at start-up, then it increases.
   */
  constructor(nowMs: number, random: RandomU32) {
    this.hop = random();
    this.e2e = ((((nowMs / 1000) >>> 0) & 0xfff) << 20) | (random() & 0xfffff);
  }

  next(): { hopByHop: number; endToEnd: number } {
    this.hop = (this.hop + 1) >>> 0;
    this.e2e = (this.e2e + 1) >>> 0;
    return { hopByHop: this.hop, endToEnd: this.e2e };
  }
}

/**
 * Session-Id (§8.8): `<DiameterIdentity>;<high 32 bits>;<low 32 bits>[;<optional value>]`, globally and eternally
 * unique. The high part is the start-up time in seconds (as §8.8 suggests), the low part a counter.
 */
export class SessionIdGenerator {
  private low = 0;
  private readonly high: number;

  constructor(
    private readonly originHost: string,
    nowMs: number,
  ) {
    this.high = (nowMs / 1000) >>> 0;
  }

  next(optional?: string): string {
    this.low = (this.low + 1) >>> 0;
    const base = `${this.originHost};${this.high};${this.low}`;
    return optional === undefined ? base : `${base};${optional}`;
  }
}
