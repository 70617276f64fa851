/**
 * The synthetic end-to-end EAP-AKA vector of SPEC-NOTES §9 (computed independently there, not published),
 * rebuilt through the server and through the peer: TS 35.208 set 1, identity
 * 0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org, Identifier 1, no AKA-Identity round.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { indOf, seqOf } from '../crypto/index.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { deriveAkaSessionKeys } from './aka-protect.ts';
import { makePeer, makeServer, ROOT_NAI, SET1, set1Store } from './aka-test-support.ts';

const CHALLENGE_MAC = '7545b30207848f6930d89d728fc1f54c';
const RESPONSE_MAC = 'f99368f04af36b607ebd1b36ab18fac1';
const CHALLENGE = fromHex(
  '01010044 17010000' +
    ` 01050000 ${toHex(SET1.rand)}` +
    ` 02050000 ${toHex(SET1.autn)}` +
    ` 0b050000 ${CHALLENGE_MAC}`,
);
const RESPONSE = fromHex(`02010028 17010000 03030040 ${toHex(SET1.res)} 0b050000 ${RESPONSE_MAC}`);
const MSK =
  '01418086c8d0f735a92329e4f3d83820a268f077c6ebf455d66958d90ef7bc67' +
  '51d7fbf2ad98c81f973bfc978130ae58a0e8901b228116b272d698ef7758330d';

/** A USIM whose every SEQ_MS is just below set 1's SEQ, so set 1's SQN is fresh and within Δ. */
const USIM_BEFORE_SET1 = { seqMs: new Array<number>(32).fill(seqOf(SET1.sqn) - 1) };

test('SPEC-NOTES §9 keys: MK, K_encr, K_aut and MSK from set 1 CK/IK and the root NAI', () => {
  const keys = deriveAkaSessionKeys(new TextEncoder().encode(ROOT_NAI), SET1.ck, SET1.ik);
  assert.equal(toHex(keys.kEncr), '00d4591e927b701e86ab617ff9e7c6e1');
  assert.equal(toHex(keys.kAut), '16589190b459f1708f94261b0a042d73');
  assert.equal(toHex(keys.msk), MSK);
});

test('the server builds the SPEC-NOTES §9 EAP-Request/AKA-Challenge byte for byte', () => {
  // SQN_HE one step before set 1's SQN, so nextSqn yields ff9bb4d0b607; RAND comes from the injected source.
  const sqn = { seqHe: seqOf(SET1.sqn) - 1, ind: (indOf(SET1.sqn) + 31) % 32 };
  const store = set1Store(sqn);
  const subscriber = { ...store.get('001010000000001')!, amf: SET1.amf };
  const server = makeServer({
    store: {
      get: () => subscriber,
      nextSqn: (imsi) => store.nextSqn(imsi),
      updateSqn: (imsi, s) => store.updateSqn(imsi, s),
    },
    random: () => SET1.rand.slice(),
    initialIdentifier: 1,
    ikeIdentity: ROOT_NAI,
  });
  const s1 = server.start();
  assert.equal(toHex(s1.send!), toHex(CHALLENGE));
  // EAP-Response/AKA-Challenge from the vector --> EAP-Success with the vector's MSK
  const s2 = server.handleResponse(RESPONSE);
  assert.equal(toHex(s2.send!), '03010004');
  const success = s2.events.find((e) => e.kind === 'success');
  assert.equal(success && toHex(success.msk), MSK);
});

test('the peer answers the SPEC-NOTES §9 Challenge with the vector Response byte for byte', () => {
  const peer = makePeer({ usimSqnState: USIM_BEFORE_SET1 });
  const p1 = peer.handleRequest(CHALLENGE);
  assert.equal(toHex(p1.send!), toHex(RESPONSE));
  const p2 = peer.handleRequest(fromHex('03010004'));
  const success = p2.events.find((e) => e.kind === 'success');
  assert.ok(success);
  assert.equal(toHex(success.msk), MSK);
  // SPEC-NOTES §9: prf(MSK, "Key Pad for IKEv2") with HMAC-SHA256, the IKEv2 AUTH key (RFC 7296 §2.16).
  const keyPad = createHmac('sha256', success.msk).update('Key Pad for IKEv2').digest('hex');
  assert.equal(keyPad, '91a5291312361594e16e072a5a7d77e52ad8345c5593efabcdff70edf94a46f1');
});
