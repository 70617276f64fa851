import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { IdType, NotifyType, PayloadType as P, ProtocolId } from './constants.ts';
import { identityData, readIdentity } from './identity.ts';
import { decodeIkePayloads, encodeIkePayloads } from './message.ts';
import type { IkePayload } from './payload.ts';
import { transformKeyLength } from './sa.ts';
import { assertWireError } from './test-support.ts';

const none = new Uint8Array(0);

/** [name, first payload type, single-payload chain bytes, decoded value] */
const VECTORS: [string, number, string, IkePayload][] = [
  ['CERT X.509', P.CERT, '00 00 000a 04 3082010a01', { kind: 'cert', encoding: 4, data: fromHex('3082010a01') }],
  [
    'CERTREQ with one CA hash',
    P.CERTREQ,
    '00 00 0019 04 0102030405060708090a0b0c0d0e0f1011121314',
    { kind: 'certreq', encoding: 4, data: fromHex('0102030405060708090a0b0c0d0e0f1011121314') },
  ],
  [
    'AUTH shared key MIC',
    P.AUTH,
    '00 00 0014 02 000000 a0a1a2a3a4a5a6a7a8a9aaab',
    { kind: 'auth', method: 2, data: fromHex('a0a1a2a3a4a5a6a7a8a9aaab') },
  ],
  [
    'Nonce',
    P.NONCE,
    '00 00 0014 000102030405060708090a0b0c0d0e0f',
    { kind: 'nonce', data: fromHex('000102030405060708090a0b0c0d0e0f') },
  ],
  [
    'Nonce with the critical bit (kept, RFC 7296 §3.2)',
    P.NONCE,
    '00 80 0008 01020304',
    { kind: 'nonce', data: fromHex('01020304'), critical: true },
  ],
  [
    'Notify REKEY_SA with an ESP SPI',
    P.NOTIFY,
    '00 00 000c 03 04 4009 c0ffee01',
    {
      kind: 'notify',
      protocolId: ProtocolId.ESP,
      spi: fromHex('c0ffee01'),
      notifyType: NotifyType.REKEY_SA,
      data: none,
    },
  ],
  [
    'Notify USE_ASSIGNED_HoA (RFC 5026)',
    P.NOTIFY,
    '00 00 0008 00 00 002a',
    { kind: 'notify', protocolId: 0, spi: none, notifyType: NotifyType.USE_ASSIGNED_HOA, data: none },
  ],
  [
    'Delete of two ESP SAs',
    P.DELETE,
    '00 00 0010 03 04 0002 aabbccdd 11223344',
    { kind: 'delete', protocolId: ProtocolId.ESP, spiSize: 4, spis: [fromHex('aabbccdd'), fromHex('11223344')] },
  ],
  [
    'Delete of the IKE SA',
    P.DELETE,
    '00 00 0008 01 00 0000',
    { kind: 'delete', protocolId: ProtocolId.IKE, spiSize: 0, spis: [] },
  ],
  ['Vendor ID', P.VENDOR_ID, '00 00 0008 deadbeef', { kind: 'vendor-id', data: fromHex('deadbeef') }],
  [
    'EAP Response/Identity',
    P.EAP,
    '00 00 000d 02 01 0009 01 74657374',
    { kind: 'eap', data: fromHex('0201000901 74657374') },
  ],
  [
    'unknown critical payload (GSPM, 49) kept raw',
    49,
    '00 80 0008 deadbeef',
    { kind: 'unknown', type: 49, critical: true, data: fromHex('deadbeef') },
  ],
  ['unknown payload, not critical', 200, '00 00 0004', { kind: 'unknown', type: 200, critical: false, data: none }],
  [
    'SKF fragment 1 of 2 (RFC 7383)',
    P.SKF,
    '23 00 000c 0001 0002 01020304',
    { kind: 'skf', firstPayload: 35, fragmentNumber: 1, totalFragments: 2, data: fromHex('01020304') },
  ],
  [
    'SA with Key Length and unknown TV/TLV attributes',
    P.SA,
    '00 00 0023 00 00 001f 01 03 00 01 00 00 0017 01 00 000c 800e 0100 8011 0001 0012 0003 aabbcc',
    {
      kind: 'sa',
      proposals: [
        {
          number: 1,
          protocolId: 3,
          spi: none,
          transforms: [
            {
              type: 1,
              id: 12,
              attributes: [
                { kind: 'key-length', bits: 256 },
                { kind: 'unknown', type: 0x11, format: 'tv', data: fromHex('0001') },
                { kind: 'unknown', type: 0x12, format: 'tlv', data: fromHex('aabbcc') },
              ],
            },
          ],
        },
      ],
    },
  ],
  [
    'SA with two proposals, the second an IKE rekey with an 8-byte SPI',
    P.SA,
    '00 00 0028 02 00 000c 01 03 04 00 01020304  00 00 0018 02 01 08 01 0102030405060708 00 00 0008 04 00 000e',
    {
      kind: 'sa',
      proposals: [
        { number: 1, protocolId: 3, spi: fromHex('01020304'), transforms: [] },
        {
          number: 2,
          protocolId: 1,
          spi: fromHex('0102030405060708'),
          transforms: [{ type: 4, id: 14, attributes: [] }],
        },
      ],
    },
  ],
];

