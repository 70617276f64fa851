/**
 * DHCPv6 and DHCPv4 against independent decoders and encoders.
 * - tshark decodes what our encoders write, carried in IPv6/UDP 546→547 and IPv4/UDP 68→67 built
 *   here (the IP codecs are someone else's work in flight); one tshark process for all packets.
 *   tshark 4.0 names RFC 6610 options but does not dissect their bodies, so those are checked by
 *   type and length only.
 * - scapy 2.5 builds DHCP6_* and BOOTP()/DHCP() messages and ours decodes them; one python process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { finishChecksum, internetChecksum, ipv6PseudoSum, onesSum } from '../../src/util/checksum.ts';
import { fromHex, toHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { Writer } from '../../src/util/writer.ts';
import { decodeDhcpv4Message, encodeDhcpv4Message } from '../../src/wire/dhcpv4/message.ts';
import { dhcpv4OptionCode, dhcpv4OptionDataLength } from '../../src/wire/dhcpv4/options.ts';
import { dhcpv4MessageArbitrary } from '../../src/wire/dhcpv4/test-arbitraries.ts';
import { ACK_EXAMPLE, INFORM_EXAMPLE } from '../../src/wire/dhcpv4/test-vectors.ts';
import {
  type Dhcpv6Message,
  decodeDhcpv6Message,
  dhcpv6OptionCode,
  dhcpv6OptionLength,
  encodeDhcpv6Message,
} from '../../src/wire/dhcpv6/message.ts';
import { dhcpv6MessageArb } from '../../src/wire/dhcpv6/test-arbitraries.ts';
import {
  MIP6_INFORMATION_REQUEST,
  MIP6_RELAY_FORWARD,
  MIP6_REPLY,
  SCAPY_INFORMATION_REQUEST,
  SCAPY_REPLY,
} from '../../src/wire/dhcpv6/test-vectors.ts';
import { runScapy, SCAPY_PRELUDE } from './scapy.ts';
import { findAll, findField, hasMalformed, type TsharkLayers, tsharkDecode } from './tshark.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const v4 = (s: string) => Ipv4Address.parse(s);
const colonHex = (b: Uint8Array) => toHex(b).replace(/(..)(?!$)/g, '$1:');
const ascii = (s: string) => new TextEncoder().encode(s);

/** IPv6 (RFC 8200 §3) + UDP (RFC 768, checksum per RFC 8200 §8.1) around one DHCPv6 message. */
function udp6(payload: Uint8Array, sourcePort = 546, destinationPort = 547): Uint8Array {
  const src = v6('fe80::211:22ff:fe33:4455').bytes;
  const dst = v6('ff02::1:2').bytes;
  const udpLength = 8 + payload.length;
  const w = Writer.alloc(40 + udpLength);
  w.u32(0x60000000).u16(udpLength).u8(17).u8(1).bytes(src).bytes(dst);
  const udpAt = w.offset;
  w.u16(sourcePort).u16(destinationPort).u16(udpLength).u16(0).bytes(payload);
  const buf = w.finish();
  const sum = finishChecksum(onesSum(buf.subarray(udpAt), ipv6PseudoSum(src, dst, udpLength, 17)));
  w.patchU16(udpAt + 6, sum === 0 ? 0xffff : sum);
  return buf;
}

/** IPv4 (RFC 791) + UDP with checksum 0 (allowed over IPv4, RFC 768) around one DHCP message. */
function udp4(payload: Uint8Array, sourcePort = 68, destinationPort = 67): Uint8Array {
  const total = 20 + 8 + payload.length;
  const w = Writer.alloc(total);
  w.u8(0x45).u8(0).u16(total).u32(0).u8(64).u8(17).u16(0).bytes(v4('192.0.2.10').bytes).bytes(v4('192.0.2.1').bytes);
  w.patchU16(10, internetChecksum(w.written()));
  w.u16(sourcePort)
    .u16(destinationPort)
    .u16(8 + payload.length)
    .u16(0)
    .bytes(payload);
  return w.finish();
}

const RANDOM_V6 = fc.sample(dhcpv6MessageArb, { numRuns: 40, seed: 6610 });
const RANDOM_V4 = fc.sample(dhcpv4MessageArbitrary(true), { numRuns: 40, seed: 3925 });

