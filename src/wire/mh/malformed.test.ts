// Malformed Mobility Headers: each case asserts its WireError code (and where it matters the offset);
// then the emitter's RangeErrors for values no peer could send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { decodeMobilityHeader, encodeMobilityHeader, parseMobilityHeader } from './header.ts';
import type { BindingUpdate, MobilityMessage } from './messages.ts';
import type { MobilityOption } from './options.ts';

const HOA = Ipv6Address.parse('2001:db8:1::100');
const HA = Ipv6Address.parse('2001:db8:1::1');
const addrs = { src: HOA, dst: HA };

function rejects(hex: string, code: WireErrorCode, offset?: number, withAddrs = false): void {
  assert.throws(
    () => decodeMobilityHeader(fromHex(hex), withAddrs ? addrs : undefined),
    (e: unknown) =>
      e instanceof WireError && e.code === code && e.layer === 'mh' && (offset === undefined || e.offset === offset),
    `${hex} → ${code}${offset === undefined ? '' : `@${offset}`}`,
  );
}

/** A BU (A|H|K|R, seq 1, 3600 s) with `area` as its options area (padded by the caller to a multiple of 8). */
function buWithArea(area: string): string {
  const len = 12 + area.length / 2;
  assert.equal(len % 8, 0, 'test vector must be 8-aligned');
  const hl = (len / 8 - 1).toString(16).padStart(2, '0');
  return `3b${hl}05000000` + `0001d4000384${area}`; // checksum 0000, then Sequence 1, flags A|H|K|R, 3600 s
}

test('header: fewer than 8 octets is TRUNCATED', () => {
  rejects('', 'TRUNCATED', 0);
  rejects('3b000000000000', 'TRUNCATED', 0);
});

test('header: Header Len that disagrees with the buffer is BAD_LENGTH at the Header Len octet', () => {
  rejects('3b01000000000000', 'BAD_LENGTH', 1); // declares 16, has 8
  rejects('3b000000000000000000000000000000', 'BAD_LENGTH', 1); // declares 8, has 16
  rejects('3b00000000000000ff', 'BAD_LENGTH', 1);
});

test('header: the fixed part of each known type must fit (RFC 6275 §9.2 minimum Header Len)', () => {
  rejects('3b00010000000000', 'BAD_LENGTH', 1); // HoTI needs 16
  rejects('3b00020000000000', 'BAD_LENGTH', 1); // CoTI needs 16
  rejects('3b010300000000000000000000000000', 'BAD_LENGTH', 1); // HoT needs 24
  rejects('3b010400000000000000000000000000', 'BAD_LENGTH', 1); // CoT needs 24
  rejects('3b00050000000000', 'BAD_LENGTH', 1); // BU needs 12
  rejects('3b00060000000000', 'BAD_LENGTH', 1); // BA needs 12
  rejects('3b010700000000000000000000000000', 'BAD_LENGTH', 1); // BE needs 24
  // An unknown type has no fixed part: 8 octets are enough.
  assert.deepEqual(decodeMobilityHeader(fromHex('3b00ff0000000102')), {
    kind: 'unknown',
    type: 255,
    data: fromHex('0102'),
  });
});

test('checksum: a wrong checksum with addresses is BAD_CHECKSUM at the checksum field; without them it is not checked', () => {
  const good = '3b040500ba7f0001d40003841d068000000000000100031020010db8000200000000000000000200';
  assert.equal(decodeMobilityHeader(fromHex(good), addrs).kind, 'binding-update');
  const bad = `${good.slice(0, 8)}ba7e${good.slice(12)}`;
  rejects(bad, 'BAD_CHECKSUM', 4, true);
  assert.equal(decodeMobilityHeader(fromHex(bad)).kind, 'binding-update');
  // The same bytes under other pseudo-header addresses (e.g. the CoA instead of the HAO's home address).
  assert.throws(
    () => decodeMobilityHeader(fromHex(good), { src: Ipv6Address.parse('2001:db8:2::200'), dst: HA }),
    (e: unknown) => e instanceof WireError && e.code === 'BAD_CHECKSUM',
  );
});

/** `option` followed by Pad1s up to a length that makes the BU a multiple of 8. */
function areaOf(option: string): string {
  let area = option;
  while ((area.length / 2) % 8 !== 4) area += '00';
  return area;
}

test('options: an option that overruns the MH is BAD_LENGTH', () => {
  rejects(buWithArea('02050000'), 'BAD_LENGTH', 13); // BRA declares 5 data octets, 2 remain
  rejects(buWithArea('01010002'), 'BAD_LENGTH', 15); // PadN(3), then a Type octet with no Length octet
  rejects(buWithArea('01040000'), 'BAD_LENGTH', 13); // PadN declares 4 data octets, 2 remain
});

test('options: a known option with a length its RFC does not allow is BAD_LENGTH at its Length octet', () => {
  const wrong: [string, string][] = [
    ['Binding Refresh Advice len 4', '020400000000'],
    ['Nonce Indices len 2', '04020000'],
    ['Alternate CoA len 14', `030e${'00'.repeat(14)}`],
    ['Mobile Network Prefix len 16', `0610${'00'.repeat(16)}`],
    ['DNS Update len 1', '110100'],
    ['IPv4 Home Address len 4', '1d0480000000'],
    ['IPv4 Address Ack len 8', `1e08${'00'.repeat(8)}`],
    ['NAT Detection len 2', '1f020000'],
    ['IPv4 CoA len 5', `2005${'00'.repeat(5)}`],
    ['Binding Identifier len 6', `2306${'00'.repeat(6)}`],
  ];
  for (const [name, option] of wrong) {
    assert.throws(
      () => decodeMobilityHeader(fromHex(buWithArea(areaOf(option)))),
      (e: unknown) => e instanceof WireError && e.code === 'BAD_LENGTH' && e.offset === 13,
      name,
    );
  }
});

