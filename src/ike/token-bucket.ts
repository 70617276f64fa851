/**
 * Token buckets keyed by a string (an identity, a source address), sans-I/O: the caller passes `now`. A bucket holds
 * at most `burst` tokens and gains `perMinute` tokens a minute; each admitted event takes one. The map is bounded: a
 * flood of distinct keys (spoofed sources) evicts the buckets that are full again first, then the oldest, so memory
 * stays at `maxKeys` buckets whatever arrives: the bucket created first goes (O(1); forgetting a key refills it, so
 * `maxKeys` must exceed the keys one attack can drain within a refill time).
 */

export interface TokenBucketConfig {
  /** Tokens a new or idle key may spend at once; 0 = the limit is off (every event admitted). */
  readonly burst: number;
  /** Tokens regained per minute. */
  readonly perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: TokenBucketConfig,
    private readonly maxKeys = 65_536,
  ) {}

  get enabled(): boolean {
    return this.config.burst > 0;
  }

  /** Takes one token for `key` at `now` (ms); false when the bucket is empty (the event is refused). */
  take(key: string, now: number): boolean {
    if (!this.enabled) return true;
    const b = this.refill(key, now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Tokens `key` has at `now` (for tests and status). */
  tokens(key: string, now: number): number {
    return this.enabled ? this.refill(key, now).tokens : Number.POSITIVE_INFINITY;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(key: string, now: number): Bucket {
    const { burst, perMinute } = this.config;
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
      return b;
    }
    if (now > b.at) {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perMinute) / 60_000);
      b.at = now;
    }
    return b;
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
