import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CryptoError, expectLength, isCryptoError } from './errors.ts';
import * as api from './index.ts';

test('CryptoError carries a stable code and is recognised by isCryptoError', () => {
  const e = new CryptoError('AUTH_FAILED', 'tag mismatch');
  assert.equal(e.code, 'AUTH_FAILED');
  assert.equal(e.name, 'CryptoError');
  assert.ok(e instanceof Error);
  assert.equal(isCryptoError(e), true);
  assert.equal(isCryptoError(new Error('x')), false);
});

test('expectLength accepts any listed length and names the code it was given otherwise', () => {
  expectLength('BAD_KEY_LENGTH', 'key', new Uint8Array(24), 16, 24, 32);
  assert.throws(
    () => expectLength('BAD_IV_LENGTH', 'iv', new Uint8Array(7), 8),
    (e: unknown) => isCryptoError(e) && e.code === 'BAD_IV_LENGTH',
  );
});

test('the index exports the public API of every module', () => {
  for (const name of [
    'Milenage',
    'computeOpc',
    'buildAuthVector',
    'checkAutn',
    'buildAuts',
    'verifyAuts',
    'acceptSqn',
    'nextSqn',
    'fips186Prf',
    'deriveEapAkaKeys',
    'computeEapAkaMac',
    'prfPlus',
    'deriveIkeSaKeys',
    'deriveChildSaKeys',
    'computeSharedKeyAuth',
    'dhGroup',
    'aesGcmSeal',
    'aesCbcEncrypt',
    'computeIcv',
    'encrTransform',
    'CryptoError',
  ]) {
    assert.equal(typeof (api as Record<string, unknown>)[name], 'function', name);
  }
});
