import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../util/hex.ts';
import { CryptoError } from './errors.ts';
import { computeIcv, verifyIcv } from './integ.ts';
import { INTEG_ID, integTransform } from './transforms.ts';

const SHA1_96 = integTransform(INTEG_ID.HMAC_SHA1_96);
const SHA256_128 = integTransform(INTEG_ID.HMAC_SHA2_256_128);
const ascii = (s: string) => new TextEncoder().encode(s);

test('HMAC-SHA2-256-128: RFC 4868 §2.7.2.1 AUTH256-1 … AUTH256-4', () => {
  const cases = [
    ['0b'.repeat(32), toHex(ascii('Hi There')), '198a607eb44bfbc69903a0f1cf2bbdc5'],
    ['4a656665'.repeat(8), toHex(ascii('what do ya want for nothing?')), '167f928588c5cc2eef8e3093caa0e87c'],
    ['aa'.repeat(32), 'dd'.repeat(50), 'cdcb1220d1ecccea91e53aba3092f962'],
    [
      '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
      'cd'.repeat(50),
      '372efcf9b40b35c2115b1346903d2ef4',
    ],
  ] as const;
  for (const [key, data, icv] of cases) {
    assert.equal(toHex(computeIcv(SHA256_128, fromHex(key), fromHex(data))), icv);
    assert.equal(verifyIcv(SHA256_128, fromHex(key), fromHex(data), fromHex(icv)), true);
  }
});

test('HMAC-SHA1-96: RFC 2202 test case 1 truncated to 96 bits (RFC 2404 §2)', () => {
  const icv = computeIcv(SHA1_96, fromHex('0b'.repeat(20)), ascii('Hi There'));
  assert.equal(toHex(icv), 'b617318655057264e28bc0b6');
});

test('ICV verification fails on any flipped bit of data or ICV and on a truncated ICV', () => {
  const key = fromHex('aa'.repeat(32));
  const data = fromHex('dd'.repeat(50));
  const icv = computeIcv(SHA256_128, key, data);
  fc.assert(
    fc.property(fc.nat((data.length + icv.length) * 8 - 1), (bit) => {
      const d = data.slice();
      const i = icv.slice();
      const target = bit < data.length * 8 ? d : i;
      const b = bit < data.length * 8 ? bit : bit - data.length * 8;
      target[b >> 3]! ^= 1 << (b & 7);
      assert.equal(verifyIcv(SHA256_128, key, d, i), false);
    }),
    { numRuns: 200 },
  );
  assert.equal(verifyIcv(SHA256_128, key, data, icv.subarray(0, 12)), false);
});

test('keys must be the HMAC output size', () => {
  const bad = (e: unknown) => e instanceof CryptoError && e.code === 'BAD_KEY_LENGTH';
  assert.throws(() => computeIcv(SHA1_96, new Uint8Array(16), new Uint8Array(1)), bad);
  assert.throws(() => verifyIcv(SHA256_128, new Uint8Array(20), new Uint8Array(1), new Uint8Array(16)), bad);
});
