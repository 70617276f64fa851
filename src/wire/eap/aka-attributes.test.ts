import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith } from '../../util/writer.ts';
import {
  type AkaAttribute,
  akaAttributeLength,
  akaAttributesLength,
  emitAkaAttribute,
  emitAkaAttributes,
  parseAkaAttributes,
} from './aka-attributes.ts';
import {
  AkaNotificationCode,
  akaNotificationBeforeChallenge,
  akaNotificationImpliesFailure,
  isSkippableAkaAttribute,
} from './constants.ts';
import { akaAttributeArb } from './test-arbitraries.ts';

const decodeAttrs = (hex: string) => {
  const r = Reader.of(fromHex(hex), 'eap-aka');
  return parseAkaAttributes(r);
};
const encodeAttr = (a: AkaAttribute) => encodeWith(a, akaAttributeLength, emitAkaAttribute);
const seq = (n: number, from = 1) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const ascii = (s: string) => new TextEncoder().encode(s);

/** One hand-built vector per attribute from the RFC 4187 §10 / RFC 5448 §3 / RFC 9048 §4 layouts. */
const VECTORS: [string, string, AkaAttribute][] = [
  ['AT_RAND', `01050000${toHex(seq(16))}`, { kind: 'rand', rand: seq(16) }],
  ['AT_AUTN', `02050000${toHex(seq(16, 0x11))}`, { kind: 'autn', autn: seq(16, 0x11) }],
  ['AT_RES 64 bits', '03030040a54211d5e3ba50bf', { kind: 'res', resLengthBits: 64, res: fromHex('a54211d5e3ba50bf') }],
  ['AT_RES 32 bits', '03020020deadbeef', { kind: 'res', resLengthBits: 32, res: fromHex('deadbeef') }],
  ['AT_RES 40 bits, 3 pad', '030300280102030405000000', { kind: 'res', resLengthBits: 40, res: seq(5) }],
  ['AT_RES 33 bits', '030300210102030480000000', { kind: 'res', resLengthBits: 33, res: fromHex('0102030480') }],
  ['AT_RES 128 bits', `03050080${toHex(seq(16))}`, { kind: 'res', resLengthBits: 128, res: seq(16) }],
  ['AT_AUTS', `0404${toHex(seq(14))}`, { kind: 'auts', auts: seq(14) }],
  ['AT_PADDING 4', '06010000', { kind: 'padding', lengthBytes: 4 }],
  ['AT_PADDING 12', `0603${'00'.repeat(10)}`, { kind: 'padding', lengthBytes: 12 }],
  ['AT_PERMANENT_ID_REQ', '0a010000', { kind: 'permanent-id-req' }],
  ['AT_MAC', `0b050000${toHex(seq(16, 0xa0))}`, { kind: 'mac', mac: seq(16, 0xa0) }],
  ['AT_NOTIFICATION', '0c014000', { kind: 'notification', code: 16384 }],
  ['AT_ANY_ID_REQ', '0d010000', { kind: 'any-id-req' }],
  // 'user@realm' is 10 bytes: 4 + 10 = 14, padded to 16 (Length 4).
  ['AT_IDENTITY', `0e04000a${toHex(ascii('user@realm'))}0000`, { kind: 'identity', identity: ascii('user@realm') }],
  ['AT_IDENTITY empty', '0e010000', { kind: 'identity', identity: new Uint8Array(0) }],
  ['AT_FULLAUTH_ID_REQ', '11010000', { kind: 'fullauth-id-req' }],
  ['AT_COUNTER', '13010005', { kind: 'counter', counter: 5 }],
  ['AT_COUNTER_TOO_SMALL', '14010000', { kind: 'counter-too-small' }],
  ['AT_NONCE_S', `15050000${toHex(seq(16, 0x40))}`, { kind: 'nonce-s', nonceS: seq(16, 0x40) }],
  ['AT_CLIENT_ERROR_CODE', '16010000', { kind: 'client-error-code', clientErrorCode: 0 }],
  ['AT_KDF_INPUT', `17020004${toHex(ascii('WLAN'))}`, { kind: 'kdf-input', networkName: ascii('WLAN') }],
  ['AT_KDF', '18010001', { kind: 'kdf', kdf: 1 }],
  ['AT_IV', `81050000${toHex(seq(16, 0x80))}`, { kind: 'iv', iv: seq(16, 0x80) }],
  ['AT_ENCR_DATA', `82090000${toHex(seq(32))}`, { kind: 'encr-data', encryptedData: seq(32) }],
  [
    'AT_NEXT_PSEUDONYM',
    `84030005${toHex(ascii('pseud'))}000000`,
    { kind: 'next-pseudonym', pseudonym: ascii('pseud') },
  ],
  ['AT_NEXT_REAUTH_ID', `85020003${toHex(ascii('r@x'))}00`, { kind: 'next-reauth-id', reauthId: ascii('r@x') }],
  ['AT_CHECKCODE empty', '86010000', { kind: 'checkcode', checkcode: new Uint8Array(0) }],
  ['AT_CHECKCODE SHA-1', `86060000${toHex(seq(20))}`, { kind: 'checkcode', checkcode: seq(20) }],
  ['AT_RESULT_IND', '87010000', { kind: 'result-ind' }],
  ['AT_BIDDING D=1', '88018000', { kind: 'bidding', prefersAkaPrime: true }],
  ['AT_BIDDING D=0', '88010000', { kind: 'bidding', prefersAkaPrime: false }],
  [
    'AT_NONCE_MT (SIM only: unknown)',
    `07050000${toHex(seq(16))}`,
    { kind: 'unknown', type: 7, data: fromHex(`0000${toHex(seq(16))}`) },
  ],
  ['skippable unknown 255', 'ff02abcd01020304', { kind: 'unknown', type: 255, data: fromHex('abcd01020304') }],
];

