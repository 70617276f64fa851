/** A min-heap of timed items; ties keep insertion order, so a simulation step is deterministic. */
export class EventQueue<T> {
  private readonly heap: { at: number; seq: number; item: T }[] = [];
  private seq = 0;

  get length(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const h = this.heap;
    const node = { at, seq: this.seq++, item };
    let i = h.length;
    h.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(node, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = node;
  }

  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  pop(): { at: number; item: T } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined) return undefined;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return { at: top.at, item: top.item };
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
