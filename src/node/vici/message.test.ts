import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../util/hex.ts';
import { viciMessage } from './arbitraries.ts';
import { ViciError, type ViciErrorCode } from './errors.ts';
import {
  decodeViciMessage,
  encodeViciMessage,
  VICI_MAX_DEPTH,
  type ViciMessage,
  viciMessageLength,
} from './message.ts';
import { viciMessageFrom, viciMessageToTree } from './tree.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// README "Encoding example": key1 = value1, section1 { sub-section { key2 = value2 } list1 = [item1, item2] }
const README_EXAMPLE = fromHex(
  '03046b657931000676616c756531' + // KEY_VALUE key1 = value1
    '010873656374696f6e31' + // SECTION_START section1
    '010b7375622d73656374696f6e' + // SECTION_START sub-section
    '03046b657932000676616c756532' + // KEY_VALUE key2 = value2
    '02' + // SECTION_END
    '04056c69737431' + // LIST_START list1
    '0500056974656d31' + // LIST_ITEM item1
    '0500056974656d32' + // LIST_ITEM item2
    '06' + // LIST_END
    '02', // SECTION_END
);
const README_MESSAGE: ViciMessage = [
  { kind: 'value', name: 'key1', value: ascii('value1') },
  {
    kind: 'section',
    name: 'section1',
    items: [
      { kind: 'section', name: 'sub-section', items: [{ kind: 'value', name: 'key2', value: ascii('value2') }] },
      { kind: 'list', name: 'list1', items: [ascii('item1'), ascii('item2')] },
    ],
  },
];

function throwsVici(bytes: Uint8Array, code: ViciErrorCode, offset?: number): void {
  assert.throws(
    () => decodeViciMessage(bytes),
    (e: unknown) => e instanceof ViciError && e.code === code && (offset === undefined || e.offset === offset),
    `${toHex(bytes)} should fail with ${code}`,
  );
}

test('the README encoding example decodes, encodes back byte for byte, and has the right length', () => {
  assert.deepEqual(decodeViciMessage(README_EXAMPLE), README_MESSAGE);
  assert.equal(toHex(encodeViciMessage(README_MESSAGE)), toHex(README_EXAMPLE));
  assert.equal(viciMessageLength(README_MESSAGE), README_EXAMPLE.length);
  assert.deepEqual(viciMessageToTree(README_MESSAGE), {
    key1: 'value1',
    section1: { 'sub-section': { key2: 'value2' }, list1: ['item1', 'item2'] },
  });
});

test('a load-pool request carries a binary 21-byte MIP6_HOME_PREFIX value unchanged (RFC 5026 §8.2 layout)', () => {
  // lifetime 86400 ‖ fd99:1:2:3:: ‖ 64
  const attr16 = fromHex('00015180fd990001000200030000000000000000' + '40');
  const msg = viciMessageFrom({ mip6: { addrs: 'fd99:1:2:3::/64', '16': [attr16] } });
  const bytes = encodeViciMessage(msg);
  assert.equal(
    toHex(bytes),
    '01046d697036' + // SECTION_START mip6
      '0402' +
      '3136' + // LIST_START "16" (integer-like keys come first in a JS object)
      '050015' +
      toHex(attr16) + // LIST_ITEM, 21 bytes
      '06' +
      '03056164647273000f' +
      toHex(ascii('fd99:1:2:3::/64')) +
      '02',
  );
  const back = decodeViciMessage(bytes);
  const section = back[0];
  assert.ok(section?.kind === 'section');
  const list = section.items[0];
  assert.ok(list?.kind === 'list');
  assert.equal(toHex(list.items[0]!), toHex(attr16));
});

test('an empty message, an empty list, an empty section and empty names and values are valid', () => {
  assert.deepEqual(decodeViciMessage(new Uint8Array(0)), []);
  const msg: ViciMessage = [
    { kind: 'list', name: '', items: [] },
    { kind: 'section', name: 's', items: [] },
    { kind: 'value', name: '', value: new Uint8Array(0) },
  ];
  const bytes = encodeViciMessage(msg);
  assert.equal(toHex(bytes), '0400' + '06' + '010173' + '02' + '0300' + '0000');
  assert.deepEqual(decodeViciMessage(bytes), msg);
});

