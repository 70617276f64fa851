/**
 * Copying bytes. `Uint8Array.prototype.slice` copies but `Buffer.prototype.slice` returns a view, and any
 * Uint8Array that came from a socket, a file or `node:crypto` is a Buffer; so the project never calls `.slice`
 * on bytes (test/lint/byte-slice.test.ts enforces it): `.subarray()` for a view, `copyBytes()` for a copy.
 */

/**
 * A copy of `bytes[start, end)` in a fresh, plain Uint8Array (never a Buffer, so a later view of it cannot be
 * mistaken for a copy either). `start` and `end` follow `subarray`: defaults 0 and length, negative counts from
 * the end.
 */
export function copyBytes(bytes: Uint8Array, start?: number, end?: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.subarray(start, end));
}
