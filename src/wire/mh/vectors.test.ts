// Literal Mobility Header vectors: SPEC-NOTES §1.6 worked encodings and one message of every kind. Each vector
// drives encode (bytes and checksum), decode (with checksum verification), the length function and a round trip.
// The checksums were computed with a separate one's-complement sum in Python, not with this codec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import {
  decodeMobilityHeader,
  encodeMobilityHeader,
  type MhPseudoHeader,
  mobilityHeaderChecksum,
  mobilityHeaderLength,
  verifyMobilityHeaderChecksum,
} from './header.ts';
import type { BindingAcknowledgement, BindingUpdate, MobilityMessage } from './messages.ts';

const HOA = Ipv6Address.parse('2001:db8:1::100');
const HA = Ipv6Address.parse('2001:db8:1::1');
const CN = Ipv6Address.parse('2001:db8:5::5');
const COA = Ipv6Address.parse('2001:db8:2::200');

const BU_FLAGS_OFF = {
  acknowledge: false,
  homeRegistration: false,
  linkLocalAddressCompatibility: false,
  keyManagementMobilityCapability: false,
  mapRegistration: false,
  mobileRouter: false,
  proxyRegistration: false,
  forceUdpEncapsulation: false,
  tlvHeaderFormat: false,
  overwriteOrBulkBinding: false,
} as const;

/** TS 24.303 Annex A.2.1-style home registration flags: A, H, K, R (0xd400). */
const HOME_REGISTRATION = {
  ...BU_FLAGS_OFF,
  acknowledge: true,
  homeRegistration: true,
  keyManagementMobilityCapability: true,
  mobileRouter: true,
} as const;

const BA_FLAGS_OFF = {
  keyManagementMobilityCapability: false,
  mobileRouter: false,
  proxyRegistration: false,
  tlvHeaderFormat: false,
  bulkBindingUpdate: false,
} as const;

interface Vector {
  readonly name: string;
  readonly addrs: MhPseudoHeader;
  readonly msg: MobilityMessage;
  readonly hex: string;
}

const buIpv6Access: BindingUpdate = {
  kind: 'binding-update',
  ...HOME_REGISTRATION,
  sequence: 1,
  lifetimeSec: 3600,
  options: [
    { kind: 'ipv4-home-address', prefixLength: 32, requestMobileNetworkPrefix: false, homeAddress: Ipv4Address.ANY },
    { kind: 'alternate-care-of-address', careOfAddress: COA },
  ],
};

const buIpv4Access: BindingUpdate = {
  kind: 'binding-update',
  ...HOME_REGISTRATION,
  sequence: 2,
  lifetimeSec: 3600,
  options: [
    { kind: 'ipv4-home-address', prefixLength: 32, requestMobileNetworkPrefix: false, homeAddress: Ipv4Address.ANY },
    { kind: 'ipv4-care-of-address', careOfAddress: Ipv4Address.parse('192.0.2.10') },
  ],
};

const baIpv4: BindingAcknowledgement = {
  kind: 'binding-acknowledgement',
  ...BA_FLAGS_OFF,
  keyManagementMobilityCapability: true,
  mobileRouter: true,
  status: 0,
  sequence: 2,
  lifetimeSec: 3600,
  options: [
    { kind: 'ipv4-address-acknowledgement', status: 0, prefixLength: 32, homeAddress: Ipv4Address.parse('10.0.0.7') },
    { kind: 'nat-detection', udpEncapsulationRequired: false, refreshTimeSec: 110 },
  ],
};

const COOKIE_H = fromHex('0102030405060708');
const COOKIE_C = fromHex('1112131415161718');