test('malformed messages fail with the documented code and offset', () => {
  throwsVici(fromHex('03'), 'TRUNCATED', 1); // KEY_VALUE without a name length
  throwsVici(fromHex('03056b6579'), 'TRUNCATED', 1); // name shorter than its length
  throwsVici(fromHex('03016b00'), 'TRUNCATED', 3); // value length cut
  throwsVici(fromHex('03016b000561'), 'TRUNCATED', 3); // value shorter than its length
  throwsVici(fromHex('00'), 'BAD_VALUE', 0); // element type 0 is not defined
  throwsVici(fromHex('03016b000161' + '07'), 'BAD_VALUE', 6);
  throwsVici(fromHex('02'), 'BAD_STRUCTURE', 0); // SECTION_END at the root
  throwsVici(fromHex('0500016b'), 'BAD_STRUCTURE', 0); // LIST_ITEM outside a list
  throwsVici(fromHex('06'), 'BAD_STRUCTURE', 0); // LIST_END without a list
  throwsVici(fromHex('04016c' + '03016b000161'), 'BAD_STRUCTURE', 3); // KEY_VALUE inside a list
  throwsVici(fromHex('04016c' + '04016d'), 'BAD_STRUCTURE', 3); // lists do not nest
  throwsVici(fromHex('04016c' + '010173'), 'BAD_STRUCTURE', 3); // nor hold sections
  throwsVici(fromHex('04016c05000161'), 'BAD_STRUCTURE', 7); // list not closed
  throwsVici(fromHex('010173' + '010174' + '02'), 'BAD_STRUCTURE', 0); // outer section not closed
});

test(`sections nest up to ${VICI_MAX_DEPTH} levels; one more is refused, not a stack overflow`, () => {
  const nest = (n: number): Uint8Array => fromHex('010173'.repeat(n) + '02'.repeat(n));
  assert.equal(decodeViciMessage(nest(VICI_MAX_DEPTH)).length, 1);
  throwsVici(nest(VICI_MAX_DEPTH + 1), 'BAD_STRUCTURE', 3 * VICI_MAX_DEPTH);
  throwsVici(fromHex('010173'.repeat(100_000)), 'BAD_STRUCTURE');
});

test('the encoder refuses what the format cannot carry (a RangeError: the caller built it)', () => {
  assert.throws(
    () => encodeViciMessage([{ kind: 'value', name: 'k'.repeat(256), value: new Uint8Array(0) }]),
    RangeError,
  );
  assert.throws(() => encodeViciMessage([{ kind: 'value', name: 'k', value: new Uint8Array(0x10000) }]), RangeError);
  assert.throws(() => encodeViciMessage([{ kind: 'list', name: 'k', items: [new Uint8Array(0x10000)] }]), RangeError);
  assert.throws(() => encodeViciMessage([{ kind: 'value', name: 'ключ', value: new Uint8Array(0) }]), RangeError);
});

test('decode(encode(m)) is m for any message', () => {
  fc.assert(
    fc.property(viciMessage, (m) => {
      const bytes = encodeViciMessage(m);
      assert.equal(bytes.length, viciMessageLength(m));
      assert.deepEqual(decodeViciMessage(bytes), m);
    }),
    { numRuns: 300 },
  );
});

test('random and mutated bytes give a message that re-encodes byte for byte, or a ViciError, nothing else', () => {
  const check = (bytes: Uint8Array): void => {
    let m: ViciMessage;
    try {
      m = decodeViciMessage(bytes);
    } catch (e) {
      assert.ok(e instanceof ViciError, `unexpected ${String(e)}`);
      return;
    }
    assert.equal(toHex(encodeViciMessage(m)), toHex(bytes));
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check), { numRuns: 2000 });
  // Mostly-valid input reaches the deeper branches: flip, cut or extend a valid encoding.
  fc.assert(
    fc.property(
      viciMessage,
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom('flip', 'cut', 'add'),
      (m, i, b, op) => {
        const bytes = encodeViciMessage(m);
        if (op === 'add') return check(concatBytes([bytes, Uint8Array.of(b)]));
        if (bytes.length === 0) return;
        const at = i % bytes.length;
        if (op === 'cut') return check(bytes.subarray(0, at));
        const copy = bytes.slice();
        copy[at] = b;
        check(copy);
      },
    ),
    { numRuns: 1000 },
  );
});

test('plain objects build messages (booleans as yes/no, numbers as text) and names cannot reach the prototype', () => {
  const msg = viciMessageFrom({ ike: 'ha', timeout: 1500, 'init-limits': false, skip: undefined, list: ['a', 2] });
  assert.deepEqual(viciMessageToTree(msg), { ike: 'ha', timeout: '1500', 'init-limits': 'no', list: ['a', '2'] });
  const proto = toHex(ascii('__proto__'));
  const tree = viciMessageToTree(decodeViciMessage(fromHex(`0309${proto}000178`)));
  assert.equal(Object.getPrototypeOf(tree), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(tree, '__proto__')?.value, 'x');
});
