import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import {
  decodeIpv6,
  effectiveDestination,
  effectiveSource,
  encodeIpv6,
  findHomeAddressOption,
  type Ipv6Packet,
  ipv6Length,
} from './ipv6.ts';
import type { Ipv6ExtensionHeader } from './ipv6-ext.ts';
import { assertWireError, ipv6Packet, onlyWireErrors } from './test-support.ts';

const COA = Ipv6Address.parse('2001:db8:1::100');
const HA = Ipv6Address.parse('2001:db8:1::1');
const HOA = Ipv6Address.parse('2001:db8:2::5');

// Built by scapy: IPv6(src=2001:db8:1::100, dst=2001:db8:1::1) / IPv6ExtHdrDestOpt(options=[HAO(hoa=2001:db8:2::5)]),
// Next Header 59. The Destination Options header is SPEC-NOTES §2.1's 24 bytes: 3b 02, PadN(4), c9 10, HoA.
const HAO_VECTOR = fromHex(
  '6000000000183c40 20010db8000100000000000000000100 20010db8000100000000000000000001' +
    '3b0201020000c910 20010db8000200000000000000000005',
);
const HAO_VALUE: Ipv6Packet = {
  trafficClass: 0,
  flowLabel: 0,
  hopLimit: 64,
  source: COA,
  destination: HA,
  extensionHeaders: [
    {
      kind: 'destinationOptions',
      options: [
        { kind: 'padN', length: 2 },
        { kind: 'homeAddress', homeAddress: HOA },
      ],
    },
  ],
  nextHeader: 59,
  payload: new Uint8Array(0),
};

// Built by scapy: IPv6(src=2001:db8:1::1, dst=2001:db8:2::5) / IPv6ExtHdrRouting(type=2, segleft=1,
// addresses=[2001:db8:1::100]) / UDP(4191 → 5000) / "hi".
const RH2_VECTOR = fromHex(
  '6000000000222b40 20010db8000100000000000000000001 20010db8000200000000000000000005' +
    '1102020100000000 20010db8000100000000000000000100 105f1388000a1715 6869',
);

test('IPv6 Destination Options with a Home Address option: vector parse, emit, length', () => {
  const v = decodeIpv6(HAO_VECTOR);
  assert.deepEqual(v, { ...HAO_VALUE, payload: v.payload });
  assert.equal(v.payload.length, 0);
  assert.equal(toHex(encodeIpv6(HAO_VALUE)), toHex(HAO_VECTOR));
  assert.equal(ipv6Length(HAO_VALUE), HAO_VECTOR.length);
  assert.ok(effectiveSource(v).equals(HOA));
  assert.ok(effectiveDestination(v).equals(HA));
});

test('emitting a bare Home Address option adds the PadN that puts it at 8n+6 (SPEC-NOTES §2.1)', () => {
  const bare: Ipv6Packet = {
    ...HAO_VALUE,
    extensionHeaders: [{ kind: 'destinationOptions', options: [{ kind: 'homeAddress', homeAddress: HOA }] }],
  };
  assert.equal(toHex(encodeIpv6(bare)), toHex(HAO_VECTOR));
  // After a 3-byte unknown option (offset 2..6) the HAO needs 7 bytes of PadN to reach offset 14 = 8+6.
  const shifted: Ipv6Packet = {
    ...HAO_VALUE,
    extensionHeaders: [
      {
        kind: 'destinationOptions',
        options: [
          { kind: 'unknown', type: 0x1e, data: fromHex('abcdef') },
          { kind: 'homeAddress', homeAddress: HOA },
        ],
      },
    ],
  };
  const bytes = encodeIpv6(shifted);
  const header = bytes.subarray(40);
  assert.equal(toHex(header.subarray(0, 16)), '3b031e03abcdef01050000000000c910');
  assert.equal(header.length, 32);
  const back = decodeIpv6(bytes).extensionHeaders[0];
  assert.deepEqual(back, {
    kind: 'destinationOptions',
    options: [
      { kind: 'unknown', type: 0x1e, data: fromHex('abcdef') },
      { kind: 'padN', length: 5 },
      { kind: 'homeAddress', homeAddress: HOA },
    ],
  });
});

