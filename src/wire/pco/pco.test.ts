/**
 * PCO has no practical independent decoder on this machine for a bare IE, so the vectors below were computed by
 * hand from TS 24.008 §10.5.6.3 (octet 3 = ext 1 + spare 0000 + protocol 000; items ID(2) | length(1) | contents).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import {
  decodePco,
  decodePcoIe,
  dsmipv6InfoFromPco,
  dsmipv6PcoRequest,
  encodePco,
  encodePcoIe,
  type Pco,
  type PcoItem,
  pcoIeLength,
  pcoLength,
} from './pco.ts';

const HA = Ipv6Address.parse('2001:db8:1::1');
const HNP = Ipv6Address.parse('2001:db8:1:100::');
const HA4 = Ipv4Address.parse('192.0.2.1');
const DNS4 = Ipv4Address.parse('8.8.8.8');
const DNS6 = Ipv6Address.parse('2001:4860:4860::8888');
// IPCP Configure-Nak (code 3, id 0, length 16) with primary DNS (129) 8.8.8.8 and secondary DNS (131) 8.8.4.4.
const IPCP = fromHex('03000010810608080808830608080404');

// UE to network: three DSMIPv6 requests with empty contents. Value = 1 + 3 × 3 = 10 octets.
const REQUEST_IE_HEX = '270a80000700000800000900';

// Network to UE. Value = 1 + 19 + 20 + 7 + 7 + 19 + 19 = 92 = 0x5c octets.
const RESPONSE_VALUE_HEX = [
  '80',
  '000710',
  '20010db8000100000000000000000001', // DSMIPv6 HA 2001:db8:1::1
  '000811',
  '20010db8000101000000000000000000',
  '40', // HNP 2001:db8:1:100::/64
  '000904',
  'c0000201', // DSMIPv6 IPv4 HA 192.0.2.1
  '000d04',
  '08080808', // DNS IPv4 8.8.8.8
  '000310',
  '20014860486000000000000000008888', // DNS IPv6
  '802110',
  '03000010810608080808830608080404', // IPCP, opaque
].join('');

const RESPONSE: Pco = {
  configurationProtocol: 0,
  items: [
    { kind: 'dsmipv6-home-agent-address', address: HA },
    { kind: 'dsmipv6-home-network-prefix', homeNetworkPrefix: { prefix: HNP, prefixLength: 64 } },
    { kind: 'dsmipv6-ipv4-home-agent-address', address: HA4 },
    { kind: 'dns-server-ipv4-address', address: DNS4 },
    { kind: 'dns-server-ipv6-address', address: DNS6 },
    { kind: 'unknown', type: 0x8021, data: IPCP },
  ],
};

test('UE request IE (empty contents = request): parse, emit, length', () => {
  const v = decodePcoIe(fromHex(REQUEST_IE_HEX));
  assert.deepEqual(v, dsmipv6PcoRequest());
  assert.equal(toHex(encodePcoIe(v)), REQUEST_IE_HEX);
  assert.equal(pcoIeLength(v), 12);
  assert.deepEqual(dsmipv6InfoFromPco(v), {});
  assert.deepEqual(decodePco(fromHex(REQUEST_IE_HEX.slice(4))), v);
});

test('network response value: parse, emit, length, DSMIPv6 info', () => {
  assert.equal(RESPONSE_VALUE_HEX.length / 2, 0x5c);
  const v = decodePco(fromHex(RESPONSE_VALUE_HEX));
  assert.deepEqual(v, RESPONSE);
  assert.equal(toHex(encodePco(RESPONSE)), RESPONSE_VALUE_HEX);
  assert.equal(pcoLength(RESPONSE), 0x5c);
  assert.equal(toHex(encodePcoIe(RESPONSE)), `275c${RESPONSE_VALUE_HEX}`);
  assert.deepEqual(decodePcoIe(fromHex(`275c${RESPONSE_VALUE_HEX}`)), RESPONSE);
  const info = dsmipv6InfoFromPco(v);
  assert.equal(info.homeAgentAddress?.toString(), '2001:db8:1::1');
  assert.equal(info.homeAgentIpv4Address?.toString(), '192.0.2.1');
  assert.equal(info.homeNetworkPrefix?.prefix.toString(), '2001:db8:1:100::');
  assert.equal(info.homeNetworkPrefix?.prefixLength, 64);
});

test('dsmipv6InfoFromPco takes the first value and skips empty requests', () => {
  const other = Ipv6Address.parse('2001:db8::2');
  const v: Pco = {
    configurationProtocol: 0,
    items: [
      { kind: 'dsmipv6-home-agent-address' },
      { kind: 'dsmipv6-home-agent-address', address: HA },
      { kind: 'dsmipv6-home-agent-address', address: other },
    ],
  };
  assert.deepEqual(dsmipv6InfoFromPco(v), { homeAgentAddress: HA });
});

test('octet 3 and unknown containers round-trip byte for byte', () => {
  // 0x81: ext 1, protocol 1 ("interpreted as PPP"); 0x00: ext bit clear; 0xfa: spare bits set, protocol 2.
  const cases: [string, Pco][] = [
    ['81', { configurationProtocol: 1, items: [] }],
    ['00', { configurationProtocol: 0, octet3HighBits: 0, items: [] }],
    ['fa', { configurationProtocol: 2, octet3HighBits: 0xf8, items: [] }],
    ['80c02300', { configurationProtocol: 0, items: [{ kind: 'unknown', type: 0xc023, data: new Uint8Array(0) }] }],
    [
      '80ff0003010203',
      { configurationProtocol: 0, items: [{ kind: 'unknown', type: 0xff00, data: fromHex('010203') }] },
    ],
    ['80000100', { configurationProtocol: 0, items: [{ kind: 'unknown', type: 1, data: new Uint8Array(0) }] }],
  ];
  for (const [hex, v] of cases) {
    assert.deepEqual(decodePco(fromHex(hex)), v, hex);
    assert.equal(toHex(encodePco(v)), hex);
  }
});

const MALFORMED: [string, () => unknown, WireErrorCode, number][] = [
  ['empty value (no octet 3)', () => decodePco(new Uint8Array(0)), 'TRUNCATED', 0],
  ['item header cut short', () => decodePco(fromHex('800007')), 'TRUNCATED', 3],
  ['contents past the end', () => decodePco(fromHex('800007102001')), 'TRUNCATED', 4],
  ['HA address of 4 octets', () => decodePco(fromHex('80000704c0000201')), 'BAD_LENGTH', 3],
  ['DNS IPv6 of 15 octets', () => decodePco(fromHex(`8000030f${'00'.repeat(15)}`)), 'BAD_LENGTH', 3],
  ['HNP without its prefix length', () => decodePco(fromHex(`80000810${'00'.repeat(16)}`)), 'BAD_LENGTH', 3],
  ['HNP prefix length 129', () => decodePco(fromHex(`80000811${'00'.repeat(16)}81`)), 'BAD_VALUE', 20],
  ['IPv4 HA of 16 octets', () => decodePco(fromHex(`80000910${'00'.repeat(16)}`)), 'BAD_LENGTH', 3],
  ['DNS IPv4 of 5 octets', () => decodePco(fromHex('80000d050808080800')), 'BAD_LENGTH', 3],
  ['IE with another IEI', () => decodePcoIe(fromHex('280180')), 'BAD_VALUE', 0],
  ['IE with length 0', () => decodePcoIe(fromHex('2700')), 'BAD_LENGTH', 1],
  ['IE length past the buffer', () => decodePcoIe(fromHex('270280')), 'TRUNCATED', 2],
  ['IE followed by more bytes', () => decodePcoIe(fromHex('27018000')), 'TRAILING_DATA', 3],
  ['IE with only the IEI', () => decodePcoIe(fromHex('27')), 'TRUNCATED', 1],
];

for (const [name, run, code, offset] of MALFORMED) {
  test(`malformed: ${name} → ${code}`, () => {
    assert.throws(run, (e: unknown) => isWireError(e) && e.code === code && e.layer === 'pco' && e.offset === offset);
  });
}

test('emitter rejects values it cannot encode (RangeError)', () => {
  const prefix = (prefixLength: number): Pco => ({
    configurationProtocol: 0,
    items: [{ kind: 'dsmipv6-home-network-prefix', homeNetworkPrefix: { prefix: HNP, prefixLength } }],
  });
  assert.throws(() => encodePco(prefix(129)), RangeError);
  assert.throws(() => encodePco({ configurationProtocol: 8, items: [] }), RangeError);
  assert.throws(() => encodePco({ configurationProtocol: 0, octet3HighBits: 0x81, items: [] }), RangeError);
  const big = { kind: 'unknown', type: 0xff00, data: new Uint8Array(256) } as const;
  assert.throws(() => encodePco({ configurationProtocol: 0, items: [big] }), RangeError);
  const long = { kind: 'unknown', type: 0xff00, data: new Uint8Array(200) } as const;
  assert.throws(() => encodePcoIe({ configurationProtocol: 0, items: [long, long] }), RangeError); // value > 251
});

const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Ipv4Address.fromBytes(b));
const KNOWN_IDS = new Set([3, 7, 8, 9, 13]);
type AddressKind = 'dsmipv6-home-agent-address' | 'dns-server-ipv6-address';
type Address4Kind = 'dsmipv6-ipv4-home-agent-address' | 'dns-server-ipv4-address';
const v6Item = (kind: AddressKind) =>
  fc.option(ipv6, { nil: undefined }).map((address): PcoItem => (address ? { kind, address } : { kind }));
const v4Item = (kind: Address4Kind) =>
  fc.option(ipv4, { nil: undefined }).map((address): PcoItem => (address ? { kind, address } : { kind }));
const itemArb: fc.Arbitrary<PcoItem> = fc.oneof(
  v6Item('dsmipv6-home-agent-address'),
  v6Item('dns-server-ipv6-address'),
  v4Item('dsmipv6-ipv4-home-agent-address'),
  v4Item('dns-server-ipv4-address'),
  fc
    .option(fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })), { nil: undefined })
    .map(
      (p): PcoItem =>
        p
          ? { kind: 'dsmipv6-home-network-prefix', homeNetworkPrefix: { prefix: p[0], prefixLength: p[1] } }
          : { kind: 'dsmipv6-home-network-prefix' },
    ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 0xffff }).filter((id) => !KNOWN_IDS.has(id)),
      fc.uint8Array({ maxLength: 30 }),
    )
    .map(([type, data]): PcoItem => ({ kind: 'unknown', type, data })),
);
const pcoArb: fc.Arbitrary<Pco> = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 31 }), fc.array(itemArb, { maxLength: 6 }))
  .map(([configurationProtocol, high5, items]) => {
    const octet3HighBits = high5 << 3;
    return octet3HighBits === 0x80
      ? { configurationProtocol, items }
      : { configurationProtocol, octet3HighBits, items };
  });

test('property: any valid PCO round-trips (value and IE forms)', () => {
  fc.assert(
    fc.property(pcoArb, (v) => {
      const value = encodePco(v);
      assert.deepEqual(decodePco(value), v);
      if (value.length <= 251) assert.deepEqual(decodePcoIe(encodePcoIe(v)), v);
    }),
  );
});

test('property: arbitrary bytes only ever throw WireError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      for (const f of [decodePco, decodePcoIe]) {
        try {
          f(b);
        } catch (e) {
          if (!isWireError(e)) throw e;
        }
      }
    }),
    { numRuns: 3000 },
  );
});
