/**
 * The receiver's anti-replay window (RFC 4303 §3.4.3, Appendix A2) as a ring of bits: bit `seq mod W` stands for
 * sequence number `seq` while it lies in [T − W + 1, T], T being the highest authenticated number. Moving the
 * right edge clears whole 32-bit words where it can (the RFC 6479 layout), so a check or an update costs O(1)
 * words in the common case of in-order arrival.
 *
 * Sequence numbers here are full numbers: the 32-bit field, or with ESN the 64-bit counter rebuilt by
 * `inferSequence` (JS numbers, exact below 2^53; see constants.ts).
 */
import { DEFAULT_REPLAY_WINDOW, MAX_REPLAY_WINDOW, MIN_REPLAY_WINDOW } from './constants.ts';

const TWO_32 = 0x1_0000_0000;

export class ReplayWindow {
  /** W: how many sequence numbers below and including T are remembered. */
  readonly size: number;
  /** False when the receiver disabled anti-replay (RFC 4303 §3.4.3): no checks, T is still tracked for ESN. */
  readonly enabled: boolean;
  private readonly bits: Uint32Array;
  private top = 0;

  /**
   * `size` 0 disables anti-replay; otherwise a multiple of 32 in [32, 65536] (RangeError: a configuration bug).
   * A disabled window still infers ESN high bits with the default width.
   */
  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    if (
      size !== 0 &&
      (!Number.isInteger(size) || size % 32 !== 0 || size < MIN_REPLAY_WINDOW || size > MAX_REPLAY_WINDOW)
    ) {
      throw new RangeError(`replay window ${size} is not 0 or a multiple of 32 in [32, 65536]`);
    }
    this.enabled = size !== 0;
    this.size = this.enabled ? size : DEFAULT_REPLAY_WINDOW;
    this.bits = new Uint32Array(this.enabled ? size / 32 : 0);
  }

  /** T, the highest sequence number received and authenticated so far (0 before the first). */
  get highest(): number {
    return this.top;
  }

  /**
   * The full sequence number of a packet carrying `low` (RFC 4303 Appendix A2.2). Without ESN it is `low`.
   * With ESN the high half is T's, one more when `low` lies below the window (the counter moved to the next
   * 2^32 subspace), one less when the window straddles a subspace boundary and `low` lies in its older part.
   * Returns -1 when that would be below 0 (no such packet can have been sent).
   */
  inferSequence(low: number, esn: boolean): number {
    if (!esn) return low;
    const w = this.size;
    const tl = this.top % TWO_32;
    const th = Math.floor(this.top / TWO_32);
    let high: number;
    if (tl >= w - 1) {
      high = low >= tl - w + 1 ? th : th + 1; // Case A: the window sits inside one subspace
    } else {
      high = low >= tl - w + 1 + TWO_32 ? th - 1 : th; // Case B: Bl wrapped into the previous subspace
    }
    return high < 0 ? -1 : high * TWO_32 + low;
  }

  /**
   * The preliminary check (RFC 4303 §3.4.3): may a packet with `seq` go on to integrity verification? False for
   * numbers never sent (0, negative), left of the window, or already seen. Changes nothing.
   */
  check(seq: number): boolean {
    if (!this.enabled) return true;
    if (seq <= 0) return false;
    if (seq > this.top) return true;
    if (seq <= this.top - this.size) return false;
    const i = seq % this.size;
    return (this.bits[i >>> 5]! & (1 << (i & 31))) === 0;
  }

  /**
   * Records `seq` after its packet was authenticated (RFC 4303 §3.4.3: the window moves only then). A number
   * right of T moves the right edge, forgetting what falls off the left. The caller ran `check` first.
   */
  accept(seq: number): void {
    if (seq > this.top) {
      if (this.enabled) this.advance(seq);
      this.top = seq;
    }
    if (this.enabled) {
      const i = seq % this.size;
      this.bits[i >>> 5]! |= 1 << (i & 31);
    }
  }

  /** Clears the bits of T+1 … seq, which now stand for numbers not yet received. */
  private advance(seq: number): void {
    const bits = this.bits;
    let count = seq - this.top;
    if (count >= this.size) {
      bits.fill(0);
      return;
    }
    let i = (this.top + 1) % this.size;
    while (count > 0) {
      if ((i & 31) === 0 && count >= 32) {
        bits[i >>> 5] = 0;
        i += 32;
        count -= 32;
      } else {
        bits[i >>> 5]! &= ~(1 << (i & 31));
        i++;
        count--;
      }
      if (i === this.size) i = 0;
    }
  }
}
