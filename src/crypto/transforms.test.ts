import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CryptoError } from './errors.ts';
import {
  ENCR_ID,
  encrTransform,
  INTEG_ID,
  integTransform,
  PRF_ID,
  prfTransform,
  SUPPORTED_INTEGS,
  SUPPORTED_PRFS,
} from './transforms.ts';

const unsupported = (e: unknown) => e instanceof CryptoError && e.code === 'UNSUPPORTED';

test('ENCR_AES_CBC (12): key = Key Length, 16-byte IV and block, no ICV, no salt', () => {
  const t = encrTransform(ENCR_ID.AES_CBC, 256);
  assert.deepEqual(
    { ...t },
    {
      id: 12,
      keyLengthBits: 256,
      name: 'AES-CBC-256',
      mode: 'cbc',
      keyLength: 32,
      saltLength: 0,
      keymatLength: 32,
      ivLength: 16,
      blockSize: 16,
      icvLength: 0,
    },
  );
  assert.equal(encrTransform(12, 128).keymatLength, 16);
});

test('ENCR_AES_GCM_16 (20): KEYMAT = key + 4-byte salt, 8-byte IV, 16-byte ICV, no alignment', () => {
  const t = encrTransform(ENCR_ID.AES_GCM_16, 128);
  assert.equal(t.mode, 'gcm');
  assert.equal(t.keyLength, 16);
  assert.equal(t.keymatLength, 20);
  assert.equal(t.ivLength, 8);
  assert.equal(t.icvLength, 16);
  assert.equal(t.blockSize, 1);
  assert.equal(encrTransform(20, 256).keymatLength, 36);
});

test('unknown ENCR IDs and missing or odd Key Length attributes are UNSUPPORTED', () => {
  assert.throws(() => encrTransform(3, undefined), unsupported); // ENCR_3DES
  assert.throws(() => encrTransform(ENCR_ID.AES_CBC, undefined), unsupported);
  assert.throws(() => encrTransform(ENCR_ID.AES_GCM_16, 64), unsupported);
});

test('PRF registry: 2, 5, 6, 7 with preferred key length = output length', () => {
  assert.deepEqual(
    SUPPORTED_PRFS.map((p) => [p.id, p.hash, p.keyLength, p.outputLength]),
    [
      [2, 'sha1', 20, 20],
      [5, 'sha256', 32, 32],
      [6, 'sha384', 48, 48],
      [7, 'sha512', 64, 64],
    ],
  );
  assert.equal(prfTransform(PRF_ID.HMAC_SHA2_256).name, 'PRF_HMAC_SHA2_256');
  assert.throws(() => prfTransform(4), unsupported); // PRF_AES128_XCBC
});

test('INTEG registry: 2 (key 20, ICV 12) and 12 (key 32, ICV 16); NONE is not a transform to run', () => {
  assert.deepEqual(
    SUPPORTED_INTEGS.map((t) => [t.id, t.keyLength, t.icvLength]),
    [
      [2, 20, 12],
      [12, 32, 16],
    ],
  );
  assert.equal(integTransform(INTEG_ID.HMAC_SHA2_256_128).hash, 'sha256');
  assert.throws(() => integTransform(INTEG_ID.NONE), unsupported);
  assert.throws(() => integTransform(13), unsupported);
});
