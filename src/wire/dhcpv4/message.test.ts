import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { Dhcpv4MessageType } from './constants.ts';
import { type Dhcpv4Message, decodeDhcpv4Message, dhcpv4MessageLength, encodeDhcpv4Message } from './message.ts';
import { encodeEncapsulatedVendorOptions, findDhcpv4Option, parseEncapsulatedVendorOptions } from './options.ts';
import { ACK_EXAMPLE, INFORM_EXAMPLE } from './test-vectors.ts';

const hex = (s: string) => s.replace(/[\s_|]/g, '');
const v4 = (s: string) => Ipv4Address.parse(s);
const ZERO = Ipv4Address.ANY;
const MAC = fromHex('020000000001');

/** The 236-octet BOOTP header (RFC 2131 §2 Figure 1) with hlen 6 and the magic cookie after it. */
function bootpHex(op: '01' | '02', xid: string, ciaddr: string, sname = '', file = ''): string {
  return hex(`${op} 01 06 00 ${xid} 0000 0000 ${ciaddr} 00000000 00000000 00000000
    020000000001${'00'.repeat(10)} ${sname.padEnd(128, '0')} ${file.padEnd(256, '0')} 63825363`);
}

// DHCPINFORM (RFC 2131 §4.4.3): ciaddr 192.0.2.10, Parameter Request List 43, 125, 6 — the same bytes
// scapy's BOOTP()/DHCP(options=[("message-type","inform"),("param_req_list",[43,125,6]),"end"]) writes.
const INFORM_HEX = `${bootpHex('01', '11223344', 'c000020a')}${hex('3501 08 | 3703 2b7d06 | ff')}`;
const INFORM: Dhcpv4Message = {
  op: 1,
  htype: 1,
  hops: 0,
  xid: 0x11223344,
  secs: 0,
  broadcast: false,
  ciaddr: v4('192.0.2.10'),
  yiaddr: ZERO,
  siaddr: ZERO,
  giaddr: ZERO,
  chaddr: MAC,
  sname: new Uint8Array(0),
  file: new Uint8Array(0),
  options: [
    { kind: 'message-type', messageType: Dhcpv4MessageType.INFORM },
    { kind: 'parameter-request-list', codes: [43, 125, 6] },
  ],
};

// DHCPACK answering it: no yiaddr (RFC 2131 §4.3.5), Server Identifier, DNS, and a V-I Vendor-Specific
// option (RFC 3925 §4) for enterprise 10415 (3GPP) holding sub-option 1 = c0 00 02 01.
const ACK_HEX = `${bootpHex('02', '11223344', 'c000020a')}${hex(`3501 05 | 3604 c0000201 | 0604 c0000235
  7d0b 000028af 06 | 01 04 c0000201 | ff`)}`;
const ACK: Dhcpv4Message = {
  ...INFORM,
  op: 2,
  options: [
    { kind: 'message-type', messageType: Dhcpv4MessageType.ACK },
    { kind: 'server-identifier', address: v4('192.0.2.1') },
    { kind: 'dns-servers', servers: [v4('192.0.2.53')] },
    {
      kind: 'vi-vendor-specific',
      entries: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('c0000201') }] }],
    },
  ],
};

for (const [name, wire, value] of [
  ['DHCPINFORM', INFORM_HEX, INFORM],
  ['DHCPACK with option 125 for 10415', ACK_HEX, ACK],
] as const) {
  test(`DHCPv4 vector: ${name} decodes, encodes, and measures`, () => {
    const bytes = fromHex(wire);
    assert.deepEqual(decodeDhcpv4Message(bytes), value);
    assert.equal(toHex(encodeDhcpv4Message(value, { padToMinimum: false })), wire);
    assert.equal(dhcpv4MessageLength(value, false), bytes.length);
    // Default: zero padding up to the 300-octet BOOTP minimum (RFC 1542 §2.1), ignored by the decoder.
    const padded = encodeDhcpv4Message(value);
    assert.equal(toHex(padded), wire.padEnd(600, '0'));
    assert.equal(dhcpv4MessageLength(value), 300);
    assert.deepEqual(decodeDhcpv4Message(padded), value);
  });
}

