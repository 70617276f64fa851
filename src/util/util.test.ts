import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishChecksum, internetChecksum, ipv6PseudoSum, onesSum } from './checksum.ts';
import { WireError } from './errors.ts';
import { fromHex, toHex } from './hex.ts';
import { Ipv4Address, Ipv6Address, prefixMatches } from './ip-address.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

test('Reader reads big-endian integers and reports the absolute offset of a truncation', () => {
  const r = Reader.of(fromHex('0102030405060708'), 'mh', 100);
  assert.equal(r.u8(), 1);
  assert.equal(r.u16(), 0x0203);
  assert.equal(r.u32(), 0x04050607);
  assert.throws(
    () => r.u16(),
    (e: unknown) => e instanceof WireError && e.code === 'TRUNCATED' && e.offset === 107 && e.layer === 'mh',
  );
});

test('Reader.sub cannot read past the declared length', () => {
  const r = Reader.of(fromHex('aabbccdd'), 'ike');
  const s = r.sub(2);
  assert.equal(s.u16(), 0xaabb);
  assert.throws(
    () => s.u8(),
    (e: unknown) => e instanceof WireError && e.code === 'TRUNCATED' && e.offset === 2,
  );
  assert.equal(r.u16(), 0xccdd);
});

test('Writer round-trips with Reader for any u8/u16/u32 sequence', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(1, 2, 4), fc.nat())), (items) => {
      const n = items.reduce((a, [s]) => a + s, 0);
      const w = Writer.alloc(n);
      for (const [s, v] of items) s === 1 ? w.u8(v & 0xff) : s === 2 ? w.u16(v & 0xffff) : w.u32(v >>> 0);
      const r = Reader.of(w.finish(), 'ipv4');
      for (const [s, v] of items) {
        const got = s === 1 ? r.u8() : s === 2 ? r.u16() : r.u32();
        assert.equal(got, s === 1 ? v & 0xff : s === 2 ? v & 0xffff : v >>> 0);
      }
      r.expectEnd();
    }),
  );
});

test('internet checksum: RFC 1071 example and the zero-sum property', () => {
  // RFC 1071 §3 example bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (checksum 220d).
  assert.equal(internetChecksum(fromHex('0001f203f4f5f6f7')), 0x220d);
  const data = fromHex('45000073000040004011b861c0a80001c0a800c7');
  assert.equal(internetChecksum(data), 0);
});

test('MH checksum of the SPEC-NOTES §1.6 worked BU is ba7f', () => {
  const mh = fromHex('3b04050000000001d40003841d06800000000000010003102001 0db8000200000000000000000200');
  const src = Ipv6Address.parse('2001:db8:1::100').bytes;
  const dst = Ipv6Address.parse('2001:db8:1::1').bytes;
  assert.equal(finishChecksum(onesSum(mh, ipv6PseudoSum(src, dst, mh.length, 135))), 0xba7f);
});

test('IPv6 text form is RFC 5952 canonical and round-trips', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['FF02::1:2', 'ff02::1:2'],
  ];
  for (const [input, canon] of cases) assert.equal(Ipv6Address.parse(input).toString(), canon);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      const a = Ipv6Address.fromBytes(b);
      assert.deepEqual(Ipv6Address.parse(a.toString()).bytes, a.bytes);
    }),
  );
  for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', 'g::', '1.2.3.4'])
    assert.equal(Ipv6Address.tryParse(bad), undefined);
});

test('IPv4 addresses parse strictly and convert to numbers', () => {
  assert.equal(Ipv4Address.parse('192.0.2.1').toNumber(), 0xc0000201);
  assert.equal(Ipv4Address.fromNumber(0xc0000201).toString(), '192.0.2.1');
  assert.equal(JSON.stringify({ a: Ipv4Address.parse('10.0.0.1') }), '{"a":"10.0.0.1"}');
  for (const bad of ['1.2.3', '256.1.1.1', '01.2.3.4', '1.2.3.4.5', ''])
    assert.equal(Ipv4Address.tryParse(bad), undefined);
});

test('prefix matching', () => {
  const a = Ipv6Address.parse('2001:db8:1:2::5');
  assert.ok(a.hasPrefix(Ipv6Address.parse('2001:db8:1::'), 48));
  assert.ok(!a.hasPrefix(Ipv6Address.parse('2001:db8:1::'), 64));
  assert.ok(prefixMatches(fromHex('ff'), fromHex('f0'), 4));
  assert.ok(!prefixMatches(fromHex('ff'), fromHex('f0'), 5));
});

test('hex parsing rejects odd lengths and non-hex digits with WireError', () => {
  assert.equal(toHex(fromHex('0x de:ad be ef')), 'deadbeef');
  assert.throws(
    () => fromHex('abc'),
    (e: unknown) => e instanceof WireError && e.code === 'BAD_LENGTH',
  );
  assert.throws(
    () => fromHex('zz'),
    (e: unknown) => e instanceof WireError && e.code === 'BAD_VALUE',
  );
});
