import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { makeSqn, SQN_ARRAY_SIZE } from '../../crypto/index.ts';
import type { SqnGrant } from '../../eap/index.ts';
import { ConfigError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import { SubscriberFileStore } from './subscriber-file-store.ts';
import { derivedTestKeys, writeSubscriberRange } from './subscriber-range.ts';

const A = '001010000000001';
const B = '001010000000002';
/** Old format: B carries the SQN of its last vector, SEQ 32 IND 0. */
const TEXT = JSON.stringify({
  subscribers: [
    { imsi: A, k: '465b5ce8b199b49faa5f0a2ee238a6bc', opc: 'cd63cb71954a9f4e48a5994e37a02baf', amf: '8000' },
    { imsi: B, k: '00'.repeat(16), opc: '11'.repeat(16), amf: 'b9b9', sqn: '000000000400' },
  ],
});

function withFile(body: (file: string, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-store-'));
  try {
    const file = join(dir, 'subscribers.json');
    writeFileSync(file, TEXT, { mode: 0o600 });
    body(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seqOf(grant: SqnGrant): number {
  assert.ok(grant.ok, JSON.stringify(grant));
  return grant.state.seqHe;
}

function journalLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

test('keys from the file, SQN from the old format; the subscriber file is never written; state file 0600', () => {
  withFile((file, dir) => {
    const store = SubscriberFileStore.open(file);
    assert.equal(toHex(store.get(A)!.k), '465b5ce8b199b49faa5f0a2ee238a6bc');
    assert.equal(toHex(store.get(B)!.amf), 'b9b9');
    assert.deepEqual(store.get(B)!.sqn, { seqHe: 32, ind: 0 });
    assert.deepEqual(store.nextSqn(B), { ok: true, sqn: makeSqn(33, 1), state: { seqHe: 33, ind: 1 } });
    assert.deepEqual(store.nextSqn(A), { ok: true, sqn: makeSqn(1, 0), state: { seqHe: 1, ind: 0 } });
    assert.deepEqual(store.nextSqn('001019999999999'), { ok: false, reason: 'UNKNOWN_SUBSCRIBER' });
    store.close();
    assert.equal(readFileSync(file, 'utf8'), TEXT);
    assert.equal(store.stateFile, `${file}.sqn`);
    assert.equal(statSync(store.stateFile).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir).sort(), ['subscribers.json', 'subscribers.json.sqn']);
    // A clean stop records SQN_HE exactly: the next run goes on with SEQ + 1.
    const again = SubscriberFileStore.open(file);
    assert.equal(seqOf(again.nextSqn(B)), 34);
    assert.equal(seqOf(again.nextSqn(A)), 2);
    again.close();
  });
});

test('one journal line per N vectors of a subscriber, none for vectors within the reserved range', () => {
  withFile((file) => {
    const store = SubscriberFileStore.open(file, { sqnReserve: 4 });
    const atStart = journalLines(store.stateFile).length; // the start reserves a range for everyone
    assert.equal(atStart, 2);
    for (let i = 1; i <= 4; i++) assert.equal(seqOf(store.nextSqn(A)), i);
    assert.equal(store.reservations, 0);
    for (let i = 5; i <= 13; i++) assert.equal(seqOf(store.nextSqn(A)), i);
    assert.equal(store.reservations, 3); // SEQ 5–8, 9–12, 13–16
    assert.deepEqual(journalLines(store.stateFile).slice(atStart), [
      `${A} ${makeSqn(8, 4).toString(16).padStart(12, '0')}`,
      `${A} ${makeSqn(12, 8).toString(16).padStart(12, '0')}`,
      `${A} ${makeSqn(16, 12).toString(16).padStart(12, '0')}`,
    ]);
  });
});

test('after a crash SQN_HE resumes above every SEQ that may have gone out', () => {
  withFile((file) => {
    const first = SubscriberFileStore.open(file, { sqnReserve: 10 });
    for (let i = 0; i < 15; i++) first.nextSqn(A); // SEQ 1–15: the second range (11–20) is on disk
    // crash: no close()
    const second = SubscriberFileStore.open(file, { sqnReserve: 10 });
    assert.equal(seqOf(second.nextSqn(A)), 21);
    assert.equal(seqOf(second.nextSqn(B)), 32 + 10 + 1); // B's range from the first start (33–42) is skipped too
  });
});

test('migration: the higher of the old file SQN and the journal wins', () => {
  withFile((file) => {
    writeFileSync(`${file}.sqn`, `${B} ${makeSqn(5, 3).toString(16).padStart(12, '0')}\n`); // below the file's 32
    writeFileSync(`${file}.sqn`, `${A} ${makeSqn(700, 3).toString(16).padStart(12, '0')}\n`, { flag: 'a' });
    const store = SubscriberFileStore.open(file);
    assert.deepEqual(store.get(B)!.sqn, { seqHe: 32, ind: 0 });
    assert.deepEqual(store.get(A)!.sqn, { seqHe: 700, ind: 3 });
  });
});

test('a resynchronisation backwards lowers the next reservation; records of removed subscribers are kept', () => {
  withFile((file) => {
    writeFileSync(`${file}.sqn`, `001010000000099 ${makeSqn(9000, 1).toString(16).padStart(12, '0')}\n`);
    const store = SubscriberFileStore.open(file, { sqnReserve: 10 });
    for (let i = 0; i < 5; i++) store.nextSqn(A);
    store.updateSqn(A, { seqHe: 2 ** 29, ind: 7 }); // the USIM was ahead: forward
    assert.equal(seqOf(store.nextSqn(A)), 2 ** 29 + 1);
    store.updateSqn(A, { seqHe: 3, ind: 7 }); // SQN_HE was too far ahead: back to SQN_MS
    assert.equal(seqOf(store.nextSqn(A)), 4);
    // crash: the lower line is the last one of A
    const again = SubscriberFileStore.open(file, { sqnReserve: 10 });
    assert.equal(seqOf(again.nextSqn(A)), 4 + 10);
    assert.match(
      readFileSync(again.stateFile, 'utf8'),
      new RegExp(`001010000000099 ${toHex(Uint8Array.of(0, 0, 0, 0x04, 0x65, 0x01))}`),
    );
  });
});

test('the journal is compacted when it grows; the marks survive it', () => {
  withFile((file) => {
    const store = SubscriberFileStore.open(file, { sqnReserve: 1 });
    for (let i = 0; i < 3000; i++) store.nextSqn(i % 2 ? A : B);
    const lines = journalLines(store.stateFile).length;
    assert.ok(lines <= 2 * 2 + 1024 + 1, `compacted: ${lines} lines`);
    const again = SubscriberFileStore.open(file, { sqnReserve: 1 });
    assert.equal(seqOf(again.nextSqn(A)), 1500 + 1);
    assert.equal(seqOf(again.nextSqn(B)), 32 + 1500 + 1);
  });
});

test('property: SQN never goes back across restarts and crashes, whatever N', () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('vectors' as const),
      who: fc.constantFrom(A, B),
      n: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ kind: fc.constantFrom('crash' as const, 'stop' as const) }),
  );
  withFile((file) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(op, { maxLength: 12 }), (reserve, ops) => {
        rmSync(`${file}.sqn`, { force: true });
        let store = SubscriberFileStore.open(file, { sqnReserve: reserve });
        const last = new Map<string, number>([[B, makeSqn(32, 0)]]);
        // Each crash may cost a subscriber one range of N SEQ values (the one reserved at the start before it).
        const crashes = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'vectors') {
            for (let i = 0; i < o.n; i++) {
              const g = store.nextSqn(o.who);
              assert.ok(g.ok);
              assert.ok(g.sqn > (last.get(o.who) ?? -1), 'SQN increases');
              const ranges = (crashes.get(o.who) ?? 0) + 1;
              const bound = (ranges * reserve + 2) * SQN_ARRAY_SIZE;
              assert.ok(g.sqn - (last.get(o.who) ?? 0) <= bound, 'at most a range per crash');
              last.set(o.who, g.sqn);
              crashes.set(o.who, 0);
            }
          } else {
            if (o.kind === 'crash') for (const who of [A, B]) crashes.set(who, (crashes.get(who) ?? 0) + 1);
            if (o.kind === 'stop') store.close();
            store = SubscriberFileStore.open(file, { sqnReserve: reserve });
          }
        }
        store.close();
      }),
      { numRuns: 60 },
    );
  });
});

