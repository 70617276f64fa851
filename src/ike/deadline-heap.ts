/**
 * A binary min-heap of deadlines with lazy removal: an entry is stale when its item moved its deadline since, so
 * rescheduling is a push and thousands of SAs cost O(log n) per change rather than a scan per poll.
 */
export interface Scheduled {
  scheduledAt: number;
  readonly dead: boolean;
}

interface Entry<T> {
  readonly at: number;
  readonly item: T;
}

export class DeadlineHeap<T extends Scheduled> {
  private readonly heap: Entry<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** Files `item` at `at` (its `scheduledAt` must already say `at`). */
  push(item: T, at: number): void {
    const h = this.heap;
    h.push({ at, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= at) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = { at, item };
  }

  private isStale(e: Entry<T>): boolean {
    return e.item.dead || e.item.scheduledAt !== e.at;
  }

  /** The earliest live deadline. */
  peek(): number | undefined {
    while (this.heap.length > 0 && this.isStale(this.heap[0]!)) this.pop();
    return this.heap[0]?.at;
  }

  /** Removes and returns every live item due at `now`. */
  takeDue(now: number): T[] {
    const due: T[] = [];
    for (;;) {
      const at = this.peek();
      if (at === undefined || at > now) return due;
      const e = this.pop()!;
      e.item.scheduledAt = Number.POSITIVE_INFINITY;
      due.push(e.item);
    }
  }

  private pop(): Entry<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.at < h[l]!.at ? r : l;
      if (h[c]!.at >= last.at) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}
