/**
 * Zeroed bytes for an outgoing packet. V8 keeps a typed array of at most 64 bytes inside its heap and allocates
 * anything larger outside it, about ten times slower and with more work for every garbage collection; a busy HA
 * builds one such packet per BA. So packets of a few hundred bytes are carved from a shared 8 KiB ArrayBuffer,
 * as Node's own Buffer pool does: each is an ordinary Uint8Array with its own byteOffset, regions are never
 * handed out twice (a fresh buffer is zero-filled), and a buffer is freed once its last packet is.
 */

const IN_HEAP_MAX = 64; // V8's typed_array_max_size_in_heap
const SLAB_BYTES = 8192;
const SLAB_MAX_PACKET = 512;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** `n` zero bytes, for a packet the caller fills. */
export function packetBytes(n: number): Uint8Array {
  if (n <= IN_HEAP_MAX || n > SLAB_MAX_PACKET) return new Uint8Array(n);
  if (used + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, n);
  used += (n + 7) & ~7; // 8-byte aligned starts
  return out;
}