const vectors: Vector[] = [
  {
    // SPEC-NOTES §1.6: IPv4 HoA@12 (4n), PadN(2)@20, Alt-CoA@22 (8n+6); 40 octets, Header Len 4, checksum ba7f.
    name: 'BU from IPv6 access (SPEC-NOTES §1.6)',
    addrs: { src: HOA, dst: HA },
    msg: buIpv6Access,
    hex: '3b040500ba7f0001d40003841d068000000000000100031020010db8000200000000000000000200',
  },
  {
    // SPEC-NOTES §1.6: IPv4 HoA@12, IPv4 CoA@20, PadN(4)@28; 32 octets, Header Len 3.
    name: 'BU from IPv4 access (SPEC-NOTES §1.6)',
    addrs: { src: HOA, dst: HA },
    msg: buIpv4Access,
    hex: '3b0305000b400002d40003841d06800000000000200600' + '00c000020a01020000',
  },
  {
    // SPEC-NOTES §1.6: IPv4 AA@12, NAT Detection@20, PadN(4)@28; 32 octets, Header Len 3.
    name: 'BA with IPv4 Address Acknowledgement and NAT Detection (SPEC-NOTES §1.6)',
    addrs: { src: HA, dst: HOA },
    msg: baIpv4,
    hex: '3b0306001497' + '00c000020384' + '1e0600800a000007' + '1f0600000000006e' + '01020000',
  },
  {
    name: 'Binding Refresh Request (Header Len 0, RFC 6275 §6.1.2)',
    addrs: { src: CN, dst: HOA },
    msg: { kind: 'binding-refresh-request', options: [] },
    hex: '3b00000067f30000',
  },
  {
    name: 'Home Test Init (Header Len 1)',
    addrs: { src: HOA, dst: CN },
    msg: { kind: 'home-test-init', homeInitCookie: COOKIE_H, options: [] },
    hex: '3b01010056d600000102030405060708',
  },
  {
    name: 'Care-of Test Init (Header Len 1)',
    addrs: { src: COA, dst: CN },
    msg: { kind: 'care-of-test-init', careOfInitCookie: COOKIE_C, options: [] },
    hex: '3b010200149500001112131415161718',
  },
  {
    name: 'Home Test (Header Len 2)',
    addrs: { src: CN, dst: HOA },
    msg: {
      kind: 'home-test',
      homeNonceIndex: 0x1234,
      homeInitCookie: COOKIE_H,
      homeKeygenToken: fromHex('a1a2a3a4a5a6a7a8'),
      options: [],
    },
    hex: '3b020300b00212340102030405060708a1a2a3a4a5a6a7a8',
  },
  {
    name: 'Care-of Test (Header Len 2)',
    addrs: { src: CN, dst: COA },
    msg: {
      kind: 'care-of-test',
      careOfNonceIndex: 0x4321,
      careOfInitCookie: COOKIE_C,
      careOfKeygenToken: fromHex('b1b2b3b4b5b6b7b8'),
      options: [],
    },
    hex: '3b020400fc9343211112131415161718b1b2b3b4b5b6b7b8',
  },
  {
    name: 'Binding Error, unknown binding for HAO (Header Len 2)',
    addrs: { src: CN, dst: HOA },
    msg: { kind: 'binding-error', status: 1, homeAddress: HOA, options: [] },
    hex: '3b0207003127010020010db8000100000000000000000100',
  },
  {
    name: 'unknown MH type 12 (Home Agent Switch) kept raw',
    addrs: { src: HA, dst: HOA },
    msg: { kind: 'unknown', type: 12, data: fromHex('00112233445566778899') },
    hex: '3b010c00064800112233445566778899',
  },
  {
    // Nonce Indices@12 (2n), Binding Authorization Data@18 (8n+2) last with no trailing padding.
    name: 'BU to a correspondent node with Nonce Indices and Binding Authorization Data',
    addrs: { src: HOA, dst: CN },
    msg: {
      kind: 'binding-update',
      ...BU_FLAGS_OFF,
      acknowledge: true,
      sequence: 7,
      lifetimeSec: 256,
      options: [
        { kind: 'nonce-indices', homeNonceIndex: 0x0102, careOfNonceIndex: 0x0304 },
        { kind: 'binding-authorization-data', authenticator: fromHex('000102030405060708090a0b') },
      ],
    },
    hex: '3b030500b756000780000040040401020304050c000102030405060708090a0b',
  },
  {
    name: 'BA with Binding Refresh Advice (600 s = 150 units)',
    addrs: { src: HA, dst: HOA },
    msg: {
      kind: 'binding-acknowledgement',
      ...BA_FLAGS_OFF,
      keyManagementMobilityCapability: true,
      status: 0,
      sequence: 7,
      lifetimeSec: 3600,
      options: [{ kind: 'binding-refresh-advice', refreshIntervalSec: 600 }],
    },
    hex: '3b0106005b4f0080000703840202' + '0096',
  },
];

for (const v of vectors) {
  test(`MH vector: ${v.name}`, () => {
    const bytes = fromHex(v.hex);
    assert.equal(toHex(encodeMobilityHeader(v.msg, v.addrs)), v.hex);
    assert.equal(mobilityHeaderLength(v.msg), bytes.length);
    assert.equal(bytes[1], bytes.length / 8 - 1, 'Header Len counts 8-octet units beyond the first 8');
    assert.deepEqual(decodeMobilityHeader(bytes, v.addrs), v.msg);
    assert.deepEqual(decodeMobilityHeader(bytes), v.msg, 'decodes without addresses, checksum unchecked');
    // The exposed checksum treats the field as zero whatever it holds, so it reproduces the field in place.
    assert.equal(mobilityHeaderChecksum(bytes, v.addrs), (bytes[4]! << 8) | bytes[5]!);
    assert.ok(verifyMobilityHeaderChecksum(bytes, v.addrs));
    const elsewhere = Ipv6Address.parse('2001:db8:ffff::1');
    assert.ok(!verifyMobilityHeaderChecksum(bytes, { src: elsewhere, dst: v.addrs.dst }), 'other source address');
  });
}