const FIXED_V6 = [MIP6_INFORMATION_REQUEST, MIP6_REPLY, MIP6_RELAY_FORWARD];
const FIXED_V4 = [INFORM_EXAMPLE, ACK_EXAMPLE];
const V6_MESSAGES = [...FIXED_V6, ...RANDOM_V6];
const V4_MESSAGES = [...FIXED_V4, ...RANDOM_V4];

const decoded: Promise<TsharkLayers[]> = tsharkDecode([
  ...V6_MESSAGES.map((m) => udp6(encodeDhcpv6Message(m))),
  ...V4_MESSAGES.map((m) => udp4(encodeDhcpv4Message(m))),
]);
const v6Layers = async (i: number) => (await decoded)[i]!;
const v4Layers = async (i: number) => (await decoded)[V6_MESSAGES.length + i]!;

/** The top-level option trees of a dhcpv6 layer (nested ones sit under "dhcpv6" inside a Relay Message). */
function topOptionTrees(dhcpv6: unknown): Record<string, unknown>[] {
  const trees = (dhcpv6 as Record<string, unknown>)['dhcpv6.option.type_str_tree'];
  if (trees === undefined) return [];
  return (Array.isArray(trees) ? trees : [trees]) as Record<string, unknown>[];
}

test('tshark: Information-request field by field', async () => {
  const layers = await v6Layers(0);
  assert.ok(!hasMalformed(layers));
  const d = layers.dhcpv6;
  assert.equal(findField(d, 'dhcpv6.msgtype'), '11');
  assert.equal(findField(d, 'dhcpv6.xid'), '0x123456');
  assert.equal(findField(d, 'dhcpv6.duid.type'), '1');
  assert.equal(findField(d, 'dhcpv6.duidllt.hwtype'), '1');
  assert.equal(findField(d, 'dhcpv6.duidllt.link_layer_addr'), '00:11:22:33:44:55');
  assert.equal(findField(d, 'dhcpv6.elapsed_time'), '1500'); // tshark shows milliseconds: 150 cs
  assert.deepEqual(findAll(d, 'dhcpv6.requested_option_code'), [
    '17',
    '23',
    '24',
    '32',
    '49',
    '50',
    '69',
    '70',
    '71',
    '72',
    '73',
    '83',
  ]);
  const trees = topOptionTrees(d);
  assert.deepEqual(
    trees.map((t) => [t['dhcpv6.option.type'], t['dhcpv6.option.length']]),
    MIP6_INFORMATION_REQUEST.options.map((o) => [String(dhcpv6OptionCode(o)), String(dhcpv6OptionLength(o) - 4)]),
  );
});

test('tshark: Reply with vendor, DNS, domain list, IRT, status and RFC 6610 containers', async () => {
  const layers = await v6Layers(1);
  assert.ok(!hasMalformed(layers));
  const d = layers.dhcpv6;
  assert.equal(findField(d, 'dhcpv6.msgtype'), '7');
  assert.equal(findField(d, 'dhcpv6.duiden.enterprise'), '10415');
  assert.equal(findField(d, 'dhcpv6.duiden.identifier'), '01:02:03:04');
  assert.equal(findField(d, 'dhcpv6.duidll.link_layer_addr'), '00:11:22:33:44:55');
  assert.equal(findField(d, 'dhcpv6.status_code'), '0');
  assert.equal(findField(d, 'dhcpv6.status_msg'), 'all good');
  assert.equal(findField(d, 'dhcpv6.vendoropts.enterprise'), '10415');
  assert.equal(findField(d, 'dhcpv6.vendoropts.enterprise.option_code'), '1');
  assert.equal(findField(d, 'dhcpv6.vendoropts.enterprise.option_length'), '2');
  assert.equal(findField(d, 'dhcpv6.vendoropts.enterprise.option_data'), 'aa:bb');
  assert.equal(findField(d, 'dhcpv6.vendorclass.enterprise'), '10415');
  assert.equal(findField(d, 'dhcpv6.vendorclass.data'), 'dsmip');
  assert.deepEqual(findAll(d, 'dhcpv6.dns_server'), ['2001:db8::53', '2001:db8::54']);
  assert.deepEqual(findAll(d, 'dhcpv6.search_list_entry'), ['example.com.', 'ims.mnc001.mcc001.3gppnetwork.org.']);
  assert.equal(findField(d, 'dhcpv6.lifetime'), '86400');
  const trees = topOptionTrees(d);
  assert.deepEqual(
    trees.map((t) => [t['dhcpv6.option.type'], t['dhcpv6.option.length']]),
    MIP6_REPLY.options.map((o) => [String(dhcpv6OptionCode(o)), String(dhcpv6OptionLength(o) - 4)]),
  );
});

