// `dsmip ha` and `dsmip ue` as two processes on loopback (lab aliases, no root needed): the UE attaches, SIGTERM
// makes it deregister (a SIGHUP meanwhile does not end it), both exit 0. Config errors stop either program with
// exit 2 before anything starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startDsmip } from '../../test/e2e/dsmip-process.ts';

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;
const PKI = new URL('../../examples/demo-pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-nodes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A 127.x.y.0/24 of its own (UDP 4191 is fixed) and IKE ports above 1024 (no root needed).
const x = 1 + Math.floor(Math.random() * 250);
const y = 1 + Math.floor(Math.random() * 250);
const IKE = 20000 + 2 * Math.floor(Math.random() * 5000); // below the kernel's ephemeral range (32768+)
const ALIASES = ['--alias', `192.0.2.1=127.${x}.${y}.1`, '--alias', `192.0.2.100=127.${x}.${y}.2`];

const HA_YAML = `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ports: { ike: ${IKE}, natT: ${IKE + 1} }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { enabled: false }
  logging: { level: info, format: json }
`;

const UE_YAML = `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike:
    ports: { remote: ${IKE}, remoteNatT: ${IKE + 1} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }
  logging: { level: info, format: json }
`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// The same child-process harness the end-to-end tests use: JSON log lines parsed, waiting for a message by name.
const start = (args: string[]) => startDsmip(args);

test('dsmip ha + dsmip ue: attach, SIGTERM → deregistration, both exit 0', async () => {
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const ha = start(['ha', '--config', file('ha.yaml', HA_YAML), ...ALIASES]);
  const ue = start(['ue', '--config', file('ue.yaml', UE_YAML), ...ALIASES, '--set', 'ue.mobility.lifetime=30m']);
  try {
    await ha.waitFor('home agent up');
    const attached = await ue.waitFor('attached');
    assert.equal(attached.ipv4HomeAddress, '10.10.0.1');
    assert.match(String(attached.ipv6HomeAddress), /^2001:db8:100:/);
    const events = ue.lines.map((l) => l.event as { kind?: string; lifetimeSec?: number } | undefined);
    assert.equal(events.find((e) => e?.kind === 'registered')?.lifetimeSec, 1800, '--set applied');
    // A SIGHUP while the UE deregisters must not end it (SIGHUP's default action): the HA is held still meanwhile,
    // so the deregistration is surely in progress when the SIGHUP lands.
    ha.child.kill('SIGSTOP');
    ue.child.kill('SIGTERM');
    await ue.waitFor('deregistering');
    ue.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 200));
    ha.child.kill('SIGCONT');
    assert.equal(await ue.exit, 0);
    assert.ok(ue.lines.some((l) => l.msg === 'deregistered' && (l.event as { acknowledged?: boolean })?.acknowledged));
    await ha.waitFor('binding-removed');
    ha.child.kill('SIGTERM');
    assert.equal(await ha.exit, 0);
    assert.equal(ha.lines.at(-1)?.msg, 'stopping');
  } finally {
    ue.child.kill('SIGKILL');
    ha.child.kill('SIGKILL');
  }
});

