import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { DHCPV6_MAX_NESTING_DEPTH } from './constants.ts';
import { domainNameToWire, parseDomainName } from './domain-name.ts';
import { type Dhcpv6Message, decodeDhcpv6Message, encodeDhcpv6Message } from './message.ts';
import type { Dhcpv6Option } from './option-types.ts';

const hex = (s: string) => s.replace(/[\s_|]/g, '');
/** An Information-request header (xid 000001) followed by `options`. */
const msg = (options: string) => fromHex(`0b000001${hex(options)}`);

function assertWireError(bytes: Uint8Array, code: WireErrorCode, offset?: number): void {
  assert.throws(
    () => decodeDhcpv6Message(bytes),
    (e: unknown) => {
      assert.ok(e instanceof WireError, `expected WireError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.equal(e.layer, 'dhcpv6');
      if (offset !== undefined) assert.equal(e.offset, offset, e.message);
      return true;
    },
  );
}

const LONG_NAME_WIRE = `${'3f'.padEnd(128, '61')}${'3f'.padEnd(128, '62')}${'3f'.padEnd(128, '63')}${'3f'.padEnd(128, '64')}00`;

const MALFORMED: [string, Uint8Array, WireErrorCode, number?][] = [
  ['empty message', new Uint8Array(0), 'TRUNCATED', 0],
  ['header cut inside the transaction id', fromHex('0b0000'), 'TRUNCATED', 1],
  ['option header cut after the code', msg('0008'), 'TRUNCATED', 6],
  ['option-len past the end of the message', msg('0008 0004 0000'), 'TRUNCATED', 8],
  ['ORO with an odd length (RFC 8415 §21.7)', msg('0006 0003 001700'), 'BAD_LENGTH'],
  ['Elapsed Time of 3 octets (RFC 8415 §21.9)', msg('0008 0003 000000'), 'BAD_LENGTH'],
  ['DNS servers not a multiple of 16 (RFC 3646 §3)', msg(`0017 0011 ${'00'.repeat(17)}`), 'BAD_LENGTH'],
  ['IRT of 2 octets (RFC 8415 §21.23)', msg('0020 0002 0258'), 'BAD_LENGTH'],
  ['INF_MAX_RT of 5 octets (RFC 8415 §21.25)', msg('0053 0005 0000000e10'), 'BAD_LENGTH'],
  ['DUID of 2 octets (RFC 8415 §11.1)', msg('0001 0002 0003'), 'BAD_LENGTH'],
  ['DUID of 131 octets (RFC 8415 §11.1)', msg(`0001 0083 0002 ${'00'.repeat(129)}`), 'BAD_LENGTH'],
  ['DUID-UUID of 10 octets (RFC 8415 §11.5)', msg(`0001 000c 0004 ${'00'.repeat(10)}`), 'BAD_LENGTH'],
  ['DUID-LLT without its time (RFC 8415 §11.2)', msg('0001 0004 0001 0001'), 'BAD_LENGTH'],
  ['DUID-EN without its enterprise number (RFC 8415 §11.3)', msg('0001 0005 0002 000028'), 'BAD_LENGTH'],
  ['Status Code of 1 octet (RFC 8415 §21.13)', msg('000d 0001 00'), 'BAD_LENGTH'],
  ['Status Code message not UTF-8', msg('000d 0004 0001 c328'), 'BAD_VALUE', 10],
  ['Vendor Class shorter than its enterprise number', msg('0010 0003 000028'), 'BAD_LENGTH'],
  ['Vendor Class item overrunning the option', msg('0010 0008 000028af 0005 4142'), 'TRUNCATED'],
  ['Vendor opts shorter than its enterprise number', msg('0011 0002 0000'), 'BAD_LENGTH'],
  ['Vendor sub-option overrunning the option (RFC 8415 §21.17)', msg('0011 000a 000028af 0001 0004 aabb'), 'TRUNCATED'],
  ['Vendor sub-option header cut', msg('0011 0006 000028af 0001'), 'TRUNCATED'],
  ['Domain list with a compression pointer (RFC 8415 §10)', msg('0018 0004 01 61 c0 0c'), 'BAD_VALUE', 10],
  ['Domain list with an extended label type', msg('0018 0002 4100'), 'BAD_VALUE'],
  ['Domain list name without its root label', msg('0018 0002 01 61'), 'TRUNCATED'],
  ['Domain name over 255 octets (RFC 1035 §2.3.4)', msg(`0018 0101 ${LONG_NAME_WIRE}`), 'BAD_LENGTH'],
  ['HNIDF with no name (RFC 6610 §3.1)', msg('0031 0000'), 'BAD_LENGTH'],
  ['HNIDF with octets after the name', msg('0031 0004 01 61 00 00'), 'TRAILING_DATA'],
  ['HAF with a compression pointer (RFC 6610 §3.5)', msg('0049 0002 c000'), 'BAD_VALUE'],
  ['HNP with Prefix-len 129 (RFC 6610 §3.3)', msg(`0047 0011 81 ${'00'.repeat(16)}`), 'BAD_VALUE', 8],
  ['HNP with a field too short for Prefix-len 64', msg('0047 0005 40 20010db8'), 'BAD_LENGTH'],
  ['HNP with a 17-octet prefix field', msg(`0047 0012 40 ${'00'.repeat(17)}`), 'BAD_LENGTH'],
  ['HNP without Prefix-len', msg('0047 0000'), 'BAD_LENGTH'],
  ['HAA of 4 octets (RFC 6610 §3.4)', msg('0048 0004 c0000221'), 'BAD_LENGTH'],
  ['IDINF whose inner option overruns the container', msg('0045 0006 0048 0010 0000'), 'TRUNCATED'],
  ['IDINF holding a malformed HAA', msg('0045 0006 0048 0002 0000'), 'BAD_LENGTH'],
  ['relay header cut inside link-address', fromHex(`0c00${'00'.repeat(20)}`), 'TRUNCATED'],
  ['Relay Message option holding 3 octets', fromHex(`0c00${'00'.repeat(32)}00090003 0b0000`), 'TRUNCATED'],
];

for (const [name, bytes, code, offset] of MALFORMED) {
  test(`DHCPv6 malformed: ${name} → ${code}`, () => assertWireError(bytes, code, offset));
}

/** `levels` Relay-forwards wrapped around an Information-request. */
function nestedRelays(levels: number): Dhcpv6Message {
  let m: Dhcpv6Message = { kind: 'client-server', msgType: 11, transactionId: 7, options: [] };
  for (let i = 0; i < levels; i++) {
    m = {
      kind: 'relay',
      msgType: 12,
      hopCount: levels - 1 - i,
      linkAddress: Ipv6Address.ANY,
      peerAddress: Ipv6Address.ANY,
      options: [{ kind: 'relay-message', message: m }],
    };
  }
  return m;
}

test(`relay nesting: ${DHCPV6_MAX_NESTING_DEPTH} relays around a client message decode, one more is BAD_VALUE`, () => {
  const ok = nestedRelays(DHCPV6_MAX_NESTING_DEPTH);
  assert.deepEqual(decodeDhcpv6Message(encodeDhcpv6Message(ok)), ok);
  assertWireError(encodeDhcpv6Message(nestedRelays(DHCPV6_MAX_NESTING_DEPTH + 1)), 'BAD_VALUE');
});

test('container nesting is bounded too, and a 16 000-level bomb fails cleanly', () => {
  let inner: Dhcpv6Option = { kind: 'home-agent-fqdn', fqdn: 'ha.example' };
  for (let i = 0; i < DHCPV6_MAX_NESTING_DEPTH; i++)
    inner = { kind: 'unrestricted-home-network-info', options: [inner] };
  const ok: Dhcpv6Message = { kind: 'client-server', msgType: 7, transactionId: 1, options: [inner] };
  assert.deepEqual(decodeDhcpv6Message(encodeDhcpv6Message(ok)), ok);
  const deeper = { ...ok, options: [{ kind: 'visited-home-network-info', options: [inner] } as const] };
  assertWireError(encodeDhcpv6Message(deeper), 'BAD_VALUE');
  // 16 000 nested empty-headed VDINFs: 4 octets each, built directly on the wire.
  const levels = 16000;
  const bomb = new Uint8Array(4 + 4 * levels);
  bomb.set(fromHex('07000001'));
  for (let i = 0; i < levels; i++) {
    const len = 4 * (levels - 1 - i);
    bomb.set([0x00, 0x32, len >>> 8, len & 0xff], 4 + 4 * i);
  }
  assertWireError(bomb, 'BAD_VALUE');
});

test('domain names: escapes round-trip, impossible names are RangeErrors', () => {
  const wire = fromHex('03 612e62 02 5c20 01 ff 00'.replace(/ /g, ''));
  const text = parseDomainName(Reader.of(wire, 'dhcpv6'));
  assert.equal(text, 'a\\.b.\\\\\\032.\\255');
  assert.equal(toHex(domainNameToWire(text)), toHex(wire));
  assert.equal(toHex(domainNameToWire('example.com.')), toHex(domainNameToWire('example.com')));
  assert.equal(toHex(domainNameToWire('.')), '00');
  assert.equal(toHex(domainNameToWire('a\\.')), '02612e00');
  for (const bad of ['a..b', '.a', 'é.example', `${'x'.repeat(64)}.example`, 'a\\256', 'a\\']) {
    assert.throws(() => domainNameToWire(bad), RangeError, bad);
  }
  const longest = Array(4).fill('x'.repeat(63)).join('.'); // 4 × 64 + 1 = 257 octets
  assert.throws(() => domainNameToWire(longest), RangeError);
});
