// A Map whose oldest entry is found in O(1), for the bounded memories of the ingest path (the
// de-duplicator's flushed frames, the stored uplink of each dedup id).
//
// Why not `map.keys().next()` on a plain Map: V8 leaves a deleted entry as a hole in the Map's
// backing store until the next rehash, and an iterator starts at the first slot and steps over
// every hole. Evicting the oldest entry of a full 100 000-entry Map that way skips up to the ~30 000
// holes earlier evictions left: measured 8–80 µs per eviction instead of ~0.2 µs, which made the
// ingest batch time grow with the uplinks seen (issue #10, docs/operations.md "Soak"). Here the
// insertion order is kept in a queue of its own, so finding the oldest never walks the Map.
//
// set() of a key already present replaces its value and makes it the newest (as delete + set on
// a Map). Keys deleted or re-set leave stale slots in the queue; they are skipped when they reach
// its head, and the queue is rebuilt when they outnumber the live entries.

export class FifoMap<K, V> {
  private readonly entries = new Map<K, { value: V; seq: number }>()
  /** Keys in insertion order from `head` on, with the seq they were set with (stale if it changed). */
  private keys: (K | undefined)[] = []
  private seqs: number[] = []
  private head = 0
  private nextSeq = 0

  get size(): number {
    return this.entries.size
  }

  has(key: K): boolean {
    return this.entries.has(key)
  }

  get(key: K): V | undefined {
    return this.entries.get(key)?.value
  }

  /** Adds the entry, or replaces it; either way it becomes the newest. */
  set(key: K, value: V): this {
    const seq = this.nextSeq++
    const had = this.entries.has(key)
    this.entries.set(key, { value, seq })
    this.keys.push(key)
    this.seqs.push(seq)
    if (had && this.keys.length - this.head > 2 * this.entries.size + 1024) this.rebuild()
    return this
  }

  delete(key: K): boolean {
    const deleted = this.entries.delete(key)
    if (deleted && this.keys.length - this.head > 2 * this.entries.size + 1024) this.rebuild()
    return deleted
  }

  /** The oldest entry, or undefined when empty. */
  oldest(): [K, V] | undefined {
    this.skipStale()
    if (this.head === this.keys.length) return undefined
    const key = this.keys[this.head] as K
    return [key, this.entries.get(key)!.value]
  }

  /** Removes and returns the oldest entry, or undefined when empty. */
  shift(): [K, V] | undefined {
    const first = this.oldest()
    if (first === undefined) return undefined
    this.entries.delete(first[0])
    this.keys[this.head] = undefined
    this.head++
    this.compact()
    return first
  }

  /** Queue slots held, stale ones included (tests check that it stays bounded). */
  get slots(): number {
    return this.keys.length - this.head
  }

  clear(): void {
    this.entries.clear()
    this.keys = []
    this.seqs = []
    this.head = 0
  }

  private isLive(i: number): boolean {
    return this.entries.get(this.keys[i] as K)?.seq === this.seqs[i]
  }

  private skipStale(): void {
    while (this.head < this.keys.length && !this.isLive(this.head)) {
      this.keys[this.head] = undefined
      this.head++
    }
    this.compact()
  }

  /** Drops the consumed front of the queue once it is most of it (amortised O(1)). */
  private compact(): void {
    if (this.head >= 1024 && this.head * 2 >= this.keys.length) {
      this.keys = this.keys.slice(this.head)
      this.seqs = this.seqs.slice(this.head)
      this.head = 0
    }
  }

  /** Keeps only the live slots (after many deletes or re-sets). */
  private rebuild(): void {
    const keys: K[] = []
    const seqs: number[] = []
    for (let i = this.head; i < this.keys.length; i++) {
      if (this.isLive(i)) {
        keys.push(this.keys[i] as K)
        seqs.push(this.seqs[i]!)
      }
    }
    this.keys = keys
    this.seqs = seqs
    this.head = 0
  }
}
