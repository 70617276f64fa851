import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../util/hex.ts';
import {
  acceptSqn,
  highestAcceptedSqn,
  indOf,
  initialHeSqnState,
  initialUsimSqnState,
  makeSqn,
  nextSqn,
  resyncHeSqn,
  SEQ_MAX,
  SQN_ARRAY_SIZE,
  SQN_DELTA,
  SQN_MAX,
  seqOf,
  sqnFromBytes,
  sqnToBytes,
  type UsimSqnState,
} from './aka-sqn.ts';
import { CryptoError } from './errors.ts';

function accept(state: UsimSqnState, sqn: number, ageLimit?: number): UsimSqnState {
  const v = acceptSqn(state, sqn, ageLimit === undefined ? undefined : { delta: SQN_DELTA, ageLimit });
  assert.ok(v.ok, `SQN ${sqn} should be accepted`);
  return v.newState;
}

test('constants: 5-bit IND, 43-bit SEQ, 32 array entries, Δ = 2^28', () => {
  assert.equal(SQN_ARRAY_SIZE, 32);
  assert.equal(SEQ_MAX, 2 ** 43 - 1);
  assert.equal(SQN_DELTA, 268435456);
});

test('SQN bytes: set 1 SQN ff9bb4d0b607 round-trips; SEQ and IND split at bit 5', () => {
  const sqn = sqnFromBytes(Uint8Array.of(0xff, 0x9b, 0xb4, 0xd0, 0xb6, 0x07));
  assert.equal(sqn, 0xff9bb4d0b607);
  assert.equal(toHex(sqnToBytes(sqn)), 'ff9bb4d0b607');
  assert.equal(indOf(sqn), 0x07);
  assert.equal(seqOf(sqn), Math.floor(0xff9bb4d0b607 / 32));
  assert.equal(toHex(sqnToBytes(SQN_MAX)), 'ffffffffffff');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: SQN_MAX }), (n) => {
      assert.equal(sqnFromBytes(sqnToBytes(n)), n);
      assert.equal(makeSqn(seqOf(n), indOf(n)), n);
    }),
  );
  assert.throws(
    () => sqnFromBytes(new Uint8Array(5)),
    (e: unknown) => e instanceof CryptoError && e.code === 'BAD_INPUT_LENGTH',
  );
  assert.throws(() => sqnToBytes(2 ** 48), RangeError);
  assert.throws(() => makeSqn(1, 32), RangeError);
});

test('USIM C.2.2: SEQ must exceed SEQ_MS(IND); other IND entries are independent', () => {
  let s = initialUsimSqnState();
  assert.equal(highestAcceptedSqn(s), 0);
  // SEQ 0 is never fresh: every entry starts at zero.
  assert.deepEqual(acceptSqn(s, makeSqn(0, 3)), { ok: false, reason: 'NOT_FRESH' });
  s = accept(s, makeSqn(10, 3));
  assert.deepEqual(acceptSqn(s, makeSqn(10, 3)), { ok: false, reason: 'NOT_FRESH' }); // replay
  assert.deepEqual(acceptSqn(s, makeSqn(9, 3)), { ok: false, reason: 'NOT_FRESH' });
  // An older SEQ is still fresh under another IND: vectors used out of order across serving nodes.
  s = accept(s, makeSqn(5, 4));
  s = accept(s, makeSqn(11, 3));
  assert.equal(s.seqMs[3], 11);
  assert.equal(s.seqMs[4], 5);
  assert.equal(highestAcceptedSqn(s), makeSqn(11, 3));
});

test('USIM C.2.1: a jump of exactly Δ is accepted, Δ + 1 is TOO_FAR_AHEAD', () => {
  const s = accept(initialUsimSqnState(), makeSqn(100, 0));
  assert.equal(acceptSqn(s, makeSqn(100 + SQN_DELTA, 1)).ok, true);
  assert.deepEqual(acceptSqn(s, makeSqn(101 + SQN_DELTA, 1)), { ok: false, reason: 'TOO_FAR_AHEAD' });
  assert.equal(acceptSqn(s, makeSqn(101 + SQN_DELTA, 1), { delta: SQN_DELTA + 1 }).ok, true);
});

test('USIM C.2.2 age limit L: SEQ_MS − SEQ must be below L when L is applied', () => {
  let s = accept(initialUsimSqnState(), makeSqn(1000, 0));
  s = accept(s, makeSqn(990, 1), 11); // 1000 − 990 = 10 < 11
  assert.deepEqual(acceptSqn(s, makeSqn(989, 2), { delta: SQN_DELTA, ageLimit: 11 }), { ok: false, reason: 'TOO_OLD' });
  assert.equal(acceptSqn(s, makeSqn(989, 2)).ok, true); // no L: only the array entry matters
});

test('acceptSqn is pure: the input state is never modified', () => {
  const s = initialUsimSqnState();
  const before = [...s.seqMs];
  accept(s, makeSqn(7, 7));
  assert.deepEqual(s.seqMs, before);
  assert.throws(() => acceptSqn({ seqMs: [0] }, 1), RangeError);
});

test('home network: nextSqn increments SEQ and cycles IND; every vector is accepted in order', () => {
  let he = initialHeSqnState();
  let usim = initialUsimSqnState();
  const inds: number[] = [];
  for (let i = 0; i < 70; i++) {
    const { sqn, newState } = nextSqn(he);
    he = newState;
    inds.push(indOf(sqn));
    assert.equal(seqOf(sqn), i + 1);
    usim = accept(usim, sqn);
  }
  assert.deepEqual(inds.slice(0, 3), [0, 1, 2]);
  assert.equal(inds[32], 0);
  assert.throws(
    () => nextSqn({ seqHe: SEQ_MAX, ind: 0 }),
    (e: unknown) => e instanceof CryptoError && e.code === 'SQN_EXHAUSTED',
  );
});

test('home network resync (TS 33.102 §6.3.5): keep SQN_HE when acceptable, else reset to SQN_MS', () => {
  const he = { seqHe: 50, ind: 4 };
  assert.equal(resyncHeSqn(he, makeSqn(40, 9)), he); // next SEQ 51 > 40 and within Δ
  assert.deepEqual(resyncHeSqn(he, makeSqn(80, 9)), { seqHe: 80, ind: 9 }); // USIM is ahead
  assert.deepEqual(resyncHeSqn({ seqHe: SQN_DELTA + 10, ind: 0 }, makeSqn(5, 2)), { seqHe: 5, ind: 2 }); // too far
  // After any resync the next vector is accepted by a USIM whose highest entry is SQN_MS.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.nat(31),
      (seqHe, seqMs, ind) => {
        const seqMsArray = new Array<number>(SQN_ARRAY_SIZE).fill(0);
        seqMsArray[ind] = seqMs; // a USIM that has accepted SEQ_MS ‖ IND at some point
        const usim = { seqMs: seqMsArray };
        const next = nextSqn(resyncHeSqn({ seqHe, ind: 0 }, highestAcceptedSqn(usim)));
        assert.equal(acceptSqn(usim, next.sqn).ok, true);
      },
    ),
  );
});
