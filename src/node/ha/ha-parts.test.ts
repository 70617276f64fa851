// The HA node's pieces without sockets: the per-subscriber home prefix pool, the config file turned into core
// inputs (policy, DHCP service, IKE responder with the fixture certificate), the binding table kept from core
// events, the BA sender's UDP fallback when no raw socket can carry protocol 41, and the attach counter labels.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type HaConfig, loadHaConfig } from '../../config/load.ts';
import { InMemorySubscriberStore } from '../../eap/index.ts';
import { HA4, HA6, HOA, v4, v6 } from '../../mip/test-fixtures.ts';
import { TransportError } from '../../net/transport.ts';
import { ConfigError } from '../../util/errors.ts';
import { NotifyType } from '../../wire/ike/constants.ts';
import { buildIpv6Packet } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { encapsulateIpInIp } from '../../wire/ip/tunnel.ts';
import { BaSender } from './ba-sender.ts';
import { BindingTable } from './binding-table.ts';
import {
  certificateChainOf,
  haDhcpServiceConfigOf,
  haPolicyOf,
  ipv4PoolSize,
  ipv4RangesOf,
  responderConfigOf,
} from './ha-config.ts';
import { attachFailureOf } from './ha-ike-events.ts';
import { SubscriberPrefixPool } from './home-prefix-pool.ts';

const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;
const PKI = new URL('../../../test/fixtures/pki/', import.meta.url).pathname;

function example(name: string, set: string[] = []): HaConfig {
  return loadHaConfig({ file: join(EXAMPLES, name), set });
}

test('prefix pool: one /64 per subscriber from the block, the first one reserved, kept across IKE SAs', () => {
  const pool = new SubscriberPrefixPool({ base: { prefix: v6('2001:db8:100::'), prefixLength: 62 }, prefixLength: 64 });
  assert.equal(pool.capacity, 4);
  const a = pool.allocate('001010000000001', 1);
  const again = pool.allocate('001010000000001', 2); // a re-attach overlapping the old IKE SA
  const b = pool.allocate('001010000000002', 3);
  const c = pool.allocate('001010000000003', 4);
  assert.deepEqual(
    [a, again, b, c].map((p) => `${p?.prefix}/${p?.prefixLength}`),
    ['2001:db8:100:1::/64', '2001:db8:100:1::/64', '2001:db8:100:2::/64', '2001:db8:100:3::/64'],
  );
  assert.equal(pool.allocate('001010000000004', 5), undefined, 'exhausted: the block has 4, one is the home link');
  pool.release('001010000000001', 1);
  assert.equal(pool.prefixOf('001010000000001')?.toString(), '2001:db8:100:1::', 'still held by IKE SA 2');
  pool.release('001010000000001', 2);
  pool.release('nobody', 9);
  assert.equal(pool.allocatedCount, 2);
  assert.equal(pool.allocate('001010000000004', 6)?.prefix.toString(), '2001:db8:100:1::', 'reused');
  assert.throws(
    () => new SubscriberPrefixPool({ base: { prefix: v6('2001:db8::'), prefixLength: 48 }, prefixLength: 80 }),
    RangeError,
  );
  assert.throws(
    () => new SubscriberPrefixPool({ base: { prefix: v6('2001:db8::'), prefixLength: 16 }, prefixLength: 64 }),
    RangeError,
  );
});

test('examples/ha.yaml as core inputs: policy, IPv4 pool, embedded DHCP servers with 3GPP vendor options', () => {
  const c = example('ha.yaml');
  const p = haPolicyOf(c);
  assert.deepEqual(
    [p.ipv6Address.toString(), p.ipv4Address?.toString(), p.maxLifetimeSec, p.refreshAdviceSec, p.natRefreshTimeSec],
    ['2001:db8:1::1', '192.0.2.1', 3600, 3000, 110],
  );
  assert.deepEqual(
    [p.baEncapsulation, p.staticIpv4, p.forceUdpRequest, p.ipv4HomeAddresses],
    ['seed', 'authorized-only', 'accept', true],
  );
  assert.deepEqual(
    p.homePrefixes.map((h) => `${h.prefix}/${h.prefixLength}`),
    ['2001:db8:100::/40'],
  );
  assert.equal(ipv4PoolSize(ipv4RangesOf(c)), 254 + 90);
  const dhcp = haDhcpServiceConfigOf(c);
  assert.ok(dhcp.v6?.kind === 'embedded' && dhcp.v4?.kind === 'embedded');
  assert.deepEqual(dhcp.v6.server.serverDuid, {
    kind: 'en',
    enterpriseNumber: 32473,
    identifier: new TextEncoder().encode('dsmip-ha'),
  });
  assert.deepEqual(
    dhcp.v6.server.vendorOptions.map((v) => v.enterpriseNumber),
    [10415],
  );
  assert.equal(dhcp.v6.serverAddress.toString(), '2001:db8:1::1');
  assert.deepEqual(
    dhcp.v4.server.viVendorOptions.map((v) => v.enterpriseNumber),
    [10415],
  );
  assert.deepEqual(new TextDecoder().decode(dhcp.v4.server.vendorSpecific?.vendorClassIdentifier), 'dsmip-ue');
  // Without a configured DUID: DUID-EN 32473 over the HA's IPv6 address.
  const bare = haDhcpServiceConfigOf(example('ha.yaml', ['ha.dhcp.v6.serverDuid=']));
  assert.ok(bare.v6?.kind === 'embedded');
  assert.deepEqual(bare.v6.server.serverDuid, {
    kind: 'en',
    enterpriseNumber: 32473,
    identifier: v6('2001:db8:1::1').bytes,
  });
  assert.throws(
    () => haDhcpServiceConfigOf(example('ha.yaml', ['ha.dhcp.v6.serverDuid=0002 0000'])),
    (e: unknown) => e instanceof ConfigError && e.path === 'ha.dhcp.v6.serverDuid',
  );
});