for (const [name, hex, value] of VECTORS) {
  test(`${name}: parse, emit, length`, () => {
    assert.deepEqual(decodeAttrs(hex), [value]);
    assert.equal(toHex(encodeAttr(value)), hex);
    assert.equal(akaAttributeLength(value), hex.length / 2);
  });
}

test('a list of attributes round-trips in order', () => {
  const list = VECTORS.map(([, , v]) => v);
  const bytes = encodeWith(list, akaAttributesLength, emitAkaAttributes);
  assert.equal(toHex(bytes), VECTORS.map(([, h]) => h).join(''));
  assert.deepEqual(parseAkaAttributes(Reader.of(bytes, 'eap-aka')), list);
});

test('reserved bytes and identity padding are ignored on reception (RFC 4187 §10.6, §10.5)', () => {
  assert.deepEqual(decodeAttrs(`0105ffff${toHex(seq(16))}`), [{ kind: 'rand', rand: seq(16) }]);
  assert.deepEqual(decodeAttrs('0a01abcd'), [{ kind: 'permanent-id-req' }]);
  assert.deepEqual(decodeAttrs('0e020001417f7f7f'), [{ kind: 'identity', identity: ascii('A') }]);
  assert.deepEqual(decodeAttrs('88017fff'), [{ kind: 'bidding', prefersAkaPrime: false }]);
});

test('skippable is type >= 128; notification S and P bits follow RFC 4187 §6.1', () => {
  assert.ok(!isSkippableAkaAttribute(127) && isSkippableAkaAttribute(128) && isSkippableAkaAttribute(255));
  assert.ok(akaNotificationImpliesFailure(AkaNotificationCode.GENERAL_FAILURE));
  assert.ok(akaNotificationBeforeChallenge(AkaNotificationCode.GENERAL_FAILURE));
  assert.ok(akaNotificationImpliesFailure(AkaNotificationCode.GENERAL_FAILURE_AFTER_AUTHENTICATION));
  assert.ok(!akaNotificationBeforeChallenge(AkaNotificationCode.NOT_SUBSCRIBED));
  assert.ok(!akaNotificationImpliesFailure(AkaNotificationCode.SUCCESS));
  assert.ok(!akaNotificationBeforeChallenge(AkaNotificationCode.SUCCESS));
});

