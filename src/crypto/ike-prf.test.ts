import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../util/hex.ts';
import { CryptoError } from './errors.ts';
import {
  buildSignedOctets,
  computeRekeySkeyseed,
  computeSharedKeyAuth,
  computeSkeyseed,
  deriveChildSaKeys,
  deriveIkeSaKeys,
  IKEV2_KEY_PAD,
  prf,
  prfPlus,
} from './ike-prf.ts';
import { PRF_ID, prfTransform } from './transforms.ts';

const SHA1 = prfTransform(PRF_ID.HMAC_SHA1);
const SHA256 = prfTransform(PRF_ID.HMAC_SHA2_256);
const SHA384 = prfTransform(PRF_ID.HMAC_SHA2_384);
const SHA512 = prfTransform(PRF_ID.HMAC_SHA2_512);
const ascii = (s: string) => new TextEncoder().encode(s);
const A131 = 'aa'.repeat(131);

// RFC 4868 §2.7.1, PRF-1 … PRF-6: [key, data, PRF-HMAC-SHA-256, -384, -512].
const RFC4868_PRF = [
  [
    '0b'.repeat(20),
    '4869205468657265',
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
  ],
  [
    '4a656665',
    '7768617420646f2079612077616e7420666f72206e6f7468696e673f',
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  ],
  [
    'aa'.repeat(20),
    'dd'.repeat(50),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
    'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
  ],
  [
    '0102030405060708090a0b0c0d0e0f10111213141516171819',
    'cd'.repeat(50),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
    'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd',
  ],
  [
    A131,
    '54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374',
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
  ],
  [
    A131,
    toHex(
      ascii(
        'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      ),
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
    'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58',
  ],
] as const;

test('RFC 4868 §2.7.1 PRF vectors PRF-1 … PRF-6 for HMAC-SHA-256/384/512', () => {
  for (const [i, [key, data, h256, h384, h512]] of RFC4868_PRF.entries()) {
    const k = fromHex(key);
    const d = fromHex(data);
    assert.equal(toHex(prf(SHA256, k, d)), h256, `PRF-${i + 1} SHA-256`);
    assert.equal(toHex(prf(SHA384, k, d)), h384, `PRF-${i + 1} SHA-384`);
    assert.equal(toHex(prf(SHA512, k, d)), h512, `PRF-${i + 1} SHA-512`);
  }
});

test('PRF_HMAC_SHA1: RFC 2202 test cases 1 and 2', () => {
  assert.equal(
    toHex(prf(SHA1, fromHex('0b'.repeat(20)), ascii('Hi There'))),
    'b617318655057264e28bc0b6fb378c8ef146be00',
  );
  assert.equal(
    toHex(prf(SHA1, ascii('Jefe'), ascii('what do ya want for nothing?'))),
    'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
  );
});

test('prf+ follows RFC 7296 §2.13 block by block and stops at 255 blocks', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (k, s) => {
      const out = prfPlus(SHA256, k, s, 70);
      const t1 = createHmac('sha256', k).update(s).update(Uint8Array.of(1)).digest();
      const t2 = createHmac('sha256', k).update(t1).update(s).update(Uint8Array.of(2)).digest();
      const t3 = createHmac('sha256', k).update(t2).update(s).update(Uint8Array.of(3)).digest();
      assert.equal(toHex(out), toHex(concatBytes([t1, t2, t3])).slice(0, 140));
    }),
    { numRuns: 30 },
  );
  assert.equal(prfPlus(SHA1, new Uint8Array(4), new Uint8Array(4), 255 * 20).length, 5100);
  assert.equal(prfPlus(SHA1, new Uint8Array(4), new Uint8Array(4), 0).length, 0);
  assert.throws(
    () => prfPlus(SHA1, new Uint8Array(4), new Uint8Array(4), 255 * 20 + 1),
    (e: unknown) => e instanceof CryptoError && e.code === 'OUTPUT_TOO_LONG',
  );
});

// NIST CAVP SP 800-135 IKEv2 KDF sample, SHA-1, COUNT 0, as reproduced in libreswan's CAVS test program.
const CAVP = {
  gir: fromHex('4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52'),
  girNew: fromHex('863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330'),
  ni: fromHex('32b50d5f4a3763f3'),
  nr: fromHex('9206a04b26564cb1'),
  spiI: fromHex('34c9e7c188868785'),
  spiR: fromHex('3ff77d760d2b2199'),
  skeyseed: 'a9a7b222b59f8f48645f28a1db5b5f5d7479cba7',
  dkm:
    'a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b76606f9fa5e992204fc5a670bd' +
    'e3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594cf26' +
    '6b05ebadca855e4249520a441a81157435a7a56cc4',
  dkmChild:
    '8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd9560b2d5e092d1f24e2d4b85eccdf0ad0d' +
    'c9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e614296d' +
    '319d41d4b50b3f510b1c0a22f3e664994d234cb4',
  dkmChildDh:
    'bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232eab4b3ab14c400a5197dd3730ed4820a8a' +
    '10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc' +
    '863ab49fa901227cffc06e27899c7054d56fd74c',
  skeyseedRekey: '63e81194946ebd05df7df5ebf5d8750056bf1f1d',
};

