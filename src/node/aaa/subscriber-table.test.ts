import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatSubscriberFile, parseSubscriberFile, type Subscriber } from '../../eap/index.ts';
import { lastSqnOf } from '../../eap/subscriber.ts';
import { ConfigError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import { ImsiIndex, imsiKey, imsiOfKey } from './imsi-index.ts';
import { NO_SQN, SubscriberTable } from './subscriber-table.ts';

/** The table as plain rows, for comparison. */
function rows(t: SubscriberTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.count; i++) {
    const { k, opc, amf } = t.keysOf(i);
    out.push(`${t.imsiAt(i)} ${toHex(k)} ${toHex(opc)} ${toHex(amf)} ${t.fileSqn[i]}`);
  }
  return out;
}

function reference(text: string): string[] {
  return parseSubscriberFile(text).map(
    (s) => `${s.imsi} ${toHex(s.k)} ${toHex(s.opc)} ${toHex(s.amf)} ${lastSqnOf(s.sqn)}`,
  );
}

const subscriber: fc.Arbitrary<Subscriber> = fc.record({
  imsi: fc.stringMatching(/^\d{6,15}$/),
  k: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  opc: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  amf: fc.uint8Array({ minLength: 2, maxLength: 2 }),
  sqn: fc.record({ seqHe: fc.integer({ min: 0, max: 2 ** 43 - 1 }), ind: fc.integer({ min: 0, max: 31 }) }),
});

test('property: the fast scanner reads what the reference parser reads (whitespace and field order free)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(subscriber, { selector: (s) => s.imsi, maxLength: 8 }),
      fc.boolean(),
      (subs, compact) => {
        const formatted = formatSubscriberFile(subs);
        const text = compact ? JSON.stringify(JSON.parse(formatted)) : formatted;
        const fast = SubscriberTable.scan(Buffer.from(text));
        assert.ok(fast, 'the fast path takes a well-formed file');
        assert.deepEqual(rows(fast), reference(text));
      },
    ),
    { numRuns: 100 },
  );
});

test('property: a damaged file is either read as the reference parser reads it or refused as it refuses it', () => {
  const file = formatSubscriberFile([
    {
      imsi: '001010000000001',
      k: new Uint8Array(16),
      opc: new Uint8Array(16).fill(1),
      amf: Uint8Array.of(0x80, 0),
      sqn: { seqHe: 3, ind: 2 },
    },
    {
      imsi: '001010000000002',
      k: new Uint8Array(16).fill(9),
      opc: new Uint8Array(16),
      amf: Uint8Array.of(0, 0),
      sqn: { seqHe: 0, ind: 31 },
    },
  ]);
  fc.assert(
    fc.property(fc.nat(file.length - 1), fc.integer({ min: 0, max: 127 }), (at, byte) => {
      const text = file.slice(0, at) + String.fromCharCode(byte) + file.slice(at + 1);
      let expected: string[] | ConfigError;
      try {
        expected = reference(text);
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        expected = e;
      }
      if (expected instanceof ConfigError) {
        assert.throws(
          () => SubscriberTable.parse(Buffer.from(text)),
          (e: unknown) => e instanceof ConfigError && e.message === expected.message,
        );
      } else {
        assert.deepEqual(rows(SubscriberTable.parse(Buffer.from(text))), expected);
      }
    }),
    { numRuns: 400 },
  );
});

test('escapes, duplicates and unknown fields go to the reference parser', () => {
  const escaped =
    '{"subscribers":[{"imsi":"\\u0030\\u00301010000000001","k":"00000000000000000000000000000000","opc":"00000000000000000000000000000000","amf":"0000"}]}';
  assert.equal(SubscriberTable.scan(Buffer.from(escaped)), undefined);
  assert.equal(SubscriberTable.parse(Buffer.from(escaped)).imsiAt(0), '001010000000001');
  assert.equal(SubscriberTable.parse(Buffer.from(escaped)).fileSqn[0], 31); // no sqn: the initial state
  const missing =
    '{"subscribers":[{"imsi":"001010000000001","k":"00000000000000000000000000000000","opc":"00000000000000000000000000000000","amf":"0000"}]}';
  assert.equal(SubscriberTable.scan(Buffer.from(missing))!.fileSqn[0], NO_SQN);
  const dup = `{"subscribers":[${JSON.parse(missing)
    .subscribers.map((e: unknown) => JSON.stringify(e))
    .join(',')},${JSON.stringify(JSON.parse(missing).subscribers[0])}]}`;
  assert.throws(
    () => SubscriberTable.parse(Buffer.from(dup)),
    (e: unknown) => e instanceof ConfigError && e.path === 'subscribers[1].imsi',
  );
});

test('IMSI keys: one per IMSI, leading zeros and lengths kept apart, through a growing index', () => {
  const imsis = ['001010000000001', '01010000000001', '1010000000001', '123456', '999999999999999', '000000'];
  for (const imsi of imsis) assert.equal(imsiOfKey(imsiKey(imsi)!), imsi);
  assert.equal(new Set(imsis.map(imsiKey)).size, imsis.length);
  for (const bad of ['12345', '1234567890123456', '00101000000000x', '']) assert.equal(imsiKey(bad), undefined);
  const index = new ImsiIndex();
  for (let i = 0; i < 5000; i++) assert.equal(index.add(imsiKey(`00101${String(i).padStart(10, '0')}`)!, i), true);
  assert.equal(index.add(imsiKey('001010000000007')!, 99), false);
  for (let i = 0; i < 5000; i += 7) assert.equal(index.get(imsiKey(`00101${String(i).padStart(10, '0')}`)!), i);
  assert.equal(index.get(imsiKey('001010000005000')!), undefined);
  assert.equal(index.size, 5000);
});
