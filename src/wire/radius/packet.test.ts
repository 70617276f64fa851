import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError } from '../../util/errors.ts';
import { fromHex } from '../../util/hex.ts';
import { attributeInteger, attributeText, findAttribute } from './attributes.ts';
import { hideUserPassword, recoverUserPassword, verifyResponseAuthenticator } from './authenticator.ts';
import { RadiusAttributeType as T } from './constants.ts';
import { decodeRadius, encodeRadius, radiusLength } from './packet.ts';
import { radiusPacketArb } from './test-arbitraries.ts';

const ascii = (s: string) => new TextEncoder().encode(s);
const SECRET = ascii('xyzzy5461');

// RFC 2865 §7.1 "User Telnet to Specified Host": Access-Request for "nemo"/"arctangent" and its Access-Accept.
const R71 = fromHex(
  '010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003',
);
const A71 = fromHex('0200002686fe220e7624ba2a1005f6bf9b55e0b2060600000001' + '0f0600000000' + '0e06c0a80103');
// RFC 2865 §7.2 "Framed User Authenticating with CHAP": Access-Request for "flopsy" and its Access-Accept.
const R72 = fromHex(
  '010100472aee86f08d0d55969ca5978e0d3367a20108666c6f7073790313' +
    '16e97557c316185895f293ff6344077275' +
    '0406c0a80110050600000014060600000002070600000001',
);
const A72 = fromHex(
  '0201003815efbc7dab26cfa3dc34d9c03c8601a4060600000002070600000001' +
    '0806fffffffe0a06000000020d06000000010c06000005dc',
);

test('RFC 2865 §7.1: the Access-Request decodes, re-encodes byte for byte, and its password unhides', () => {
  const p = decodeRadius(R71);
  assert.equal(p.code, 1);
  assert.equal(p.identifier, 0);
  assert.equal(radiusLength(p), 0x38);
  assert.equal(attributeText(p, T.USER_NAME), 'nemo');
  assert.deepEqual(findAttribute(p, T.NAS_IP_ADDRESS), fromHex('c0a80110'));
  assert.equal(attributeInteger(p, T.NAS_PORT), 3);
  const hidden = findAttribute(p, T.USER_PASSWORD)!;
  assert.deepEqual(recoverUserPassword(hidden, SECRET, p.authenticator), ascii('arctangent'));
  assert.deepEqual(hideUserPassword(ascii('arctangent'), SECRET, p.authenticator), hidden);
  assert.deepEqual(encodeRadius(p), R71);
});

test('RFC 2865 §7: Response Authenticators of both Access-Accepts verify; one changed octet fails', () => {
  for (const [req, acc] of [
    [R71, A71],
    [R72, A72],
  ] as const) {
    const ra = decodeRadius(req).authenticator;
    assert.equal(verifyResponseAuthenticator(acc, ra, SECRET), true);
    assert.deepEqual(encodeRadius(decodeRadius(acc)), acc);
    const bad = acc.slice();
    bad[bad.length - 1]! ^= 1;
    assert.equal(verifyResponseAuthenticator(bad, ra, SECRET), false);
    assert.equal(verifyResponseAuthenticator(acc, ra, ascii('wrong')), false);
  }
  assert.equal(attributeInteger(decodeRadius(A72), 12), 1500); // Framed-MTU
});

test('padding after Length is ignored (RFC 2865 §3); unknown attributes and vendor data round-trip', () => {
  const padded = new Uint8Array(R71.length + 5);
  padded.set(R71);
  assert.deepEqual(encodeRadius(decodeRadius(padded)), R71);
  const p = fromHex(`0b070026${'00'.repeat(16)}c8056162631a0b0000013710050102fff002`);
  const d = decodeRadius(p);
  assert.deepEqual(d.attributes, [
    { kind: 'attribute', type: 0xc8, value: ascii('abc') },
    { kind: 'vendor-specific', vendorId: 311, data: fromHex('10050102ff') },
    { kind: 'attribute', type: 0xf0, value: new Uint8Array() },
  ]);
  assert.deepEqual(encodeRadius(d), p);
});

const auth = '00'.repeat(16);
const MALFORMED: [string, string, string, number][] = [
  ['shorter than the header', '0100', 'TRUNCATED', 2],
  ['Length under 20', `01000013${auth}`, 'BAD_LENGTH', 2],
  ['Length over 4096', `01001001${auth}`, 'BAD_LENGTH', 2],
  ['Length beyond the datagram', `01000016${auth}01`, 'TRUNCATED', 2],
  ['attribute Length 1', `01000016${auth}0101`, 'BAD_LENGTH', 21],
  ['attribute past the packet', `01000017${auth}0105aa`, 'TRUNCATED', 22],
  ['NAS-IP-Address of 3 octets', `01000019${auth}0405c0a801`, 'BAD_LENGTH', 21],
  ['Message-Authenticator of 15 octets', `01000025${auth}5011${'00'.repeat(15)}`, 'BAD_LENGTH', 21],
  ['Vendor-Specific without String', `0100001a${auth}1a0600000137`, 'BAD_LENGTH', 21],
  ['Session-Timeout of 2 octets', `01000018${auth}1b040001`, 'BAD_LENGTH', 21],
];

test('malformed packets are WireErrors with code and offset', () => {
  for (const [what, hex, code, offset] of MALFORMED) {
    assert.throws(
      () => decodeRadius(fromHex(hex)),
      (e: unknown) => isWireError(e) && e.code === code && e.offset === offset && e.layer === 'radius',
      what,
    );
  }
});

test('property: every valid packet round-trips through encode and decode', () => {
  fc.assert(
    fc.property(radiusPacketArb, (p) => {
      const bytes = encodeRadius(p);
      assert.equal(bytes.length, radiusLength(p));
      const back = decodeRadius(bytes);
      assert.deepEqual(back, p);
    }),
    { numRuns: 300 },
  );
});

test('property: arbitrary and mutated bytes decode or throw a WireError, never anything else', () => {
  const mutated = fc.tuple(radiusPacketArb, fc.nat(), fc.nat({ max: 255 })).map(([p, i, v]) => {
    const b = encodeRadius(p);
    if (b.length) b[i % b.length] = v;
    return b;
  });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), mutated), (b) => {
      try {
        decodeRadius(b);
      } catch (e) {
        if (!isWireError(e)) throw e;
      }
    }),
    { numRuns: 500 },
  );
});