test('tshark: Relay-forward with Interface-Id and the relayed Information-request', async () => {
  const layers = await v6Layers(2);
  assert.ok(!hasMalformed(layers));
  const d = layers.dhcpv6 as Record<string, unknown>;
  assert.equal(d['dhcpv6.msgtype'], '12');
  assert.equal(d['dhcpv6.hopcount'], '0');
  assert.equal(d['dhcpv6.linkaddr'], '2001:db8::1');
  assert.equal(d['dhcpv6.peeraddr'], 'fe80::211:22ff:fe33:4455');
  assert.equal(findField(d, 'dhcpv6.interface_id'), colonHex(ascii('eth0')));
  const inner = findField(topOptionTrees(d)[1], 'dhcpv6');
  assert.equal(findField(inner, 'dhcpv6.msgtype'), '11');
  assert.equal(findField(inner, 'dhcpv6.xid'), '0x123456');
});

test('tshark: random DHCPv6 messages parse without malformed flags, with our option codes and lengths', async () => {
  for (let i = FIXED_V6.length; i < V6_MESSAGES.length; i++) {
    const m = V6_MESSAGES[i]!;
    const layers = await v6Layers(i);
    assert.ok(!hasMalformed(layers), `message ${i}: ${toHex(encodeDhcpv6Message(m))}`);
    const d = layers.dhcpv6 as Record<string, unknown>;
    assert.equal(d['dhcpv6.msgtype'], String(m.msgType));
    assert.deepEqual(
      topOptionTrees(d).map((t) => [t['dhcpv6.option.type'], t['dhcpv6.option.length']]),
      m.options.map((o) => [String(dhcpv6OptionCode(o)), String(dhcpv6OptionLength(o) - 4)]),
      `message ${i}`,
    );
  }
});

test('tshark: DHCPINFORM field by field', async () => {
  const layers = await v4Layers(0);
  assert.ok(!hasMalformed(layers));
  const d = layers.dhcp;
  assert.equal(findField(d, 'dhcp.type'), '1');
  assert.equal(findField(d, 'dhcp.id'), '0xdeadbeef');
  assert.equal(findField(d, 'dhcp.secs'), '2');
  assert.equal(findField(d, 'dhcp.flags.bc'), '1');
  assert.equal(findField(d, 'dhcp.ip.client'), '192.0.2.10');
  assert.equal(findField(d, 'dhcp.hw.mac_addr'), '02:00:00:00:00:01');
  assert.equal(findField(d, 'dhcp.cookie'), '99.130.83.99');
  assert.equal(findField(d, 'dhcp.option.dhcp'), '8');
  assert.deepEqual(findAll(d, 'dhcp.option.request_list_item'), ['1', '3', '6', '43', '125']);
  assert.equal(findField(d, 'dhcp.option.vendor_class_id'), 'dsmip');
  assert.equal(findField(d, 'dhcp.option.vi_class.enterprise'), '10415');
  assert.equal(findField(d, 'dhcp.option.end'), '255');
});

test('tshark: DHCPACK with relay agent information and option 125', async () => {
  const layers = await v4Layers(1);
  assert.ok(!hasMalformed(layers));
  const d = layers.dhcp;
  assert.equal(findField(d, 'dhcp.type'), '2');
  assert.equal(findField(d, 'dhcp.flags.bc'), '0');
  assert.equal(findField(d, 'dhcp.ip.server'), '192.0.2.1');
  assert.equal(findField(d, 'dhcp.option.dhcp'), '5');
  assert.equal(findField(d, 'dhcp.option.dhcp_server_id'), '192.0.2.1');
  assert.equal(findField(d, 'dhcp.option.subnet_mask'), '255.255.255.0');
  assert.deepEqual(findAll(d, 'dhcp.option.domain_name_server'), ['192.0.2.53', '192.0.2.54']);
  assert.equal(findField(d, 'dhcp.option.agent_information_option.agent_circuit_id'), colonHex(ascii('port7')));
  assert.equal(findField(d, 'dhcp.option.vi.enterprise'), '10415');
  assert.equal(findField(d, 'dhcp.vendor.suboption'), '1');
  assert.equal(findField(d, 'dhcp.vendor.data'), 'c0:00:02:01');
});

