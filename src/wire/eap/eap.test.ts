import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { findAkaAttribute, unknownNonSkippableAkaAttributes } from './aka.ts';
import type { AkaAttribute } from './aka-attributes.ts';
import { AkaSubtype } from './constants.ts';
import { decodeEap, type EapPacket, eapLength, encodeEap } from './eap.ts';
import { akaMacInput, akaMacOffset, encodeEapAka } from './eap-aka.ts';
import { eapPacketArb } from './test-arbitraries.ts';

const ascii = (s: string) => new TextEncoder().encode(s);
const ROOT_NAI = '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org'; // SPEC-NOTES §5 / §9
const RAND = fromHex('23553cbe9637a89d218ae64dae47bf35'); // TS 35.208 test set 1
const AUTN = fromHex('55f328b43577b9b94a9ffac354dfafb3');
const ZERO_MAC = new Uint8Array(16);

// SPEC-NOTES §9 synthetic vectors, MAC value zeroed (the MAC itself belongs to the crypto layer).
const CHALLENGE_REQUEST_HEX =
  `01010044_17010000_01050000${toHex(RAND)}_02050000${toHex(AUTN)}_0b050000${'00'.repeat(16)}`.replaceAll('_', '');
const CHALLENGE_RESPONSE_HEX = `02010028_17010000_03030040a54211d5e3ba50bf_0b050000${'00'.repeat(16)}`.replaceAll(
  '_',
  '',
);

const aka = (subtype: number, attributes: AkaAttribute[], type: 23 | 50 = 23) =>
  ({ kind: 'aka', type, subtype, attributes }) as const;