test('SPEC-NOTES §1.6 BU: Header Len 4, checksum 0xba7f, options at 12 / 20 / 22', () => {
  const b = encodeMobilityHeader(buIpv6Access, { src: HOA, dst: HA });
  assert.equal(b.length, 40);
  assert.equal(b[1], 4);
  assert.equal((b[4]! << 8) | b[5]!, 0xba7f);
  assert.deepEqual([b[12], b[20], b[22]], [29, 1, 3]);
});

test('BU flag word: every flag lands on its IANA/RFC bit', () => {
  const bits: [keyof typeof BU_FLAGS_OFF, number][] = [
    ['acknowledge', 0x8000],
    ['homeRegistration', 0x4000],
    ['linkLocalAddressCompatibility', 0x2000],
    ['keyManagementMobilityCapability', 0x1000],
    ['mapRegistration', 0x0800],
    ['mobileRouter', 0x0400],
    ['proxyRegistration', 0x0200],
    ['forceUdpEncapsulation', 0x0100],
    ['tlvHeaderFormat', 0x0080],
    ['overwriteOrBulkBinding', 0x0040],
  ];
  for (const [flag, mask] of bits) {
    const bu: BindingUpdate = {
      kind: 'binding-update',
      ...BU_FLAGS_OFF,
      [flag]: true,
      sequence: 0,
      lifetimeSec: 0,
      options: [],
    };
    const b = encodeMobilityHeader(bu, { src: HOA, dst: HA });
    assert.equal((b[8]! << 8) | b[9]!, mask, flag);
    assert.deepEqual(decodeMobilityHeader(b), bu);
  }
});

test('BA flag byte: K R P T B on 0x80 0x40 0x20 0x10 0x08', () => {
  const bits: [keyof typeof BA_FLAGS_OFF, number][] = [
    ['keyManagementMobilityCapability', 0x80],
    ['mobileRouter', 0x40],
    ['proxyRegistration', 0x20],
    ['tlvHeaderFormat', 0x10],
    ['bulkBindingUpdate', 0x08],
  ];
  for (const [flag, mask] of bits) {
    const ba: BindingAcknowledgement = {
      kind: 'binding-acknowledgement',
      ...BA_FLAGS_OFF,
      [flag]: true,
      status: 128,
      sequence: 1,
      lifetimeSec: 0,
      options: [],
    };
    const b = encodeMobilityHeader(ba, { src: HA, dst: HOA });
    assert.equal(b[7], mask, flag);
    assert.deepEqual(decodeMobilityHeader(b), ba);
  }
});

test('reserved flag bits and a non-59 Payload Proto survive a round trip byte for byte', () => {
  // BU flags 0xd43f: A H K R plus the six unnamed low bits; Payload Proto 6; PadN(4) pads to 16 octets.
  const buBytes = fromHex('06010500' + '0000' + '000f' + 'd43f' + '0000' + '01020000');
  const bu = decodeMobilityHeader(buBytes);
  assert.ok(bu.kind === 'binding-update' && bu.reservedBits === 0x3f && bu.mobileRouter && !bu.tlvHeaderFormat);
  assert.equal(bu.payloadProto, 6);
  const buAgain = encodeMobilityHeader(bu, { src: HOA, dst: HA });
  assert.equal(toHex(buAgain.subarray(0, 4)), toHex(buBytes.subarray(0, 4)));
  assert.equal(toHex(buAgain.subarray(6)), toHex(buBytes.subarray(6)));

  // BA flags 0x87: K plus the three reserved bits.
  const baBytes = fromHex('3b010600' + '0000' + '00' + '87' + '0001' + '0000' + '01020000');
  const ba = decodeMobilityHeader(baBytes);
  assert.ok(ba.kind === 'binding-acknowledgement' && ba.reservedBits === 0x07 && ba.keyManagementMobilityCapability);
  assert.equal(ba.payloadProto, undefined);
  assert.equal(toHex(encodeMobilityHeader(ba, { src: HA, dst: HOA }).subarray(6)), toHex(baBytes.subarray(6)));
});
