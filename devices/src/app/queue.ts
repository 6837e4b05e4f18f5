// Store-and-forward queue of samples: the newest in RAM, older ones spilled to flash in fixed
// blocks, bounded in total; when full, the oldest sample is evicted (and counted by the caller).
//
// Every sample gets a sequence number; the queue holds [headSeq, endSeq). Sequence space is cut
// into aligned blocks of `segmentSamples`: block i holds seqs [i·K, i·K + K). Full blocks live in
// flash under "rl.q<i mod maxSegments>"; the open block (the tail, < K samples) lives in RAM and
// is written to "rl.qt" by persist() (before deep sleep). "rl.qm" holds headSeq and flashEndSeq.
// Consuming only moves headSeq: samples below it in a block are dead and skipped on reading, so
// blocks stay aligned and each is written once. Write order (block, then meta, then tail) keeps
// the stored queue consistent if power is lost between writes: at worst the samples taken since
// the last persist() are lost, never duplicated (docs/firmware.md "The queue").
import { KeyValueStore, MAX_RECORD_BYTES, Runtime } from "./ports.js"
import { RecordReader, RecordWriter } from "./record.js"
import { QueuedSample, readSample, SAMPLE_RECORD_BYTES, writeSample } from "./sample.js"

export interface QueueOptions {
    /** Samples per flash block: (200 − 4) / 14 = 14 fit one settings record. */
    segmentSamples: number
    /** Flash blocks; capacity = segmentSamples × maxSegments samples. */
    maxSegments: number
}

/** 14 × 72 = 1 008 samples: 7 days at the default 10-minute interval, 14 KB of flash. */
export const DEFAULT_QUEUE_OPTIONS: QueueOptions = { segmentSamples: 14, maxSegments: 72 }

const META_KEY = "rl.qm"
const TAIL_KEY = "rl.qt"
const SEGMENT_KEY_PREFIX = "rl.q"
const META_VERSION = 1
/** Loaded blocks kept in RAM for packing. */
const CACHE_SEGMENTS = 3
const SEQ_BYTES = 4

interface CachedSegment {
    index: number
    samples: QueuedSample[]
}

export class SampleQueue {
    private store: KeyValueStore
    private runtime: Runtime
    private k: number
    private maxSegments: number
    private headSeq: number
    private flashEndSeq: number
    private tail: QueuedSample[]
    private cache: CachedSegment[]
    private lost: number

    constructor(store: KeyValueStore, runtime: Runtime, options?: QueueOptions) {
        const o = options ? options : DEFAULT_QUEUE_OPTIONS
        if (SEQ_BYTES + o.segmentSamples * SAMPLE_RECORD_BYTES > MAX_RECORD_BYTES) throw new RangeError("a queue block must fit " + MAX_RECORD_BYTES + " bytes")
        this.store = store
        this.runtime = runtime
        this.k = o.segmentSamples
        this.maxSegments = o.maxSegments
        this.headSeq = 0
        this.flashEndSeq = 0
        this.tail = []
        this.cache = []
        this.lost = 0
    }

    length(): number {
        return this.flashEndSeq + this.tail.length - this.headSeq
    }

    capacity(): number {
        return this.k * this.maxSegments
    }

    /** Restores the queue from flash. Returns how many samples were lost to damaged records. */
    async load(): Promise<number> {
        this.headSeq = 0
        this.flashEndSeq = 0
        this.tail = []
        this.cache = []
        const meta = await this.store.read(META_KEY)
        if (meta !== null) {
            const r = new RecordReader(meta)
            const version = r.u8()
            const head = r.u32()
            const flashEnd = r.u32()
            // headSeq may be inside the tail block (samples consumed from RAM), hence + k.
            if (!r.overrun && version === META_VERSION && flashEnd % this.k === 0 && head <= flashEnd + this.k && flashEnd - head <= this.capacity()) {
                this.headSeq = head
                this.flashEndSeq = flashEnd
            }
        }
        const tail = await this.store.read(TAIL_KEY)
        if (tail !== null) {
            const r = new RecordReader(tail)
            const first = r.u32()
            // A tail written before its block was spilled (first < flashEndSeq) is stale: skip it.
            if (first === this.flashEndSeq) {
                while (r.remaining() >= SAMPLE_RECORD_BYTES && this.tail.length < this.k - 1) this.tail.push(readSample(r))
            }
        }
        if (this.headSeq > this.flashEndSeq + this.tail.length) this.headSeq = this.flashEndSeq + this.tail.length
        // Check the oldest block now, so that a damaged head shows at boot rather than at packing.
        await this.skipDamagedHead()
        return this.takeLost()
    }

    /** Samples lost to missing or damaged flash blocks since the last call (counted as dropped). */
    takeLost(): number {
        const n = this.lost
        this.lost = 0
        return n
    }

