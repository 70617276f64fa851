import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isWireError, WireError, type WireErrorCode } from '../../util/errors.ts';
import { fromHex } from '../../util/hex.ts';
import { decodeDhcpv4Message, dhcpv4MessageLength, encodeDhcpv4Message } from './message.ts';
import { parseEncapsulatedVendorOptions } from './options.ts';
import { dhcpv4MessageArb } from './test-arbitraries.ts';

const hex = (s: string) => s.replace(/[\s_|]/g, '');
/** BOOTREQUEST header, hlen 6, with `sname`/`file` contents (hex, zero padded). */
const header = (sname = '', file = '', hlen = '06') =>
  hex(
    `01 01 ${hlen} 00 00000001 0000 0000 ${'00'.repeat(16)} ${'00'.repeat(16)} ${hex(sname).padEnd(128, '0')} ${hex(file).padEnd(256, '0')}`,
  );
/** A message whose options area (after the cookie) is `options`. */
const msg = (options: string, sname = '', file = '') => fromHex(`${header(sname, file)}63825363${hex(options)}`);

function assertWireError(bytes: Uint8Array, code: WireErrorCode, offset?: number): void {
  assert.throws(
    () => decodeDhcpv4Message(bytes),
    (e: unknown) => {
      assert.ok(e instanceof WireError, `expected WireError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.equal(e.layer, 'dhcpv4');
      if (offset !== undefined) assert.equal(e.offset, offset, e.message);
      return true;
    },
  );
}

const MALFORMED: [string, Uint8Array, WireErrorCode, number?][] = [
  ['shorter than the BOOTP header', fromHex(header()).subarray(0, 100), 'TRUNCATED'],
  ['a bare BOOTP header without the magic cookie', fromHex(header()), 'BAD_VALUE', 236],
  ['a wrong magic cookie (RFC 2131 §3)', fromHex(`${header()}63825364ff`), 'BAD_VALUE', 236],
  ['a cookie cut short', fromHex(`${header()}6382`), 'TRUNCATED'],
  ['hlen 17 (chaddr is 16 octets)', fromHex(`${header('', '', '11')}63825363ff`), 'BAD_VALUE', 2],
  ['options without End (RFC 2131 §4.1)', msg('3501 08'), 'BAD_VALUE'],
  ['only pads, no End', msg('000000'), 'BAD_VALUE'],
  ['option length past the end', msg('3c05 6473'), 'TRUNCATED'],
  ['option cut after its code', msg('3c'), 'TRUNCATED'],
  ['Message Type of 2 octets (RFC 2132 §9.6)', msg('3502 0808 ff'), 'BAD_LENGTH'],
  ['DNS servers of 5 octets (RFC 2132 §3.8)', msg('0605 c000023500 ff'), 'BAD_LENGTH'],
  ['DNS servers of 0 octets', msg('0600 ff'), 'BAD_LENGTH'],
  ['Subnet Mask of 3 octets', msg('0103 ffffff ff'), 'BAD_LENGTH'],
  ['Server Identifier of 6 octets', msg('3606 c00002010000 ff'), 'BAD_LENGTH'],
  ['empty Parameter Request List (RFC 2132 §9.8)', msg('3700 ff'), 'BAD_LENGTH'],
  ['Client Identifier of 1 octet (RFC 2132 §9.14)', msg('3d01 01 ff'), 'BAD_LENGTH'],
  ['empty Vendor Class Identifier (RFC 2132 §9.13)', msg('3c00 ff'), 'BAD_LENGTH'],
  ['empty Vendor-Specific Information (RFC 2132 §8.4)', msg('2b00 ff'), 'BAD_LENGTH'],
  ['Rapid Commit with data (RFC 4039 §4)', msg('5001 00 ff'), 'BAD_LENGTH'],
  ['Relay Agent sub-option past its option (RFC 3046)', msg('5203 0105 01 ff'), 'TRUNCATED'],
  ['V-I Vendor-Specific data-len past the option (RFC 3925 §4)', msg('7d06 000028af 0901 ff'), 'TRUNCATED'],
  ['V-I Vendor-Specific enterprise cut', msg('7d03 000028 ff'), 'TRUNCATED'],
  ['V-I Vendor-Specific sub-option past its entry', msg('7d08 000028af 03 0105aa ff'), 'TRUNCATED'],
  ['V-I Vendor Class item past its entry (RFC 3925 §3)', msg('7c07 000028af 02 0341 ff'), 'TRUNCATED'],
  ['Option Overload of 2 octets (RFC 2132 §9.3)', msg('3402 0101 ff'), 'BAD_LENGTH'],
  ['Option Overload value 4', msg('3401 04 ff'), 'BAD_VALUE', 242],
  ['Option Overload repeated (concatenates to 2 octets)', msg('3401 01 3401 01 ff', '', 'ff'), 'BAD_LENGTH'],
  ['overloaded file without End', msg('3401 01 ff', '', '3501 05'), 'BAD_VALUE'],
  ['overloaded sname with an option crossing its end', msg('3401 02 ff', `${'00'.repeat(62)}0c05`), 'TRUNCATED'],
  ['split option whose concatenation is still malformed', msg('0602 c000 0601 02 ff'), 'BAD_LENGTH'],
];

for (const [name, bytes, code, offset] of MALFORMED) {
  test(`DHCPv4 malformed: ${name} → ${code}`, () => assertWireError(bytes, code, offset));
}

test('encapsulated vendor options report truncation as WireError', () => {
  assert.throws(
    () => parseEncapsulatedVendorOptions(fromHex('0105aa'), 300),
    (e: unknown) => {
      return e instanceof WireError && e.code === 'TRUNCATED' && e.offset === 302;
    },
  );
});

test('DHCPv4: decode(encode(m)) = m and length(m) = encoded size, with and without padding', () => {
  fc.assert(
    fc.property(dhcpv4MessageArb, fc.boolean(), (m, pad) => {
      const bytes = encodeDhcpv4Message(m, { padToMinimum: pad });
      assert.equal(bytes.length, dhcpv4MessageLength(m, pad));
      if (pad) assert.ok(bytes.length >= 300);
      assert.deepEqual(decodeDhcpv4Message(bytes), m);
    }),
    { numRuns: 400 },
  );
});

function onlyWireErrors(bytes: Uint8Array): void {
  try {
    decodeDhcpv4Message(bytes);
  } catch (e) {
    if (!isWireError(e)) throw e;
  }
}

test('DHCPv4: random and mutated bytes only ever raise WireError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), onlyWireErrors), { numRuns: 1000 });
  const cookieHeader = fromHex(`${header()}63825363`);
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ minLength: 192, maxLength: 192 }),
      (opts, fields) => {
        const b = Uint8Array.from([...cookieHeader, ...opts]);
        onlyWireErrors(b);
        b.set(fields, 44); // random sname/file, which overload may expose
        b[b.length > 242 ? 240 : 0] = 52;
        onlyWireErrors(b);
      },
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(dhcpv4MessageArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (m, at, v) => {
      const b = encodeDhcpv4Message(m, { padToMinimum: false }).slice();
      b[at % b.length] = v;
      onlyWireErrors(b);
      onlyWireErrors(b.subarray(0, at % (b.length + 1)));
    }),
    { numRuns: 1000 },
  );
});