test('every client-side option kind of the brief round-trips through literal bytes', () => {
  const wire = `${bootpHex('01', '00000001', '00000000')}${hex(`
    3d07 01 020000000001
    3c05 6473 6d69 70
    2b06 0101 09 00 0200
    5000
    5207 0102 0102 0201 03
    7c0b 000028af 06 02 4142 02 4344
    01 04 ffffff00 | 03 04 c0000201
    c803 010203
    ff`)}`;
  const m = decodeDhcpv4Message(fromHex(wire));
  assert.deepEqual(m.options, [
    { kind: 'client-identifier', type: 1, identifier: MAC },
    { kind: 'vendor-class-identifier', data: fromHex('64736d6970') },
    { kind: 'vendor-specific', data: fromHex('010109000200') },
    { kind: 'rapid-commit' },
    {
      kind: 'relay-agent-information',
      subOptions: [
        { code: 1, data: fromHex('0102') },
        { code: 2, data: fromHex('03') },
      ],
    },
    { kind: 'vi-vendor-class', entries: [{ enterpriseNumber: 10415, classData: [fromHex('4142'), fromHex('4344')] }] },
    { kind: 'subnet-mask', mask: v4('255.255.255.0') },
    { kind: 'router', routers: [v4('192.0.2.1')] },
    { kind: 'unknown', code: 200, data: fromHex('010203') },
  ]);
  assert.equal(toHex(encodeDhcpv4Message(m, { padToMinimum: false })), wire);
  // Option 43 holds encapsulated TLVs with pad (0) and end (255) semantics (RFC 2132 §8.4).
  const vendor = findDhcpv4Option(m.options, 'vendor-specific');
  assert.ok(vendor);
  assert.deepEqual(parseEncapsulatedVendorOptions(vendor.data), [
    { code: 1, data: fromHex('09') },
    { code: 2, data: new Uint8Array(0) },
  ]);
  assert.deepEqual(parseEncapsulatedVendorOptions(fromHex('0001 01aa ff 0201bb')), [{ code: 1, data: fromHex('aa') }]);
  assert.equal(toHex(encodeEncapsulatedVendorOptions([{ code: 7, data: fromHex('beef') }])), '0702beef');
  assert.throws(() => encodeEncapsulatedVendorOptions([{ code: 255, data: new Uint8Array(0) }]), RangeError);
});

test('option overload: file then sname options are read, repeated codes concatenate (RFC 2131 §4.1, RFC 3396)', () => {
  // 'options': overload = 1 (file), DNS part 1 (c000); 'file': DNS parts 2 and 3; 'sname' stays text.
  const wire = `${bootpHex('02', '00000002', '00000000', '737276', hex('0602 0235 | 0604 c0000236 | ff'))}${hex(`
    3401 01 | 0602 c000 | 00 00 | ff`)}`;
  const m = decodeDhcpv4Message(fromHex(wire));
  assert.deepEqual(m.options, [{ kind: 'dns-servers', servers: [v4('192.0.2.53'), v4('192.0.2.54')] }]);
  assert.equal(toHex(m.sname), '737276');
  assert.equal(m.file.length, 0);
  // Overload in both fields; Option Overload inside 'sname' is ignored (RFC 2131 §4.1: only in 'options').
  const both = `${bootpHex('02', '00000002', '00000000', hex('3401 02 | 3501 05 | ff'), hex('3d02 0001 | ff'))}${hex('3401 03 | ff')}`;
  const b = decodeDhcpv4Message(fromHex(both));
  assert.deepEqual(b.options, [
    { kind: 'client-identifier', type: 0, identifier: fromHex('01') },
    { kind: 'message-type', messageType: 5 },
  ]);
  assert.equal(b.sname.length + b.file.length, 0);
});

test('long options are split into 255-octet instances and concatenated back (RFC 3396)', () => {
  const data = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
  const m: Dhcpv4Message = { ...INFORM, options: [{ kind: 'unknown', code: 224, data }] };
  const bytes = encodeDhcpv4Message(m, { padToMinimum: false });
  const opts = bytes.subarray(240);
  assert.equal(toHex(opts.subarray(0, 2)), 'e0ff');
  assert.equal(toHex(opts.subarray(257, 259)), 'e0ff');
  assert.equal(toHex(opts.subarray(514, 516)), 'e05a');
  assert.equal(opts.length, 2 + 255 + 2 + 255 + 2 + 90 + 1);
  assert.deepEqual(decodeDhcpv4Message(bytes), m);
});

test('emitter rejects values the wire cannot carry', () => {
  const bad =
    (options: Dhcpv4Message['options'], patch: Partial<Dhcpv4Message> = {}) =>
    () =>
      encodeDhcpv4Message({ ...INFORM, ...patch, options });
  assert.throws(bad([], { chaddr: new Uint8Array(17) }), RangeError);
  assert.throws(bad([], { sname: new Uint8Array(65) }), RangeError);
  assert.throws(bad([], { xid: 2 ** 32 }), RangeError);
  assert.throws(
    bad([
      { kind: 'message-type', messageType: 8 },
      { kind: 'message-type', messageType: 5 },
    ]),
    RangeError,
  );
  assert.throws(bad([{ kind: 'unknown', code: 52, data: fromHex('01') }]), RangeError);
  assert.throws(bad([{ kind: 'unknown', code: 0, data: new Uint8Array(0) }]), RangeError);
  assert.throws(bad([{ kind: 'parameter-request-list', codes: [] }]), RangeError);
  assert.throws(bad([{ kind: 'dns-servers', servers: [] }]), RangeError);
  assert.throws(bad([{ kind: 'parameter-request-list', codes: [256] }]), RangeError);
  const bigEntry = { enterpriseNumber: 1, subOptions: [{ code: 1, data: new Uint8Array(254) }] };
  assert.throws(bad([{ kind: 'vi-vendor-specific', entries: [bigEntry] }]), RangeError);
});

test('shared example messages (also sent to tshark) round-trip', () => {
  for (const m of [INFORM_EXAMPLE, ACK_EXAMPLE]) assert.deepEqual(decodeDhcpv4Message(encodeDhcpv4Message(m)), m);
});
