// The UE node's pieces without sockets: the USIM SQN file, the config file turned into core inputs (NAI, HA-APN,
// IKE initiator, mobile node policy), the F = 1 decision, the phase clock, the steps that wait on events, the
// DHCP client identity, and discovery falling back to the configured HAs.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadUeConfig, type UeConfig } from '../../config/load.ts';
import { initialUsimSqnState, SQN_ARRAY_SIZE } from '../../crypto/index.ts';
import { HA4, HA6, HOA, HOME_PREFIX, v4 } from '../../mip/test-fixtures.ts';
import { ConfigError } from '../../util/errors.ts';
import { fromHex } from '../../util/hex.ts';
import { Listeners } from '../net/listeners.ts';
import { probeRawSockets } from '../net/raw-sockets.ts';
import { PhaseClock } from './phase-clock.ts';
import { haApnOf, initiatorConfigOf, mobileNodeConfigOf, naiOf, refreshFractionOf } from './ue-config.ts';
import { tunnelClientIdentity } from './ue-dhcp.ts';
import { discoverHomeAgents } from './ue-discovery.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { HomeAgentFailure } from './ue-ike-attach.ts';
import { awaitDhcp, awaitRegistration, forceUdpReason } from './ue-steps.ts';
import { UeStoppedError } from './ue-types.ts';
import { loadUsimSqnFile, parseUsimSqnFile, saveUsimSqnFile, usimStateFromSqn } from './usim-sqn-file.ts';

const EXAMPLES = new URL('../../../examples/', import.meta.url).pathname;
const CA = new URL('../../../test/fixtures/pki/ca-ecdsa.pem', import.meta.url).pathname;

function example(name: string, set: string[] = []): UeConfig {
  return loadUeConfig({ file: join(EXAMPLES, name), set: [`ue.ike.caCertificate=${CA}`, ...set] });
}

