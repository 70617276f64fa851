import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { findAvp } from './avp.ts';
import { ApplicationId, AvpDefs, AvpFlag, CommandCode, VENDOR_3GPP } from './constants.ts';
import { type DiameterMessage, decodeDiameter, encodeDiameter } from './message.ts';
import { DiameterReassembler } from './reassembler.ts';
import { diameterMessageArb } from './test-arbitraries.ts';
import {
  addressAvp,
  groupedAvp,
  readAddress,
  readGrouped,
  readTime,
  readUnsigned32,
  readUnsigned64,
  readUtf8,
  timeAvp,
  u32Avp,
  u64Avp,
  utf8Avp,
} from './values.ts';

const h = (s: string) => fromHex(s.replace(/[_\s]/g, ''));

// A CER written out by hand from RFC 6733 §3, §4.1, §5.3.1: every AVP, its length and padding.
const CER_HEX = [
  '01000090_80000101_00000000_00000001_00000002', // version 1, length 144, R, CER, app 0, hop 1, e2e 2
  '00000108_40000012_68612e6578616d706c65_0000', // Origin-Host "ha.example" (18 + 2 padding)
  '00000128_4000000f_6578616d706c65_00', // Origin-Realm "example" (15 + 1)
  '00000101_4000000e_0001_7f000001_0000', // Host-IP-Address IPv4 127.0.0.1 (14 + 2)
  '0000010a_4000000c_000028af', // Vendor-Id 10415
  '0000010d_0000000d_6473_6d69_70_000000', // Product-Name "dsmip", M clear (§5.3.7) (13 + 3)
  '00000102_4000000c_01000038', // Auth-Application-Id 16777272 (S6b)
  '00000104_40000020_0000010a4000000c000028af_000001024000000c01000038', // Vendor-Specific-Application-Id
].join('');

const CER: DiameterMessage = {
  flags: 0x80,
  commandCode: CommandCode.CAPABILITIES_EXCHANGE,
  applicationId: 0,
  hopByHop: 1,
  endToEnd: 2,
  avps: [
    utf8Avp(AvpDefs['Origin-Host'], 'ha.example'),
    utf8Avp(AvpDefs['Origin-Realm'], 'example'),
    addressAvp(AvpDefs['Host-IP-Address'], { family: 1, address: Uint8Array.of(127, 0, 0, 1) }),
    u32Avp(AvpDefs['Vendor-Id'], VENDOR_3GPP),
    utf8Avp(AvpDefs['Product-Name'], 'dsmip', { mandatory: false }),
    u32Avp(AvpDefs['Auth-Application-Id'], ApplicationId.S6B),
    groupedAvp(AvpDefs['Vendor-Specific-Application-Id'], [
      u32Avp(AvpDefs['Vendor-Id'], VENDOR_3GPP),
      u32Avp(AvpDefs['Auth-Application-Id'], ApplicationId.S6B),
    ]),
  ],
};

test('CER vector: encode, decode and typed reads agree with the hand-written bytes', () => {
  assert.equal(toHex(encodeDiameter(CER)), toHex(h(CER_HEX)));
  const m = decodeDiameter(h(CER_HEX));
  assert.deepEqual(m, CER);
  assert.equal(readUtf8(findAvp(m.avps, 264)!), 'ha.example');
  assert.deepEqual(readAddress(findAvp(m.avps, 257)!), { family: 1, address: Uint8Array.of(127, 0, 0, 1) });
  const vsai = readGrouped(findAvp(m.avps, 260)!);
  assert.equal(readUnsigned32(findAvp(vsai, 258)!), ApplicationId.S6B);
});

test('a vendor AVP (RAT-Type, V+M, Vendor-ID 10415) and an unknown AVP with P and reserved bits round-trip', () => {
  const hex =
    '01000030_00000110_01000038_0000000a_0000000b' + // DEA-like answer header: no R, app S6b
    '00000408_c0000010_000028af_000003ec' + // RAT-Type EUTRAN (1004) with Vendor-ID
    '0000fde8_27000009_ab_000000'; // code 65000, flags P + reserved 0x07, one data byte
  const m = decodeDiameter(h(hex));
  assert.equal(m.avps.length, 2);
  assert.deepEqual(m.avps[0], { code: 1032, flags: 0xc0, vendorId: VENDOR_3GPP, data: h('000003ec') });
  assert.deepEqual(m.avps[1], { code: 65000, flags: 0x27, data: h('ab') });
  assert.equal(toHex(encodeDiameter(m)), toHex(h(hex)));
});

