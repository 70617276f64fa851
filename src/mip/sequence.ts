/**
 * Binding Update sequence numbers: a free-running 16-bit counter compared modulo 2^16 (RFC 6275 §9.5.1).
 */

export const SEQUENCE_MODULUS = 0x10000;

/** The sequence number after `sequence`, wrapping at 2^16 (RFC 6275 §11.8: retransmissions use a larger one). */
export function nextSequence(sequence: number): number {
  return (sequence + 1) & 0xffff;
}

/**
 * True when `received` is greater than `last` modulo 2^16. RFC 6275 §9.5.1: a number is "less than or
 * equal" to the last one when it lies in the range of the last number and the 32768 values before it,
 * so with last = 15, 0..15 and 32783..65535 are stale and 16..32782 are newer.
 */
export function isSequenceNewer(received: number, last: number): boolean {
  const distance = (received - last) & 0xffff;
  return distance !== 0 && distance < 0x8000;
}

/** True when `sequence` lies in the wrapping range [first, last] (both sent by us for one BU). */
export function isSequenceInRange(sequence: number, first: number, last: number): boolean {
  return ((sequence - first) & 0xffff) <= ((last - first) & 0xffff);
}
