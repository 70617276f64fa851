/**
 * A cursor that writes into a buffer sized up front from the codec's `xLength(value)`.
 * Writing past the end is a programming error (the length function disagrees with the emitter),
 * so it throws a RangeError rather than a WireError.
 */
export class Writer {
  private pos = 0;

  constructor(readonly buf: Uint8Array) {}

  static alloc(n: number): Writer {
    return new Writer(new Uint8Array(n));
  }

  get offset(): number {
    return this.pos;
  }

  private room(n: number): number {
    const p = this.pos;
    if (p + n > this.buf.length) throw new RangeError(`Writer overflow: ${p}+${n} > ${this.buf.length}`);
    this.pos = p + n;
    return p;
  }

  u8(v: number): this {
    const p = this.room(1);
    this.buf[p] = v;
    return this;
  }

  u16(v: number): this {
    const p = this.room(2);
    this.buf[p] = v >>> 8;
    this.buf[p + 1] = v;
    return this;
  }

  u24(v: number): this {
    const p = this.room(3);
    this.buf[p] = v >>> 16;
    this.buf[p + 1] = v >>> 8;
    this.buf[p + 2] = v;
    return this;
  }

  u32(v: number): this {
    const p = this.room(4);
    this.buf[p] = v >>> 24;
    this.buf[p + 1] = v >>> 16;
    this.buf[p + 2] = v >>> 8;
    this.buf[p + 3] = v;
    return this;
  }

  bytes(b: Uint8Array): this {
    const p = this.room(b.length);
    this.buf.set(b, p);
    return this;
  }

  zeros(n: number): this {
    const p = this.room(n);
    this.buf.fill(0, p, p + n);
    return this;
  }

  /** Reserve `n` bytes to fill later (e.g. a length or checksum); returns their offset. */
  reserve(n: number): number {
    const p = this.room(n);
    this.buf.fill(0, p, p + n);
    return p;
  }

  patchU16(at: number, v: number): void {
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
  }

  patchU32(at: number, v: number): void {
    this.buf[at] = v >>> 24;
    this.buf[at + 1] = v >>> 16;
    this.buf[at + 2] = v >>> 8;
    this.buf[at + 3] = v;
  }

  /** The bytes written so far (a view). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Asserts the buffer was filled exactly; a mismatch means `xLength` and `emitX` disagree. */
  finish(): Uint8Array {
    if (this.pos !== this.buf.length) throw new RangeError(`Writer underfill: wrote ${this.pos} of ${this.buf.length}`);
    return this.buf;
  }
}

/** Builds `length(value)` bytes and runs `emit` into them: the usual one-shot encoder. */
export function encodeWith<T>(value: T, length: (v: T) => number, emit: (v: T, w: Writer) => void): Uint8Array {
  const w = Writer.alloc(length(value));
  emit(value, w);
  return w.finish();
}
