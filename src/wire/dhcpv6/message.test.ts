import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Dhcpv6MessageType, Dhcpv6OptionCode } from './constants.ts';
import { homeAgentIpv4Address, homeNetworkInfoRequestCodes, ipv4EmbeddedHomeAgentAddress } from './home-network.ts';
import { type Dhcpv6Message, decodeDhcpv6Message, dhcpv6MessageLength, encodeDhcpv6Message } from './message.ts';
import { findAllDhcpv6Options, findDhcpv6Option } from './option-types.ts';
import {
  MIP6_INFORMATION_REQUEST,
  MIP6_RELAY_FORWARD,
  MIP6_REPLY,
  SCAPY_INFORMATION_REQUEST,
  SCAPY_REPLY,
} from './test-vectors.ts';

const hex = (s: string) => s.replace(/[\s_|]/g, '');
const v6 = (s: string) => Ipv6Address.parse(s);

// Information-request (RFC 8415 §18.2.6): Client ID (DUID-LLT, Ethernet, 00:11:22:33:44:55),
// Elapsed Time 1 s, ORO asking for vendor opts, DNS and the RFC 6610 options.
const INFO_REQUEST_HEX = hex(`0b 123456
  0001 000e | 0001 0001 2a000000 001122334455
  0008 0002 | 0064
  0006 000c | 0011 0017 0031 0032 0045 0046`);
const INFO_REQUEST: Dhcpv6Message = {
  kind: 'client-server',
  msgType: Dhcpv6MessageType.INFORMATION_REQUEST,
  transactionId: 0x123456,
  options: [
    {
      kind: 'client-id',
      duid: { kind: 'llt', hardwareType: 1, timeSec: 0x2a000000, linkLayerAddress: fromHex('001122334455') },
    },
    { kind: 'elapsed-time', elapsedCentiSec: 100 },
    { kind: 'option-request', codes: [17, 23, 49, 50, 69, 70] },
  ],
};

// Reply: Server ID (DUID-EN 10415), Vendor-specific Information for 3GPP (10415) with two
// sub-options (one empty), DNS servers 2001:db8::53 and 2001:db8::54.
const REPLY_HEX = hex(`07 123456
  0002 000a | 0002 000028af 01020304
  0011 000e | 000028af 0001 0002 aabb 0002 0000
  0017 0020 | 20010db8000000000000000000000053 20010db8000000000000000000000054`);
const REPLY: Dhcpv6Message = {
  kind: 'client-server',
  msgType: Dhcpv6MessageType.REPLY,
  transactionId: 0x123456,
  options: [
    { kind: 'server-id', duid: { kind: 'en', enterpriseNumber: 10415, identifier: fromHex('01020304') } },
    {
      kind: 'vendor-opts',
      enterpriseNumber: 10415,
      subOptions: [
        { code: 1, data: fromHex('aabb') },
        { code: 2, data: new Uint8Array(0) },
      ],
    },
    { kind: 'dns-servers', servers: [v6('2001:db8::53'), v6('2001:db8::54')] },
  ],
};

// Reply carrying an IDINF (RFC 6610 §3.2.2) for the HA-APN of TS 23.003 §21.2 (SPEC-NOTES §15.14):
// HNIDF (51-octet wire name), HAA 64:ff9b::192.0.2.33 (IPv4 HA, RFC 6052), HNP 2001:db8:1::/64.
const HA_APN = 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org';
const HA_APN_WIRE = hex(`08 696e7465726e6574 06 68612d61706e 06 6d6e63303132 06 6d6363333435
  03 707562 0b 336770706e6574776f726b 03 6f7267 00`);
const IDINF_REPLY_HEX = hex(`07 abcdef
  0045 0060
    0031 0033 | ${HA_APN_WIRE}
    0048 0010 | 0064ff9b 00000000 00000000 c0000221
    0047 0011 | 40 20010db8000100000000000000000000`);
