import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { decodeMd5Challenge, encodeMd5Challenge } from './md5-challenge.ts';

// RFC 1994 §4.1 layout: Value-Size 16, Value 00..0f, Name "ha".
const VECTOR = `10${'000102030405060708090a0b0c0d0e0f'}6861`;

test('EAP-MD5 Type-Data: one vector drives parse, emit and length (RFC 3748 §5.4, RFC 1994 §4.1)', () => {
  const v = decodeMd5Challenge(fromHex(VECTOR));
  assert.equal(toHex(v.value), '000102030405060708090a0b0c0d0e0f');
  assert.equal(new TextDecoder().decode(v.name), 'ha');
  assert.equal(toHex(encodeMd5Challenge(v)), VECTOR);
});

test('EAP-MD5 Type-Data: malformed inputs fail with their codes', () => {
  const code = (hex: string) => {
    try {
      decodeMd5Challenge(fromHex(hex));
      return 'ok';
    } catch (e) {
      assert.ok(isWireError(e));
      return e.code;
    }
  };
  assert.equal(code(''), 'TRUNCATED');
  assert.equal(code('00'), 'BAD_LENGTH'); // Value-Size 0
  assert.equal(code('1000010203'), 'TRUNCATED'); // 16 announced, 4 present
});

test('EAP-MD5 Type-Data: round trip of any value and name', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 255 }), fc.uint8Array({ maxLength: 64 }), (value, name) => {
      const back = decodeMd5Challenge(encodeMd5Challenge({ value, name }));
      assert.deepEqual([toHex(back.value), toHex(back.name)], [toHex(value), toHex(name)]);
    }),
  );
});
