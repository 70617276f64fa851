/**
 * Issue 13 end to end with real processes on loopback, no root: `dsmip ha` with `ha.aaa.mode` radius or diameter
 * relays the UEs' EAP to a `dsmip aaa` (RADIUS RFC 3579 / Diameter EAP RFC 4072 listener over the subscriber
 * file), and `dsmip ue` attaches. RADIUS: an RFC 4739 second round (EAP-MD5) whose user is in `dsmip aaa`'s users
 * succeeds, a wrong second-round secret fails the attach with an EAP-Failure (named in the UE's error; HA's log and
 * metrics); a first server that does not answer → failover to the second; no AAA at all → the attach fails within
 * the IKE budget and the HA keeps serving (its metrics say why). Ports random, files in a private temp dir, every process stopped.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type DsmipProcess, startDsmip } from './dsmip-process.ts';

const PKI = new URL('../../examples/demo-pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-ext-aaa-'));
after(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));

let fileNo = 0;
function file(name: string, text: string): string {
  const p = join(dir, `${fileNo++}-${name}`);
  writeFileSync(p, text);
  return p;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A fresh 127.x.y.0/24 per test: .1 carries the HA's 192.0.2.1, .2 the UE's 192.0.2.100. */
function aliases(): string[] {
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  return ['--alias', `192.0.2.1=127.${x}.${y}.1`, '--alias', `192.0.2.100=127.${x}.${y}.2`];
}

function aaaYaml(radiusPort: number, diameterPort: number): string {
  return `aaa:
  subscriberFile: "${join(dir, 'subscribers.json')}"
  secondAuth: { method: md5, users: [{ identity: alice@corporate.example, secret: "correct horse" }] }
  radius: { listen: "127.0.0.1:${radiusPort}", clients: [{ address: 127.0.0.0/8, secret: "radius secret" }] }
  diameter: { listen: "127.0.0.1:${diameterPort}", originHost: aaa.test.example, realm: test.example }
  metrics: { enabled: false }
  logging: { level: info, format: json }
`;
}

function haYaml(ike: number, aaa: string): string {
  return `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ports: { ike: ${ike}, natT: ${ike + 1} }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa:
${aaa}
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { address: 127.0.0.1, port: 0 }
  logging: { level: info, format: json }
`;
}

function ueYaml(ike: number, secondAuth = ''): string {
  return `ue:
  identity:
    imsi: "001010000000001"
    k: 465b5ce8b199b49faa5f0a2ee238a6bc
    opc: cd63cb71954a9f4e48a5994e37a02baf
    mcc: "001"
    mnc: "01"
    sqnStateFile: "${join(dir, `sqn-${fileNo}.json`)}"
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike:
    ports: { remote: ${ike}, remoteNatT: ${ike + 1} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
${secondAuth}
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }
  logging: { level: info, format: json }
`;
}

const SECOND = (secret: string) =>
  `    secondAuth: { method: md5, identity: alice@corporate.example, secret: "${secret}" }`;

/** Starts every process of one test; stops them all (SIGTERM, then SIGKILL) when it ends. */
async function lab(fn: (start: (args: string[]) => DsmipProcess) => Promise<void>): Promise<void> {
  const started: DsmipProcess[] = [];
  try {
    await fn((args) => {
      const p = startDsmip(args);
      started.push(p);
      return p;
    });
  } finally {
    for (const p of started) p.child.kill('SIGTERM');
    await Promise.race([Promise.all(started.map((p) => p.exit)), new Promise((r) => setTimeout(r, 5_000))]);
    for (const p of started) p.child.kill('SIGKILL');
  }
}

const ikePort = () => 20000 + 2 * Math.floor(Math.random() * 5000);

test('RADIUS: dsmip ha → dsmip aaa; an RFC 4739 MD5 second round attaches, a wrong secret fails clearly', async () => {
  await lab(async (start) => {
    const [radius, diameter, ike] = [await freePort(), await freePort(), ikePort()];
    const alias = aliases();
    const aaa = start(['aaa', '--config', file('aaa.yaml', aaaYaml(radius, diameter))]);
    await aaa.waitFor('AAA server up', 30_000);
    const radiusHa = `    mode: radius
    radius: { servers: [{ host: 127.0.0.1, port: ${radius}, secret: "radius secret" }], timeout: 1s, retries: 1 }`;
    const ha = start(['ha', '--config', file('ha.yaml', haYaml(ike, radiusHa)), ...alias]);
    const up = await ha.waitFor('home agent up', 30_000);
    const ue = start(['ue', '--config', file('ue.yaml', ueYaml(ike, SECOND('correct horse'))), ...alias]);
    const attached = await ue.waitFor('attached', 30_000);
    assert.ok(attached.ipv6HomeAddress);
    ue.child.kill('SIGTERM');
    assert.equal(await ue.exit, 0);

    const wrong = start(['ue', '--config', file('ue.yaml', ueYaml(ike, SECOND('wrong horse'))), ...alias]);
    const failed = await wrong.waitFor('UE failed', 30_000);
    assert.match(JSON.stringify(failed.err), /ike-authentication-failed: eap-failure/);
    assert.equal(await wrong.exit, 1);
    const relayLog = ha.lines.find((l) => l.msg === 'AAA round failed');
    assert.equal(relayLog?.reason, 'rejected');
    const metrics = await (await fetch(`${String(up.metrics)}/metrics`)).text();
    assert.match(metrics, /dsmip_aaa_failures_total\{backend="radius",reason="rejected"\} 1/);
    assert.match(metrics, /dsmip_aaa_requests_total\{backend="radius",round="2"\} [1-9]/);
    assert.match(metrics, /dsmip_aaa_client_peer_up\{backend="radius",peer="127.0.0.1:\d+"\} 1/);
  });
});