const IDINF_REPLY: Dhcpv6Message = {
  kind: 'client-server',
  msgType: Dhcpv6MessageType.REPLY,
  transactionId: 0xabcdef,
  options: [
    {
      kind: 'identified-home-network-info',
      options: [
        { kind: 'home-network-id-fqdn', fqdn: HA_APN },
        { kind: 'home-agent-address', address: v6('64:ff9b::192.0.2.33') },
        { kind: 'home-network-prefix', prefixLength: 64, prefix: v6('2001:db8:1::') },
      ],
    },
  ],
};

// Relay-forward (RFC 8415 §9.1), hop-count 1, wrapping the Information-request above with an
// Interface-Id "eth0" (RFC 8415 §21.18). Same bytes as scapy's DHCP6_RelayForward/DHCP6OptIfaceId/DHCP6OptRelayMsg.
const RELAY_FORWARD_HEX = hex(`0c 01 20010db8000000000000000000000001 fe800000000000000000000000000002
  0012 0004 | 65746830
  0009 002c | ${INFO_REQUEST_HEX}`);
const RELAY_FORWARD: Dhcpv6Message = {
  kind: 'relay',
  msgType: 12,
  hopCount: 1,
  linkAddress: v6('2001:db8::1'),
  peerAddress: v6('fe80::2'),
  options: [
    { kind: 'interface-id', interfaceId: fromHex('65746830') },
    { kind: 'relay-message', message: INFO_REQUEST },
  ],
};

const VECTORS: [string, string, Dhcpv6Message][] = [
  ['Information-request', INFO_REQUEST_HEX, INFO_REQUEST],
  ['Reply with vendor opts 10415 and DNS', REPLY_HEX, REPLY],
  ['Reply with IDINF(HNIDF, HAA, HNP)', IDINF_REPLY_HEX, IDINF_REPLY],
  ['Relay-forward with Interface-Id', RELAY_FORWARD_HEX, RELAY_FORWARD],
];

for (const [name, wire, value] of VECTORS) {
  test(`DHCPv6 vector: ${name} decodes, encodes, and measures`, () => {
    const bytes = fromHex(wire);
    assert.deepEqual(decodeDhcpv6Message(bytes), value);
    assert.equal(toHex(encodeDhcpv6Message(value)), wire);
    assert.equal(dhcpv6MessageLength(value), bytes.length);
  });
}

test('option lookup helpers find typed options, nested ones only through their container', () => {
  const idinf = findDhcpv6Option(IDINF_REPLY.options, 'identified-home-network-info');
  assert.ok(idinf);
  assert.equal(findDhcpv6Option(IDINF_REPLY.options, 'home-agent-address'), undefined);
  assert.equal(findDhcpv6Option(idinf.options, 'home-network-id-fqdn')?.fqdn, HA_APN);
  assert.equal(findAllDhcpv6Options(REPLY.options, 'dns-servers')[0]?.servers.length, 2);
  const relayed = findDhcpv6Option(RELAY_FORWARD.options, 'relay-message');
  assert.equal(relayed?.message.msgType, Dhcpv6MessageType.INFORMATION_REQUEST);
});

test('HAA: 64:ff9b::/96 yields the embedded IPv4 home agent (RFC 6610 §3.4, RFC 6052 §2.2)', () => {
  assert.equal(homeAgentIpv4Address(v6('64:ff9b::192.0.2.33'))?.toString(), '192.0.2.33');
  assert.equal(homeAgentIpv4Address(v6('2001:db8::1')), undefined);
  assert.equal(homeAgentIpv4Address(v6('64:ff9b:1::c000:221')), undefined); // RFC 8215 local-use prefix, not the WKP
  assert.equal(homeAgentIpv4Address(v6('::ffff:192.0.2.33')), undefined);
  assert.equal(ipv4EmbeddedHomeAgentAddress(Ipv4Address.parse('198.51.100.7')).toString(), '64:ff9b::c633:6407');
});

