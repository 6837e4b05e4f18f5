// A binary min-heap of timed events, ties broken by insertion order so a replay is deterministic.

interface Entry<T> {
  atMs: number;
  /** Lower runs first among equal times (transmissions before forwards). */
  priority: number;
  seq: number;
  value: T;
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, priority: number, value: T): void {
    const e = { atMs, priority, seq: this.seq++, value };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  peekTime(): number | undefined {
    return this.heap[0]?.atMs;
  }

  pop(): { atMs: number; value: T } | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return { atMs: top.atMs, value: top.value };
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    if (a.atMs !== b.atMs) return a.atMs < b.atMs;
    if (a.priority !== b.priority) return a.priority < b.priority;
    return a.seq < b.seq;
  }
}
