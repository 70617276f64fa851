import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../util/hex.ts';
import { buildAuthVector, buildAuts, checkAutn, verifyAuts } from './aka.ts';
import { acceptSqn, initialUsimSqnState, makeSqn, seqOf, sqnFromBytes, sqnToBytes } from './aka-sqn.ts';
import { CryptoError } from './errors.ts';
import { Milenage } from './milenage.ts';

// TS 35.208 set 1 and set 19 (SPEC-NOTES §10).
const SET1 = {
  k: fromHex('465b5ce8b199b49faa5f0a2ee238a6bc'),
  opc: fromHex('cd63cb71954a9f4e48a5994e37a02baf'),
  rand: fromHex('23553cbe9637a89d218ae64dae47bf35'),
  sqn: fromHex('ff9bb4d0b607'),
  amf: fromHex('b9b9'),
};
const m1 = Milenage.fromOpc(SET1.k, SET1.opc);
/** A USIM that last accepted the SEQ just below set 1's in every entry, so set 1's SQN is fresh and within Δ. */
const USIM_BEFORE_SET1 = { seqMs: new Array<number>(32).fill(seqOf(0xff9bb4d0b607) - 1) };

test('AUTN of TS 35.208 sets 1 and 19 (SPEC-NOTES §10)', () => {
  const v = buildAuthVector(m1, SET1.rand, SET1.sqn, SET1.amf);
  assert.equal(toHex(v.autn), '55f328b43577b9b94a9ffac354dfafb3');
  assert.equal(toHex(v.xres), 'a54211d5e3ba50bf');
  assert.equal(toHex(v.ck), 'b40ba9a3c58b2a05bbf0d987b21bf8cb');
  assert.equal(toHex(v.ik), 'f769bcd751044604127672711c6d3441');
  const m19 = Milenage.fromOpc(
    fromHex('5122250214c33e723a5dd523fc145fc0'),
    fromHex('981d464c7c52eb6e5036234984ad0bcf'),
  );
  const v19 = buildAuthVector(
    m19,
    fromHex('81e92b6c0ee0e12ebceba8d92a99dfa5'),
    fromHex('16f3b3f70fc2'),
    fromHex('c3ab'),
  );
  assert.equal(toHex(v19.autn), 'bb52e91c747ac3ab2a5c23d15ee351d5');
});

test('USIM accepts the set 1 AUTN: RES, CK, IK, SQN and the updated SEQ_MS', () => {
  const autn = fromHex('55f328b43577b9b94a9ffac354dfafb3');
  const r = checkAutn(m1, SET1.rand, autn, USIM_BEFORE_SET1);
  assert.ok(r.ok);
  assert.equal(toHex(r.res), 'a54211d5e3ba50bf');
  assert.equal(toHex(r.ck), 'b40ba9a3c58b2a05bbf0d987b21bf8cb');
  assert.equal(toHex(r.ik), 'f769bcd751044604127672711c6d3441');
  assert.equal(toHex(r.sqn), 'ff9bb4d0b607');
  assert.equal(toHex(r.amf), 'b9b9');
  assert.equal(r.newState.seqMs[7], seqOf(0xff9bb4d0b607));
});

test('a flipped bit in MAC-A, AMF or the concealed SQN is a MAC failure, never a sync failure', () => {
  const autn = fromHex('55f328b43577b9b94a9ffac354dfafb3');
  fc.assert(
    fc.property(fc.nat(127), (bit) => {
      const bad = autn.slice();
      bad[bit >> 3]! ^= 0x80 >> (bit & 7);
      assert.deepEqual(checkAutn(m1, SET1.rand, bad, initialUsimSqnState()), { ok: false, reason: 'MAC_FAILURE' });
    }),
    { numRuns: 128 },
  );
});

test('a replayed AUTN (good MAC) is a sync failure whose AUTS lets the network recover SQN_MS', () => {
  const autn = fromHex('55f328b43577b9b94a9ffac354dfafb3');
  // A fresh USIM (all zeros) refuses it as too far ahead (Δ, TS 33.102 C.2.1) but with a valid MAC.
  const fresh = checkAutn(m1, SET1.rand, autn, initialUsimSqnState());
  assert.ok(!fresh.ok && fresh.reason === 'SYNC_FAILURE' && fresh.sqnReason === 'TOO_FAR_AHEAD');
  const first = checkAutn(m1, SET1.rand, autn, USIM_BEFORE_SET1);
  assert.ok(first.ok);
  const again = checkAutn(m1, SET1.rand, autn, first.newState);
  assert.ok(!again.ok && again.reason === 'SYNC_FAILURE');
  assert.equal(again.sqnReason, 'NOT_FRESH');
  const net = verifyAuts(m1, SET1.rand, again.auts);
  assert.ok(net.ok);
  // SQN_MS is the highest accepted SQN: the one just accepted, SEQ ‖ IND.
  assert.equal(toHex(net.sqnMs), 'ff9bb4d0b607');
});

test('AUTS vector of SPEC-NOTES §10: K = 0 → SQN_MS 00052c8c338e, MAC-S verifies; a bad MAC-S is refused', () => {
  const m = Milenage.fromOpc(new Uint8Array(16), fromHex('c8ffd2aa7a43c926bf2b2826205b9030'));
  const rand = fromHex('01000000000000002e6f0eb33b7ffde7');
  const auts = fromHex('797d7a19ca27f99f4363d3ca24be');
  const r = verifyAuts(m, rand, auts);
  assert.ok(r.ok);
  assert.equal(toHex(r.sqnMs), '00052c8c338e');
  assert.equal(toHex(buildAuts(m, rand, r.sqnMs)), toHex(auts));
  const bad = auts.slice();
  bad[13]! ^= 1;
  assert.deepEqual(verifyAuts(m, rand, bad), { ok: false, reason: 'MAC_FAILURE' });
});

test('network → USIM → network round trip for random SQNs: fresh accepted, stale rejected with usable AUTS', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.integer({ min: 1, max: 2 ** 20 }),
      fc.integer({ min: 1, max: 2 ** 20 }),
      fc.nat(31),
      (rand, seqA, seqB, ind) => {
        const usim0 = acceptSqn(initialUsimSqnState(), makeSqn(seqA, ind));
        assert.ok(usim0.ok);
        const sqn = sqnToBytes(makeSqn(seqB, ind));
        const av = buildAuthVector(m1, rand, sqn, SET1.amf);
        const r = checkAutn(m1, rand, av.autn, usim0.newState);
        if (seqB > seqA) {
          assert.ok(r.ok);
          assert.deepEqual(r.res, av.xres);
        } else {
          assert.ok(!r.ok && r.reason === 'SYNC_FAILURE');
          const net = verifyAuts(m1, rand, r.auts);
          assert.ok(net.ok);
          assert.equal(sqnFromBytes(net.sqnMs), makeSqn(seqA, ind));
        }
      },
    ),
    { numRuns: 100 },
  );
});

test('wrong AUTN/AUTS/SQN sizes are CryptoError BAD_INPUT_LENGTH', () => {
  const code = (f: () => unknown) =>
    assert.throws(f, (e: unknown) => e instanceof CryptoError && e.code === 'BAD_INPUT_LENGTH');
  code(() => checkAutn(m1, SET1.rand, new Uint8Array(15), initialUsimSqnState()));
  code(() => verifyAuts(m1, SET1.rand, new Uint8Array(16)));
  code(() => buildAuts(m1, SET1.rand, new Uint8Array(5)));
  code(() => buildAuthVector(m1, SET1.rand, SET1.sqn, new Uint8Array(1)));
});
