import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../util/hex.ts';
import { DH_ID, dhGroup, type RandomSource } from './dh.ts';
import { isSystemRandom, systemRandom } from './dh-types.ts';
import { CryptoError } from './errors.ts';

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;
/** A random source that hands out the given byte strings in turn. */
const fixed =
  (...values: string[]): RandomSource =>
  (n) => {
    const v = fromHex(values.shift() ?? '');
    assert.equal(v.length, n, 'test vector has the size the group asks for');
    return v;
  };

// RFC 8031 App. A.
const RANDOM_I = '751fb4308655b476b6789b7325f9ea8cddd16a58533ff6d9e60009464a5f9d94';
const RANDOM_R = '0a54645253290d60ddadd0e030bacd9e5501efdc220755a1e978f1b839a05688';
const PUB_I = '48d5ddd4061257ba166fa3f9bbdb74f1a4e81c089384fa77f790709f0dfbc766';
const PUB_R = '0be7c1f5aad87d7e448662673298a443478b859745179eaf564c79c0ef6eee25';
const SHARED_25519 = 'c74950607a12327f3204d94b6825bfb068b7f8319a9e3708ed3d43ce8130c950';

test('RFC 8031 App. A: Curve25519 public values and shared secret', () => {
  const g = dhGroup(DH_ID.CURVE25519);
  const ini = g.generate(fixed(RANDOM_I));
  const res = g.generate(fixed(RANDOM_R));
  assert.equal(toHex(ini.publicKey), PUB_I);
  assert.equal(toHex(res.publicKey), PUB_R);
  assert.equal(toHex(g.computeShared(ini.privateKey, res.publicKey)), SHARED_25519);
  assert.equal(toHex(g.computeShared(res.privateKey, ini.publicKey)), SHARED_25519);
});

test('Curve25519: MSB of the peer value is masked; non-canonical u is reduced; small order is ZERO_SHARED_SECRET', () => {
  const g = dhGroup(DH_ID.CURVE25519);
  const ini = g.generate(fixed(RANDOM_I));
  const withMsb = fromHex(PUB_R);
  withMsb[31]! |= 0x80;
  assert.equal(toHex(g.computeShared(ini.privateKey, withMsb)), SHARED_25519);
  // u = p + 9 ≡ 9, the base point: the "shared secret" is our own public value.
  const pPlus9 = fromHex(`f6${'ff'.repeat(30)}7f`);
  assert.equal(toHex(g.computeShared(ini.privateKey, pPlus9)), PUB_I);
  for (const u of ['00'.repeat(32), `01${'00'.repeat(31)}`, `ed${'ff'.repeat(30)}7f`, `ed${'ff'.repeat(30)}ff`]) {
    assert.throws(() => g.computeShared(ini.privateKey, fromHex(u)), isCode('ZERO_SHARED_SECRET'), u);
  }
  assert.throws(() => g.computeShared(ini.privateKey, new Uint8Array(31)), isCode('INVALID_PUBLIC_VALUE'));
});

test('a systemRandom source: OpenSSL draws the key itself (the source is not asked), and both sides agree', () => {
  const g = dhGroup(DH_ID.CURVE25519);
  let asked = 0;
  const system = systemRandom((n) => {
    asked++;
    return new Uint8Array(n).fill(7);
  });
  assert.ok(isSystemRandom(system));
  assert.ok(!isSystemRandom(fixed(RANDOM_I)));
  const a = g.generate(system);
  const b = g.generate(system);
  assert.equal(asked, 0);
  assert.equal(a.publicKey.length, 32);
  assert.notEqual(toHex(a.publicKey), toHex(b.publicKey));
  assert.equal(toHex(g.computeShared(a.privateKey, b.publicKey)), toHex(g.computeShared(b.privateKey, a.publicKey)));
  // A seeded source still decides the key (RFC 8031 App. A vectors above).
  assert.equal(toHex(g.generate(fixed(RANDOM_I)).publicKey), PUB_I);
});