    /** Adds the newest sample; returns 1 if the oldest had to be evicted to make room, else 0. */
    async push(s: QueuedSample): Promise<number> {
        let evicted = 0
        if (this.length() >= this.capacity()) {
            this.headSeq++
            evicted = 1
        }
        this.tail.push(s)
        if (this.tail.length === this.k) await this.spill()
        return evicted
    }

    /**
     * The oldest `n` samples (fewer if the queue is shorter), oldest first. A damaged block ends the
     * list; the next call skips it (its samples are counted by takeLost()).
     */
    async peek(n: number): Promise<QueuedSample[]> {
        await this.skipDamagedHead()
        const out: QueuedSample[] = []
        const end = this.flashEndSeq + this.tail.length
        for (let seq = this.headSeq; seq < end && out.length < n; seq++) {
            if (seq >= this.flashEndSeq) {
                out.push(this.tail[seq - this.flashEndSeq])
                continue
            }
            const index = this.blockOf(seq)
            const block = await this.segment(index)
            if (block === null) break
            out.push(block[seq - index * this.k])
            if ((out.length & 31) === 0) await this.runtime.yieldNow()
        }
        return out
    }

    /** The newest sample's time, or null when empty. */
    async newestTimeS(): Promise<number | null> {
        if (this.length() === 0) return null
        if (this.tail.length > 0) return this.tail[this.tail.length - 1].timeS
        const block = await this.segment(this.blockOf(this.flashEndSeq - 1))
        return block === null ? null : block[this.k - 1].timeS
    }

    /** Removes the oldest `n` samples (sent, expired or evicted) and records it in flash. */
    async consume(n: number): Promise<void> {
        const take = n < this.length() ? n : this.length()
        this.headSeq += take
        this.dropDeadCache()
        await this.writeMeta()
    }

    /** Empties the queue (downlink clearQueue); nothing is counted as evicted. */
    async clear(): Promise<void> {
        await this.consume(this.length())
    }

    /** Writes the RAM tail and the meta record: call before deep sleep or reboot. */
    async persist(): Promise<void> {
        await this.writeMeta()
        const w = new RecordWriter().u32(this.flashEndSeq)
        for (let i = 0; i < this.tail.length; i++) writeSample(w, this.tail[i])
        await this.store.write(TAIL_KEY, w.bytes)
    }

    /** Moves headSeq past blocks that cannot be read, so that a damaged block never blocks the queue. */
    private async skipDamagedHead(): Promise<void> {
        while (this.headSeq < this.flashEndSeq && (await this.segment(this.blockOf(this.headSeq))) === null) {
            const next = (this.blockOf(this.headSeq) + 1) * this.k
            this.lost += next - this.headSeq
            this.headSeq = next
        }
    }

    private blockOf(seq: number): number {
        return Math.floor(seq / this.k)
    }

    private slotKey(index: number): string {
        return SEGMENT_KEY_PREFIX + (index % this.maxSegments)
    }

    /** Moves the full tail block to flash (unless it was already consumed entirely). */
    private async spill(): Promise<void> {
        const index = this.blockOf(this.flashEndSeq)
        const block = this.tail
        if (this.headSeq < this.flashEndSeq + this.k) {
            const w = new RecordWriter().u32(this.flashEndSeq)
            for (let i = 0; i < block.length; i++) writeSample(w, block[i])
            await this.store.write(this.slotKey(index), w.bytes)
            this.remember(index, block)
        }
        this.flashEndSeq += this.k
        this.tail = []
        await this.writeMeta()
    }

    private async writeMeta(): Promise<void> {
        await this.store.write(META_KEY, new RecordWriter().u8(META_VERSION).u32(this.headSeq).u32(this.flashEndSeq).bytes)
    }

    /** Block `index` from the cache or flash; null when missing or damaged. */
    private async segment(index: number): Promise<QueuedSample[] | null> {
        for (let i = 0; i < this.cache.length; i++) if (this.cache[i].index === index) return this.cache[i].samples
        const bytes = await this.store.read(this.slotKey(index))
        if (bytes === null || bytes.length !== SEQ_BYTES + this.k * SAMPLE_RECORD_BYTES) return null
        const r = new RecordReader(bytes)
        if (r.u32() !== index * this.k) return null
        const samples: QueuedSample[] = []
        for (let i = 0; i < this.k; i++) samples.push(readSample(r))
        this.remember(index, samples)
        return samples
    }

    private remember(index: number, samples: QueuedSample[]): void {
        this.cache.push({ index: index, samples: samples })
        if (this.cache.length > CACHE_SEGMENTS) this.cache.shift()
    }

    private dropDeadCache(): void {
        const headBlock = this.blockOf(this.headSeq)
        const kept: CachedSegment[] = []
        for (let i = 0; i < this.cache.length; i++) if (this.cache[i].index >= headBlock) kept.push(this.cache[i])
        this.cache = kept
    }
}
