/**
 * The FIPS 186-2 (change notice 1) pseudo-random function as RFC 4187 Appendix A uses it for EAP-AKA keys
 * (and RFC 4186 §7 for EAP-SIM): b = 160, XSEED = 0, the "mod q" step omitted, and G = the bare SHA-1
 * compression function. Node exposes only padded SHA-1, so the compression function is written out here.
 */

import { copyBytes } from '../util/bytes.ts';
import { expectLength } from './errors.ts';

/** The SHA-1 initial hash value H0 … H4 (FIPS 180-2 §5.3.1), which is also the PRF's t (RFC 4187 App. A step 2). */
export const SHA1_IV: readonly number[] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

const W = new Int32Array(80);

/** Applies the SHA-1 compression function (FIPS 180-2 §6.1.2 step 1–4) to `state` with the 64-byte block at `offset`. */
export function sha1Compress(state: Uint32Array, block: Uint8Array, offset = 0): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    W[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = state[0]! | 0;
  let b = state[1]! | 0;
  let c = state[2]! | 0;
  let d = state[3]! | 0;
  let e = state[4]! | 0;
  for (let i = 0; i < 80; i++) {
    let f: number;
    let k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
  state[4] = state[4]! + e;
}

/** G(t, c) of FIPS 186-2 App. 3.3 with t = SHA1_IV: one compression of c zero-padded to 64 bytes, no length padding. */
function g(xval: Uint8Array, out: Uint8Array, outOffset: number): void {
  const block = new Uint8Array(64);
  block.set(xval);
  const state = Uint32Array.from(SHA1_IV);
  sha1Compress(state, block);
  for (let i = 0; i < 5; i++) {
    const v = state[i]!;
    const o = outOffset + 4 * i;
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
}

/** XKEY = (1 + XKEY + w) mod 2^160, big-endian 20-byte numbers (RFC 4187 App. A step 3.2 c). */
function addOneAndW(xkey: Uint8Array, w: Uint8Array, wOffset: number): void {
  let carry = 1;
  for (let i = 19; i >= 0; i--) {
    const s = xkey[i]! + w[wOffset + i]! + carry;
    xkey[i] = s & 0xff;
    carry = s >>> 8;
  }
}

/**
 * The PRF output for seed key `xkey` (20 bytes, e.g. MK): 40 bytes (w_0 ‖ w_1) per round j, cut to `length`.
 * EAP-AKA asks for 160 bytes: K_encr ‖ K_aut ‖ MSK ‖ EMSK (RFC 4187 §7).
 */
export function fips186Prf(xkey: Uint8Array, length: number): Uint8Array {
  expectLength('BAD_KEY_LENGTH', 'FIPS 186-2 PRF XKEY', xkey, 20);
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`bad PRF output length ${length}`);
  const rounds = Math.ceil(length / 40);
  const out = new Uint8Array(rounds * 40);
  const key = copyBytes(xkey);
  for (let j = 0; j < rounds; j++) {
    for (let i = 0; i < 2; i++) {
      // XSEED_j = 0, so XVAL = XKEY.
      const o = 40 * j + 20 * i;
      g(key, out, o);
      addOneAndW(key, out, o);
    }
  }
  return out.length === length ? out : copyBytes(out, 0, length);
}