const VECTORS: [string, string, EapPacket][] = [
  [
    'EAP-Request/AKA-Challenge (SPEC-NOTES §9)',
    CHALLENGE_REQUEST_HEX,
    {
      kind: 'request',
      identifier: 1,
      body: aka(AkaSubtype.CHALLENGE, [
        { kind: 'rand', rand: RAND },
        { kind: 'autn', autn: AUTN },
        { kind: 'mac', mac: ZERO_MAC },
      ]),
    },
  ],
  [
    'EAP-Response/AKA-Challenge (SPEC-NOTES §9)',
    CHALLENGE_RESPONSE_HEX,
    {
      kind: 'response',
      identifier: 1,
      body: aka(AkaSubtype.CHALLENGE, [
        { kind: 'res', resLengthBits: 64, res: fromHex('a54211d5e3ba50bf') },
        { kind: 'mac', mac: ZERO_MAC },
      ]),
    },
  ],
  // 5 header bytes + 54 identity bytes = 59 = 0x3b.
  [
    'EAP-Response/Identity with the root NAI',
    `0200003b01${toHex(ascii(ROOT_NAI))}`,
    { kind: 'response', identifier: 0, body: { kind: 'identity', identity: ascii(ROOT_NAI) } },
  ],
  [
    'EAP-Request/Identity without a prompt',
    '0101000501',
    { kind: 'request', identifier: 1, body: { kind: 'identity', identity: new Uint8Array(0) } },
  ],
  [
    'EAP-Request/Notification',
    '01070007026869',
    { kind: 'request', identifier: 7, body: { kind: 'notification', message: ascii('hi') } },
  ],
  [
    'EAP-Response/Notification',
    '0207000502',
    { kind: 'response', identifier: 7, body: { kind: 'notification', message: new Uint8Array(0) } },
  ],
  [
    "legacy Nak proposing AKA and AKA'",
    '02030007031732',
    { kind: 'response', identifier: 3, body: { kind: 'nak', desiredTypes: [23, 50] } },
  ],
  [
    'legacy Nak with no alternative',
    '020300060300',
    { kind: 'response', identifier: 3, body: { kind: 'nak', desiredTypes: [0] } },
  ],
  ['EAP-Success', '03050004', { kind: 'success', identifier: 5 }],
  ['EAP-Failure', '04060004', { kind: 'failure', identifier: 6 }],
  [
    'MD5-Challenge (an unknown Type) kept byte for byte',
    '0108000a040401020304',
    { kind: 'request', identifier: 8, body: { kind: 'unknown', type: 4, data: fromHex('0401020304') } },
  ],
  [
    'EAP-Request/AKA-Identity with AT_PERMANENT_ID_REQ',
    '0102000c170500000a010000',
    { kind: 'request', identifier: 2, body: aka(AkaSubtype.IDENTITY, [{ kind: 'permanent-id-req' }]) },
  ],
  [
    // AT_IDENTITY: 4 + 54 = 58 bytes, padded to 60 (Length 15); EAP Length 8 + 60 = 68 = 0x44.
    'EAP-Response/AKA-Identity with AT_IDENTITY (54 bytes + 2 pad)',
    `02020044170500000e0f0036${toHex(ascii(ROOT_NAI))}0000`,
    {
      kind: 'response',
      identifier: 2,
      body: aka(AkaSubtype.IDENTITY, [{ kind: 'identity', identity: ascii(ROOT_NAI) }]),
    },
  ],
  [
    'EAP-Response/AKA-Synchronization-Failure with AT_AUTS',
    `02040018170400000404${'ab'.repeat(14)}`,
    {
      kind: 'response',
      identifier: 4,
      body: aka(AkaSubtype.SYNCHRONIZATION_FAILURE, [{ kind: 'auts', auts: fromHex('ab'.repeat(14)) }]),
    },
  ],
  [
    'EAP-Response/AKA-Authentication-Reject (no attributes)',
    '0204000817020000',
    { kind: 'response', identifier: 4, body: aka(AkaSubtype.AUTHENTICATION_REJECT, []) },
  ],
  [
    'EAP-Response/AKA-Client-Error',
    '0209000c170e000016010000',
    {
      kind: 'response',
      identifier: 9,
      body: aka(AkaSubtype.CLIENT_ERROR, [{ kind: 'client-error-code', clientErrorCode: 0 }]),
    },
  ],
  [
    'EAP-Request/AKA-Notification, General failure (P = 1, no AT_MAC)',
    '010a000c170c00000c014000',
    { kind: 'request', identifier: 10, body: aka(AkaSubtype.NOTIFICATION, [{ kind: 'notification', code: 16384 }]) },
  ],
  [
    "EAP-Request/AKA'-Challenge with AT_KDF_INPUT and AT_KDF",
    '011100143201000017020004574c414e18010001',
    {
      kind: 'request',
      identifier: 0x11,
      body: aka(
        AkaSubtype.CHALLENGE,
        [
          { kind: 'kdf-input', networkName: ascii('WLAN') },
          { kind: 'kdf', kdf: 1 },
        ],
        50,
      ),
    },
  ],
];

for (const [name, hex, value] of VECTORS) {
  test(`${name}: parse, emit, length`, () => {
    assert.deepEqual(decodeEap(fromHex(hex)), value);
    assert.equal(toHex(encodeEap(value)), hex);
    assert.equal(eapLength(value), hex.length / 2);
  });
}

test('encodeEapAka builds the SPEC-NOTES §9 Challenge request and response byte for byte', () => {
  const req = encodeEapAka({
    kind: 'request',
    identifier: 1,
    subtype: AkaSubtype.CHALLENGE,
    attributes: [
      { kind: 'rand', rand: RAND },
      { kind: 'autn', autn: AUTN },
      { kind: 'mac', mac: ZERO_MAC },
    ],
  });
  assert.equal(toHex(req), CHALLENGE_REQUEST_HEX);
  const res = encodeEapAka({
    kind: 'response',
    identifier: 1,
    subtype: AkaSubtype.CHALLENGE,
    attributes: [
      { kind: 'res', resLengthBits: 64, res: fromHex('a54211d5e3ba50bf') },
      { kind: 'mac', mac: ZERO_MAC },
    ],
  });
  assert.equal(toHex(res), CHALLENGE_RESPONSE_HEX);
  const prime = encodeEapAka({
    kind: 'response',
    identifier: 2,
    type: 50,
    subtype: AkaSubtype.AUTHENTICATION_REJECT,
    attributes: [],
  });
  assert.equal(toHex(prime), '0202000832020000');
});