test('ORO for home-network information lists the containers then HNIDF, HNP, HAA, HAF (RFC 6610 §4.1.1)', () => {
  assert.deepEqual(homeNetworkInfoRequestCodes(['identified', 'visited', 'identified']), [69, 50, 49, 71, 72, 73]);
  assert.deepEqual(homeNetworkInfoRequestCodes(['unrestricted']), [70, 49, 71, 72, 73]);
  assert.deepEqual(homeNetworkInfoRequestCodes([]), []);
  assert.equal(Dhcpv6OptionCode.MIP6_HNIDF, 49);
});

test('HNP: shorter prefix fields are accepted and re-encoded in the 17-octet form (RFC 6610 §3.3)', () => {
  // Prefix-len 64 with 8 prefix octets, then Prefix-len 0 with none.
  const short = decodeDhcpv6Message(fromHex('07000001 0047 0009 40 20010db800010000 0047 0001 00'));
  assert.deepEqual(short.options, [
    { kind: 'home-network-prefix', prefixLength: 64, prefix: v6('2001:db8:1::') },
    { kind: 'home-network-prefix', prefixLength: 0, prefix: v6('::') },
  ]);
  assert.equal(encodeDhcpv6Message(short).length, 4 + 2 * 21);
});

test('unknown options, odd DUIDs and the root domain round-trip byte for byte', () => {
  const wire = hex(`01 000001
    00c8 0003 | 010203
    0001 0006 | 0009 00000001
    0018 0001 | 00
    0015 0000`);
  const m = decodeDhcpv6Message(fromHex(wire));
  assert.deepEqual(m.options, [
    { kind: 'unknown', code: 200, data: fromHex('010203') },
    { kind: 'client-id', duid: { kind: 'other', type: 9, data: fromHex('00000001') } },
    { kind: 'domain-list', domains: [''] },
    { kind: 'unknown', code: 21, data: new Uint8Array(0) },
  ]);
  assert.equal(toHex(encodeDhcpv6Message(m)), wire);
});

test('status code with a UTF-8 message', () => {
  const wire = hex('07 000002 000d 0008 0001 c3a9 6368656b'); // UnspecFail, message "échek" (é is c3 a9)
  const m = decodeDhcpv6Message(fromHex(wire));
  assert.deepEqual(m.options, [{ kind: 'status-code', statusCode: 1, message: 'échek' }]);
  assert.equal(toHex(encodeDhcpv6Message(m)), wire);
});

test('emitter rejects values the wire cannot carry', () => {
  const base = { kind: 'client-server', msgType: 11, transactionId: 1, options: [] } as const;
  assert.throws(() => encodeDhcpv6Message({ ...base, transactionId: 0x1000000 }), RangeError);
  assert.throws(() => encodeDhcpv6Message({ ...base, msgType: 12 }), RangeError);
  assert.throws(
    () => encodeDhcpv6Message({ ...base, options: [{ kind: 'elapsed-time', elapsedCentiSec: 65536 }] }),
    RangeError,
  );
  assert.throws(
    () => encodeDhcpv6Message({ ...base, options: [{ kind: 'home-agent-fqdn', fqdn: 'a..b' }] }),
    RangeError,
  );
  assert.throws(
    () => encodeDhcpv6Message({ ...base, options: [{ kind: 'unknown', code: 1, data: new Uint8Array(70000) }] }),
    RangeError,
  );
  assert.throws(
    () =>
      encodeDhcpv6Message({
        ...base,
        options: [{ kind: 'client-id', duid: { kind: 'en', enterpriseNumber: 1, identifier: new Uint8Array(125) } }],
      }),
    RangeError,
  );
});

test('shared example messages (also sent to tshark and scapy) round-trip', () => {
  for (const m of [MIP6_INFORMATION_REQUEST, MIP6_REPLY, MIP6_RELAY_FORWARD, SCAPY_INFORMATION_REQUEST, SCAPY_REPLY]) {
    const bytes = encodeDhcpv6Message(m);
    assert.equal(bytes.length, dhcpv6MessageLength(m));
    assert.deepEqual(decodeDhcpv6Message(bytes), m);
  }
});
