import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constantRandom } from '../dhcp/test-support.ts';
import { homeAgentKey } from './candidates.ts';
import { type DnsDiscoveryTarget, DnsHaDiscovery } from './dns-discovery.ts';
import { answerFromZone, type Zone } from './test-zone.ts';

const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const V4_ONLY = 'v4only.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const V6_ONLY = 'v6only.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const EMPTY = 'empty.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';

const ZONE: Zone = {
  [HA_APN]: {
    aaaa: [
      ['2001:db8:0:1::2', 300],
      ['2001:db8:0:1::1', 300],
    ],
    a: [
      ['198.51.100.1', 60],
      ['198.51.100.2', 600],
    ],
  },
  [V4_ONLY]: { a: [['198.51.100.3', 120]] },
  [V6_ONLY]: { aaaa: [['2001:db8:0:1::6', 30]] },
  [EMPTY]: {},
  '_mip6._ipv6.example': {
    srv: [
      { priority: 20, weight: 0, port: 0, target: 'ha2.example', ttlSec: 60 },
      { priority: 10, weight: 0, port: 0, target: 'ha1.example', ttlSec: 60 },
    ],
  },
  'ha1.example': { aaaa: [['2001:db8:1::1', 100]], a: [['192.0.2.1', 100]] },
  'ha2.example': { aaaa: [['2001:db8:2::1', 100]] },
  '_mip6._ipv6.gone.example': { srv: [{ priority: 0, weight: 0, port: 0, target: '.', ttlSec: 60 }] },
};

function discover(target: DnsDiscoveryTarget, at = 1000, silent: string[] = []): DnsHaDiscovery {
  const core = new DnsHaDiscovery({ target, queryTimeoutMs: 5000, method: 'dns', random: constantRandom(0.5) });
  core.start(at);
  for (let round = 0; round < 3; round++)
    answerFromZone(
      () => core.pollQuery(),
      (id, r) => core.handleAnswer(at, id, r),
      ZONE,
      silent,
    );
  return core;
}

test('AAAA + A for the HA-APN → dual-stack HAs in AAAA order, paired by rank, each with its earliest TTL end', () => {
  const core = discover({ kind: 'name', name: HA_APN });
  const o = core.outcome;
  assert.ok(o?.kind === 'home-agents');
  assert.deepEqual(
    o.homeAgents.map((h) => [homeAgentKey(h), h.expiresAtMs, h.name, h.method]),
    [
      ['2001:db8:0:1::2|198.51.100.2', 1000 + 300_000, HA_APN, 'dns'],
      ['2001:db8:0:1::1|198.51.100.1', 1000 + 60_000, HA_APN, 'dns'],
    ],
  );
});

test('a name with only A records → an IPv4-only HA (AAAA is NODATA); only AAAA → IPv6-only', () => {
  const v4 = discover({ kind: 'name', name: V4_ONLY }).outcome;
  assert.ok(v4?.kind === 'home-agents');
  assert.deepEqual(v4.homeAgents.map(homeAgentKey), ['-|198.51.100.3']);
  const v6 = discover({ kind: 'name', name: V6_ONLY }).outcome;
  assert.ok(v6?.kind === 'home-agents');
  assert.deepEqual(v6.homeAgents.map(homeAgentKey), ['2001:db8:0:1::6|-']);
});

test('NXDOMAIN, NODATA and silence each fail with their reason', () => {
  assert.deepEqual(discover({ kind: 'name', name: 'unknown.ha-apn.mnc001.mcc001.pub.3gppnetwork.org' }).outcome, {
    kind: 'failed',
    reason: 'nxdomain',
  });
  assert.deepEqual(discover({ kind: 'name', name: EMPTY }).outcome, { kind: 'failed', reason: 'nodata' });
  const silent = discover({ kind: 'name', name: HA_APN }, 0, [HA_APN]);
  assert.equal(silent.outcome, undefined);
  assert.equal(silent.pollTimeout(), 5000);
  silent.handleTimeout(4999);
  assert.equal(silent.outcome, undefined);
  silent.handleTimeout(5000);
  assert.deepEqual(silent.outcome, { kind: 'failed', reason: 'timeout' });
  assert.equal(silent.pollTimeout(), undefined);
});

test('one answer late: the other family alone; answers after the deadline are ignored', () => {
  const core = new DnsHaDiscovery({
    target: { kind: 'name', name: HA_APN },
    queryTimeoutMs: 5000,
    method: 'dns',
    random: constantRandom(0.5),
  });
  core.start(0);
  const aaaa = core.pollQuery()!;
  const a = core.pollQuery()!;
  assert.deepEqual([aaaa.type, a.type], ['AAAA', 'A']);
  assert.equal(a.id, (aaaa.id + 1) & 0xffff);
  core.handleAnswer(10, a.id, { kind: 'a', records: [] });
  core.handleTimeout(5000);
  assert.deepEqual(core.outcome, { kind: 'failed', reason: 'timeout' });
  core.handleAnswer(6000, aaaa.id, { kind: 'nodata' });
  assert.equal(core.ignoredAnswers, 1);
});

test('SRV _mip6._ipv6.<domain> (RFC 5026 §5.1.2): targets by priority, each resolved and paired', () => {
  const core = discover({ kind: 'service', domain: 'example' });
  const o = core.outcome;
  assert.ok(o?.kind === 'home-agents');
  assert.deepEqual(
    o.homeAgents.map((h) => [homeAgentKey(h), h.name]),
    [
      ['2001:db8:1::1|192.0.2.1', 'ha1.example'],
      ['2001:db8:2::1|-', 'ha2.example'],
    ],
  );
  assert.deepEqual(discover({ kind: 'service', domain: 'gone.example' }).outcome, {
    kind: 'failed',
    reason: 'service-unavailable',
  });
  assert.deepEqual(discover({ kind: 'service', domain: 'nothing.example' }).outcome, {
    kind: 'failed',
    reason: 'nxdomain',
  });
});