test('tshark: random DHCPv4 messages parse without malformed flags, with our option instances', async () => {
  for (let i = FIXED_V4.length; i < V4_MESSAGES.length; i++) {
    const m = V4_MESSAGES[i]!;
    const layers = await v4Layers(i);
    assert.ok(!hasMalformed(layers), `message ${i}: ${toHex(encodeDhcpv4Message(m))}`);
    assert.equal(findField(layers.dhcp, 'dhcp.id'), `0x${m.xid.toString(16).padStart(8, '0')}`);
    // RFC 3396 splits show up as consecutive instances of the same code; End closes the list.
    const codes = m.options.flatMap((o) => {
      const n = Math.max(1, Math.ceil(dhcpv4OptionDataLength(o) / 255));
      return Array<string>(n).fill(String(dhcpv4OptionCode(o)));
    });
    const seen = (findAll(layers.dhcp, 'dhcp.option.type') as string[]).filter((c) => c !== '255' && c !== '0');
    assert.deepEqual(seen, codes, `message ${i}`);
  }
});

interface ScapyLine {
  readonly name: string;
  readonly hex: string;
}

const scapyProgram = `${SCAPY_PRELUDE}
ir = (DHCP6_InfoRequest(trid=0x0a0b0c)
  / DHCP6OptClientId(duid=DUID_LLT(hwtype=1, timeval=0x2a000000, lladdr="00:11:22:33:44:55"))
  / DHCP6OptElapsedTime(elapsedtime=250)
  / DHCP6OptOptReq(reqopts=[17, 23, 32, 49, 50, 69, 70, 83]))
emit("info-request", ir)
rep = (DHCP6_Reply(trid=0x0a0b0c)
  / DHCP6OptServerId(duid=DUID_EN(enterprisenum=10415, id=b"\\x01\\x02\\x03\\x04"))
  / DHCP6OptClientId(duid=DUID_LL(hwtype=1, lladdr="00:11:22:33:44:55"))
  / DHCP6OptVendorSpecificInfo(enterprisenum=10415, vso=[VENDOR_SPECIFIC_OPTION(optcode=1, optdata=b"\\xaa\\xbb"),
                                                         VENDOR_SPECIFIC_OPTION(optcode=300, optdata=b"")])
  / DHCP6OptVendorClass(enterprisenum=10415, vcdata=[VENDOR_CLASS_DATA(data=b"dsmip"), VENDOR_CLASS_DATA(data=b"ue")])
  / DHCP6OptDNSServers(dnsservers=["2001:db8::53", "2001:db8::54"])
  / DHCP6OptDNSDomains(dnsdomains=["example.com.", "ims.mnc001.mcc001.3gppnetwork.org."])
  / DHCP6OptInfoRefreshTime(reftime=86400)
  / DHCP6OptStatusCode(statuscode=0, statusmsg="all good"))
emit("reply", rep)
rel = DHCP6_RelayForward(hopcount=2, linkaddr="2001:db8:0:1::1", peeraddr="fe80::211:22ff:fe33:4455")
emit("relay-forward", rel / DHCP6OptIfaceId(ifaceid=b"ge-0/0/1") / DHCP6OptRelayMsg(message=ir))
rr = DHCP6_RelayReply(hopcount=2, linkaddr="2001:db8:0:1::1", peeraddr="fe80::211:22ff:fe33:4455")
emit("relay-reply", rr / DHCP6OptIfaceId(ifaceid=b"ge-0/0/1") / DHCP6OptRelayMsg(message=rep))
inform = BOOTP(op=1, xid=0xdeadbeef, secs=2, flags=0x8000, ciaddr="192.0.2.10", chaddr=bytes.fromhex("020000000001")) / DHCP(
  options=[("message-type", "inform"), ("client_id", b"\\x01\\x02\\x00\\x00\\x00\\x00\\x01"),
           ("param_req_list", [1, 3, 6, 43, 125]), ("vendor_class_id", b"dsmip"), "end"])
emit("inform", inform)
ack = BOOTP(op=2, xid=0xdeadbeef, ciaddr="192.0.2.10", siaddr="192.0.2.1", chaddr=bytes.fromhex("020000000001")) / DHCP(
  options=[("message-type", "ack"), ("server_id", "192.0.2.1"), ("subnet_mask", "255.255.255.0"),
           ("router", "192.0.2.1"), ("name_server", "192.0.2.53", "192.0.2.54"),
           (125, b"\\x00\\x00\\x28\\xaf\\x06\\x01\\x04\\xc0\\x00\\x02\\x01"), "end", "pad", "pad"])
emit("ack", ack)
`;

