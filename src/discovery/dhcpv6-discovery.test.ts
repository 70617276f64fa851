/**
 * DHCPv6 HA discovery against the embedded server on a simulated link (virtual time):
 *   Information-request { Client Identifier, Elapsed Time, ORO(50|69, 49, 71, 72, 73, 32, 83), [HNIDF] } -->
 *   <-- Reply { Server Identifier, Client Identifier, VDINF|IDINF { [HNIDF], HNP, HAA|HAF } }
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constantRandom, HA_SERVER_DUID, UE_DUID } from '../dhcp/test-support.ts';
import { answerInformationRequest, embeddedDhcpv6ServerConfig } from '../dhcp/v6-server.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { decodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import { Dhcpv6HaDiscovery } from './dhcpv6-discovery.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const LINK_LOCAL = v6('fe80::2');

const SERVER = embeddedDhcpv6ServerConfig({
  serverDuid: HA_SERVER_DUID,
  visitedHomeNetwork: [
    { kind: 'home-network-prefix', prefixLength: 64, prefix: v6('fd99:1:2:3::') },
    { kind: 'home-agent-address', address: v6('fd99::1') },
    { kind: 'home-agent-address', address: v6('64:ff9b::a4d:1') },
  ],
  identifiedHomeNetworks: [{ fqdn: HA_APN, options: [{ kind: 'home-agent-fqdn', fqdn: 'ha.example.org' }] }],
});

function discovery(idType: 0 | 1, maxDurationMs = 10_000): Dhcpv6HaDiscovery {
  return new Dhcpv6HaDiscovery({
    idType,
    haApn: HA_APN,
    clientDuid: UE_DUID,
    linkLocalAddress: LINK_LOCAL,
    maxDurationMs,
    random: constantRandom(0.5),
  });
}

/** Runs the exchange; `answer` false leaves the server silent. */
function run(d: Dhcpv6HaDiscovery, answer: boolean): number {
  d.start(0);
  let now = 0;
  for (let i = 0; i < 100 && d.outcome === undefined; i++) {
    for (let t = d.pollTransmit(); t; t = d.pollTransmit()) {
      assert.equal(String(t.source), 'fe80::2');
      assert.equal(String(t.destination), 'ff02::1:2');
      if (!answer) continue;
      const r = answerInformationRequest(t.payload, SERVER);
      assert.ok(r.kind === 'reply');
      d.handleDatagram(now + 5, r.payload);
    }
    const next = d.pollTimeout();
    if (next === undefined) break;
    now = next;
    d.handleTimeout(now);
  }
  return now;
}

test('id-type 0: VDINF requested; the reply’s HA addresses (IPv6 + 64:ff9b:: IPv4) form one dual-stack HA', () => {
  const d = discovery(0);
  d.start(0);
  d.handleTimeout(d.pollTimeout()!);
  const ir = decodeDhcpv6Message(d.pollTransmit()!.payload);
  assert.ok(ir.kind === 'client-server' && ir.msgType === 11);
  assert.deepEqual(
    ir.options.map((o) => o.kind),
    ['client-id', 'elapsed-time', 'option-request'],
  );
  assert.deepEqual(ir.options[2], { kind: 'option-request', codes: [50, 49, 71, 72, 73, 32, 83] });
  const again = discovery(0);
  run(again, true);
  const o = again.outcome;
  assert.ok(o?.kind === 'home-network-info');
  assert.deepEqual(
    o.info.homeAgents.map((p) => `${p.ipv6}|${p.ipv4}`),
    ['fd99::1|10.77.0.1'],
  );
  assert.deepEqual(
    o.info.homeNetworkPrefixes.map((p) => `${p.prefix}/${p.prefixLength}`),
    ['fd99:1:2:3::/64'],
  );
});

test('id-type 1: IDINF + HNIDF(HA-APN); the reply names the HA by FQDN', () => {
  const d = discovery(1);
  d.start(0);
  d.handleTimeout(d.pollTimeout()!);
  const ir = decodeDhcpv6Message(d.pollTransmit()!.payload);
  assert.ok(ir.kind === 'client-server');
  assert.deepEqual(ir.options.slice(2), [
    { kind: 'option-request', codes: [69, 49, 71, 72, 73, 32, 83] },
    { kind: 'home-network-id-fqdn', fqdn: HA_APN },
  ]);
  const again = discovery(1);
  run(again, true);
  const o = again.outcome;
  assert.ok(o?.kind === 'home-network-info');
  assert.deepEqual(o.info.homeAgentFqdns, ['ha.example.org']);
  assert.deepEqual(o.info.homeAgents, []);
});

test('a silent link fails at MRD after the RFC 8415 §15 retransmissions', () => {
  const d = discovery(0, 10_000);
  const end = run(d, false);
  assert.deepEqual(d.outcome, { kind: 'failed', reason: 'timeout' });
  assert.equal(end, 500 + 10_000); // first transmission after 0.5 · INF_MAX_DELAY, MRD from there
  assert.deepEqual(
    d.log.filter((e) => e.kind === 'transmitted').map((e) => (e.kind === 'transmitted' ? e.attempt : 0)),
    [1, 2, 3, 4],
  );
});

test('a Reply without usable home network information ends the exchange as a failure', () => {
  const d = discovery(1);
  const empty = embeddedDhcpv6ServerConfig({ serverDuid: HA_SERVER_DUID });
  d.start(0);
  d.handleTimeout(d.pollTimeout()!);
  const r = answerInformationRequest(d.pollTransmit()!.payload, empty);
  assert.ok(r.kind === 'reply');
  d.handleDatagram(600, r.payload);
  assert.deepEqual(d.outcome, {
    kind: 'failed',
    reason: 'no-usable-container',
    discarded: { outsideContainer: 0, unmatchedIdentified: 0, incomplete: 0, notRequested: 0 },
  });
  assert.equal(d.pollTimeout(), undefined);
});