const MALFORMED: [string, string, WireErrorCode, number?][] = [
  ['length 0', '01000000', 'BAD_LENGTH', 1],
  ['length 0 after a good attribute', '0a0100000d00', 'BAD_LENGTH', 5],
  ['length beyond the buffer', '0e0300020000', 'TRUNCATED'],
  ['lone type byte', '01', 'TRUNCATED'],
  ['AT_RAND length 4', `0104${'00'.repeat(14)}`, 'BAD_LENGTH', 1],
  ['AT_MAC length 6', `0b06${'00'.repeat(22)}`, 'BAD_LENGTH', 1],
  ['AT_AUTS length 5', `0405${'00'.repeat(18)}`, 'BAD_LENGTH', 1],
  ['AT_NOTIFICATION length 2', '0c02000000000000', 'BAD_LENGTH', 1],
  ['AT_KDF length 2 (RFC 5448 §3.2)', '1802000100000000', 'BAD_LENGTH', 1],
  ['AT_BIDDING length 2 (RFC 9048 §4)', '8802800000000000', 'BAD_LENGTH', 1],
  ['AT_RES 16 bits', '0302001001020000', 'BAD_VALUE', 2],
  ['AT_RES 24 bits', '0302001801020300', 'BAD_VALUE', 2],
  ['AT_RES 129 bits', `03060081${'00'.repeat(20)}`, 'BAD_VALUE', 2],
  ['AT_RES 64 bits in length 2', '0302004001020304', 'BAD_LENGTH', 1],
  ['AT_RES 32 bits over-padded', '030300200102030400000000', 'BAD_LENGTH', 1],
  ['AT_IDENTITY actual length past the attribute', '0e020005414243ff', 'BAD_LENGTH', 2],
  ['AT_IDENTITY over-padded', '0e03000141000000000000ff', 'BAD_LENGTH', 2],
  ['AT_KDF_INPUT actual length past the attribute', '17010001', 'BAD_LENGTH', 2],
  ['AT_PADDING non-zero pad', '06020000000100ff', 'BAD_VALUE', 5],
  ['AT_PADDING 16 bytes', `0604${'00'.repeat(14)}`, 'BAD_LENGTH', 1],
  ['AT_ENCR_DATA not whole blocks', `82030000${'00'.repeat(8)}`, 'BAD_LENGTH', 1],
  ['AT_CHECKCODE 8 bytes', `86030000${'00'.repeat(8)}`, 'BAD_LENGTH', 1],
];

for (const [name, hex, code, offset] of MALFORMED) {
  test(`malformed: ${name} → ${code}`, () => {
    assert.throws(
      () => decodeAttrs(hex),
      (e: unknown) =>
        isWireError(e) && e.code === code && e.layer === 'eap-aka' && (offset === undefined || e.offset === offset),
    );
  });
}

test('emitters reject values no peer may send (RangeError)', () => {
  const bad: AkaAttribute[] = [
    { kind: 'rand', rand: seq(15) },
    { kind: 'res', resLengthBits: 64, res: seq(7) },
    { kind: 'res', resLengthBits: 16, res: seq(2) },
    { kind: 'auts', auts: seq(16) },
    { kind: 'padding', lengthBytes: 16 },
    { kind: 'padding', lengthBytes: 6 },
    { kind: 'encr-data', encryptedData: seq(15) },
    { kind: 'checkcode', checkcode: seq(16) },
    { kind: 'identity', identity: new Uint8Array(1017) },
    { kind: 'notification', code: 0x10000 },
    { kind: 'unknown', type: 200, data: seq(3) },
  ];
  for (const a of bad) assert.throws(() => encodeAttr(a), RangeError, a.kind);
  // The longest attribute is 1020 bytes (Length 255).
  assert.equal(encodeAttr({ kind: 'identity', identity: new Uint8Array(1016) }).length, 1020);
});

test('property: any valid attribute list round-trips', () => {
  fc.assert(
    fc.property(fc.array(akaAttributeArb, { maxLength: 10 }), (list) => {
      const bytes = encodeWith(list, akaAttributesLength, emitAkaAttributes);
      assert.equal(bytes.length % 4, 0);
      assert.deepEqual(parseAkaAttributes(Reader.of(bytes, 'eap-aka')), list);
    }),
  );
});

test('property: arbitrary bytes only ever throw WireError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try {
        parseAkaAttributes(Reader.of(b, 'eap-aka'));
      } catch (e) {
        if (!isWireError(e)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
});
