import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../util/hex.ts';
import { computeEapAkaMac, deriveEapAkaKeys, deriveMasterKey, verifyEapAkaMac } from './eap-aka-keys.ts';
import { CryptoError } from './errors.ts';

test('RFC 4186 §A.5: MK e576d5ca… → K_encr, K_aut, MSK, EMSK', () => {
  const keys = deriveEapAkaKeys(fromHex('e576d5ca332e9930018bf1baee2763c795b3c712'));
  assert.equal(toHex(keys.kEncr), '536e5ebc4465582aa6a8ec9986ebb620');
  assert.equal(toHex(keys.kAut), '25af1942efcbf4bc72b3943421f2a974');
  assert.equal(
    toHex(keys.msk),
    '39d45aeaf4e30601983e972b6cfd46d1c363773365690d09cd44976b525f47d3' +
      'a60a985e955c53b090b2e4b73719196a402542968fd14a888f46b9a7886e4488',
  );
  assert.equal(
    toHex(keys.emsk),
    '5949eab0fff69d52315c6c634fd14a7f0d52023d56f79698fa6596abeed4f93f' +
      'bb48eb534d985414ceed0d9a8ed33c387c9dfdab92ffbdf240fcecf65a2c93b9',
  );
});

// SPEC-NOTES §9 synthetic EAP-AKA vector (computed independently, not published), built on TS 35.208 set 1.
const IDENTITY = '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org';
const IK = fromHex('f769bcd751044604127672711c6d3441');
const CK = fromHex('b40ba9a3c58b2a05bbf0d987b21bf8cb');
const RAND = fromHex('23553cbe9637a89d218ae64dae47bf35');
const AUTN = fromHex('55f328b43577b9b94a9ffac354dfafb3');
const ZERO_MAC = new Uint8Array(16);

/** EAP-Request/AKA-Challenge, identifier 1: AT_RAND, AT_AUTN, AT_MAC (value zeroed). RFC 4187 §9.3, §10. */
const CHALLENGE = concatBytes([
  fromHex('01010044 17 01 0000'), // Code 1, Id 1, Length 68, Type 23, Subtype 1 (AKA-Challenge), reserved
  fromHex('01 05 0000'),
  RAND, // AT_RAND, length 5 × 4
  fromHex('02 05 0000'),
  AUTN, // AT_AUTN
  fromHex('0b 05 0000'),
  ZERO_MAC, // AT_MAC
]);
/** EAP-Response/AKA-Challenge, identifier 1: AT_RES (64 bits), AT_MAC (value zeroed). */
const RESPONSE = concatBytes([
  fromHex('02010028 17 01 0000'),
  fromHex('03 03 0040 a54211d5e3ba50bf'), // AT_RES, length 3 × 4, RES length 64 bits
  fromHex('0b 05 0000'),
  ZERO_MAC,
]);

test('synthetic EAP-AKA vector: MK and K_encr/K_aut/MSK from set 1 IK/CK and the NAI', () => {
  const mk = deriveMasterKey(IDENTITY, IK, CK);
  assert.equal(toHex(mk), '72e5ed5003d1ce794a6e7a7413202415e2b9277d');
  assert.deepEqual(deriveMasterKey(new TextEncoder().encode(IDENTITY), IK, CK), mk);
  const keys = deriveEapAkaKeys(mk);
  assert.equal(toHex(keys.kEncr), '00d4591e927b701e86ab617ff9e7c6e1');
  assert.equal(toHex(keys.kAut), '16589190b459f1708f94261b0a042d73');
  assert.equal(
    toHex(keys.msk),
    '01418086c8d0f735a92329e4f3d83820a268f077c6ebf455d66958d90ef7bc67' +
      '51d7fbf2ad98c81f973bfc978130ae58a0e8901b228116b272d698ef7758330d',
  );
});

test('synthetic EAP-AKA vector: AT_MAC of the Challenge request and response', () => {
  assert.equal(CHALLENGE.length, 0x44);
  assert.equal(RESPONSE.length, 0x28);
  const { kAut } = deriveEapAkaKeys(deriveMasterKey(IDENTITY, IK, CK));
  const reqMac = computeEapAkaMac(kAut, CHALLENGE);
  assert.equal(toHex(reqMac), '7545b30207848f6930d89d728fc1f54c');
  assert.equal(toHex(computeEapAkaMac(kAut, RESPONSE)), 'f99368f04af36b607ebd1b36ab18fac1');
  assert.equal(verifyEapAkaMac(kAut, CHALLENGE, reqMac), true);
});

test('AT_MAC verification fails for any changed packet bit, a wrong MAC length, or extra data', () => {
  const kAut = fromHex('16589190b459f1708f94261b0a042d73');
  const mac = fromHex('7545b30207848f6930d89d728fc1f54c');
  fc.assert(
    fc.property(fc.nat(CHALLENGE.length * 8 - 1), (bit) => {
      const p = CHALLENGE.slice();
      p[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(verifyEapAkaMac(kAut, p, mac), false);
    }),
    { numRuns: 100 },
  );
  assert.equal(verifyEapAkaMac(kAut, CHALLENGE, mac.subarray(0, 12)), false);
  assert.equal(verifyEapAkaMac(kAut, CHALLENGE, mac, fromHex('00')), false);
  const nonceS = fromHex('0102030405060708090a0b0c0d0e0f10');
  const reauthMac = computeEapAkaMac(kAut, CHALLENGE, nonceS);
  assert.deepEqual(reauthMac, computeEapAkaMac(kAut, concatBytes([CHALLENGE, nonceS])));
  assert.equal(verifyEapAkaMac(kAut, CHALLENGE, reauthMac, nonceS), true);
});

test('wrong key sizes are CryptoError BAD_KEY_LENGTH', () => {
  const code = (f: () => unknown) =>
    assert.throws(f, (e: unknown) => e instanceof CryptoError && e.code === 'BAD_KEY_LENGTH');
  code(() => deriveMasterKey(IDENTITY, IK.subarray(1), CK));
  code(() => deriveMasterKey(IDENTITY, IK, new Uint8Array(0)));
  code(() => deriveEapAkaKeys(new Uint8Array(19)));
  code(() => computeEapAkaMac(new Uint8Array(20), CHALLENGE));
});