const scapyPackets: Promise<Map<string, Uint8Array>> = runScapy<ScapyLine>(scapyProgram).then(
  (lines) => new Map(lines.map((l) => [l.name, fromHex(l.hex)])),
);
const scapyPacket = async (name: string) => {
  const p = (await scapyPackets).get(name);
  assert.ok(p, `scapy did not build ${name}`);
  return p;
};

test('scapy: DHCP6_InfoRequest and DHCP6_Reply decode field by field and re-encode identically', async () => {
  for (const [name, expected] of [
    ['info-request', SCAPY_INFORMATION_REQUEST],
    ['reply', SCAPY_REPLY],
  ] as const) {
    const bytes = await scapyPacket(name);
    assert.deepEqual(decodeDhcpv6Message(bytes), expected, name);
    assert.equal(toHex(encodeDhcpv6Message(expected)), toHex(bytes), name);
  }
});

test('scapy: DHCP6_RelayForward / DHCP6_RelayReply with DHCP6OptIfaceId and DHCP6OptRelayMsg', async () => {
  for (const [name, msgType, inner] of [
    ['relay-forward', 12, SCAPY_INFORMATION_REQUEST],
    ['relay-reply', 13, SCAPY_REPLY],
  ] as const) {
    const bytes = await scapyPacket(name);
    const expected: Dhcpv6Message = {
      kind: 'relay',
      msgType,
      hopCount: 2,
      linkAddress: v6('2001:db8:0:1::1'),
      peerAddress: v6('fe80::211:22ff:fe33:4455'),
      options: [
        { kind: 'interface-id', interfaceId: ascii('ge-0/0/1') },
        { kind: 'relay-message', message: inner },
      ],
    };
    assert.deepEqual(decodeDhcpv6Message(bytes), expected, name);
    assert.equal(toHex(encodeDhcpv6Message(expected)), toHex(bytes), name);
  }
});

test('scapy: BOOTP/DHCP INFORM and ACK decode field by field', async () => {
  const inform = decodeDhcpv4Message(await scapyPacket('inform'));
  assert.deepEqual(inform, {
    ...INFORM_EXAMPLE,
    options: [
      { kind: 'message-type', messageType: 8 },
      { kind: 'client-identifier', type: 1, identifier: fromHex('020000000001') },
      { kind: 'parameter-request-list', codes: [1, 3, 6, 43, 125] },
      { kind: 'vendor-class-identifier', data: ascii('dsmip') },
    ],
  });
  assert.equal(toHex(encodeDhcpv4Message(inform, { padToMinimum: false })), toHex(await scapyPacket('inform')));
  const ack = decodeDhcpv4Message(await scapyPacket('ack'));
  assert.deepEqual(ack, {
    ...ACK_EXAMPLE,
    secs: 0,
    options: [
      { kind: 'message-type', messageType: 5 },
      { kind: 'server-identifier', address: v4('192.0.2.1') },
      { kind: 'subnet-mask', mask: v4('255.255.255.0') },
      { kind: 'router', routers: [v4('192.0.2.1')] },
      { kind: 'dns-servers', servers: [v4('192.0.2.53'), v4('192.0.2.54')] },
      {
        kind: 'vi-vendor-specific',
        entries: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('c0000201') }] }],
      },
    ],
  });
});
