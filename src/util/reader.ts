import { copyBytes } from './bytes.ts';
import { WireError, type WireErrorCode, type WireLayer } from './errors.ts';

/**
 * A bounded cursor over a byte buffer (STYLE.md codec rules).
 *
 * Every read checks its bounds and throws a WireError carrying the layer and the absolute offset.
 * `sub(len)` hands out a child reader that cannot read past a TLV's declared length, so a decoder
 * of nested items can never overrun its container. Reads of byte runs return views (no copy);
 * callers that keep bytes beyond the packet's life copy them (`bytesCopy`).
 */
export class Reader {
  private pos: number;

  constructor(
    readonly buf: Uint8Array,
    readonly layer: WireLayer,
    private readonly start = 0,
    private readonly end = buf.length,
    /** Offset of `buf[0]` within the outermost buffer, for error reports. */
    private readonly base = 0,
  ) {
    this.pos = start;
  }

  static of(bytes: Uint8Array, layer: WireLayer, base = 0): Reader {
    return new Reader(bytes, layer, 0, bytes.length, base);
  }

  /** Offset relative to this reader's first byte. */
  get offset(): number {
    return this.pos - this.start;
  }

  /** Absolute offset in the outermost buffer (for errors and dissection). */
  get absoluteOffset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get length(): number {
    return this.end - this.start;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(code: WireErrorCode, detail: string, at = this.pos): never {
    throw new WireError(code, this.layer, this.base + at, detail);
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      this.fail('TRUNCATED', `${what}: need ${n} bytes, have ${this.end - this.pos}`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'u16'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u24(what = 'u24'): number {
    this.need(3, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32(what = 'u32'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** Peek at a byte `ahead` positions on without consuming it. */
  peekU8(ahead = 0, what = 'peek'): number {
    this.need(ahead + 1, what);
    return this.buf[this.pos + ahead]!;
  }

  /** A view of the next `n` bytes (shares memory with the input). */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  /** A copy of the next `n` bytes, safe to keep after the packet buffer is reused. */
  bytesCopy(n: number, what = 'bytes'): Uint8Array {
    return copyBytes(this.bytes(n, what));
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  skipBytes(n: number, what = 'skip'): void {
    this.need(n, what);
    this.pos += n;
  }

  /**
   * A child reader over the next `n` bytes; this reader moves past them.
   * The child reports errors with absolute offsets and may name another layer.
   */
  sub(n: number, what = 'sub', layer: WireLayer = this.layer): Reader {
    this.need(n, what);
    const p = this.pos;
    this.pos = p + n;
    return new Reader(this.buf, layer, p, p + n, this.base);
  }

  /** Fails with TRAILING_DATA unless every byte was consumed. */
  expectEnd(what = 'message'): void {
    if (this.pos !== this.end) this.fail('TRAILING_DATA', `${what}: ${this.end - this.pos} unexpected trailing bytes`);
  }
}