test('akaMacOffset finds the MAC value (after Type, Length and 2 reserved bytes) and akaMacInput zeroes it', () => {
  assert.equal(akaMacOffset(fromHex(CHALLENGE_REQUEST_HEX)), 52); // 8 header + AT_RAND 20 + AT_AUTN 20 + 4
  assert.equal(akaMacOffset(fromHex(CHALLENGE_RESPONSE_HEX)), 24); // 8 header + AT_RES 12 + 4
  assert.equal(akaMacOffset(fromHex('0204000817020000')), undefined);
  const withMac = fromHex(CHALLENGE_RESPONSE_HEX);
  const mac = fromHex('f99368f04af36b607ebd1b36ab18fac1');
  withMac.set(mac, 24);
  const padded = new Uint8Array(withMac.length + 3); // link-layer padding is not part of the MAC input
  padded.set(withMac);
  const input = akaMacInput(padded);
  assert.ok(input);
  assert.equal(toHex(input.zeroed), CHALLENGE_RESPONSE_HEX);
  assert.deepEqual(input.mac, mac);
  assert.equal(toHex(padded.subarray(24, 40)), toHex(mac), 'the input is not modified');
  assert.equal(akaMacInput(fromHex('0204000817020000')), undefined);
});

test("akaMacInput copies a Buffer input: the caller's packet and the extracted MAC keep the MAC bytes", () => {
  // Packets read from sockets are Buffers, whose .slice is a view: zeroing it would wipe the caller's packet
  // and the MAC taken from it (then every correct packet fails its MAC check).
  const mac = fromHex('f99368f04af36b607ebd1b36ab18fac1');
  const packet = Buffer.from(fromHex(CHALLENGE_RESPONSE_HEX));
  packet.set(mac, 24);
  const input = akaMacInput(packet);
  assert.ok(input);
  assert.equal(toHex(input.mac), toHex(mac));
  assert.equal(toHex(input.zeroed), CHALLENGE_RESPONSE_HEX);
  assert.equal(toHex(packet.subarray(24, 40)), toHex(mac), 'the input is not modified');
});

test('akaMacOffset rejects non-AKA packets, bad framing and a second AT_MAC', () => {
  const cases: [string, WireErrorCode][] = [
    ['03050004', 'BAD_VALUE'], // Success has no Type
    ['0101000501', 'BAD_LENGTH'], // too short for EAP-AKA
    ['0101000c010000000a010000', 'BAD_VALUE'], // Identity, not AKA
    ['0101000c170100000a000000', 'BAD_LENGTH'], // attribute Length 0
    ['0101000c170100000b010000', 'BAD_LENGTH'], // AT_MAC with Length 1
    ['01010010170100000a010000', 'TRUNCATED'], // Length beyond the buffer
    [`01010030170100000b050000${'00'.repeat(16)}0b050000${'00'.repeat(16)}`, 'BAD_VALUE'],
  ];
  for (const [hex, code] of cases) {
    assert.throws(
      () => akaMacOffset(fromHex(hex)),
      (e: unknown) => isWireError(e) && e.code === code,
      hex,
    );
  }
});

test('bytes after Length are link-layer padding and ignored (RFC 3748 §4)', () => {
  assert.deepEqual(decodeEap(fromHex('030500040000')), { kind: 'success', identifier: 5 });
  assert.deepEqual(decodeEap(fromHex(`${CHALLENGE_RESPONSE_HEX}ffff`)), decodeEap(fromHex(CHALLENGE_RESPONSE_HEX)));
});

