import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../util/errors.ts';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import { type Dhcpv4Message, decodeDhcpv4Message, encodeDhcpv4Message } from '../wire/dhcpv4/message.ts';
import { ascii } from './test-support.ts';
import { answerInform, embeddedDhcpv4ServerConfig } from './v4-server.ts';

const v4 = (s: string) => Ipv4Address.parse(s);

const CONFIG = embeddedDhcpv4ServerConfig({
  serverIdentifier: v4('192.0.2.1'),
  dnsServers: [v4('192.0.2.53')],
  subnetMask: v4('255.255.255.0'),
  viVendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: ascii('hello-3gpp-v4') }] }],
  vendorSpecific: { vendorClassIdentifier: ascii('3gpp-ue'), subOptions: [{ code: 1, data: fromHex('0a') }] },
});

const INFORM: Dhcpv4Message = {
  op: 1,
  htype: 1,
  hops: 0,
  xid: 0x01020304,
  secs: 0,
  broadcast: false,
  ciaddr: v4('192.0.2.10'),
  yiaddr: Ipv4Address.ANY,
  siaddr: Ipv4Address.ANY,
  giaddr: Ipv4Address.ANY,
  chaddr: fromHex('020000000001'),
  sname: new Uint8Array(0),
  file: new Uint8Array(0),
  options: [
    { kind: 'message-type', messageType: 8 },
    { kind: 'parameter-request-list', codes: [43, 125, 6, 1, 51] },
  ],
};

test('DHCPACK to DHCPINFORM: yiaddr 0, no lease time, server id, requested options, to ciaddr:68 (RFC 2131 §4.3.5)', () => {
  const r = answerInform(encodeDhcpv4Message(INFORM), CONFIG, v4('192.0.2.10'));
  assert.ok(r.kind === 'ack');
  assert.equal(String(r.destination), '192.0.2.10');
  assert.equal(r.destinationPort, 68);
  const ack = decodeDhcpv4Message(r.payload);
  assert.deepEqual(ack, r.ack);
  assert.equal(ack.op, 2);
  assert.equal(ack.xid, 0x01020304);
  assert.equal(String(ack.yiaddr), '0.0.0.0');
  assert.equal(String(ack.ciaddr), '192.0.2.10');
  assert.deepEqual(ack.chaddr, fromHex('020000000001'));
  // 43 is not sent: the client has no Vendor Class Identifier "3gpp-ue"; 51 is never sent for INFORM.
  assert.deepEqual(ack.options, [
    { kind: 'message-type', messageType: 5 },
    { kind: 'server-identifier', address: v4('192.0.2.1') },
    { kind: 'subnet-mask', mask: v4('255.255.255.0') },
    { kind: 'dns-servers', servers: [v4('192.0.2.53')] },
    {
      kind: 'vi-vendor-specific',
      entries: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: ascii('hello-3gpp-v4') }] }],
    },
  ]);
});

test('option 43 goes to the matching Vendor Class Identifier; a relayed INFORM is answered to giaddr:67', () => {
  const relayed: Dhcpv4Message = {
    ...INFORM,
    giaddr: v4('198.51.100.7'),
    options: [...INFORM.options, { kind: 'vendor-class-identifier', data: ascii('3gpp-ue') }],
  };
  const r = answerInform(encodeDhcpv4Message(relayed), CONFIG);
  assert.ok(r.kind === 'ack');
  assert.deepEqual([String(r.destination), r.destinationPort], ['198.51.100.7', 67]);
  assert.deepEqual(
    r.ack.options.find((o) => o.kind === 'vendor-specific'),
    { kind: 'vendor-specific', data: fromHex('01010a') },
  );
  assert.equal(String(r.ack.giaddr), '198.51.100.7');
  // RFC 3046 §2.2: option 82 is echoed whole, as the last option.
  const withAgentInfo = answerInform(
    encodeDhcpv4Message({
      ...relayed,
      options: [...relayed.options, { kind: 'relay-agent-information', subOptions: [{ code: 1, data: ascii('b1') }] }],
    }),
    CONFIG,
  );
  assert.ok(withAgentInfo.kind === 'ack');
  assert.deepEqual(withAgentInfo.ack.options.at(-1), {
    kind: 'relay-agent-information',
    subOptions: [{ code: 1, data: ascii('b1') }],
  });
});

test('what the server drops, with reasons', () => {
  const cases: [string, Uint8Array, Ipv4Address | undefined][] = [
    ['malformed', fromHex('01010600'), undefined],
    ['not-request', encodeDhcpv4Message({ ...INFORM, op: 2 }), undefined],
    ['not-inform', encodeDhcpv4Message({ ...INFORM, options: [{ kind: 'message-type', messageType: 1 }] }), undefined],
    ['not-inform', encodeDhcpv4Message({ ...INFORM, options: [] }), undefined],
    ['no-client-address', encodeDhcpv4Message({ ...INFORM, ciaddr: Ipv4Address.ANY }), undefined],
    ['client-address-mismatch', encodeDhcpv4Message(INFORM), v4('192.0.2.11')],
  ];
  for (const [reason, bytes, expected] of cases)
    assert.deepEqual(answerInform(bytes, CONFIG, expected), { kind: 'drop', reason }, reason);
});

test('configuration: one option 125 entry per enterprise; option 43 sub-options must be encodable', () => {
  assert.throws(
    () =>
      embeddedDhcpv4ServerConfig({
        serverIdentifier: v4('192.0.2.1'),
        viVendorOptions: [
          { enterpriseNumber: 5, subOptions: [] },
          { enterpriseNumber: 5, subOptions: [] },
        ],
      }),
    (e: unknown) => e instanceof ConfigError && e.path === 'ha.dhcp.v4.viVendorOptions[1]',
  );
  assert.throws(
    () =>
      embeddedDhcpv4ServerConfig({
        serverIdentifier: v4('192.0.2.1'),
        vendorSpecific: { vendorClassIdentifier: undefined, subOptions: [{ code: 255, data: new Uint8Array(0) }] },
      }),
    (e: unknown) => e instanceof ConfigError && e.path === 'ha.dhcp.v4.vendorSpecific',
  );
});

test('any bytes: an ACK or a drop, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const r = answerInform(bytes, CONFIG);
      assert.ok(r.kind === 'ack' || r.kind === 'drop');
    }),
  );
});