test('every payload type: literal vector → parse, emit, round trip', () => {
  for (const [name, first, hex, value] of VECTORS) {
    const bytes = fromHex(hex);
    assert.deepEqual(decodeIkePayloads(first, bytes), [value], name);
    assert.equal(toHex(encodeIkePayloads([value])), toHex(bytes), name);
  }
});

test('a chain of several payloads gets its Next Payload fields from the list order', () => {
  const chain: IkePayload[] = VECTORS.filter(([, first]) => first !== P.SKF).map(([, , , v]) => v);
  const bytes = encodeIkePayloads(chain);
  assert.deepEqual(decodeIkePayloads(P.CERT, bytes), chain);
  // CERT's generic header names the next payload (CERTREQ, 38).
  assert.equal(bytes[0], P.CERTREQ);
});

test('transformKeyLength reads the Key Length attribute', () => {
  const [sa] = decodeIkePayloads(P.SA, fromHex(VECTORS.find(([n]) => n.startsWith('SA with Key'))![2]));
  assert.ok(sa?.kind === 'sa');
  assert.equal(transformKeyLength(sa.proposals[0]!.transforms[0]!), 256);
  assert.equal(transformKeyLength({ type: 2, id: 5, attributes: [] }), undefined);
});

test('malformed payload bodies fail with the right code', () => {
  const cases: [string, number, string, WireErrorCode, number?][] = [
    ['Delete count says 3, carries 2', P.DELETE, '00 00 0010 03 04 0003 aabbccdd 11223344', 'BAD_LENGTH', 6],
    ['Delete SPI size 0 with a count', P.DELETE, '00 00 0008 01 00 0001', 'BAD_LENGTH', 6],
    ['Delete SPIs not a multiple of the size', P.DELETE, '00 00 000d 03 04 0001 aabbccdd ee', 'BAD_LENGTH'],
    ['Notify SPI size beyond the payload', P.NOTIFY, '00 00 000c 03 08 4009 c0ffee01', 'TRUNCATED'],
    ['ID shorter than its fixed part', P.IDI, '00 00 0006 02 00', 'TRUNCATED'],
    ['AUTH shorter than its fixed part', P.AUTH, '00 00 0007 02 0000', 'TRUNCATED'],
    ['CERT with no encoding byte', P.CERT, '00 00 0004', 'TRUNCATED'],
    ['SKF shorter than its fragment numbers', P.SKF, '23 00 0006 0001', 'TRUNCATED'],
    [
      'transform length overruns its proposal',
      P.SA,
      '00 00 0014 00 00 0010 01 03 00 01 00 00 000c 01 00 000c',
      'BAD_LENGTH',
      14,
    ],
    [
      'TLV attribute longer than the transform',
      P.SA,
      '00 00 001a 00 00 0016 01 03 00 01 00 00 000e 01 00 000c 0012 0004 aabb',
      'TRUNCATED',
    ],
    ['SA payload with a stray byte', P.SA, '00 00 0005 00', 'TRUNCATED'],
    ['payload length 0', P.NONCE, '00 00 0000', 'BAD_LENGTH', 2],
  ];
  for (const [name, first, hex, code, offset] of cases) {
    assertWireError(() => decodeIkePayloads(first, fromHex(hex)), code, offset, name);
  }
});

test('identity helpers read and build the RFC 7296 §3.5 ID types', () => {
  const cases = [
    { kind: 'ipv4', address: Ipv4Address.parse('192.0.2.7') },
    { kind: 'ipv6', address: Ipv6Address.parse('2001:db8::1') },
    { kind: 'fqdn', name: 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org' },
    { kind: 'rfc822', address: '0234150999999999@nai.epc.mnc015.mcc234.3gppnetwork.org' },
    { kind: 'rfc822', address: 'jöe@example.com' },
    { kind: 'key-id', data: fromHex('0102') },
    { kind: 'other', idType: IdType.DER_ASN1_DN, data: fromHex('3000') },
  ] as const;
  for (const identity of cases) assert.deepEqual(readIdentity(identityData(identity)), identity);
  assert.equal(
    toHex(identityData({ kind: 'fqdn', name: 'ha.example' }).data),
    toHex(new TextEncoder().encode('ha.example')),
  );
  assert.equal(identityData({ kind: 'ipv6', address: Ipv6Address.parse('::1') }).idType, 5);
  assert.throws(() => identityData({ kind: 'fqdn', name: 'bad\nname' }), RangeError);
});

test('identity helpers reject malformed identification data', () => {
  const cases: [string, number, string, WireErrorCode][] = [
    ['IPv4 of 5 bytes', IdType.IPV4_ADDR, '0102030405', 'BAD_LENGTH'],
    ['IPv6 of 4 bytes', IdType.IPV6_ADDR, '01020304', 'BAD_LENGTH'],
    ['FQDN with a NUL terminator', IdType.FQDN, '686100', 'BAD_VALUE'],
    ['FQDN with a CR', IdType.FQDN, '68610d', 'BAD_VALUE'],
    ['FQDN not ASCII', IdType.FQDN, '68c3a9', 'BAD_VALUE'],
    ['RFC822 not UTF-8', IdType.RFC822_ADDR, '61ff40', 'BAD_VALUE'],
  ];
  for (const [name, idType, hex, code] of cases)
    assertWireError(() => readIdentity({ idType, data: fromHex(hex) }), code, undefined, name);
});
