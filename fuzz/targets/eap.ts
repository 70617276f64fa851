import { bytesEqual, fromHex } from '../../src/util/hex.ts';
import { Reader } from '../../src/util/reader.ts';
import { encodeWith } from '../../src/util/writer.ts';
import { akaAttributesLength, emitAkaAttributes, parseAkaAttributes } from '../../src/wire/eap/aka-attributes.ts';
import { decodeEap, encodeEap } from '../../src/wire/eap/eap.ts';
import { akaMacOffset } from '../../src/wire/eap/eap-aka.ts';
import { decodeMd5Challenge, encodeMd5Challenge } from '../../src/wire/eap/md5-challenge.ts';
import type { FuzzTarget } from '../harness.ts';

/** Built by scapy 2.5 in test/oracle/eap.oracle.test.ts (AKA Type-Data packed from RFC 4187 §10 layouts). */
const SCAPY_HEX = [
  '0214003b0130303031303130303030303030303031406e61692e6570632e6d6e633030312e6d63633030312e336770706e6574776f726b2e6f7267',
  '0115000501',
  '02160007031732',
  '03170004',
  '04180004',
  '0119000a0248656c6c6f',
  '011a000c170500000a010000',
  '021a0044170500000e0f003630303031303130303030303030303031406e61692e6570632e6d6e633030312e6d63633030312e336770706e6574776f726b2e6f72670000',
  '011b0044170100000105000023553cbe9637a89d218ae64dae47bf350205000055f328b43577b9b94a9ffac354dfafb30b0500007545b30207848f6930d89d728fc1f54c',
  '021b00281701000003030040a54211d5e3ba50bf0b0500007545b30207848f6930d89d728fc1f54c',
  '021c00181704000004040102030405060708090a0b0c0d0e',
  '021d000817020000',
  '021e000c170e000016010000',
  '011f000c170c00000c014000',
  '0120002c320100000105000023553cbe9637a89d218ae64dae47bf3517020004574c414e1801000188018000',
];

/** Hand-built from RFC 4187 §10 / RFC 5448 §3 / RFC 9048 §4 (see src/wire/eap/*.test.ts). */
const VECTOR_HEX = [
  // SPEC-NOTES §9 Challenge request and response (MAC zeroed).
  `01010044170100000105000023553cbe9637a89d218ae64dae47bf350205000055f328b43577b9b94a9ffac354dfafb30b050000${'00'.repeat(16)}`,
  `020100281701000003030040a54211d5e3ba50bf0b050000${'00'.repeat(16)}`,
  // AKA' request exercising the remaining attribute kinds.
  `0101005c32010000${[
    '17020004574c414e',
    '18010001',
    '86010000',
    '87010000',
    '88018000',
    `81050000${'11'.repeat(16)}`,
    `82050000${'22'.repeat(16)}`,
    '06010000',
    '13010005',
    '16010003',
    'ff02010203040506',
  ].join('')}`,
  '0108000a040401020304',
];

/** Decoded attribute lists as found inside AT_ENCR_DATA after decryption (RFC 4187 §10.12). */
const ENCR_PLAINTEXT_HEX = [
  `1301000115050000${'5a'.repeat(16)}84030005707365756400000006030000${'00'.repeat(8)}`,
  `85060011${'72'.repeat(17)}0000001401000006010000`,
];

const packets = () => [...SCAPY_HEX, ...VECTOR_HEX].map(fromHex);

export const targets: FuzzTarget[] = [
  {
    name: 'eap-packet',
    family: 'eap',
    // Decode, re-encode and decode again: a decoded value the encoder cannot write back is a finding too.
    decode: (b) => {
      const v = decodeEap(b);
      const once = encodeEap(v);
      if (!bytesEqual(encodeEap(decodeEap(once)), once)) throw new Error('EAP re-encoding is not stable');
      return v;
    },
    seeds: packets,
  },
  {
    name: 'eap-aka-mac-offset',
    family: 'eap',
    decode: akaMacOffset,
    seeds: () => packets().filter((p) => p[0]! <= 2 && (p[4] === 23 || p[4] === 50)),
  },
  {
    name: 'eap-aka-attributes',
    family: 'eap',
    decode: (b) => {
      const list = parseAkaAttributes(Reader.of(b, 'eap-aka'));
      encodeWith(list, akaAttributesLength, emitAkaAttributes);
      return list;
    },
    seeds: () => ENCR_PLAINTEXT_HEX.map(fromHex),
  },
  {
    name: 'eap-md5-challenge',
    family: 'eap',
    // RFC 3748 §5.4 Type-Data; whatever decodes must encode back to the same bytes.
    decode: (b) => {
      const v = decodeMd5Challenge(b);
      if (!bytesEqual(encodeMd5Challenge(v), b)) throw new Error('EAP-MD5 re-encoding differs');
      return v;
    },
    seeds: () => [fromHex(`10${'00'.repeat(16)}6861`), fromHex('04010203046e616d65'), fromHex('01ff')],
  },
];