test('IPv6 Type 2 Routing Header: the home address is the final destination', () => {
  const v = decodeIpv6(RH2_VECTOR);
  assert.deepEqual(v.extensionHeaders, [{ kind: 'routingType2', segmentsLeft: 1, homeAddress: COA }]);
  assert.equal(v.nextHeader, 17);
  assert.equal(toHex(v.payload), '105f1388000a17156869');
  assert.ok(effectiveDestination(v).equals(COA));
  assert.ok(effectiveSource(v).equals(HA));
  assert.equal(toHex(encodeIpv6(v)), toHex(RH2_VECTOR));
  // Once processed (Segments Left 0) the Destination Address already is the final one (RFC 8200 §8.1).
  const processed = { ...v, extensionHeaders: [{ kind: 'routingType2' as const, segmentsLeft: 0, homeAddress: HOA }] };
  assert.ok(effectiveDestination(processed).equals(v.destination));
});

test('other routing types and unknown options round-trip byte for byte', () => {
  const headers: Ipv6ExtensionHeader[] = [
    {
      kind: 'hopByHop',
      options: [
        { kind: 'unknown', type: 5, data: fromHex('0000') },
        { kind: 'padN', length: 0 },
      ],
    }, // Router Alert
    { kind: 'routing', routingType: 0, segmentsLeft: 1, data: fromHex(`00000000${'11'.repeat(16)}`) },
    {
      kind: 'destinationOptions',
      options: [{ kind: 'pad1' }, { kind: 'unknown', type: 0x9e, data: fromHex('0102') }, { kind: 'pad1' }],
    },
  ];
  const v: Ipv6Packet = { ...HAO_VALUE, extensionHeaders: headers, nextHeader: 58, payload: fromHex('8000') };
  const bytes = encodeIpv6(v);
  assert.equal(toHex(bytes.subarray(40, 48)), '2b00050200000100');
  const back = decodeIpv6(bytes);
  assert.deepEqual(back.extensionHeaders, headers);
  assert.equal(toHex(encodeIpv6(back)), toHex(bytes));
  assert.equal(findHomeAddressOption(back), undefined);
});

test('the chain stops after a Fragment header', () => {
  const v: Ipv6Packet = {
    ...HAO_VALUE,
    extensionHeaders: [
      { kind: 'fragment', fragmentOffsetBytes: 1232, moreFragments: true, identification: 0xdeadbeef },
    ],
    nextHeader: 60, // would be Destination Options, but the fragment's data is not parsed
    payload: fromHex('3b00010400000000'),
  };
  const bytes = encodeIpv6(v);
  assert.equal(toHex(bytes.subarray(40, 48)), '3c0004d1deadbeef');
  assert.deepEqual(decodeIpv6(bytes), { ...v, payload: bytes.subarray(48) });
});

test('IPv6 ignores link padding after the payload', () => {
  assert.equal(decodeIpv6(concatBytes([RH2_VECTOR, new Uint8Array(6)])).payload.length, 10);
});

