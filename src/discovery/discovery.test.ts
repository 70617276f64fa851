/**
 * The discovery policy (TS 24.303 §5.1.2.1.1) on a simulated network with a virtual clock: PCO/ePDG first, DNS and
 * DHCPv6 sequential or parallel, skipping failed HAs, TTL expiry, exhaustion and retry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constantRandom, HA_SERVER_DUID, UE_DUID } from '../dhcp/test-support.ts';
import { embeddedDhcpv6ServerConfig } from '../dhcp/v6-server.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { homeAgentKey } from './candidates.ts';
import { HomeAgentDiscovery } from './discovery.ts';
import { type HomeAgentDiscoveryInit, homeAgentDiscoveryConfig } from './discovery-config.ts';
import { homeAgentFromEpdgAttribute } from './sources.ts';
import { DiscoverySim, type SimWorld } from './test-sim.ts';
import type { Zone } from './test-zone.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';

const ZONE: Zone = {
  [HA_APN]: {
    aaaa: [
      ['2001:db8:0:1::1', 300],
      ['2001:db8:0:1::2', 60],
    ],
    a: [
      ['198.51.100.1', 300],
      ['198.51.100.2', 60],
    ],
  },
  'ha.example.org': { aaaa: [['fd99::7', 300]], a: [['10.77.0.7', 300]] },
};

const DHCP_SERVER = embeddedDhcpv6ServerConfig({
  serverDuid: HA_SERVER_DUID,
  visitedHomeNetwork: [{ kind: 'home-agent-address', address: v6('fd99::1') }],
  identifiedHomeNetworks: [{ fqdn: HA_APN, options: [{ kind: 'home-agent-fqdn', fqdn: 'ha.example.org' }] }],
});

const WORLD: SimWorld = { zone: ZONE, dnsDelayMs: 20, dhcpServer: DHCP_SERVER, dhcpDelayMs: 5 };

function sim(init: Partial<HomeAgentDiscoveryInit>, world: Partial<SimWorld> = {}): DiscoverySim {
  const config = homeAgentDiscoveryConfig({
    dns: { target: { kind: 'name', name: HA_APN } },
    dhcpv6: { idType: 0, linkLocalAddress: v6('fe80::2'), clientDuid: UE_DUID },
    random: constantRandom(0.5),
    ...init,
  });
  return new DiscoverySim(new HomeAgentDiscovery(config), { ...WORLD, ...world });
}

const key = (s: DiscoverySim) => {
  const c = s.core.current();
  return c ? `${c.method} ${homeAgentKey(c)}` : 'none';
};

test('an HA from the ePDG (or PCO) wins: neither DNS nor DHCPv6 runs until it fails', () => {
  const s = sim({ provided: [homeAgentFromEpdgAttribute('20010db8ffff00000000000000000001')] });
  s.core.start(0);
  assert.deepEqual(s.kinds(s.run(60_000)), ['home-agent-selected']);
  assert.equal(key(s), 'epdg 2001:db8:ffff::1|-');
  assert.deepEqual([s.dnsNamesAsked.length, s.dhcpTransmissions], [0, 0]);
  // IKE_SA_INIT unanswered → the next source: DNS (sequential, DNS first by default).
  s.core.markFailed(s.now, s.core.current()!, { kind: 'ike-no-response' });
  assert.deepEqual(s.kinds(s.run(60_000)), [
    'home-agent-skipped',
    'procedure-started:dns',
    'procedure-succeeded:dns',
    'home-agent-selected',
  ]);
  assert.equal(key(s), 'dns 2001:db8:0:1::1|198.51.100.1');
  assert.equal(s.dhcpTransmissions, 0);
});

test('first HA silent → the second; BA 128 keeps the HA, BA 131 skips it; the last failure exhausts the list', () => {
  const s = sim({ dhcpv6: undefined });
  s.core.start(0);
  s.run(1000);
  assert.equal(key(s), 'dns 2001:db8:0:1::1|198.51.100.1');
  const next = s.core.markFailed(s.now, s.core.current()!, { kind: 'ike-no-response' });
  assert.equal(next && homeAgentKey(next), '2001:db8:0:1::2|198.51.100.2');
  s.core.markFailed(s.now, s.core.current()!, { kind: 'binding-rejected', status: 128 });
  assert.equal(key(s), 'dns 2001:db8:0:1::2|198.51.100.2');
  assert.equal(s.core.markFailed(s.now, s.core.current()!, { kind: 'binding-rejected', status: 131 }), undefined);
  assert.deepEqual(s.kinds(s.run(2000)), [
    'home-agent-skipped',
    'home-agent-selected',
    'home-agent-kept',
    'home-agent-skipped',
    'exhausted',
  ]);
});

test('sequential: DNS fails (NXDOMAIN) → DHCPv6 (id-type 0, VDINF) gives the HA', () => {
  const s = sim({ mode: 'sequential' }, { zone: {} });
  s.core.start(0);
  const events = s.run(60_000);
  assert.deepEqual(s.kinds(events), [
    'procedure-started:dns',
    'procedure-failed:dns',
    'procedure-started:dhcpv6',
    'procedure-succeeded:dhcpv6',
    'home-agent-selected',
  ]);
  assert.ok(events[1]?.kind === 'procedure-failed' && events[1].reason === 'dns-nxdomain');
  assert.equal(key(s), 'dhcpv6 fd99::1|-');
  assert.equal(s.now, 525); // DNS answered at 20 ms, the first DHCPv6 message 500 ms later, its reply 5 ms after
});

test('sequential: DNS succeeds, so DHCPv6 runs only once every DNS HA failed', () => {
  const s = sim({ mode: 'sequential' });
  s.core.start(0);
  s.run(60_000);
  assert.equal(s.dhcpTransmissions, 0);
  s.core.markFailed(s.now, s.core.current()!, { kind: 'ike-authentication-failed' });
  s.core.markFailed(s.now, s.core.current()!, { kind: 'ike-no-response' });
  s.run(60_000);
  assert.equal(key(s), 'dhcpv6 fd99::1|-');
  assert.equal(s.dhcpTransmissions, 1);
});

test('parallel: whichever answers first is used; the other’s HAs follow as fallbacks', () => {
  const dhcpFirst = sim({ mode: 'parallel' }, { dnsDelayMs: 3000 });
  dhcpFirst.core.start(0);
  dhcpFirst.run(60_000);
  assert.deepEqual(dhcpFirst.kinds(dhcpFirst.events).slice(0, 4), [
    'procedure-started:dns',
    'procedure-started:dhcpv6',
    'procedure-succeeded:dhcpv6',
    'home-agent-selected',
  ]);
  assert.equal(key(dhcpFirst), 'dhcpv6 fd99::1|-');
  assert.deepEqual(
    dhcpFirst.core.homeAgents().map((h) => h.method),
    ['dhcpv6', 'dns', 'dns'],
  );
  dhcpFirst.core.markFailed(dhcpFirst.now, dhcpFirst.core.current()!, { kind: 'ike-no-response' });
  assert.equal(key(dhcpFirst), 'dns 2001:db8:0:1::1|198.51.100.1');

  const dnsFirst = sim({ mode: 'parallel' });
  dnsFirst.core.start(0);
  dnsFirst.run(60_000);
  assert.equal(key(dnsFirst), 'dns 2001:db8:0:1::1|198.51.100.1');
  assert.deepEqual(
    dnsFirst.core.homeAgents().map((h) => h.method),
    ['dns', 'dns', 'dhcpv6'],
  );
});

test('parallel with DNS silent: DHCPv6 is used, and DNS times out without ending discovery', () => {
  const s = sim({ mode: 'parallel' }, { dnsDelayMs: undefined });
  s.core.start(0);
  s.run(60_000);
  assert.equal(key(s), 'dhcpv6 fd99::1|-');
  assert.ok(s.events.some((e) => e.kind === 'procedure-failed' && e.procedure === 'dns' && e.reason === 'dns-timeout'));
  assert.ok(!s.events.some((e) => e.kind === 'exhausted'));
});

test('DHCPv6 id-type 1 returns an HA FQDN → DNS lookup of that name (§5.1.2.1.5)', () => {
  const s = sim({
    dns: undefined,
    dhcpv6: { idType: 1, haApn: HA_APN, linkLocalAddress: v6('fe80::2'), clientDuid: UE_DUID },
  });
  s.core.start(0);
  s.run(60_000);
  assert.deepEqual(s.kinds(s.events), [
    'procedure-started:dhcpv6',
    'fqdn-lookup-started',
    'procedure-succeeded:dhcpv6',
    'home-agent-selected',
  ]);
  assert.deepEqual(s.dnsNamesAsked, ['AAAA ha.example.org', 'A ha.example.org']);
  const c = s.core.current();
  assert.equal(c?.name, 'ha.example.org');
  assert.equal(key(s), 'dhcpv6 fd99::7|10.77.0.7');
});

test('a DNS TTL that ran out: the stale HA is not tried, DNS is asked again', () => {
  const s = sim({ dhcpv6: undefined });
  s.core.start(0);
  s.run(1000);
  s.now = 100_000; // the second HA's 60 s TTL has run out, the first's 300 s has not
  s.core.markFailed(s.now, s.core.current()!, { kind: 'ike-no-response' });
  const events = s.run(200_000);
  assert.deepEqual(s.kinds(events), [
    'home-agent-skipped',
    'procedure-started:dns',
    'procedure-succeeded:dns',
    'home-agent-selected',
  ]);
  const c = s.core.current();
  assert.equal(c && homeAgentKey(c), '2001:db8:0:1::2|198.51.100.2');
  assert.equal(c?.expiresAtMs, 100_020 + 60_000);
  assert.equal(s.core.homeAgents().length, 2); // the failed first HA is not listed again
});

test('exhausted: retry after the configured time (RFC 5026 §5.1.2), but not when every HA failed authentication', () => {
  const retrying = sim({ dhcpv6: undefined, retryAfterMs: 30_000 });
  retrying.core.start(0);
  retrying.run(1000);
  retrying.core.markFailed(retrying.now, retrying.core.current()!, { kind: 'ike-no-response' });
  retrying.core.markFailed(retrying.now, retrying.core.current()!, { kind: 'ike-authentication-failed' });
  const exhausted = retrying.run(1000).find((e) => e.kind === 'exhausted');
  assert.deepEqual(exhausted, { kind: 'exhausted', unrecoverable: false, retryAtMs: 20 + 30_000 });
  assert.deepEqual(retrying.kinds(retrying.run(40_000)), [
    'procedure-started:dns',
    'procedure-succeeded:dns',
    'home-agent-selected',
  ]);

  const unrecoverable = sim({ dhcpv6: undefined, retryAfterMs: 30_000 });
  unrecoverable.core.start(0);
  unrecoverable.run(1000);
  unrecoverable.core.markFailed(unrecoverable.now, unrecoverable.core.current()!, {
    kind: 'ike-authentication-failed',
  });
  unrecoverable.core.markFailed(unrecoverable.now, unrecoverable.core.current()!, {
    kind: 'ike-authentication-failed',
  });
  unrecoverable.run(100_000);
  assert.deepEqual(unrecoverable.events.at(-1), { kind: 'exhausted', unrecoverable: true, retryAtMs: undefined });
});

test('the same HA from both procedures is listed once', () => {
  const zone: Zone = { [HA_APN]: { aaaa: [['fd99::1', 300]] } };
  const s = sim({ mode: 'parallel' }, { zone });
  s.core.start(0);
  s.run(60_000);
  assert.deepEqual(
    s.core.homeAgents().map((h) => `${h.method} ${homeAgentKey(h)}`),
    ['dns fd99::1|-'],
  );
});

test('configuration is validated at the edge', () => {
  const random = constantRandom(0.5);
  const bad: [HomeAgentDiscoveryInit, string][] = [
    [{ random }, 'ue.discovery'],
    [{ random, dhcpv6: { idType: 1, linkLocalAddress: v6('fe80::2') } }, 'ue.discovery.dhcpv6.haApn'],
    [
      { random, dhcpv6: { idType: 1, haApn: 'not.an.ha-apn.example', linkLocalAddress: v6('fe80::2') } },
      'ue.discovery.dhcpv6.haApn',
    ],
    [{ random, dhcpv6: { idType: 0, linkLocalAddress: v6('2001:db8::2') } }, 'ue.discovery.dhcpv6.linkLocalAddress'],
    [{ random, dns: { target: { kind: 'name', name: HA_APN } }, first: 'dhcpv6' }, 'ue.discovery.first'],
    [
      { random, dns: { target: { kind: 'name', name: HA_APN }, queryTimeoutMs: -1 } },
      'ue.discovery.dns.queryTimeoutMs',
    ],
  ];
  for (const [init, path] of bad)
    assert.throws(
      () => homeAgentDiscoveryConfig(init),
      (e: unknown) => (e as { path?: string }).path === path,
      path,
    );
  const c = homeAgentDiscoveryConfig({ random, dhcpv6: { idType: 0, linkLocalAddress: v6('fe80::2') } });
  assert.deepEqual([c.mode, c.first, c.dhcpv6?.maxDurationMs], ['sequential', 'dhcpv6', 10_000]);
  assert.ok(Object.isFrozen(c));
});

test('only provided HAs: the config is valid without DNS or DHCPv6, and no procedure runs after they fail', () => {
  const config = homeAgentDiscoveryConfig({
    provided: [homeAgentFromEpdgAttribute('20010db8ffff00000000000000000001')],
    random: constantRandom(0.5),
  });
  assert.equal(config.dns, undefined);
  assert.equal(config.dhcpv6, undefined);
  const s = new DiscoverySim(new HomeAgentDiscovery(config), WORLD);
  s.core.start(0);
  assert.deepEqual(s.kinds(s.run(60_000)), ['home-agent-selected']);
  s.core.markFailed(s.now, s.core.current()!, { kind: 'ike-no-response' });
  const after = s.kinds(s.run(60_000));
  assert.ok(!after.some((k) => k.startsWith('procedure-started')), after.join(', '));
  assert.deepEqual([s.dnsNamesAsked.length, s.dhcpTransmissions], [0, 0]);
  assert.throws(
    () =>
      homeAgentDiscoveryConfig({
        first: 'dhcpv6',
        dns: { target: { kind: 'name', name: HA_APN } },
        random: constantRandom(0.5),
      }),
    {
      code: 'INVALID',
    },
  );
});
