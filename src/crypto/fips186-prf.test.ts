import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../util/hex.ts';
import { CryptoError } from './errors.ts';
import { fips186Prf, SHA1_IV, sha1Compress } from './fips186-prf.ts';

/** SHA-1 of a message of at most 55 bytes: one padded block through the bare compression function. */
function sha1OneBlock(msg: Uint8Array): string {
  const block = new Uint8Array(64);
  block.set(msg);
  block[msg.length] = 0x80;
  const bits = msg.length * 8;
  block[62] = bits >>> 8;
  block[63] = bits & 0xff;
  const st = Uint32Array.from(SHA1_IV);
  sha1Compress(st, block);
  return [...st].map((v) => v.toString(16).padStart(8, '0')).join('');
}

test('SHA-1 compression: with padding added by hand it reproduces SHA-1 ("abc", FIPS 180-2 App. A.1)', () => {
  assert.equal(sha1OneBlock(new TextEncoder().encode('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 55 }), (m) => {
      assert.equal(sha1OneBlock(m), createHash('sha1').update(m).digest('hex'));
    }),
  );
});

test('SHA-1 compression reads the block at an offset', () => {
  const buf = new Uint8Array(70);
  buf.set(new TextEncoder().encode('abc'), 3);
  buf[6] = 0x80;
  buf[66] = 24;
  const st = Uint32Array.from(SHA1_IV);
  sha1Compress(st, buf, 3);
  assert.equal(st[0], 0xa9993e36);
});

test('FIPS 186-2 PRF vector (SPEC-NOTES §9): XKEY bd029bbe… → 2070b322…', () => {
  const out = fips186Prf(fromHex('bd029bbe7f51960bcf9edb2b61f06f0feb5a38b6'), 40);
  assert.equal(toHex(out), '2070b3223dba372fde1c0ffc7b2e3b498b2606143c6c18bacb0f6c55babb13788e20d737a3275116');
});

test('shorter outputs are prefixes of longer ones; the input key is not modified', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.nat(200), (xkey, n) => {
      const copy = xkey.slice();
      const long = fips186Prf(xkey, 200);
      assert.deepEqual(fips186Prf(xkey, n), long.slice(0, n));
      assert.deepEqual(xkey, copy);
    }),
    { numRuns: 30 },
  );
});

test('the XKEY update carries across all 160 bits (XKEY = ff…ff wraps)', () => {
  // With XKEY = 2^160 − 1, 1 + XKEY + w = w mod 2^160: the second G input is w_0 itself.
  const out = fips186Prf(new Uint8Array(20).fill(0xff), 40);
  const again = fips186Prf(out.slice(0, 20), 20);
  // The PRF on seed w_0 yields G(w_0) first, which is w_1 of the original run.
  assert.deepEqual(again, out.slice(20, 40));
});

test('XKEY must be 20 bytes', () => {
  assert.throws(
    () => fips186Prf(new Uint8Array(16), 40),
    (e: unknown) => e instanceof CryptoError && e.code === 'BAD_KEY_LENGTH',
  );
});