test('dsmip ue on SIGHUP: a new access.ipv4.careOfAddress in the file → BU and IKE SA from it, then exit 0', async () => {
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const moved = ['--alias', `192.0.2.101=127.${x}.${y}.4`];
  const ha = start(['ha', '--config', file('ha-hup.yaml', HA_YAML), ...ALIASES, ...moved]);
  const ueFile = file('ue-hup.yaml', UE_YAML);
  // F = 1: the BAs come in UDP whatever this process may open raw (the lab aliases are UDP only).
  const ue = start(['ue', '--config', ueFile, ...ALIASES, ...moved, '--set', 'ue.mobility.forceUdp=true']);
  try {
    await ha.waitFor('home agent up');
    await ue.waitFor('attached');
    // An invalid edit is logged and changes nothing.
    writeFileSync(ueFile, UE_YAML.replace('careOfAddress: 192.0.2.100', 'careOfAddress: 192.0.2'));
    ue.child.kill('SIGHUP');
    const refused = await ue.waitFor('config reload failed: the running config stays');
    assert.match(String(refused.problem), /ue-hup\.yaml line 9: ue\.access\.ipv4\.careOfAddress/);
    writeFileSync(ueFile, UE_YAML.replace('careOfAddress: 192.0.2.100', 'careOfAddress: 192.0.2.101'));
    ue.child.kill('SIGHUP');
    const reloaded = await ue.waitFor('config re-read (SIGHUP)');
    assert.equal(reloaded.careOf, '192.0.2.101');
    const done = await ue.waitFor('re-registered from the new care-of address');
    const change = done.change as { from: string; to: string; ikeSaRenegotiated: boolean };
    assert.deepEqual([change.from, change.to, change.ikeSaRenegotiated], ['192.0.2.100', '192.0.2.101', true]);
    // The HA's binding now names the new care-of address.
    const updated = await ha.waitFor('binding-updated');
    assert.equal((updated.event as { careOf?: string }).careOf, '192.0.2.101');
    ue.child.kill('SIGTERM');
    assert.equal(await ue.exit, 0);
    assert.ok(ue.lines.some((l) => l.msg === 'deregistered' && (l.event as { acknowledged?: boolean })?.acknowledged));
    ha.child.kill('SIGTERM');
    assert.equal(await ha.exit, 0);
  } finally {
    ue.child.kill('SIGKILL');
    ha.child.kill('SIGKILL');
  }
});

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 15_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('config errors exit 2 before anything starts, naming the file, line and key path', () => {
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const bad = file('bad-ue.yaml', UE_YAML.replace('careOfAddress: 192.0.2.100', 'careOfAddress: 192.0.2'));
  const r = run(['ue', '--config', bad]);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err, /bad-ue\.yaml line 9: ue\.access\.ipv4\.careOfAddress: expected an IPv4 address/);
  const flag = run(['ue', '--config', file('ue2.yaml', UE_YAML), '--set', 'ue.mobility.lifetime=soon']);
  assert.equal(flag.code, 2);
  assert.match(flag.err, /--set ue\.mobility\.lifetime=soon.*ue\.mobility\.lifetime/);
  const missing = run(['ha', '--config', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.yaml: cannot read the file/);
  const alias = run(['ha', '--config', file('ha2.yaml', HA_YAML), '--alias', '192.0.2.1']);
  assert.equal(alias.code, 2);
  assert.match(alias.err, /--alias: 192\.0\.2\.1: give ADDRESS=LOOPBACK/);
  const v6 = file(
    'ue-v6.yaml',
    UE_YAML.replace(
      '{ family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }',
      '{ family: ipv6, ipv6: { careOfAddress: "2001:db8:2::100" } }',
    ),
  );
  // Lab aliases rule raw sockets out even as root (raw packets carry the kernel's addresses).
  const raw = run(['ue', '--config', v6, ...ALIASES]);
  assert.equal(raw.code, 4);
  assert.match(raw.err, /raw IPv6 sockets.*lab address aliases/);
  assert.equal(run(['ue']).code, 2, '--config is required');
});

test('host problems exit 2 before any socket is bound, naming the file, line and key path', () => {
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const otherKey = new URL('../../test/fixtures/pki/other-ha.key', import.meta.url).pathname;
  const wrongKey = file(
    'ha-key.yaml',
    HA_YAML.replace(`privateKey: "${PKI}ha-ecdsa.key"`, `privateKey: "${otherKey}"`),
  );
  const key = run(['ha', '--config', wrongKey, ...ALIASES]);
  assert.equal(key.code, 2);
  assert.match(key.err, /ha-key\.yaml line 4: ha\.ike\.privateKey: .*other-ha\.key is not the key of the certificate/);
  assert.equal(key.out, '', 'nothing started, nothing logged');
  const metrics = run([
    'ha',
    '--config',
    file('ha-m.yaml', HA_YAML),
    ...ALIASES,
    '--set',
    'ha.metrics.enabled=true',
    '--set',
    'ha.metrics.address=192.0.2.77',
  ]);
  assert.equal(metrics.code, 2);
  assert.match(
    metrics.err,
    /--set ha\.metrics\.address=192\.0\.2\.77: ha\.metrics\.address: 192\.0\.2\.77 is not assigned/,
  );
  const capture = run([
    'ue',
    '--config',
    file('ue-cap.yaml', `${UE_YAML}  capture: { pcap: "${join(dir, 'no-such-dir', 'ue.pcap')}" }\n`),
    ...ALIASES,
  ]);
  assert.equal(capture.code, 2);
  assert.match(capture.err, /ue-cap\.yaml line 11: ue\.capture\.pcap: cannot write the capture .*\(ENOENT\)/);
});
