/**
 * Diameter over a byte stream (TCP, RFC 6733 §2.1): messages follow each other with no other framing, so a
 * segment may hold part of a message or several. `push` takes whatever the socket read and returns the whole
 * messages completed so far (copies, safe to keep). A header that cannot be a Diameter header (version ≠ 1,
 * a length below 20, not a multiple of 4, above the limit) throws a WireError: there is no way to find the next
 * message boundary, so the connection must be closed (RFC 6733 §3 gives no resynchronisation).
 */
import { Reader } from '../../util/reader.ts';
import { DIAMETER_HEADER_LENGTH } from './constants.ts';
import { failAt, peekDiameterLength } from './message.ts';

/** Large enough for any EAP exchange (EAP-TLS fragments stay under 64 KiB); bounds memory per connection. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;

export class DiameterReassembler {
  private buf = new Uint8Array(0);
  /** Bytes of the stream before `buf[0]`, for error offsets. */
  private consumed = 0;

  constructor(private readonly maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH) {}

  /** Bytes held of a message not yet complete. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const data = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
    const out: Uint8Array[] = [];
    let pos = 0;
    while (data.length - pos >= 4) {
      const r = new Reader(data, 'diameter', pos, data.length, this.consumed);
      const length = peekDiameterLength(r);
      if (length > this.maxMessageLength) {
        failAt(
          'BAD_LENGTH',
          `Message Length ${length} is above the limit ${this.maxMessageLength}`,
          this.consumed + pos + 1,
        );
      }
      if (data.length - pos < Math.max(length, DIAMETER_HEADER_LENGTH)) break;
      out.push(new Uint8Array(data.subarray(pos, pos + length)));
      pos += length;
    }
    this.consumed += pos;
    // Keep only the unfinished tail, as a copy: `chunk` may be a socket buffer the caller reuses.
    this.buf = pos === data.length ? new Uint8Array(0) : new Uint8Array(data.subarray(pos));
    return out;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
