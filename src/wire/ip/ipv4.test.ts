import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { decodeIpv4, encodeIpv4, type Ipv4Packet, ipv4Length } from './ipv4.ts';
import { assertWireError, ipv4Packet, onlyWireErrors } from './test-support.ts';

// Built by scapy: IP(src=192.0.2.1, dst=198.51.100.2, id=0x1234, flags=DF) / UDP(4500 → 4500) / ff (a NAT keepalive).
const VECTOR = fromHex('4500001d1234400040113c65c0000201c6336402 119411940009f17bff');
const VECTOR_VALUE: Ipv4Packet = {
  dscp: 0,
  ecn: 0,
  identification: 0x1234,
  reservedFlag: false,
  dontFragment: true,
  moreFragments: false,
  fragmentOffsetBytes: 0,
  ttl: 64,
  protocol: 17,
  source: Ipv4Address.parse('192.0.2.1'),
  destination: Ipv4Address.parse('198.51.100.2'),
  options: new Uint8Array(0),
  payload: fromHex('119411940009f17bff'),
};

test('IPv4 vector: parse, emit, length', () => {
  const v = decodeIpv4(VECTOR);
  assert.deepEqual({ ...v, payload: v.payload.slice(), options: v.options.slice() }, VECTOR_VALUE);
  assert.equal(toHex(encodeIpv4(VECTOR_VALUE)), toHex(VECTOR));
  assert.equal(ipv4Length(VECTOR_VALUE), VECTOR.length);
});

test('IPv4 ignores link padding after Total Length', () => {
  const padded = concatBytes([VECTOR, new Uint8Array(17)]);
  assert.equal(toHex(decodeIpv4(padded).payload), '119411940009f17bff');
});

test('IPv4 options are kept as bytes and IHL follows them', () => {
  const options = fromHex('94040000'); // Router Alert (RFC 2113)
  const bytes = encodeIpv4({
    ...VECTOR_VALUE,
    options,
    dscp: 46,
    ecn: 1,
    fragmentOffsetBytes: 1480,
    moreFragments: true,
  });
  assert.equal(bytes[0], 0x46);
  assert.equal(bytes[1], (46 << 2) | 1);
  assert.equal((bytes[6]! << 8) | bytes[7]!, 0x6000 | 185);
  const v = decodeIpv4(bytes);
  assert.equal(toHex(v.options), '94040000');
  assert.equal(v.fragmentOffsetBytes, 1480);
  assert.ok(v.moreFragments && v.dontFragment && !v.reservedFlag);
});

test('IPv4 malformed headers raise their codes', () => {
  assertWireError(() => decodeIpv4(VECTOR.subarray(0, 19)), 'TRUNCATED');
  assertWireError(() => decodeIpv4(fromHex(`65${toHex(VECTOR).slice(2)}`)), 'BAD_VERSION');
  assertWireError(() => decodeIpv4(fromHex(`44${toHex(VECTOR).slice(2)}`)), 'BAD_LENGTH'); // IHL 4
  // Total Length 19, shorter than the header.
  assertWireError(() => decodeIpv4(fromHex(`45000013${toHex(VECTOR).slice(8)}`)), 'BAD_LENGTH');
  // IHL 15 (60 bytes) inside a Total Length of 29.
  assertWireError(() => decodeIpv4(fromHex(`4f${toHex(VECTOR).slice(2)}`)), 'BAD_LENGTH');
  // Total Length 30 but only 29 bytes.
  const longer = encodeIpv4({ ...VECTOR_VALUE, payload: new Uint8Array(10) });
  assert.equal(longer.length, 30);
  assertWireError(() => decodeIpv4(longer.subarray(0, 29)), 'TRUNCATED');
  const bad = VECTOR.slice();
  bad[11] = bad[11]! ^ 1;
  assertWireError(() => decodeIpv4(bad), 'BAD_CHECKSUM');
  assert.throws(
    () => decodeIpv4(bad),
    (e: unknown) => (e as { offset: number }).offset === 10,
  );
});

test('IPv4 emitter rejects values that cannot be encoded', () => {
  assert.throws(() => encodeIpv4({ ...VECTOR_VALUE, options: new Uint8Array(3) }), RangeError);
  assert.throws(() => encodeIpv4({ ...VECTOR_VALUE, options: new Uint8Array(44) }), RangeError);
  assert.throws(() => encodeIpv4({ ...VECTOR_VALUE, fragmentOffsetBytes: 12 }), RangeError);
  assert.throws(() => encodeIpv4({ ...VECTOR_VALUE, payload: new Uint8Array(65516) }), RangeError);
});

test('IPv4 decode(encode(v)) equals v', () => {
  fc.assert(
    fc.property(ipv4Packet, (v) => {
      const bytes = encodeIpv4(v);
      assert.deepEqual(decodeIpv4(bytes), {
        ...v,
        options: bytes.subarray(20, 20 + v.options.length),
        payload: bytes.subarray(20 + v.options.length),
      });
      assert.equal(toHex(encodeIpv4(decodeIpv4(bytes))), toHex(bytes));
    }),
  );
});

test('IPv4 decoder only throws WireError on random and mutated bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => onlyWireErrors(decodeIpv4, b)));
  fc.assert(
    fc.property(ipv4Packet, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, value) => {
      const b = encodeIpv4(v);
      b[at % b.length] = value;
      onlyWireErrors(decodeIpv4, b);
      onlyWireErrors(decodeIpv4, b.subarray(0, at % (b.length + 1)));
    }),
  );
});
