/** A FIFO that hands out items one at a time without shifting arrays (the engine's poll outputs). */
export class PollQueue<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  poll(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return item;
  }
}

/** Allows one event per interval (RFC 7296 §2.21.4: unprotected answers to unknown peers are rate-limited). */
export class RateLimit {
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  allow(now: number): boolean {
    if (now < this.nextAt) return false;
    this.nextAt = now + this.intervalMs;
    return true;
  }
}