test('a missing subscriber file is UNREADABLE, a bad one names the key, old temporaries with keys are removed', () => {
  withFile((file, dir) => {
    assert.throws(
      () => SubscriberFileStore.open(join(dir, 'nope.json')),
      (e: unknown) => e instanceof ConfigError && e.code === 'UNREADABLE',
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ subscribers: [{ imsi: A, k: 'x', opc: '', amf: '' }] }));
    assert.throws(
      () => SubscriberFileStore.open(bad),
      (e: unknown) => e instanceof ConfigError && e.path === 'subscribers[0].k',
    );
    writeFileSync(`${file}.tmp-4242`, TEXT);
    SubscriberFileStore.open(file).close();
    assert.deepEqual(readdirSync(dir).sort(), ['bad.json', 'subscribers.json', 'subscribers.json.sqn']);
  });
});

test('an unusable state file location fails at start naming the config key', () => {
  withFile((file, dir) => {
    assert.throws(
      () =>
        SubscriberFileStore.open(file, {
          sqnStateFile: join(dir, 'no', 'such', 'x.sqn'),
          sqnStateKey: 'ha.aaa.sqnStateFile',
        }),
      (e: unknown) => e instanceof ConfigError && e.path === 'ha.aaa.sqnStateFile',
    );
  });
});

test('a range file: 0600, the derived keys, read back by the store', () => {
  withFile((_file, dir) => {
    const path = join(dir, 'range.json');
    writeSubscriberRange(path, { first: '001010000000998', count: 5 });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const store = SubscriberFileStore.open(path);
    assert.equal(store.size, 5);
    assert.deepEqual(store.get('001010000001002')!.k, derivedTestKeys('001010000001002').k);
    assert.equal(store.get('001010000001003'), undefined);
    assert.throws(() => writeSubscriberRange(join(dir, 'x', 'r.json'), { first: A, count: 1 }));
    assert.throws(() => writeSubscriberRange(path, { first: '999999', count: 2 }), RangeError);
    assert.deepEqual(readdirSync(dir).sort(), [
      'range.json',
      'range.json.sqn',
      'range.json.sqn.lock',
      'subscribers.json',
    ]);
  });
});
