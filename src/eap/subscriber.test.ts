import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { initialHeSqnState, SEQ_MAX, SQN_ARRAY_SIZE } from '../crypto/index.ts';
import { ConfigError } from '../util/errors.ts';
import { fromHex } from '../util/hex.ts';
import {
  formatSubscriberFile,
  heSqnFromLastSqn,
  InMemorySubscriberStore,
  lastSqnOf,
  parseSubscriberFile,
  type Subscriber,
} from './subscriber.ts';

const K = '465b5ce8b199b49faa5f0a2ee238a6bc';
const OPC = 'cd63cb71954a9f4e48a5994e37a02baf';
const entry = (extra: Record<string, unknown> = {}) => ({
  imsi: '001010000000001',
  k: K,
  opc: OPC,
  amf: '8000',
  ...extra,
});
const file = (...entries: unknown[]) => JSON.stringify({ subscribers: entries });

test('parses a file; a missing sqn is the initial state (first vector SEQ 1)', () => {
  const [a, b] = parseSubscriberFile(file(entry(), entry({ imsi: '001010000000002', sqn: '000000000062' })));
  assert.deepEqual(a, {
    imsi: '001010000000001',
    k: fromHex(K),
    opc: fromHex(OPC),
    amf: fromHex('8000'),
    sqn: initialHeSqnState(),
  });
  assert.deepEqual(b!.sqn, { seqHe: 3, ind: 2 });
});

test('the file text of SPEC-NOTES-style data, exactly', () => {
  const text = formatSubscriberFile(parseSubscriberFile(file(entry())));
  assert.equal(
    text,
    '{\n  "subscribers": [\n    {\n      "imsi": "001010000000001",\n' +
      `      "k": "${K}",\n      "opc": "${OPC}",\n      "amf": "8000",\n      "sqn": "00000000001f"\n    }\n  ]\n}\n`,
  );
});

test('every validation error is a ConfigError naming the entry and field', () => {
  const cases: [string, 'INVALID' | 'MISSING', string][] = [
    ['{', 'INVALID', ''],
    ['[]', 'INVALID', ''],
    ['{}', 'MISSING', 'subscribers'],
    ['{"subscribers": {}}', 'INVALID', 'subscribers'],
    ['{"subscribers": [], "x": 1}', 'INVALID', 'x'],
    [file(entry(), 5), 'INVALID', 'subscribers[1]'],
    [
      file(entry(), entry({ imsi: '001010000000002' }), entry({ imsi: '001010000000003', k: K.slice(2) })),
      'INVALID',
      'subscribers[2].k',
    ],
    [file({ imsi: '001010000000001', k: K, amf: '8000' }), 'MISSING', 'subscribers[0].opc'],
    [file(entry({ opc: `${OPC.slice(2)}zz` })), 'INVALID', 'subscribers[0].opc'],
    [file(entry({ amf: 8000 })), 'INVALID', 'subscribers[0].amf'],
    [file(entry({ sqn: '1f' })), 'INVALID', 'subscribers[0].sqn'],
    [file(entry({ imsi: '12345' })), 'INVALID', 'subscribers[0].imsi'],
    [file({ k: K, opc: OPC, amf: '8000' }), 'MISSING', 'subscribers[0].imsi'],
    [file(entry({ op: OPC })), 'INVALID', 'subscribers[0].op'],
    [file(entry(), entry()), 'INVALID', 'subscribers[1].imsi'],
  ];
  for (const [text, code, path] of cases) {
    assert.throws(
      () => parseSubscriberFile(text),
      (e: unknown) => e instanceof ConfigError && e.code === code && e.path === path,
      text,
    );
  }
});

test('InMemorySubscriberStore: get, updateSqn, and programming errors as RangeError', () => {
  const [s] = parseSubscriberFile(file(entry()));
  const store = new InMemorySubscriberStore([s!]);
  store.updateSqn(s!.imsi, { seqHe: 9, ind: 4 });
  assert.deepEqual(store.get(s!.imsi)!.sqn, { seqHe: 9, ind: 4 });
  assert.equal(store.get('001010000000009'), undefined);
  assert.throws(() => store.updateSqn('001010000000009', initialHeSqnState()), RangeError);
  assert.throws(() => new InMemorySubscriberStore([s!, s!]), RangeError);
});

const subscriberArb: fc.Arbitrary<Subscriber> = fc.record(
  {
    imsi: fc.stringMatching(/^[0-9]{6,15}$/),
    k: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    opc: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    amf: fc.uint8Array({ minLength: 2, maxLength: 2 }),
    sqn: fc
      .tuple(fc.integer({ min: 0, max: SEQ_MAX }), fc.integer({ min: 0, max: SQN_ARRAY_SIZE - 1 }))
      .map(([seqHe, ind]) => ({ seqHe, ind })),
  },
  { noNullPrototype: true },
);

test('property: parse(format(subscribers)) round-trips, and last SQN ↔ SQN_HE state is one to one', () => {
  fc.assert(
    fc.property(fc.uniqueArray(subscriberArb, { selector: (s) => s.imsi, maxLength: 5 }), (subs) => {
      assert.deepEqual(parseSubscriberFile(formatSubscriberFile(subs)), subs);
      for (const s of subs) assert.deepEqual(heSqnFromLastSqn(lastSqnOf(s.sqn)), s.sqn);
    }),
  );
});
