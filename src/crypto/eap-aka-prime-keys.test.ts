import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../util/hex.ts';
import {
  computeEapAkaPrimeMac,
  deriveCkIkPrime,
  deriveEapAkaPrimeKeys,
  prfPrime,
  verifyEapAkaPrimeMac,
} from './eap-aka-prime-keys.ts';

/** RFC 5448 Appendix C, cases 1–4 (identity "0555444333222111"); SQN ⊕ AK is the first 6 octets of AUTN. */
const CASES = [
  {
    name: 'case 1 (WLAN, TS 35.208 set 19)',
    network: 'WLAN',
    autn: 'bb52e91c747ac3ab2a5c23d15ee351d5',
    ik: '9744871ad32bf9bbd1dd5ce54e3e2e5a',
    ck: '5349fbe098649f948f5d2e973a81c00f',
    ckPrime: '0093962d0dd84aa5684b045c9edffa04',
    ikPrime: 'ccfc230ca74fcc96c0a5d61164f5a76c',
    kEncr: '766fa0a6c317174b812d52fbcd11a179',
    kAut: '0842ea722ff6835bfa2032499fc3ec23c2f0e388b4f07543ffc677f1696d71ea',
    kRe: 'cf83aa8bc7e0aced892acc98e76a9b2095b558c7795c7094715cb3393aa7d17a',
    msk: '67c42d9aa56c1b79e295e3459fc3d187d42be0bf818d3070e362c5e967a4d544e8ecfe19358ab3039aff03b7c930588c055babee58a02650b067ec4e9347c75a',
    emsk: 'f861703cd775590e16c7679ea3874ada866311de290764d760cf76df647ea01c313f69924bdd7650ca9bac141ea075c4ef9e8029c0e290cdbad5638b63bc23fb',
  },
  {
    name: 'case 2 (HRPD, TS 35.208 set 19)',
    network: 'HRPD',
    autn: 'bb52e91c747ac3ab2a5c23d15ee351d5',
    ik: '9744871ad32bf9bbd1dd5ce54e3e2e5a',
    ck: '5349fbe098649f948f5d2e973a81c00f',
    ckPrime: '3820f0277fa5f77732b1fb1d90c1a0da',
    ikPrime: 'db94a0ab557ef6c9ab48619ca05b9a9f',
    kEncr: '05ad73ac915fce89ac77e1520d82187b',
    kAut: '5b4acaef62c6ebb8882b2f3d534c4b35277337a00184f20ff25d224c04be2afd',
    kRe: '3f90bf5c6e5ef325ff04eb5ef6539fa8cca8398194fbd00be425b3f40dba10ac',
    msk: '87b321570117cd6c95ab6c436fb5073ff15cf85505d2bc5bb7355fc21ea8a75757e8f86a2b138002e05752913bb43b82f868a96117e91a2d95f526677d572900',
    emsk: 'c891d5f20f148a1007553e2dea555c9cb672e9675f4a66b4bafa027379f93aee539a5979d0a0042b9d2ae28bed3b17a31dc8ab75072b80bd0c1da612466e402c',
  },
  {
    name: 'case 3 (WLAN, artificial AKA output)',
    network: 'WLAN',
    autn: 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0',
    ik: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0',
    ck: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0',
    ckPrime: 'cd4c8e5c68f57dd1d7d7dfd0c538e577',
    ikPrime: '3ece6b705dbbf7dfc459a11280c65524',
    kEncr: '897d302fa2847416488c28e20dcb7be4',
    kAut: 'c40700e7722483ae3dc7139eb0b88bb558cb3081eccd057f9207d1286ee7dd53',
    kRe: '0a591a22dd8b5b1cf29e3d508c91dbbdb4aee23051892c42b6a2de66ea504473',
    msk: '9f7dca9e37bb22029ed986e7cd09d4a70d1ac76d95535c5cac40a7504699bb8961a29ef6f3e90f183de5861ad1bedc81ce9916391b401aa006c98785a5756df7',
    emsk: '724de00bdb9e568187be3fe746114557d5018779537ee37f4d3c6c738cb97b9dc651bc19bfadc344ffe2b52ca78bd8316b51dacc5f2b1440cb9515521cc7ba23',
  },
  {
    name: 'case 4 (HRPD, artificial AKA output)',
    network: 'HRPD',
    autn: 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0',
    ik: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0',
    ck: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0',
    ckPrime: '8310a71ce6f754889613da8f64d5fb46',
    ikPrime: '5adf14360ae838192db23f6fcb7f8c76',
    kEncr: '745e7439ba238f50fcac4d15d47cd1d9',
    kAut: '3e1d2aa4e677025cfd862a4be18361a13a645765571463df833a9759e8099879',
    kRe: '99da835e2ae82462576fe6516fad1f802f0fa1191655dd0a273da96d04e0fcd3',
    msk: 'c6d3a6e0ceea951eb20d74f32c3061d0680a04b0b086ee8700ace3e0b95fa02683c287beee44432294ff98af26d2cc783bace75c4b0af7fdfeb5511ba8e4cbd0',
    emsk: '7fb56813838adafa99d140c2f198f6dacebfb6afee444961105402b508c7f363352cb2919644b50463e6a69354150147ae09cbc54b8a651d8787a6893ed8536d',
  },
] as const;

const IDENTITY = '0555444333222111';

for (const c of CASES) {
  test(`RFC 5448 Appendix C ${c.name}: CK′, IK′, K_encr, K_aut, K_re, MSK, EMSK`, () => {
    const { ckPrime, ikPrime } = deriveCkIkPrime(
      fromHex(c.ck),
      fromHex(c.ik),
      c.network,
      fromHex(c.autn).subarray(0, 6),
    );
    assert.equal(toHex(ckPrime), c.ckPrime);
    assert.equal(toHex(ikPrime), c.ikPrime);
    const k = deriveEapAkaPrimeKeys(IDENTITY, ckPrime, ikPrime);
    assert.equal(toHex(k.kEncr), c.kEncr);
    assert.equal(toHex(k.kAut), c.kAut);
    assert.equal(toHex(k.kRe), c.kRe);
    assert.equal(toHex(k.msk), c.msk);
    assert.equal(toHex(k.emsk), c.emsk);
  });
}

test('PRF′ is the HMAC-SHA-256 prf+ chain: a longer output extends a shorter one', () => {
  const key = new Uint8Array(32).fill(1);
  const s = new TextEncoder().encode('S');
  assert.deepEqual(prfPrime(key, s, 40).subarray(0, 20), prfPrime(key, s, 20));
  assert.equal(prfPrime(key, s, 100).length, 100);
});

test('AT_MAC is HMAC-SHA-256-128 with the 32-octet K_aut; any changed octet fails', () => {
  const kAut = new Uint8Array(32).fill(9);
  const packet = new Uint8Array(40).fill(5);
  const mac = computeEapAkaPrimeMac(kAut, packet);
  assert.equal(mac.length, 16);
  assert.equal(verifyEapAkaPrimeMac(kAut, packet, mac), true);
  packet[3]! ^= 1;
  assert.equal(verifyEapAkaPrimeMac(kAut, packet, mac), false);
  assert.throws(() => computeEapAkaPrimeMac(new Uint8Array(16), packet), /K_aut/);
});
