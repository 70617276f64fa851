import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { decodeIcmpv6, encodeIcmpv6, type Icmpv6PseudoHeader } from './icmpv6.ts';
import {
  decodeRouterAdvertisement,
  encodeRouterAdvertisement,
  type RouterAdvertisement,
} from './router-advertisement.ts';
import { assertWireError, ipv6Address, onlyWireErrors, routerAdvertisement } from './test-support.ts';

const PSEUDO: Icmpv6PseudoHeader = { source: Ipv6Address.parse('fe80::1'), destination: Ipv6Address.parse('ff02::1') };

// Built by scapy: ICMPv6ND_RA(chlim=64, O=1, H=1, routerlifetime=1800) (scapy's default Prf = 01, high)
// / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=1, valid 86400, preferred 14400, prefix 2001:db8:1::1)
// / ICMPv6NDOptMTU(1500), from fe80::1 to ff02::1.
const RA_VECTOR = fromHex(
  '86002e59 40680708 00000000 00000000' +
    '030440e0 00015180 00003840 00000000 20010db8000100000000000000000001' +
    '05010000 000005dc',
);
const RA_VALUE: RouterAdvertisement = {
  curHopLimit: 64,
  managed: false,
  otherConfig: true,
  homeAgent: true,
  reservedBits: 0x08,
  routerLifetimeSec: 1800,
  reachableTimeMs: 0,
  retransTimerMs: 0,
  options: [
    {
      kind: 'prefixInformation',
      prefixLength: 64,
      onLink: true,
      autonomous: true,
      routerAddress: true,
      reservedBits: 0,
      validLifetimeSec: 86400,
      preferredLifetimeSec: 14400,
      prefix: Ipv6Address.parse('2001:db8:1::1'),
    },
    { kind: 'mtu', mtu: 1500 },
  ],
};

test('Router Advertisement vector: parse, verify, emit', () => {
  assert.deepEqual(decodeRouterAdvertisement(RA_VECTOR, PSEUDO), RA_VALUE);
  assert.equal(toHex(encodeRouterAdvertisement(RA_VALUE, PSEUDO)), toHex(RA_VECTOR));
  const generic = decodeIcmpv6(RA_VECTOR, PSEUDO);
  assert.equal(generic.type, 134);
  assert.equal(generic.body.length, RA_VECTOR.length - 4);
  assert.equal(toHex(encodeIcmpv6(generic, PSEUDO)), toHex(RA_VECTOR));
});

test('MIPv6 RA options and unknown options round-trip byte for byte', () => {
  const ra: RouterAdvertisement = {
    ...RA_VALUE,
    options: [
      { kind: 'advertisementInterval', intervalMs: 3000 },
      { kind: 'homeAgentInformation', preference: 0xfffe, lifetimeSec: 1800 },
      { kind: 'unknown', type: 1, data: fromHex('02005e000001') }, // source link-layer address
      { kind: 'unknown', type: 25, data: fromHex(`0000 00000e10 ${'20010db8000000000000000000000053'}`) }, // RDNSS
    ],
  };
  const bytes = encodeRouterAdvertisement(ra, PSEUDO);
  assert.equal(toHex(bytes.subarray(16, 32)), '070100000000 0bb8 08010000fffe0708'.replace(/ /g, ''));
  assert.equal(toHex(bytes.subarray(32, 40)), '010102005e000001');
  assert.equal(bytes[41], 3);
  assert.deepEqual(decodeRouterAdvertisement(bytes, PSEUDO), ra);
});

test('ICMPv6 and RA malformed input raises its codes', () => {
  assertWireError(() => decodeIcmpv6(RA_VECTOR.subarray(0, 3)), 'TRUNCATED');
  assertWireError(
    () => decodeIcmpv6(RA_VECTOR, { ...PSEUDO, destination: Ipv6Address.parse('ff02::2') }),
    'BAD_CHECKSUM',
  );
  const hex = toHex(RA_VECTOR);
  assertWireError(() => decodeRouterAdvertisement(fromHex(`87${hex.slice(2)}`)), 'BAD_VALUE'); // a Neighbor Solicitation
  assertWireError(() => decodeRouterAdvertisement(fromHex(`8601${hex.slice(4)}`)), 'BAD_VALUE'); // code 1 (RFC 4861 §6.1.2)
  assertWireError(() => decodeRouterAdvertisement(RA_VECTOR.subarray(0, 15)), 'TRUNCATED'); // fixed part cut
  assertWireError(() => decodeRouterAdvertisement(fromHex(hex.replace('05010000', '05000000'))), 'BAD_LENGTH'); // length 0
  assertWireError(() => decodeRouterAdvertisement(fromHex(hex.replace('030440e0', '030340e0'))), 'BAD_LENGTH'); // PIO length 3
  assertWireError(() => decodeRouterAdvertisement(fromHex(hex.replace('030440e0', '030481e0'))), 'BAD_VALUE'); // /129
  assertWireError(() => decodeRouterAdvertisement(fromHex(hex.replace('05010000', '05020000'))), 'TRUNCATED'); // past the end
  assertWireError(
    () => decodeRouterAdvertisement(fromHex(hex.replace('05010000000005dc', `08020000000005dc${'00'.repeat(8)}`))),
    'BAD_LENGTH',
  ); // HA info, 2 units
});

test('ND option emitters reject unencodable values', () => {
  const withOption = (o: RouterAdvertisement['options'][number]) => ({ ...RA_VALUE, options: [o] });
  assert.throws(
    () => encodeRouterAdvertisement(withOption({ kind: 'unknown', type: 40, data: new Uint8Array(5) }), PSEUDO),
    RangeError,
  );
  assert.throws(
    () => encodeRouterAdvertisement(withOption({ ...RA_VALUE.options[0]!, prefixLength: 129 } as never), PSEUDO),
    RangeError,
  );
});

test('RA decode(encode(v)) equals v', () => {
  fc.assert(
    fc.property(routerAdvertisement, ipv6Address, ipv6Address, (ra, source, destination) => {
      const pseudo = { source, destination };
      assert.deepEqual(decodeRouterAdvertisement(encodeRouterAdvertisement(ra, pseudo), pseudo), ra);
    }),
  );
});

test('ICMPv6 / RA decoders only throw WireError on random and mutated bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) =>
      onlyWireErrors((x) => decodeRouterAdvertisement(x, PSEUDO), b),
    ),
  );
  fc.assert(
    fc.property(routerAdvertisement, fc.nat(), fc.integer({ min: 0, max: 255 }), (ra, at, value) => {
      const b = encodeRouterAdvertisement(ra, PSEUDO);
      b[at % b.length] = value;
      onlyWireErrors(decodeRouterAdvertisement, b);
      onlyWireErrors(decodeRouterAdvertisement, b.subarray(0, at % (b.length + 1)));
    }),
  );
});