test('CAVP IKEv2 KDF (SHA-1): SKEYSEED, the seven SA keys, Child SA KEYMAT with and without PFS, rekey', () => {
  const skeyseed = computeSkeyseed(SHA1, CAVP.ni, CAVP.nr, CAVP.gir);
  assert.equal(toHex(skeyseed), CAVP.skeyseed);
  // 3 × 20 (SK_d, SK_pi, SK_pr) + 2 × 20 (HMAC-SHA1-96 keys) + 2 × 16 (AES-128-CBC) = 132 bytes of DKM.
  const lengths = { integKeyLength: 20, encrKeymatLength: 16 };
  const k = deriveIkeSaKeys(SHA1, skeyseed, CAVP, CAVP, lengths);
  const all = concatBytes([k.skD, k.skAi, k.skAr, k.skEi, k.skEr, k.skPi, k.skPr]);
  assert.equal(toHex(all), CAVP.dkm);
  assert.equal(k.skAi.length, 20);
  assert.equal(k.skEr.length, 16);
  assert.equal(k.skPr.length, 20);

  const child = deriveChildSaKeys(SHA1, k.skD, CAVP, lengths);
  const childBytes = (c: typeof child) =>
    toHex(
      concatBytes([
        c.initiatorToResponder.encrKey,
        c.initiatorToResponder.integKey,
        c.responderToInitiator.encrKey,
        c.responderToInitiator.integKey,
      ]),
    );
  assert.equal(childBytes(child), CAVP.dkmChild.slice(0, 144));
  const pfs = deriveChildSaKeys(SHA1, k.skD, CAVP, lengths, CAVP.girNew);
  assert.equal(childBytes(pfs), CAVP.dkmChildDh.slice(0, 144));
  assert.equal(toHex(prfPlus(SHA1, k.skD, concatBytes([CAVP.ni, CAVP.nr]), 132)), CAVP.dkmChild);

  assert.equal(toHex(computeRekeySkeyseed(SHA1, k.skD, CAVP.girNew, CAVP.ni, CAVP.nr)), CAVP.skeyseedRekey);
});

test('AEAD key split: no integrity keys, GCM keying material includes the 4-byte salt', () => {
  const k = deriveIkeSaKeys(SHA256, new Uint8Array(32), CAVP, CAVP, { integKeyLength: 0, encrKeymatLength: 20 });
  assert.equal(k.skAi.length, 0);
  assert.equal(k.skEi.length, 20);
  assert.equal(k.skD.length, 32);
  const c = deriveChildSaKeys(SHA256, k.skD, CAVP, { integKeyLength: 0, encrKeymatLength: 36 });
  assert.equal(c.responderToInitiator.encrKey.length, 36);
  assert.deepEqual(
    concatBytes([c.initiatorToResponder.encrKey, c.responderToInitiator.encrKey]),
    prfPlus(SHA256, k.skD, concatBytes([CAVP.ni, CAVP.nr]), 72),
  );
});

test('shared-key AUTH: prf(MSK, "Key Pad for IKEv2") of the synthetic EAP-AKA vector (SPEC-NOTES §9)', () => {
  assert.equal(IKEV2_KEY_PAD.length, 17);
  const msk = fromHex(
    '01418086c8d0f735a92329e4f3d83820a268f077c6ebf455d66958d90ef7bc67' +
      '51d7fbf2ad98c81f973bfc978130ae58a0e8901b228116b272d698ef7758330d',
  );
  const padded = prf(SHA256, msk, IKEV2_KEY_PAD);
  assert.equal(toHex(padded), '91a5291312361594e16e072a5a7d77e52ad8345c5593efabcdff70edf94a46f1');
  const octets = fromHex('00112233');
  assert.deepEqual(computeSharedKeyAuth(SHA256, msk, octets), prf(SHA256, padded, octets));
});

test('signed octets = message ‖ peer nonce ‖ prf(SK_p, ID body) (RFC 7296 §2.15)', () => {
  const message = fromHex('aaaaaaaa');
  const nonce = fromHex('bbbb');
  const skP = fromHex('cc'.repeat(32));
  const idBody = fromHex('02000000 6861'); // ID Type FQDN, reserved, "ha"
  const octets = buildSignedOctets(SHA256, message, nonce, skP, idBody);
  assert.equal(octets.length, 4 + 2 + 32);
  assert.equal(toHex(octets.subarray(0, 6)), 'aaaaaaaabbbb');
  assert.deepEqual(octets.subarray(6), prf(SHA256, skP, idBody));
});
