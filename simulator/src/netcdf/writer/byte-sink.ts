/** A growable big-endian byte buffer for building the header. */
export class ByteSink {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  uint32(x: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, x);
    this.length += 4;
  }

  uint64(x: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(x));
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Null bytes up to the next 4-byte boundary (header padding). */
  pad4(): void {
    const n = (4 - (this.length % 4)) % 4;
    this.reserve(n);
    this.bytes.fill(0, this.length, this.length + n);
    this.length += n;
  }

  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