test('options: IPv4 HoA prefix length 0 (RFC 5555 §3.1.1 "MUST be considered an error") and > 32 are BAD_VALUE', () => {
  rejects(buWithArea(areaOf('1d0600000a000001')), 'BAD_VALUE', 14);
  rejects(buWithArea(areaOf('1d0684000a000001')), 'BAD_VALUE', 14); // 33
  rejects(buWithArea(areaOf(`0612008120010db8${'00'.repeat(12)}`)), 'BAD_VALUE', 15); // MNP /129
});

test('parseMobilityHeader consumes exactly Header Len from a Reader and reports absolute offsets', () => {
  const mh = '3b00000067f30000';
  const buf = fromHex(`aabbccdd${mh}eeff`);
  const r = Reader.of(buf, 'ipv6', 100);
  r.skipBytes(4);
  const m = parseMobilityHeader(r, { src: Ipv6Address.parse('2001:db8:5::5'), dst: HOA });
  assert.deepEqual(m, { kind: 'binding-refresh-request', options: [] });
  assert.equal(r.remaining, 2);
  const short = Reader.of(fromHex('0000003b01000000000000'), 'ipv6', 50);
  short.skipBytes(3);
  assert.throws(
    () => parseMobilityHeader(short),
    (e: unknown) => e instanceof WireError && e.code === 'BAD_LENGTH' && e.layer === 'mh' && e.offset === 54,
  );
});

const BU0: BindingUpdate = {
  kind: 'binding-update',
  sequence: 1,
  acknowledge: true,
  homeRegistration: true,
  linkLocalAddressCompatibility: false,
  keyManagementMobilityCapability: true,
  mapRegistration: false,
  mobileRouter: false,
  proxyRegistration: false,
  forceUdpEncapsulation: false,
  tlvHeaderFormat: false,
  overwriteOrBulkBinding: false,
  lifetimeSec: 400,
  options: [],
};

function emitThrows(m: MobilityMessage, what: string): void {
  assert.throws(() => encodeMobilityHeader(m, addrs), RangeError, what);
}

function withOptions(...options: MobilityOption[]): BindingUpdate {
  return { ...BU0, options };
}

test('emitter: values no peer could send are RangeErrors', () => {
  emitThrows({ ...BU0, lifetimeSec: 3 }, 'lifetime not a multiple of 4');
  emitThrows({ ...BU0, lifetimeSec: 4 * 0x10000 }, 'lifetime beyond 16 bits of units');
  emitThrows({ ...BU0, sequence: 0x10000 }, 'sequence beyond 16 bits');
  emitThrows({ ...BU0, reservedBits: 0x40 }, 'reservedBits outside the unnamed bits');
  emitThrows({ kind: 'home-test-init', homeInitCookie: new Uint8Array(7), options: [] }, 'cookie not 8 octets');
  emitThrows({ kind: 'unknown', type: 5, data: new Uint8Array(2) }, 'unknown with a parsed MH type');
  emitThrows({ kind: 'unknown', type: 20, data: new Uint8Array(3) }, 'unknown not a multiple of 8');
  emitThrows({ kind: 'binding-refresh-request', options: [], payloadProto: 256 }, 'payloadProto beyond 8 bits');
  const hoa = (prefixLength: number): MobilityOption => ({
    kind: 'ipv4-home-address',
    prefixLength,
    requestMobileNetworkPrefix: false,
    homeAddress: Ipv4Address.ANY,
  });
  emitThrows(withOptions(hoa(0)), 'IPv4 HoA prefix length 0 (RFC 5555 §3.1.1)');
  emitThrows(withOptions(hoa(33)), 'IPv4 HoA prefix length 33');
  emitThrows(withOptions({ kind: 'binding-refresh-advice', refreshIntervalSec: 6 }), 'refresh interval not ×4');
  emitThrows(withOptions({ kind: 'unknown', type: 1, data: new Uint8Array(0) }), 'unknown option type 1 is PadN');
  emitThrows(withOptions({ kind: 'unknown', type: 3, data: new Uint8Array(16) }), 'unknown option with a parsed type');
  emitThrows(withOptions({ kind: 'unknown', type: 40, data: new Uint8Array(256) }), 'option data beyond 255');
  const bad = (n: number): MobilityOption => ({ kind: 'binding-authorization-data', authenticator: new Uint8Array(n) });
  emitThrows(withOptions(bad(12), hoa(32)), 'Binding Authorization Data not last (RFC 6275 §6.2)');
  emitThrows(withOptions(bad(10)), 'Binding Authorization Data needing trailing padding');
  const big = Array.from({ length: 8 }, () => ({ kind: 'unknown', type: 40, data: new Uint8Array(255) }) as const);
  emitThrows(withOptions(...big), 'MH longer than Header Len can express');
});