test('examples/ha-relay.yaml as relay configurations; a DHCP section left out is off', () => {
  const dhcp = haDhcpServiceConfigOf(example('ha-relay.yaml'));
  assert.ok(dhcp.v6?.kind === 'relay' && dhcp.v4?.kind === 'relay');
  assert.deepEqual(
    [dhcp.v6.relay.linkAddress, dhcp.v6.relay.relayAddress, dhcp.v6.relay.serverAddresses[0]].map(String),
    ['2001:db8:100::1', '2001:db8:1::1', '2001:db8:ffff::547'],
  );
  assert.deepEqual(
    [dhcp.v4.relay.relayAddress.toString(), dhcp.v4.relay.maxHops, dhcp.v4.relay.relayAgentInformation],
    ['10.20.0.1', 4, true],
  );
  assert.equal(haPolicyOf(example('ha-relay.yaml')).baEncapsulation, 'rfc5555');
  const minimal = loadHaConfig({
    name: 'minimal.yaml',
    text: [
      'ha:',
      '  addresses: { ipv6: "2001:db8:1::1" }',
      '  ike: { identity: ha.example.net, certificate: c.pem, privateKey: k.pem }',
      '  aaa: { subscriberFile: s.json }',
      '  homePrefixPool: { base: "2001:db8:100::/48" }',
    ].join('\n'),
  });
  assert.deepEqual(haDhcpServiceConfigOf(minimal), { v6: undefined, v4: undefined });
  const p = haPolicyOf(minimal);
  assert.deepEqual([p.ipv4Address, p.ipv4HomeAddresses, ipv4RangesOf(minimal)], [undefined, false, []]);
});

