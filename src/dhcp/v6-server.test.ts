import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../util/errors.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { encodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import type { Dhcpv6Option } from '../wire/dhcpv6/option-types.ts';
import { HA_SERVER_DUID, UE_DUID } from './test-support.ts';
import { answerInformationRequest, embeddedDhcpv6ServerConfig } from './v6-server.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';

const CONFIG = embeddedDhcpv6ServerConfig({
  serverDuid: HA_SERVER_DUID,
  dnsServers: [v6('2001:db8::53'), v6('2001:db8::54')],
  domainSearchList: ['ims.example'],
  vendorOptions: [
    { enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('68656c6c6f') }] },
    { enterpriseNumber: 9, subOptions: [] },
  ],
  informationRefreshTimeSec: 3600,
  visitedHomeNetwork: [{ kind: 'home-agent-address', address: v6('2001:db8:ffff::1') }],
  identifiedHomeNetworks: [{ fqdn: HA_APN, options: [{ kind: 'home-agent-fqdn', fqdn: 'ha1.example' }] }],
});

function request(options: Dhcpv6Option[], msgType = 11): Uint8Array {
  return encodeDhcpv6Message({ kind: 'client-server', msgType, transactionId: 0xabcdef, options });
}

const CLIENT_ID: Dhcpv6Option = { kind: 'client-id', duid: UE_DUID };
const ORO = (...codes: number[]): Dhcpv6Option => ({ kind: 'option-request', codes });

test('Reply to an Information-request: server id, client id copied, the requested options only (RFC 8415 §18.3.6)', () => {
  const r = answerInformationRequest(
    request([CLIENT_ID, { kind: 'elapsed-time', elapsedCentiSec: 0 }, ORO(17, 23, 32, 83)]),
    CONFIG,
  );
  assert.ok(r.kind === 'reply');
  assert.equal(r.reply.msgType, 7);
  assert.equal(r.reply.transactionId, 0xabcdef);
  assert.deepEqual(r.reply.options, [
    { kind: 'server-id', duid: HA_SERVER_DUID },
    CLIENT_ID,
    { kind: 'dns-servers', servers: [v6('2001:db8::53'), v6('2001:db8::54')] },
    { kind: 'vendor-opts', enterpriseNumber: 10415, subOptions: [{ code: 1, data: fromHex('68656c6c6f') }] },
    { kind: 'vendor-opts', enterpriseNumber: 9, subOptions: [] },
    { kind: 'information-refresh-time', refreshTimeSec: 3600 },
  ]);
  // Literal: 07 abcdef | server id DUID-EN 10415 | client id | DNS | 17 (10415: 1 "hello") | 17 (9) | IRT 3600
  assert.equal(toHex(r.payload).slice(0, 8 + 8 + 20), '07abcdef' + '0002000a' + '0002000028af00000001');
});

test('nothing is sent that was not asked for; no client id → none copied', () => {
  const r = answerInformationRequest(request([ORO(24)]), CONFIG);
  assert.ok(r.kind === 'reply');
  assert.deepEqual(r.reply.options, [
    { kind: 'server-id', duid: HA_SERVER_DUID },
    { kind: 'domain-list', domains: ['ims.example'] },
  ]);
});

test('RFC 6610 §4.3: VDINF when asked; IDINF only for an HNIDF in the table (case-insensitive), carrying it', () => {
  const oro = ORO(50, 69, 49, 71, 72, 73);
  const r = answerInformationRequest(
    request([
      CLIENT_ID,
      oro,
      { kind: 'home-network-id-fqdn', fqdn: HA_APN.toUpperCase() },
      { kind: 'home-network-id-fqdn', fqdn: 'unknown.example' },
    ]),
    CONFIG,
  );
  assert.ok(r.kind === 'reply');
  assert.deepEqual(r.reply.options.slice(2), [
    { kind: 'visited-home-network-info', options: [{ kind: 'home-agent-address', address: v6('2001:db8:ffff::1') }] },
    {
      kind: 'identified-home-network-info',
      options: [
        { kind: 'home-network-id-fqdn', fqdn: HA_APN.toUpperCase() },
        { kind: 'home-agent-fqdn', fqdn: 'ha1.example' },
      ],
    },
  ]);
});

test('RFC 8415 §16.12 and RFC 3736: what the server discards', () => {
  const otherServer: Dhcpv6Option = { kind: 'server-id', duid: UE_DUID };
  const cases: [string, Uint8Array][] = [
    ['malformed', fromHex('0b00')],
    ['not-information-request', request([CLIENT_ID], 1)],
    ['not-information-request', request([CLIENT_ID], 7)],
    [
      'not-information-request',
      encodeDhcpv6Message({
        kind: 'relay',
        msgType: 12,
        hopCount: 0,
        linkAddress: Ipv6Address.ANY,
        peerAddress: Ipv6Address.ANY,
        options: [],
      }),
    ],
    ['other-server', request([CLIENT_ID, otherServer])],
    ['ia-option', request([CLIENT_ID, { kind: 'unknown', code: 3, data: new Uint8Array(12) }])],
    ['ia-option', request([CLIENT_ID, { kind: 'unknown', code: 25, data: new Uint8Array(12) }])],
  ];
  for (const [reason, bytes] of cases)
    assert.deepEqual(answerInformationRequest(bytes, CONFIG), { kind: 'drop', reason });
  // Our own Server Identifier is fine (a client answering a Reconfigure, RFC 8415 §18.2.6).
  assert.equal(answerInformationRequest(request([{ kind: 'server-id', duid: HA_SERVER_DUID }]), CONFIG).kind, 'reply');
});

test('configuration errors name their key', () => {
  const dup = () =>
    embeddedDhcpv6ServerConfig({
      serverDuid: HA_SERVER_DUID,
      vendorOptions: [
        { enterpriseNumber: 1, subOptions: [] },
        { enterpriseNumber: 1, subOptions: [] },
      ],
    });
  assert.throws(
    dup,
    (e: unknown) => e instanceof ConfigError && e.code === 'INVALID' && e.path === 'ha.dhcp.v6.vendorOptions[1]',
  );
  assert.throws(
    () => embeddedDhcpv6ServerConfig({ serverDuid: HA_SERVER_DUID, informationRefreshTimeSec: 599 }),
    (e: unknown) => e instanceof ConfigError && e.path === 'ha.dhcp.v6.informationRefreshTimeSec',
  );
  assert.equal(embeddedDhcpv6ServerConfig({ serverDuid: HA_SERVER_DUID }).informationRefreshTimeSec, 86400);
});

test('any bytes: a reply or a drop, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      const r = answerInformationRequest(bytes, CONFIG);
      assert.ok(r.kind === 'reply' || r.kind === 'drop');
    }),
  );
});
