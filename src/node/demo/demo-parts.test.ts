// The root demo's pieces without a namespace: the lab per network and access, the `ip` arguments for `lo`, the
// framing of raw packets (RFC 6275 §6.3–§6.4, TS 24.303 §5.1.3.2, the tunnels of RFC 5555 §4.4) as the ladder and
// the summary name it, the notes built from what was seen, and the IKE lines the trace shows in the clear.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NO_CAPTURE } from '../../obs/capture-writer.ts';
import { fromHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { ExchangeType, PayloadType } from '../../wire/ike/constants.ts';
import type { IkeHeader } from '../../wire/ike/header.ts';
import { encodeIkeMessage } from '../../wire/ike/message.ts';
import { buildIpv4Packet, buildIpv6Packet } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { encapsulateIpInIp } from '../../wire/ip/tunnel.ts';
import type { UeNodeEvent } from '../ue/ue-events.ts';
import type { AttachResult } from '../ue/ue-types.ts';
import { Framing, framingOf, framingText } from './demo-framing.ts';
import { demoLab, ueYaml } from './demo-lab.ts';
import { DEMO_NAMESPACE_ENV, demoNamespacePlan, insideDemoNamespace, loopbackAddressArgs } from './demo-namespace.ts';
import { demoNotes } from './demo-notes.ts';
import { DemoTrace } from './demo-trace.ts';

const HOA = Ipv6Address.parse('2001:db8:100:1::7');
const COA6 = Ipv6Address.parse('2001:db8:2::100');
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const ESP = new Uint8Array(24).fill(0xab);

test('the lab behind aliases and in a namespace', () => {
  const aliases = demoLab({ nat: false }, () => 0.5);
  assert.equal(aliases.network, 'aliases');
  assert.deepEqual(aliases.hostAddresses, []);
  assert.equal(aliases.wire.ha.toString(), '127.126.126.1');
  assert.ok(aliases.ueAliases && aliases.haAliases && aliases.dnsAliases);

  const v4 = demoLab({ nat: false, network: 'namespace' });
  assert.deepEqual(v4.hostAddresses.map(String), ['192.0.2.1', '2001:db8:1::1', '192.0.2.100', '203.0.113.53']);
  assert.deepEqual([v4.ueAliases, v4.haAliases, v4.dnsAliases], [undefined, undefined, undefined]);

  const v6 = demoLab({ nat: false, access: 'ipv6', network: 'namespace' });
  assert.deepEqual([v6.careOf.toString(), v6.dns.toString()], ['2001:db8:2::100', '2001:db8:2::53']);
  assert.match(
    ueYaml(v6, '[2001:db8:2::53]:53', { ike: 500, natT: 4500 }, { ike: 500, natT: 4500 }),
    /family: ipv6, interface: lo/,
  );

  // Behind the NAT the UE alone keeps an alias: the HA's address is the relay's inside address.
  const nat = demoLab({ nat: true, network: 'namespace' });
  assert.deepEqual(nat.hostAddresses.map(String).slice(2), ['10.0.0.2', '10.0.0.53', '198.51.100.1']);
  assert.equal(nat.ueAliases?.toWire(nat.ha4).toString(), '127.0.0.3');
  assert.equal(nat.wire.natOutside.toString(), '198.51.100.1');

  assert.throws(() => demoLab({ nat: false, access: 'ipv6' }), RangeError);
  assert.throws(() => demoLab({ nat: true, access: 'ipv6', network: 'namespace' }), RangeError);
});

test('lo addresses: /32 and /128 without DAD; the namespace child needs its marker and a namespace of its own', () => {
  assert.deepEqual(loopbackAddressArgs(Ipv4Address.parse('192.0.2.1')), [
    '-4',
    'addr',
    'add',
    '192.0.2.1/32',
    'dev',
    'lo',
  ]);
  assert.deepEqual(loopbackAddressArgs(HA6), ['-6', 'addr', 'add', '2001:db8:1::1/128', 'dev', 'lo', 'nodad']);
  const HOST = 'net:[4026531840]';
  const CHILD = 'net:[4026532999]';
  const marker = { [DEMO_NAMESPACE_ENV]: HOST }; // the parent's namespace, as runInPrivateNamespace sets it
  const links =
    (self: string, init: string | undefined) =>
    (path: string): string => {
      if (path === '/proc/self/ns/net') return self;
      if (init === undefined) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return init;
    };
  assert.deepEqual(demoNamespacePlan(marker, links(CHILD, HOST)), { kind: 'inside' });
  assert.equal(
    insideDemoNamespace(marker, links(CHILD, undefined)),
    true,
    "pid 1's link unreadable: the marker decides",
  );
  // A marker left in a shell: its namespace is the one it names, or init's; either way `lo` stays untouched, and
  // no other namespace is started (the plan falls back to aliases rather than entering again).
  assert.equal(insideDemoNamespace(marker, links(HOST, HOST)), false);
  assert.equal(insideDemoNamespace({ [DEMO_NAMESPACE_ENV]: CHILD }, links(HOST, HOST)), false);
  assert.equal(insideDemoNamespace({ [DEMO_NAMESPACE_ENV]: 'inside' }, links(CHILD, HOST)), false);
  assert.equal(demoNamespacePlan(marker, links(HOST, HOST)).kind, 'aliases');
  assert.equal(insideDemoNamespace({}, links(CHILD, HOST)), false);
});

test('framings: BU with HAO, BA with RH2, BA in protocol 41, and the four data tunnels', () => {
  const bu = buildIpv6Packet({ src: COA6, dst: HA6, nextHeader: IpProtocol.ESP, payload: ESP, homeAddressOption: HOA });
  const ba = buildIpv6Packet({
    src: HA6,
    dst: COA6,
    nextHeader: IpProtocol.ESP,
    payload: ESP,
    routingHeaderType2: HOA,
  });
  assert.equal(framingOf(bu, true), Framing.BU_HAO);
  assert.equal(framingOf(ba, true), Framing.BA_RH2);
  assert.equal(framingOf(bu, false), undefined, 'a HAO on anything but the BU is not named');
  assert.deepEqual(framingText(bu, Framing.BU_HAO), {
    tag: 'with HAO',
    detail: 'Destination Options: Home Address option 2001:db8:100:1::7',
  });
  assert.deepEqual(framingText(ba, Framing.BA_RH2), {
    tag: 'with RH2',
    detail: 'Routing header type 2, segments left 1: 2001:db8:100:1::7',
  });

  const ha4 = Ipv4Address.parse('192.0.2.1');
  const coa4 = Ipv4Address.parse('192.0.2.100');
  const inner6 = buildIpv6Packet({ src: HA6, dst: HOA, nextHeader: IpProtocol.ESP, payload: ESP });
  const inner4 = buildIpv4Packet({ src: ha4, dst: Ipv4Address.parse('10.10.0.1'), protocol: 17, payload: ESP });
  const in4 = (inner: Uint8Array) => encapsulateIpInIp({ source: ha4, destination: coa4 }, { inner });
  const in6 = (inner: Uint8Array) => encapsulateIpInIp({ source: HA6, destination: COA6 }, { inner });
  assert.equal(framingOf(in4(inner6), true), Framing.BA_PROTOCOL_41);
  assert.deepEqual(framingText(in4(inner6), Framing.BA_PROTOCOL_41), { tag: 'in IPv4 protocol 41' });
  assert.equal(framingOf(in4(inner6), false), Framing.IPV6_IN_IPV4);
  assert.equal(framingOf(in4(inner4), false), Framing.IPV4_IN_IPV4);
  assert.equal(framingOf(in6(inner6), false), Framing.IPV6_IN_IPV6);
  assert.equal(framingOf(in6(inner4), false), Framing.IPV4_IN_IPV6);
  assert.equal(framingText(in6(inner4), Framing.IPV4_IN_IPV6), undefined);
  assert.equal(framingOf(inner6, false), undefined, 'plain ESP over IPv6');
  assert.equal(framingOf(new Uint8Array([0x45, 0]), false), undefined, 'shorter than a header');
});

test('framingOf and framingText never throw, whatever the bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, signalling) => {
      const f = framingOf(bytes, signalling);
      if (f !== undefined) framingText(bytes, f);
    }),
  );
});