test('Diameter: dsmip ha (ha.aaa.mode diameter) → dsmip aaa Diameter listener; a dsmip ue attaches', async () => {
  await lab(async (start) => {
    const [radius, diameter, ike] = [await freePort(), await freePort(), ikePort()];
    const alias = aliases();
    const aaa = start(['aaa', '--config', file('aaa.yaml', aaaYaml(radius, diameter))]);
    await aaa.waitFor('AAA server up', 30_000);
    const diameterHa = `    mode: diameter
    diameter:
      servers: [{ host: 127.0.0.1, port: ${diameter} }]
      originHost: ha.test.example
      originRealm: test.example
      destinationRealm: test.example`;
    const ha = start(['ha', '--config', file('ha.yaml', haYaml(ike, diameterHa)), ...alias]);
    const up = await ha.waitFor('home agent up', 30_000);
    await ha.waitFor('Diameter peer open', 30_000);
    const ue = start(['ue', '--config', file('ue.yaml', ueYaml(ike)), ...alias]);
    await ue.waitFor('attached', 30_000);
    const metrics = await (await fetch(`${String(up.metrics)}/metrics`)).text();
    assert.match(metrics, /dsmip_aaa_answers_total\{backend="diameter",result="success"\} 1/);
    assert.match(metrics, /dsmip_aaa_client_peer_up\{backend="diameter",peer="127.0.0.1:\d+"\} 1/);
  });
});

test('RADIUS failover: a dead first server → the second answers; no AAA at all → the attach fails (EAP-Failure), the HA serves on', async () => {
  await lab(async (start) => {
    const [dead, radius, diameter, ike] = [await freePort(), await freePort(), await freePort(), ikePort()];
    const alias = aliases();
    const aaa = start(['aaa', '--config', file('aaa.yaml', aaaYaml(radius, diameter))]);
    await aaa.waitFor('AAA server up', 30_000);
    const servers = `[{ host: 127.0.0.1, port: ${dead}, secret: "radius secret" }, { host: 127.0.0.1, port: ${radius}, secret: "radius secret" }]`;
    const ha = start([
      'ha',
      '--config',
      file('ha.yaml', haYaml(ike, `    mode: radius\n    radius: { servers: ${servers}, timeout: 300ms, retries: 0 }`)),
      ...alias,
    ]);
    const up = await ha.waitFor('home agent up', 30_000);
    const ue = start(['ue', '--config', file('ue.yaml', ueYaml(ike)), ...alias]);
    await ue.waitFor('attached', 30_000);
    await ha.waitFor('RADIUS server not answering: failing over to the next one');
    let metrics = await (await fetch(`${String(up.metrics)}/metrics`)).text();
    assert.match(metrics, /dsmip_aaa_client_failovers_total\{backend="radius"\} [1-9]/);
    ue.child.kill('SIGTERM');
    assert.equal(await ue.exit, 0);

    // The AAA goes away: the next attach fails with AUTHENTICATION_FAILED, well inside the UE's IKE budget.
    aaa.child.kill('SIGTERM');
    assert.equal(await aaa.exit, 0);
    const started = Date.now();
    const lost = start(['ue', '--config', file('ue.yaml', ueYaml(ike)), ...alias]);
    const failed = await lost.waitFor('UE failed', 45_000);
    assert.match(JSON.stringify(failed.err), /ike-authentication-failed: eap-failure/);
    assert.ok(Date.now() - started < 45_000);
    metrics = await (await fetch(`${String(up.metrics)}/metrics`)).text();
    assert.match(metrics, /dsmip_aaa_failures_total\{backend="radius",reason="(timeout|no-server)"\} [1-9]/);
    assert.equal((await fetch(`${String(up.metrics)}/status`)).status, 200, 'the HA keeps serving');
  });
});
