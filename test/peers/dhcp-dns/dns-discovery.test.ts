/**
 * DNS Home Agent discovery against dnsmasq (TS 24.303 §5.1.2.1.2): the HA-APN with A and AAAA (two dual-stack HAs),
 * an HA-APN with only A, an unknown one; through Node's resolver (src/node/dns) into the discovery cores.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seededRandom } from '../../../src/dhcp/test-support.ts';
import { homeAgentKey } from '../../../src/discovery/candidates.ts';
import { HomeAgentDiscovery } from '../../../src/discovery/discovery.ts';
import { homeAgentDiscoveryConfig } from '../../../src/discovery/discovery-config.ts';
import { DnsHaDiscovery } from '../../../src/discovery/dns-discovery.ts';
import type { DnsLookupResult, DnsRecordType, DnsResolver } from '../../../src/discovery/dns-lookup.ts';
import { runHomeAgentDiscovery } from '../../../src/node/dhcp/discovery-runner.ts';
import { answerDnsQueries } from '../../../src/node/dns/drive.ts';
import { NodeDnsResolver } from '../../../src/node/dns/resolver.ts';
import { type Dnsmasq, startDnsmasq } from './dnsmasq.ts';
import { ensureDhcpDnsPeers } from './install.ts';

const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const V4_ONLY = 'v4only.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const UNKNOWN = 'nothing.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';

let dnsmasq: Dnsmasq;

before(async () => {
  ensureDhcpDnsPeers();
  dnsmasq = await startDnsmasq(
    [
      {
        name: HA_APN,
        ipv4: ['198.51.100.1', '198.51.100.2'],
        ipv6: ['2001:db8:0:1::1', '2001:db8:0:1::2'],
        ttlSec: 300,
      },
      { name: V4_ONLY, ipv4: ['198.51.100.3'], ttlSec: 120 },
    ],
    ['3gppnetwork.org'],
  );
});

after(async () => {
  await dnsmasq?.stop();
});

/** Records what the resolver returned, to compare the core's order with the server's. */
class RecordingResolver implements DnsResolver {
  readonly seen: { name: string; type: DnsRecordType; result: DnsLookupResult }[] = [];
  constructor(private readonly inner: DnsResolver) {}
  async lookup(name: string, type: DnsRecordType): Promise<DnsLookupResult> {
    const result = await this.inner.lookup(name, type);
    this.seen.push({ name, type, result });
    return result;
  }
}

async function discoverName(name: string, resolver: DnsResolver): Promise<DnsHaDiscovery> {
  const core = new DnsHaDiscovery({
    target: { kind: 'name', name },
    queryTimeoutMs: 3000,
    method: 'dns',
    random: seededRandom(5),
  });
  core.start(1000);
  await answerDnsQueries(
    { pollDnsQuery: () => core.pollQuery(), handleDnsAnswer: (now, id, r) => core.handleAnswer(now, id, r) },
    resolver,
    () => 1000,
  );
  return core;
}

test('A + AAAA for the HA-APN: two dual-stack HAs, paired by rank, in the order of dnsmasq’s AAAA answer, TTL 300 s', async () => {
  const resolver = new RecordingResolver(new NodeDnsResolver({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 }));
  const core = await discoverName(HA_APN, resolver);
  const o = core.outcome;
  assert.ok(o?.kind === 'home-agents', JSON.stringify(o));
  const aaaa = resolver.seen.find((s) => s.type === 'AAAA')?.result;
  assert.ok(aaaa?.kind === 'aaaa');
  const v6Order = aaaa.records.map((r) => String(r.address));
  // dnsmasq rotates its answers; the pairing does not move with it (::1 with .1, ::2 with .2).
  const partner: Record<string, string> = { '2001:db8:0:1::1': '198.51.100.1', '2001:db8:0:1::2': '198.51.100.2' };
  assert.deepEqual(
    o.homeAgents.map(homeAgentKey),
    v6Order.map((a) => `${a}|${partner[a]}`),
  );
  assert.ok(o.homeAgents.every((h) => h.expiresAtMs === 1000 + 300_000 && h.name === HA_APN));
});

test('an HA-APN with only A records: one IPv4 HA (AAAA is NODATA, ENODATA from the resolver)', async () => {
  const resolver = new RecordingResolver(new NodeDnsResolver({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 }));
  const o = (await discoverName(V4_ONLY, resolver)).outcome;
  assert.ok(o?.kind === 'home-agents');
  assert.deepEqual(o.homeAgents.map(homeAgentKey), ['-|198.51.100.3']);
  assert.equal(o.homeAgents[0]?.expiresAtMs, 1000 + 120_000);
  assert.deepEqual(resolver.seen.find((s) => s.type === 'AAAA')?.result, { kind: 'nodata' });
});

test('an unknown HA-APN: NXDOMAIN (ENOTFOUND) for both types, discovery by DNS fails', async () => {
  const o = (await discoverName(UNKNOWN, new NodeDnsResolver({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 })))
    .outcome;
  assert.deepEqual(o, { kind: 'failed', reason: 'nxdomain' });
});

test('the policy core on real DNS: first HA selected; when it does not answer IKE, the second', async () => {
  const core = new HomeAgentDiscovery(
    homeAgentDiscoveryConfig({ dns: { target: { kind: 'name', name: HA_APN } }, random: seededRandom(9) }),
  );
  const resolver = new NodeDnsResolver({ servers: [dnsmasq.server], timeoutMs: 1000, tries: 1 });
  const events = await runHomeAgentDiscovery(core, { resolver }, (_e, c) => c.current() !== undefined, 10_000);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['procedure-started', 'procedure-succeeded', 'home-agent-selected'],
  );
  const [first, second] = core.homeAgents();
  assert.ok(first && second);
  assert.equal(core.current(), first);
  assert.equal(core.markFailed(performance.now(), first, { kind: 'ike-no-response' }), second);
});