test('IKE responder from the config: certificate chain and key files, bound NAT-T port, prefix lifetime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-ha-parts-'));
  try {
    const chain = join(dir, 'chain.pem');
    writeFileSync(
      chain,
      readFileSync(`${PKI}ha-ecdsa-chain.pem`, 'utf8') + readFileSync(`${PKI}intermediate-ecdsa.pem`, 'utf8'),
    );
    const set = [`ha.ike.certificate=${chain}`, `ha.ike.privateKey=${PKI}ha-ecdsa-chain.key`];
    const deps = {
      natTPort: 40500,
      store: new InMemorySubscriberStore([]),
      pool: { allocate: () => undefined, release() {} },
      random: (n: number) => new Uint8Array(n),
    };
    const r = responderConfigOf(example('ha.yaml', set), deps);
    assert.equal(r.credentials.certificates.length, 2, 'leaf then intermediate');
    assert.equal(r.credentials.key.type, 'ecdsa-p256');
    assert.deepEqual([r.natTPort, r.prefixLifetimeSec, r.cookies.threshold], [40500, 86400, 100]);
    assert.deepEqual(r.dns?.ipv4.map(String), ['192.0.2.53']);
    const missing = `${dir}/nothing.pem`;
    assert.throws(
      () => responderConfigOf(example('ha.yaml', [`ha.ike.certificate=${missing}`]), deps),
      (e: unknown) => e instanceof ConfigError && e.code === 'UNREADABLE' && e.path === 'ha.ike.certificate',
    );
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    assert.throws(
      () => responderConfigOf(example('ha.yaml', [...set.slice(0, 1), `ha.ike.privateKey=${dir}/junk.pem`]), deps),
      (e: unknown) => e instanceof ConfigError && e.code === 'INVALID' && e.path === 'ha.ike.privateKey',
    );
    assert.throws(
      () => certificateChainOf('nothing here'),
      (e: unknown) => e instanceof ConfigError && e.code === 'INVALID',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('binding table: live bindings and the IPv4 HoA link follow the core events', () => {
  const t = new BindingTable();
  const info = {
    homeAddress: HOA,
    careOf: v4('198.51.100.7'),
    tunnel: { kind: 'ipv4' as const, source: HA4, destination: v4('198.51.100.7') },
    lifetimeSec: 3600,
    ikeSaId: '1',
    keyManagementMobility: false,
    natDetected: false,
  };
  t.apply({ kind: 'binding-created', ...info });
  t.apply({ kind: 'ipv4-hoa-assigned', homeAddress: HOA, ipv4HomeAddress: v4('10.1.0.1'), dynamic: true });
  assert.deepEqual([t.size, t.ipv4Count, t.ownerOf(v4('10.1.0.1'))?.toString()], [1, 1, HOA.toString()]);
  assert.equal(t.list()[0]?.ipv4HomeAddress?.toString(), '10.1.0.1');
  t.apply({ kind: 'binding-updated', ...info, lifetimeSec: 1200 });
  assert.equal(t.list()[0]?.lifetimeSec, 1200);
  t.apply({ kind: 'ipv4-hoa-released', homeAddress: HOA, ipv4HomeAddress: v4('10.1.0.1'), reason: 'binding-removed' });
  t.apply({ kind: 'binding-removed', homeAddress: HOA, reason: 'deregistered' });
  assert.deepEqual([t.size, t.ipv4Count, t.ownerOf(v4('10.1.0.1'))], [0, 0, undefined]);
});

test('BA sender: UDP as framed; raw IP on the raw socket; without one back the way the BU came, else dropped', () => {
  const sent: [string, string, number, string][] = [];
  const rawSent: string[] = [];
  let rawOpen = false;
  const drops: string[] = [];
  const fallbacks: string[] = [];
  let closed = false;
  const socket = {
    send(payload: Uint8Array, to: { toString(): string }, port: number, o?: { source?: { toString(): string } }) {
      if (closed) throw new TransportError('CLOSED', 'closed');
      sent.push([`${payload.length}`, to.toString(), port, String(o?.source)]);
    },
  };
  const s = new BaSender({
    socket: () => socket as never,
    raw: (family, protocol, packet) => {
      if (!rawOpen) return false;
      rawSent.push(`${family}/${protocol}/${packet.length}`);
      return true;
    },
    onDrop: (r) => drops.push(r),
    onUdpFallback: (o) => fallbacks.push(`${o.source}:${o.sourcePort}`),
  });
  const coa = v4('198.51.100.7');
  const inner = buildIpv6Packet({ src: HA6, dst: HOA, nextHeader: IpProtocol.ESP, payload: new Uint8Array(24) });
  const p41 = encapsulateIpInIp({ source: HA4, destination: coa }, { inner });
  s.send({ kind: 'udp', source: HA4, sourcePort: 4191, destination: coa, destinationPort: 5000, payload: inner });
  s.send({ kind: 'ip', family: 4, protocol: 41, packet: p41 }); // no BU noted: nowhere to send it
  s.noteBindingUpdate(HOA.bytes, { family: 4, source: coa, destination: HA4, sourcePort: 4191, viaUdp4191: true });
  s.send({ kind: 'ip', family: 4, protocol: 41, packet: p41 });
  s.clearNotes();
  s.send({ kind: 'ip', family: 4, protocol: 41, packet: p41 });
  s.send({ kind: 'ip', family: 6, protocol: 50, packet: inner }); // RH2 framing: raw IPv6 only
  rawOpen = true;
  s.send({ kind: 'ip', family: 4, protocol: 41, packet: p41 }); // the seed's BA in plain IPv4 (§5.1.3.2)
  s.send({ kind: 'ip', family: 6, protocol: 50, packet: inner });
  rawOpen = false;
  closed = true;
  s.send({ kind: 'udp', source: HA4, sourcePort: 4191, destination: coa, destinationPort: 5000, payload: inner });
  assert.deepEqual(sent, [
    [String(inner.length), '198.51.100.7', 5000, '192.0.2.1'],
    [String(inner.length), '198.51.100.7', 4191, '192.0.2.1'],
  ]);
  assert.deepEqual(fallbacks, ['198.51.100.7:4191']);
  assert.deepEqual(rawSent, [`4/41/${p41.length}`, `6/50/${inner.length}`]);
  assert.deepEqual(drops, [
    'no-raw-socket-for-protocol-41',
    'no-raw-socket-for-protocol-41',
    'no-raw-socket-for-protocol-50',
    'socket-closed',
  ]);
});

test('attach failures are counted by cause', () => {
  const failed = (reason: string, notifyType?: number) =>
    attachFailureOf({ kind: 'ike-sa-failed', ikeSaId: 1, reason, ...(notifyType === undefined ? {} : { notifyType }) });
  assert.deepEqual(
    [
      failed('x', NotifyType.NO_PROPOSAL_CHOSEN),
      failed('x', NotifyType.AUTHENTICATION_FAILED),
      failed('retransmit-timeout'),
      failed('half-open-timeout'),
      failed('peer-error'),
    ],
    ['no-proposal', 'auth-failed', 'timeout', 'timeout', 'error'],
  );
});
