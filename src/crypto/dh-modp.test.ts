import assert from 'node:assert/strict';
import { getDiffieHellman } from 'node:crypto';
import { test } from 'node:test';
import { fromHex, toHex } from '../util/hex.ts';
import { DH_ID, dhGroup, type RandomSource } from './dh.ts';
import { CryptoError } from './errors.ts';
import { MODP_1024_PRIME, MODP_2048_PRIME, MODP_3072_PRIME } from './modp-primes.ts';

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;
/** A random source that hands out the given byte strings in turn. */
const fixed =
  (...values: string[]): RandomSource =>
  (n) => {
    const v = fromHex(values.shift() ?? '');
    assert.equal(v.length, n, 'test vector has the size the group asks for');
    return v;
  };
const big = (b: Uint8Array) => BigInt(`0x${toHex(b) || '0'}`);
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % mod;
    b = (b * b) % mod;
  }
  return r;
}

test('MODP primes equal RFC 2409/3526 as shipped in OpenSSL (modp2, modp14, modp15)', () => {
  assert.equal(toHex(fromHex(MODP_1024_PRIME)), getDiffieHellman('modp2').getPrime('hex'));
  assert.equal(toHex(fromHex(MODP_2048_PRIME)), getDiffieHellman('modp14').getPrime('hex'));
  assert.equal(toHex(fromHex(MODP_3072_PRIME)), getDiffieHellman('modp15').getPrime('hex'));
});

test('MODP: public value is 2^x mod p, zero-padded to the modulus; shared secret is (g^y)^x mod p', () => {
  const g = dhGroup(DH_ID.MODP_1024);
  const p = big(fromHex(MODP_1024_PRIME));
  const x = `${'00'.repeat(31)}01`; // x = 1: g^x = 2, a public value with 127 leading zero bytes
  const a = g.generate(fixed(x));
  assert.equal(a.publicKey.length, 128);
  assert.equal(toHex(a.publicKey), `${'00'.repeat(127)}02`);
  const y = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const b = g.generate(fixed(y));
  assert.equal(big(b.publicKey), modPow(2n, big(fromHex(y)), p));
  const s = g.computeShared(a.privateKey, b.publicKey);
  assert.equal(s.length, 128);
  assert.deepEqual(s, b.publicKey); // (g^y)^1
  assert.deepEqual(g.computeShared(b.privateKey, a.publicKey), b.publicKey); // 2^y
});

test('MODP: peer values outside 1 < y < p − 1 or not modulus-length are INVALID_PUBLIC_VALUE', () => {
  const g = dhGroup(DH_ID.MODP_2048);
  const k = g.generate(fixed('07'.repeat(40)));
  const prime = fromHex(MODP_2048_PRIME);
  const pMinus1 = prime.slice();
  pMinus1[255] = 0xfe;
  const bad = [new Uint8Array(256), Uint8Array.from({ length: 256 }, (_, i) => (i === 255 ? 1 : 0)), pMinus1, prime];
  bad.push(new Uint8Array(256).fill(0xff));
  for (const v of bad) assert.throws(() => g.computeShared(k.privateKey, v), isCode('INVALID_PUBLIC_VALUE'));
  assert.throws(() => g.computeShared(k.privateKey, k.publicKey.subarray(1)), isCode('INVALID_PUBLIC_VALUE'));
  const two = new Uint8Array(256);
  two[255] = 2;
  assert.equal(g.computeShared(k.privateKey, two).length, 256);
  const pMinus2 = prime.slice();
  pMinus2[255] = 0xfd;
  assert.equal(g.computeShared(k.privateKey, pMinus2).length, 256);
});

test('injected randomness: zero exponents are redrawn, then BAD_PRIVATE_KEY', () => {
  const g = dhGroup(DH_ID.MODP_1024);
  const zero = '00'.repeat(32);
  const one = `${'00'.repeat(31)}01`;
  assert.equal(toHex(g.generate(fixed(zero, one)).publicKey), `${'00'.repeat(127)}02`);
  assert.throws(() => g.generate(fixed(zero, zero, zero, zero)), isCode('BAD_PRIVATE_KEY'));
});