test('notes from what was seen: namespace, the seed BA in protocol 41, HAO/RH2, the tunnels', () => {
  const attach = { forceUdpReason: undefined } as AttachResult;
  const v4 = demoLab({ nat: false, network: 'namespace' });
  const seen4 = new Set([Framing.BA_PROTOCOL_41, Framing.IPV6_IN_IPV4, Framing.IPV4_IN_IPV4]);
  const notes4 = demoNotes(v4, attach, seen4);
  assert.equal(notes4.length, 3);
  assert.match(notes4[0]!, /private network namespace/);
  assert.match(notes4[1]!, /^F = 0 and no NAT: the BA came in plain IPv4, protocol 41/);
  assert.equal(notes4[2], 'DHCP through the IPv6-in-IPv4 / IPv4-in-IPv4 tunnel (RFC 5555 §4.4.3)');

  const v6 = demoLab({ nat: false, access: 'ipv6', network: 'namespace' });
  const seen6 = new Set([Framing.BU_HAO, Framing.BA_RH2, Framing.IPV6_IN_IPV6, Framing.IPV4_IN_IPV6]);
  const notes6 = demoNotes(v6, attach, seen6);
  assert.match(notes6[1]!, /^IPv6 access: BU with Home Address option, BA with type 2 routing header, around ESP/);
  assert.match(notes6[2]!, /IPv6-in-IPv6 \/ IPv4-in-IPv6 tunnel \(RFC 6275 §10\.4, RFC 5555 §4\.4\.1\)$/);

  // Behind aliases nothing is raw: no notes of this kind.
  assert.deepEqual(demoNotes(demoLab({ nat: false }), attach, new Set()), []);
});

