/**
 * IMSI → row number for a million subscribers without a million strings: each IMSI becomes one exact number
 * (its value, plus a band per digit count so that "001…" and "01…" differ), kept in an open-addressing hash
 * table of two typed arrays. Build and lookup are O(1) per IMSI, and the table takes 12 bytes per slot.
 */

/** IMSIs have 6 to 15 digits (TS 23.003 §2.2); 15 − length selects a band of 10^15 values. Max < 2^53. */
const BAND = 1e15;
const EMPTY = -1;

/** The key of an IMSI given as text (6–15 digits), or undefined for anything else. */
export function imsiKey(imsi: string): number | undefined {
  const n = imsi.length;
  if (n < 6 || n > 15) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = imsi.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v + (15 - n) * BAND;
}

/** The key of the IMSI in `bytes[start, start + length)` (digits already checked, length 6–15). */
export function imsiKeyOfBytes(bytes: Uint8Array, start: number, length: number): number {
  let v = 0;
  for (let i = start; i < start + length; i++) v = v * 10 + bytes[i]! - 0x30;
  return v + (15 - length) * BAND;
}

export function imsiOfKey(key: number): string {
  const band = Math.floor(key / BAND);
  return (key - band * BAND).toString().padStart(15 - band, '0');
}

export class ImsiIndex {
  private keys = new Float64Array(1024).fill(EMPTY);
  private rows = new Int32Array(1024);
  private used = 0;

  get size(): number {
    return this.used;
  }

  get(key: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const k = this.keys[slot]!;
      if (k === key) return this.rows[slot];
      if (k === EMPTY) return undefined;
    }
  }

  /** False when the key is already there (the row is not changed). */
  add(key: number, row: number): boolean {
    if (2 * (this.used + 1) > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const k = this.keys[slot]!;
      if (k === key) return false;
      if (k === EMPTY) {
        this.keys[slot] = key;
        this.rows[slot] = row;
        this.used++;
        return true;
      }
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    this.keys = new Float64Array(oldKeys.length * 2).fill(EMPTY);
    this.rows = new Int32Array(oldKeys.length * 2);
    this.used = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.add(oldKeys[i]!, oldRows[i]!);
  }
}

/** Mixes both halves of the 53-bit key (consecutive IMSIs must not land in consecutive slots' clusters). */
function hash(key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) ^ (lo >>> 15)) >>> 0;
}