test('IPv6 malformed packets raise their codes', () => {
  assertWireError(() => decodeIpv6(HAO_VECTOR.subarray(0, 39)), 'TRUNCATED');
  assertWireError(() => decodeIpv6(fromHex(`4${toHex(HAO_VECTOR).slice(1)}`)), 'BAD_VERSION');
  assertWireError(() => decodeIpv6(HAO_VECTOR.subarray(0, 63)), 'TRUNCATED'); // payload length 24 > 23
  // HAO length 15 (RFC 6275 §6.3: MUST be 16).
  assertWireError(() => decodeIpv6(fromHex(toHex(HAO_VECTOR).replace('c910', 'c90f'))), 'BAD_LENGTH');
  // Hdr Ext Len 3 (32 bytes) in a 24-byte payload.
  assertWireError(() => decodeIpv6(fromHex(toHex(HAO_VECTOR).replace('3b020102', '3b030102'))), 'TRUNCATED');
  // PadN claiming 21 bytes inside the 24-byte header (its data would end at byte 25).
  assertWireError(() => decodeIpv6(fromHex(toHex(HAO_VECTOR).replace('3b020102', '3b020115'))), 'TRUNCATED');
  // Type 2 routing header with Hdr Ext Len 0 (RFC 6275 §6.4.1: MUST be 2).
  const rh2 = toHex(RH2_VECTOR);
  const shortRh2 = fromHex(`${rh2.slice(0, 8)}0008${rh2.slice(12, 80)}11000201${'00'.repeat(4)}`);
  assertWireError(() => decodeIpv6(shortRh2), 'BAD_LENGTH');
  // Hop-by-Hop after a Destination Options header (RFC 8200 §4.3).
  const hbhLater = fromHex(`${toHex(HAO_VECTOR).slice(0, 80)}0000010400000000${'00'.repeat(16)}`);
  assertWireError(() => decodeIpv6(hbhLater), 'BAD_VALUE');
  // Two Home Address options (RFC 6275 §6.3: at most one per IPv6 header).
  const twoHao: Ipv6Packet = {
    ...HAO_VALUE,
    extensionHeaders: [
      {
        kind: 'destinationOptions',
        options: [
          { kind: 'homeAddress', homeAddress: HOA },
          { kind: 'homeAddress', homeAddress: COA },
        ],
      },
    ],
  };
  assertWireError(() => decodeIpv6(encodeIpv6(twoHao)), 'BAD_VALUE');
});

test('IPv6 emitter rejects values that cannot be encoded', () => {
  const withRouting = (data: Uint8Array): Ipv6Packet => ({
    ...HAO_VALUE,
    extensionHeaders: [{ kind: 'routing', routingType: 0, segmentsLeft: 0, data }],
  });
  assert.throws(() => encodeIpv6(withRouting(new Uint8Array(5))), RangeError);
  assert.throws(() => encodeIpv6({ ...HAO_VALUE, payload: new Uint8Array(65536) }), RangeError);
  assert.throws(
    () =>
      encodeIpv6({
        ...HAO_VALUE,
        extensionHeaders: [{ kind: 'fragment', fragmentOffsetBytes: 3, moreFragments: false, identification: 0 }],
      }),
    RangeError,
  );
});

const withoutPadding = (h: Ipv6ExtensionHeader) =>
  h.kind === 'hopByHop' || h.kind === 'destinationOptions'
    ? { ...h, options: h.options.filter((o) => o.kind !== 'pad1' && o.kind !== 'padN') }
    : h;

test('IPv6 round trip: same meaning, stable bytes, every HAO at 8n+6 and every options header a multiple of 8', () => {
  fc.assert(
    fc.property(ipv6Packet, (v) => {
      const bytes = encodeIpv6(v);
      const back = decodeIpv6(bytes);
      assert.deepEqual(back.extensionHeaders.map(withoutPadding), v.extensionHeaders.map(withoutPadding));
      assert.deepEqual({ ...back, extensionHeaders: [] }, { ...v, extensionHeaders: [], payload: back.payload });
      assert.equal(toHex(back.payload), toHex(v.payload));
      assert.equal(toHex(encodeIpv6(back)), toHex(bytes));
      // Walk the raw chain and check the layout rules.
      let at = 40;
      let next = bytes[6]!;
      for (const h of back.extensionHeaders) {
        const length = h.kind === 'fragment' ? 8 : (bytes[at + 1]! + 1) * 8;
        if (h.kind === 'destinationOptions' || h.kind === 'hopByHop') {
          assert.equal(length % 8, 0);
          for (let i = at + 2; i < at + length; ) {
            if (bytes[i] === 0) {
              i++;
              continue;
            }
            if (bytes[i] === 0xc9) assert.equal((i - at) % 8, 6);
            i += 2 + bytes[i + 1]!;
          }
        }
        next = bytes[at]!;
        at += length;
      }
      assert.equal(next, v.nextHeader);
    }),
  );
});

test('IPv6 decoder only throws WireError on random and mutated bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => onlyWireErrors(decodeIpv6, b)));
  fc.assert(
    fc.property(ipv6Packet, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, value) => {
      const b = encodeIpv6(v);
      b[at % b.length] = value;
      onlyWireErrors(decodeIpv6, b);
      onlyWireErrors(decodeIpv6, b.subarray(0, at % (b.length + 1)));
    }),
  );
});