test('typed values: Unsigned64, IPv6 Address, Time either side of the 2036 wrap, UTF-8', () => {
  const fv = u64Avp(AvpDefs['MIP6-Feature-Vector'], 0x200_0000_0001n);
  assert.equal(toHex(fv.data), '0000020000000001');
  assert.equal(readUnsigned64(fv), 0x200_0000_0001n);
  const v6 = Uint8Array.from({ length: 16 }, (_, i) => i);
  assert.deepEqual(readAddress(addressAvp(AvpDefs['Host-IP-Address'], { family: 2, address: v6 })).address, v6);
  // RFC 6733 §4.3.1: 1970-01-01 is 2208988800 (0x83aa7e80) seconds after 1900-01-01.
  assert.equal(toHex(timeAvp(AvpDefs['Event-Timestamp'], 0).data), '83aa7e80');
  assert.equal(readTime(timeAvp(AvpDefs['Event-Timestamp'], 1_800_000_000)), 1_800_000_000);
  // After the wrap (2036-02-07 06:28:16 UTC is NTP 0 of the next era).
  assert.equal(toHex(timeAvp(AvpDefs['Event-Timestamp'], 2_085_978_496).data), '00000000');
  assert.equal(readTime(timeAvp(AvpDefs['Event-Timestamp'], 2_085_978_496 + 5)), 2_085_978_501);
  assert.equal(readUtf8(utf8Avp(AvpDefs['Service-Selection'], 'ïnternet')), 'ïnternet');
  assert.equal(utf8Avp(AvpDefs['RAT-Type'], 'x').flags, AvpFlag.VENDOR | AvpFlag.MANDATORY);
});

const MALFORMED: [string, string, WireErrorCode][] = [
  ['version 2', '02000014_80000101_00000000_00000001_00000002', 'BAD_VERSION'],
  ['length 16 (below the header)', '01000010_80000101_00000000_00000001_00000002', 'BAD_LENGTH'],
  ['length 22 (not a multiple of 4)', '01000016_80000101_00000000_00000001_00000002_0000', 'BAD_LENGTH'],
  ['length beyond the buffer', '01000018_80000101_00000000_00000001_00000002', 'TRUNCATED'],
  ['E bit on a request', '01000014_a0000101_00000000_00000001_00000002', 'BAD_VALUE'],
  ['bytes after the message', '01000014_80000101_00000000_00000001_00000002_00000000', 'TRAILING_DATA'],
  ['AVP Length 7', '0100001c_80000101_00000000_00000001_00000002_00000108_40000007', 'BAD_LENGTH'],
  ['vendor AVP Length 10', '01000020_80000101_00000000_00000001_00000002_00000408_c000000a_000028af', 'BAD_LENGTH'],
  ['AVP data past the message', '0100001c_80000101_00000000_00000001_00000002_00000108_40000010', 'TRUNCATED'],
  ['padding past the message', '01000020_80000101_00000000_00000001_00000002_00000108_40000009_61', 'TRUNCATED'],
];

for (const [name, hex, code] of MALFORMED) {
  test(`malformed: ${name} → ${code}`, () => {
    assert.throws(
      () => decodeDiameter(h(hex)),
      (e) => isWireError(e) && e.code === code && e.layer === 'diameter',
    );
  });
}

test('typed reads of malformed values', () => {
  const bad = (f: () => unknown, code: WireErrorCode) => assert.throws(f, (e) => isWireError(e) && e.code === code);
  bad(() => readUnsigned32({ code: 258, flags: 0x40, data: h('000001') }), 'BAD_LENGTH');
  bad(() => readAddress({ code: 257, flags: 0x40, data: h('0001_7f0000') }), 'BAD_LENGTH');
  bad(() => readUtf8({ code: 1, flags: 0x40, data: h('c3') }), 'BAD_VALUE');
  bad(() => readGrouped({ code: 260, flags: 0x40, data: h('0000010a_4000000c_0000') }), 'TRUNCATED');
  // An Address of another family is opaque (e.g. 8 = E.164), kept as its bytes.
  assert.deepEqual(readAddress({ code: 257, flags: 0x40, data: h('0008_3132') }), { family: 8, address: h('3132') });
});

test('property: every message round-trips byte for byte', () => {
  fc.assert(
    fc.property(diameterMessageArb, (m) => {
      const bytes = encodeDiameter(m);
      assert.deepEqual(decodeDiameter(bytes), m);
      assert.equal(bytes.length % 4, 0);
    }),
  );
});

test('property: the reassembler finds the same messages however the stream is cut', () => {
  fc.assert(
    fc.property(
      fc.array(diameterMessageArb, { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 40 }),
      (messages, cuts) => {
        const stream = Buffer.concat(messages.map(encodeDiameter));
        const r = new DiameterReassembler();
        const got: Uint8Array[] = [];
        let pos = 0;
        for (let i = 0; pos < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...r.push(stream.subarray(pos, pos + n)));
          pos += n;
        }
        assert.equal(r.pending, 0);
        assert.deepEqual(got.map(decodeDiameter), messages);
      },
    ),
  );
});

test('reassembler: several messages in one segment, one split over three, a bad header is fatal', () => {
  const cer = h(CER_HEX);
  const r = new DiameterReassembler();
  assert.equal(r.push(Buffer.concat([cer, cer, cer.subarray(0, 3)])).length, 2);
  assert.equal(r.pending, 3);
  assert.equal(r.push(cer.subarray(3, 100)).length, 0);
  const [last] = r.push(cer.subarray(100));
  assert.equal(toHex(last!), toHex(cer));
  // The stream offset of the bad header: three CERs (432 bytes) before it.
  assert.throws(
    () => r.push(h('02000014')),
    (e) => isWireError(e) && e.code === 'BAD_VERSION' && e.offset === 432,
  );
  const small = new DiameterReassembler(64);
  assert.throws(
    () => small.push(cer),
    (e) => isWireError(e) && e.code === 'BAD_LENGTH',
  );
});