test('USIM SQN: state from the configured SQN, the file round trip, a missing file, a malformed one', () => {
  assert.deepEqual(usimStateFromSqn(fromHex('000000000000')), initialUsimSqnState());
  const s = usimStateFromSqn(fromHex('ff9bb4d0b607')); // TS 35.208 set 1 SQN: SEQ ‖ IND (IND = low 5 bits)
  assert.equal(s.seqMs[0x07], Math.floor(0xff9bb4d0b607 / 32));
  assert.equal(s.seqMs.filter((x) => x !== 0).length, 1);
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-usim-'));
  try {
    const file = join(dir, 'usim.json');
    assert.equal(loadUsimSqnFile(file, s), s, 'no file yet: the fallback');
    saveUsimSqnFile(file, s);
    assert.deepEqual(loadUsimSqnFile(file, initialUsimSqnState()), s);
    writeFileSync(file, '{"seqMs": [1, 2]}');
    assert.throws(
      () => loadUsimSqnFile(file, s),
      (e: unknown) => e instanceof ConfigError && e.code === 'INVALID',
    );
    assert.throws(
      () => parseUsimSqnFile('nope', 'f'),
      (e: unknown) => e instanceof ConfigError && e.path === 'f',
    );
    assert.throws(
      () => parseUsimSqnFile(JSON.stringify({ seqMs: new Array(SQN_ARRAY_SIZE).fill(-1) }), 'f'),
      ConfigError,
    );
    assert.throws(
      () => loadUsimSqnFile(dir, s),
      (e: unknown) => e instanceof ConfigError && e.code === 'UNREADABLE',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('examples/ue.yaml: root NAI, HA-APN, refresh point, and the IKE initiator it configures', () => {
  const c = example('ue.yaml');
  assert.equal(naiOf(c), '0001010000000001@nai.epc.mnc001.mcc001.3gppnetwork.org');
  assert.equal(haApnOf(c), 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org');
  assert.equal(refreshFractionOf(c), 0.8);
  assert.equal(refreshFractionOf(example('ue-ipv6.yaml')), 1 - 300 / 7200);
  assert.equal(haApnOf(example('ue-ipv6.yaml')), 'ims.corporate.ha-apn.mnc001.mcc001.pub.3gppnetwork.org');
  const local = { address: v4('192.168.1.20'), ikePort: 40000, natTPort: 40001 };
  const inputs = {
    local,
    remote: HA4,
    homeAgent: HA6,
    usimSqnState: initialUsimSqnState(),
    onUsimSqnUpdated: () => {},
    random: (n: number) => new Uint8Array(n),
    messageTrace: false,
  };
  const i = initiatorConfigOf(c, inputs);
  // EAP-AKA RES/MAC and AUTH reach event listeners only when a message trace or a debug log asks for them.
  assert.equal(i.messageTrace, false);
  assert.equal(initiatorConfigOf(c, { ...inputs, messageTrace: true }).messageTrace, true);
  assert.deepEqual(
    [i.path.localAddr.toString(), i.path.localPort, i.path.remoteAddr.toString(), i.path.remotePort, i.natTPorts],
    ['192.168.1.20', 40000, '192.0.2.1', 500, { local: 40001, remote: 4500 }],
  );
  assert.deepEqual(i.configRequest, { requestIpv6Dns: true, requestIpv4Dns: true, requestIpv6Address: false });
  assert.equal(i.homeAgentAddress?.toString(), HA6.toString());
  assert.equal(i.auth.peerIdentity, 'ha.example.net');
  assert.equal(new TextDecoder().decode(i.auth.idr?.data), 'internet', 'IDr = APN (TS 24.303 §5.1.2.2)');
  assert.deepEqual([i.timing?.retransmitTimeoutMs, i.timing?.dpdIntervalMs], [1000, 30_000]);
  assert.throws(
    () => initiatorConfigOf(example('ue.yaml', ['ue.ike.caCertificate=/nonexistent']), inputs),
    (e: unknown) => e instanceof ConfigError && e.code === 'UNREADABLE',
  );
});

test('mobile node config: HA pair, HoA, lifetime, F and the bound port Z', () => {
  const m = mobileNodeConfigOf(example('ue.yaml'), {
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    homePrefix: HOME_PREFIX,
    homeAddress: HOA,
    forceUdp: true,
    udpSourcePort: 41191,
    initialSequence: 7,
  });
  assert.deepEqual(
    [m.homeAgents.length, m.wantIpv4HomeAddress, m.initialSequence, m.policy.requestedLifetimeSec],
    [1, true, 7, 3600],
  );
  assert.deepEqual([m.policy.forceUdp, m.policy.udpSourcePort, m.policy.refreshFraction], [true, 41191, 0.8]);
  const six = mobileNodeConfigOf(example('ue-ipv6.yaml'), {
    ...m,
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    forceUdp: false,
    udpSourcePort: 4191,
  });
  assert.equal(six.staticIpv4HomeAddress?.toString(), '10.10.0.9');
});

test('F = 1 when configured or when protocol 41 cannot be received; the reason says which', () => {
  const c = example('ue.yaml');
  assert.match(forceUdpReason(c, probeRawSockets(false)) ?? '', /protocol 41.*root or CAP_NET_RAW.*F = 1/);
  const noAddon = probeRawSockets(true, { available: false, reason: 'the native addon is not built' });
  assert.match(forceUdpReason(c, noAddon) ?? '', /protocol 41.*the native addon is not built.*F = 1/);
  assert.equal(
    forceUdpReason(example('ue.yaml', ['ue.mobility.forceUdp=true']), probeRawSockets(false)),
    'configured (ue.mobility.forceUdp)',
  );
  assert.equal(forceUdpReason(c, probeRawSockets(true, { available: true })), undefined);
});

test('phase clock: each phase ends where the next starts', () => {
  let t = 100;
  const clock = new PhaseClock(() => t);
  clock.start('discovery');
  t = 130;
  clock.start('ike-sa-init');
  t = 180;
  clock.finish();
  clock.finish();
  assert.deepEqual(clock.phases, [
    { phase: 'discovery', startMs: 100, endMs: 130, durationMs: 30 },
    { phase: 'ike-sa-init', startMs: 130, endMs: 180, durationMs: 50 },
  ]);
});

test('registration outcome: registered, at home, BA 129..133 → next HA, other failures end the attach', async () => {
  const ev = new Listeners<UeNodeEvent>();
  const mobility = (event: Extract<UeNodeEvent, { kind: 'mobility' }>['event']) => () =>
    ev.emit({ kind: 'mobility', event });
  const registered = await awaitRegistration(
    ev,
    mobility({
      kind: 'registered',
      homeAgent: HA6,
      careOf: v4('192.0.2.100'),
      lifetimeSec: 3600,
      ipv4HomeAddress: v4('10.10.0.1'),
      tunnel: { kind: 'ipv4', source: v4('192.0.2.100'), destination: HA4 },
      refresh: false,
      prefixDiscoveryNeeded: false,
      keyManagementMobility: false,
    }),
    1000,
  );
  assert.equal(registered.ipv4HomeAddress?.toString(), '10.10.0.1');
  assert.deepEqual(await awaitRegistration(ev, mobility({ kind: 'at-home', deregistered: false }), 1000), {
    atHome: true,
    ipv4HomeAddress: undefined,
  });
  const failed = (status: number | undefined, final: boolean) =>
    mobility({ kind: 'registration-failed', homeAgent: HA6, status, reason: 'rejected', final });
  await assert.rejects(
    awaitRegistration(ev, failed(129, true), 1000),
    (e: unknown) => e instanceof HomeAgentFailure && e.failure.kind === 'binding-rejected',
  );
  await assert.rejects(
    awaitRegistration(ev, failed(136, true), 1000),
    (e: unknown) => !(e instanceof HomeAgentFailure),
  );
  await assert.rejects(awaitRegistration(ev, failed(128, false), 20), /no Binding Acknowledgement within 20 ms/);
});

test('DHCP step: waits for every client it started, a failure or the time limit ends a family', async () => {
  const ev = new Listeners<UeNodeEvent>();
  const v6 = { dnsServers: [] } as unknown as Extract<UeNodeEvent, { kind: 'dhcpv6-parameters' }>['parameters'];
  const got = await awaitDhcp(
    ev,
    () => {
      ev.emit({ kind: 'drop', layer: 'x', reason: 'y' }); // unrelated events do not end the wait
      setTimeout(() => ev.emit({ kind: 'dhcpv6-parameters', parameters: v6 }), 5);
      setTimeout(() => ev.emit({ kind: 'dhcp-failed', family: 'ipv4' }), 10);
      return { v6: true, v4: true };
    },
    5000,
  );
  assert.deepEqual(got, { v6 });
  assert.deepEqual(await awaitDhcp(ev, () => ({ v6: false, v4: false }), 5000), {});
  const started = Date.now();
  assert.deepEqual(await awaitDhcp(ev, () => ({ v6: true, v4: false }), 30), {});
  assert.ok(Date.now() - started >= 25);
  // stop(): the wait ends at once, its timer with it.
  const stop = new AbortController();
  const waiting = awaitDhcp(ev, () => ({ v6: true, v4: false }), 60_000, stop.signal);
  stop.abort();
  await assert.rejects(waiting, UeStoppedError);
  await assert.rejects(
    awaitDhcp(ev, () => ({ v6: true, v4: false }), 60_000, stop.signal),
    UeStoppedError,
  );
});

test('tunnel DHCP client identity: stable per subscriber, keyed with K (not a hash of the IMSI alone), a local MAC', () => {
  const k = fromHex('465b5ce8b199b49faa5f0a2ee238a6bc');
  const a = tunnelClientIdentity({ imsi: '001010000000001', k });
  assert.deepEqual(a, tunnelClientIdentity({ imsi: '001010000000001', k }));
  assert.notDeepEqual(a.mac, tunnelClientIdentity({ imsi: '001010000000002', k }).mac);
  // Whoever lacks K cannot find the IMSI by trying IMSIs: another key gives another identity for the same IMSI.
  const otherK = tunnelClientIdentity({ imsi: '001010000000001', k: new Uint8Array(16) });
  assert.notDeepEqual(a.duid, otherK.duid);
  assert.notDeepEqual(a.mac, otherK.mac);
  assert.ok(a.duid.kind === 'en' && a.duid.enterpriseNumber === 32473 && a.duid.identifier.length === 16);
  assert.equal(a.mac.length, 6);
  assert.equal(a.mac[0]! & 0x03, 0x02, 'U/L = local, I/G = unicast');
});

function discoveryConfig(discovery: string): UeConfig {
  return loadUeConfig({
    name: 'ue.yaml',
    text: [
      'ue:',
      '  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }',
      '  apn: internet',
      `  discovery: ${discovery}`,
      `  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }`,
      '  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }',
    ].join('\n'),
  });
}

test('discovery: only configured HAs → those, no DNS; a silent DNS server → the configured HAs after the limit', async () => {
  const random = (n: number) => new Uint8Array(n);
  const seen: string[] = [];
  const only = await discoverHomeAgents(
    discoveryConfig('{ static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }'),
    random,
    (e) => seen.push(e.kind),
    1000,
  );
  assert.deepEqual(
    only.homeAgents.map((h) => [h.method, h.ipv6?.toString(), h.ipv4?.toString()]),
    [['configured', '2001:db8:1::1', '192.0.2.1']],
  );
  assert.equal(seen.length, 0, 'no discovery procedure ran');
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  try {
    const port = silent.address().port;
    const c = discoveryConfig(
      `{ dns: { servers: ["127.0.0.1:${port}"] }, static: [{ ipv6: "2001:db8:1::2", ipv4: 192.0.2.2 }] }`,
    );
    const r = await discoverHomeAgents(c, random, (e) => seen.push(e.kind), 200);
    assert.deepEqual(
      r.homeAgents.map((h) => h.ipv4?.toString()),
      ['192.0.2.2'],
    );
    assert.deepEqual(seen, ['procedure-started']);
  } finally {
    silent.close();
  }
});