test('the ladder shows an IKE message in the clear on every line, its retransmissions too (RFC 7296 §2.1)', () => {
  const lab = demoLab({ nat: false });
  const trace = new DemoTrace(lab, NO_CAPTURE, () => 0);
  const header: IkeHeader = {
    initiatorSpi: fromHex('0102030405060708'),
    responderSpi: fromHex('1112131415161718'),
    majorVersion: 2,
    minorVersion: 0,
    exchangeType: ExchangeType.IKE_AUTH,
    response: false,
    higherVersion: false,
    initiator: true,
    messageId: 1,
  };
  const sealed = encodeIkeMessage({
    header,
    payloads: [{ kind: 'sk', firstPayload: PayloadType.IDI, data: new Uint8Array(48) }],
  });
  const sent = (atMs: number): UeNodeEvent => ({
    kind: 'datagram',
    trace: {
      direction: 'sent',
      label: 'ike',
      local: lab.careOf,
      localPort: 500,
      remote: lab.ha4,
      remotePort: 500,
      wireLocal: lab.careOf,
      wireRemote: lab.ha4,
      payload: sealed,
      atMs,
    },
  });
  const idi = { kind: 'idi' as const, idType: 3, data: new TextEncoder().encode('0001@nai.example') };
  // The endpoint sends, then reports the payloads; the retransmission comes after the report.
  trace.onUe(sent(1));
  trace.onUe({
    kind: 'ike',
    event: { kind: 'message-payloads', ikeSaId: 1, direction: 'sent', header, payloads: [idi] },
  });
  trace.onUe(sent(1001));
  const lines = trace.recorder.entries.map((e) => e.summary);
  assert.deepEqual(lines, [
    'IKE_AUTH request #1 SK{IDi(0001@nai.example)}',
    'IKE_AUTH request #1 SK{IDi(0001@nai.example)}',
  ]);
});