test('helpers: findAkaAttribute and unknown non-skippable attributes', () => {
  const p = decodeEap(fromHex(CHALLENGE_REQUEST_HEX));
  assert.ok(p.kind === 'request' && p.body.kind === 'aka');
  assert.deepEqual(findAkaAttribute(p.body.attributes, 'rand')?.rand, RAND);
  assert.equal(findAkaAttribute(p.body.attributes, 'res'), undefined);
  const q = decodeEap(fromHex('010100141701000007010000ff01000005010000'));
  assert.ok(q.kind === 'request' && q.body.kind === 'aka');
  assert.deepEqual(unknownNonSkippableAkaAttributes(q.body.attributes), [7, 5]);
});

const MALFORMED: [string, string, WireErrorCode, number, string?][] = [
  ['empty', '', 'TRUNCATED', 0],
  ['header cut short', '010100', 'TRUNCATED', 2],
  ['code 0', '00010004', 'BAD_VALUE', 0],
  ['code 5 (not RFC 3748)', '05010004', 'BAD_VALUE', 0],
  ['Length 3', '01010003', 'BAD_LENGTH', 2],
  ['Length beyond the buffer', '0101000a0100', 'TRUNCATED', 2],
  ['Success with data', '0301000500', 'BAD_LENGTH', 2],
  ['Failure with Length 5 and 4 bytes', '04010005', 'TRUNCATED', 2],
  ['Request without a Type', '01010004', 'BAD_LENGTH', 2],
  ['Nak without a desired Type', '0201000503', 'BAD_LENGTH', 2],
  ['AKA body shorter than Subtype + Reserved', '02010007170100', 'TRUNCATED', 6, 'eap-aka'],
  ['AKA attribute Length 0', '0201000c170100000b000000', 'BAD_LENGTH', 9, 'eap-aka'],
  ['AKA attribute past Length', '0201000c1701000001050000ffffffff', 'TRUNCATED', 10, 'eap-aka'],
];

for (const [name, hex, code, offset, layer] of MALFORMED) {
  test(`malformed: ${name} → ${code}`, () => {
    assert.throws(
      () => decodeEap(fromHex(hex)),
      (e: unknown) => isWireError(e) && e.code === code && e.offset === offset && e.layer === (layer ?? 'eap'),
    );
  });
}

test('emitter rejects packets it cannot encode (RangeError)', () => {
  assert.throws(
    () => encodeEap({ kind: 'response', identifier: 1, body: { kind: 'nak', desiredTypes: [] } }),
    RangeError,
  );
  assert.throws(() => encodeEap({ kind: 'success', identifier: 256 }), RangeError);
  const big = {
    kind: 'request',
    identifier: 1,
    body: { kind: 'identity', identity: new Uint8Array(0x10000) },
  } as const;
  assert.throws(() => encodeEap(big), RangeError);
});

test('property: any valid packet round-trips and re-encodes identically', () => {
  fc.assert(
    fc.property(eapPacketArb, (p) => {
      const bytes = encodeEap(p);
      const back = decodeEap(bytes);
      assert.deepEqual(back, p);
      assert.deepEqual(encodeEap(back), bytes);
    }),
  );
});

test('property: arbitrary and mutated bytes only ever throw WireError', () => {
  const seeds = VECTORS.map(([, hex]) => fromHex(hex));
  const mutated = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
    )
    .map(([seed, edits, cut]) => {
      const b = seed.slice(0, seed.length - (cut % 3 === 0 ? cut % (seed.length + 1) : 0));
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      return b;
    });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), mutated), (b) => {
      for (const f of [decodeEap, akaMacOffset]) {
        try {
          f(b);
        } catch (e) {
          if (!isWireError(e)) throw e;
        }
      }
    }),
    { numRuns: 5000 },
  );
});
