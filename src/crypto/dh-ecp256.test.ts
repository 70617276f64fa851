import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../util/hex.ts';
import { DH_ID, dhGroup, type RandomSource } from './dh.ts';
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

// RFC 5903 §8.1, 256-bit random ECP group.
const I = 'c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433';
const GI =
  'dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37725811805271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3';
const R = 'c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53';
const GR =
  'd12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab';
const GIRX = 'd6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de';

test('RFC 5903 §8.1: ECP-256 public values (X ‖ Y) and shared secret (X of g^ir)', () => {
  const g = dhGroup(DH_ID.ECP_256);
  const ini = g.generate(fixed(I));
  const res = g.generate(fixed(R));
  assert.equal(toHex(ini.publicKey), GI);
  assert.equal(toHex(res.publicKey), GR);
  assert.equal(toHex(g.computeShared(ini.privateKey, res.publicKey)), GIRX);
  assert.equal(toHex(g.computeShared(res.privateKey, ini.publicKey)), GIRX);
});

test('ECP-256: off-curve points and wrong lengths are INVALID_PUBLIC_VALUE; out-of-range draws are redrawn', () => {
  const g = dhGroup(DH_ID.ECP_256);
  const ini = g.generate(fixed(I));
  const off = fromHex(GR);
  off[63]! ^= 1;
  assert.throws(() => g.computeShared(ini.privateKey, off), isCode('INVALID_PUBLIC_VALUE'));
  assert.throws(() => g.computeShared(ini.privateKey, new Uint8Array(64)), isCode('INVALID_PUBLIC_VALUE'));
  assert.throws(() => g.computeShared(ini.privateKey, fromHex(`04${GR}`)), isCode('INVALID_PUBLIC_VALUE'));
  const n = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';
  assert.equal(toHex(g.generate(fixed('00'.repeat(32), n, I)).publicKey), GI);
  assert.throws(() => g.generate(fixed(n, n, n, n)), isCode('BAD_PRIVATE_KEY'));
});
