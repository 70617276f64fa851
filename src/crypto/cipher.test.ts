import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../util/hex.ts';
import { aesCbcDecrypt, aesCbcEncrypt, aesGcmOpen, aesGcmSeal, gcmKeyFromKeymat } from './cipher.ts';
import { CryptoError } from './errors.ts';

const isCode = (code: string) => (e: unknown) => e instanceof CryptoError && e.code === code;

// RFC 3602 §4 cases 1–4 (AES-128-CBC) and NIST SP 800-38A F.2.5 (AES-256-CBC, two blocks).
const CBC = [
  [
    '06a9214036b8a15b512e03d534120006',
    '3dafba429d9eb430b422da802c9fac41',
    toHex(new TextEncoder().encode('Single block msg')),
    'e353779c1079aeb82708942dbe77181a',
  ],
  [
    'c286696d887c9aa0611bbb3e2025a45a',
    '562e17996d093d28ddb3ba695a2e6f58',
    '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1',
  ],
  [
    '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    '000102030405060708090a0b0c0d0e0f',
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51',
    'f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d',
  ],
] as const;

test('AES-CBC vectors: RFC 3602 §4 cases 1–2 (128-bit) and SP 800-38A F.2.5 (256-bit)', () => {
  for (const [key, iv, pt, ct] of CBC) {
    assert.equal(toHex(aesCbcEncrypt(fromHex(key), fromHex(iv), fromHex(pt))), ct);
    assert.equal(toHex(aesCbcDecrypt(fromHex(key), fromHex(iv), fromHex(ct))), pt);
  }
});

test('AES-CBC round-trips whole blocks for every key size and leaves the padding to the caller', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(16, 24, 32),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.nat(8),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      (keyLen, iv, blocks, keyBytes) => {
        const key = keyBytes.subarray(0, keyLen);
        const pt = new Uint8Array(blocks * 16).map((_, i) => i);
        const ct = aesCbcEncrypt(key, iv, pt);
        assert.equal(ct.length, pt.length);
        assert.deepEqual(aesCbcDecrypt(key, iv, ct), pt);
      },
    ),
    { numRuns: 50 },
  );
});

test('AES-CBC refuses partial blocks, bad IVs and bad keys with CryptoError codes', () => {
  const key = new Uint8Array(16);
  const iv = new Uint8Array(16);
  assert.throws(() => aesCbcEncrypt(key, iv, new Uint8Array(15)), isCode('BAD_INPUT_LENGTH'));
  assert.throws(() => aesCbcDecrypt(key, iv, new Uint8Array(17)), isCode('BAD_INPUT_LENGTH'));
  assert.throws(() => aesCbcEncrypt(key, new Uint8Array(8), new Uint8Array(16)), isCode('BAD_IV_LENGTH'));
  assert.throws(() => aesCbcDecrypt(new Uint8Array(20), iv, new Uint8Array(16)), isCode('BAD_KEY_LENGTH'));
});

// The GCM specification's test cases 4 (AES-128) and 16 (AES-256) (McGrew & Viega, "The Galois/Counter Mode of
// Operation", App. B), with the 96-bit IV split as ESP carries it: 4-byte salt ‖ 8-byte explicit IV.
const GCM_P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
const GCM_A = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const GCM = [
  [
    'feffe9928665731c6d6a8f9467308308',
    '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    '5bc94fbc3221a5db94fae95ae7121a47',
  ],
  [
    'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    '76fc6ece0f4e1768cddf8853bb2d551b',
  ],
] as const;

test('AES-GCM-16 vectors (GCM spec test cases 4 and 16) with nonce = salt ‖ IV', () => {
  for (const [key, ct, tag] of GCM) {
    const k = gcmKeyFromKeymat(fromHex(`${key}cafebabe`));
    assert.equal(toHex(k.salt), 'cafebabe');
    const iv = fromHex('facedbaddecaf888');
    const sealed = aesGcmSeal(k, iv, fromHex(GCM_P), fromHex(GCM_A));
    assert.equal(toHex(sealed), ct + tag);
    assert.equal(toHex(aesGcmOpen(k, iv, sealed, fromHex(GCM_A))), GCM_P);
  }
});

test('AES-GCM: any change to ciphertext, ICV, AAD, IV or salt is AUTH_FAILED, never another error', () => {
  const k = gcmKeyFromKeymat(fromHex('feffe9928665731c6d6a8f9467308308cafebabe'));
  const iv = fromHex('facedbaddecaf888');
  const aad = fromHex('0000010000000001'); // ESP SPI ‖ sequence number
  const sealed = aesGcmSeal(k, iv, fromHex(GCM_P), aad);
  const all = concatBytes([sealed, aad, iv, k.salt]);
  fc.assert(
    fc.property(fc.nat(all.length * 8 - 1), (bit) => {
      const m = all.slice();
      m[bit >> 3]! ^= 1 << (bit & 7);
      let o = 0;
      const take = (n: number) => {
        o += n;
        return m.slice(o - n, o);
      };
      const s2 = take(sealed.length);
      const aad2 = take(aad.length);
      const iv2 = take(8);
      const salt2 = take(4);
      assert.throws(() => aesGcmOpen({ key: k.key, salt: salt2 }, iv2, s2, aad2), isCode('AUTH_FAILED'));
    }),
    { numRuns: 200 },
  );
});

test('AES-GCM round-trips any payload, including empty, under 128- and 256-bit keys', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(20, 36),
      fc.uint8Array({ minLength: 36, maxLength: 36 }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 20 }),
      (n, keymat, iv, pt, aad) => {
        const k = gcmKeyFromKeymat(keymat.subarray(0, n));
        const sealed = aesGcmSeal(k, iv, pt, aad);
        assert.equal(sealed.length, pt.length + 16);
        assert.deepEqual(aesGcmOpen(k, iv, sealed, aad), pt);
      },
    ),
    { numRuns: 50 },
  );
});

test('AES-GCM input errors: short input, salt/IV sizes, key sizes', () => {
  const k = gcmKeyFromKeymat(new Uint8Array(20));
  const iv = new Uint8Array(8);
  assert.throws(() => aesGcmOpen(k, iv, new Uint8Array(15), new Uint8Array(0)), isCode('BAD_INPUT_LENGTH'));
  assert.throws(() => aesGcmOpen(k, iv, new Uint8Array(16), new Uint8Array(0)), isCode('AUTH_FAILED'));
  assert.throws(() => aesGcmSeal(k, new Uint8Array(12), new Uint8Array(1), new Uint8Array(0)), isCode('BAD_IV_LENGTH'));
  assert.throws(
    () => aesGcmSeal({ key: k.key, salt: new Uint8Array(3) }, iv, new Uint8Array(1), new Uint8Array(0)),
    isCode('BAD_IV_LENGTH'),
  );
  assert.throws(() => gcmKeyFromKeymat(new Uint8Array(19)), isCode('BAD_KEY_LENGTH'));
  assert.throws(() => gcmKeyFromKeymat(new Uint8Array(2)), isCode('BAD_KEY_LENGTH'));
});
