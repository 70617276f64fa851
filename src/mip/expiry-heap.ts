/**
 * A binary min-heap of (deadline, key) pairs behind one `pollTimeout` (STYLE.md: many logical timers behind
 * one deadline). Entries are never removed from the middle: the owner re-checks each popped key against its
 * own state (lazy deletion) and calls `rebuild` when stale pairs pile up.
 */
export class ExpiryHeap {
  private times: number[] = [];
  private keys: string[] = [];

  get length(): number {
    return this.times.length;
  }

  push(time: number, key: string): void {
    const times = this.times;
    const keys = this.keys;
    let i = times.length;
    times.push(time);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  peekKey(): string | undefined {
    return this.keys[0];
  }

  pop(): void {
    const times = this.times;
    const keys = this.keys;
    const lastTime = times.pop();
    const lastKey = keys.pop();
    if (lastTime === undefined || lastKey === undefined || times.length === 0) return;
    const n = times.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && times[right]! < times[left]! ? right : left;
      if (times[child]! >= lastTime) break;
      times[i] = times[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    times[i] = lastTime;
    keys[i] = lastKey;
  }

  /** Replaces the content with `pairs` in O(n) (Floyd's heap construction). */
  rebuild(pairs: Iterable<readonly [number, string]>): void {
    const times: number[] = [];
    const keys: string[] = [];
    for (const [t, k] of pairs) {
      times.push(t);
      keys.push(k);
    }
    this.replace(times, keys);
  }

  /** Replaces the content with the pairs `(times[i], keys[i])` in O(n), taking the arrays over. */
  replace(times: number[], keys: string[]): void {
    if (times.length !== keys.length) throw new RangeError(`${times.length} deadlines for ${keys.length} keys`);
    this.times = times;
    this.keys = keys;
    for (let i = (times.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const times = this.times;
    const keys = this.keys;
    const n = times.length;
    const t = times[start]!;
    const k = keys[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && times[right]! < times[left]! ? right : left;
      if (times[child]! >= t) break;
      times[i] = times[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    times[i] = t;
    keys[i] = k;
  }
}
