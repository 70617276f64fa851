/**
 * Issue 13 through a real Diameter relay, every node a real process: `dsmip ha` with `ha.aaa.mode: diameter` →
 * freeDiameter 1.2 relay (routes the DER by Destination-Realm, RFC 6733 §6.1) → `dsmip aaa` with its Diameter
 * listener over the subscriber file; a `dsmip ue` attaches with EAP-AKA, the HA's metrics count the success.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startDsmip } from '../../e2e/dsmip-process.ts';
import { ensureFreeDiameter, startRelay } from './relay.ts';

const PKI = new URL('../../../examples/demo-pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../../examples/subscribers.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-fd-aaa-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('dsmip ha → freeDiameter relay → dsmip aaa (Diameter): a dsmip ue attaches', async () => {
  ensureFreeDiameter();
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const [aaaPort, relayPort, radiusPort] = [await freePort(), await freePort(), await freePort()];
  const ike = 20000 + 2 * Math.floor(Math.random() * 5000);
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  const alias = ['--alias', `192.0.2.1=127.${x}.${y}.1`, '--alias', `192.0.2.100=127.${x}.${y}.2`];
  const aaa = startDsmip([
    'aaa',
    '--config',
    file(
      'aaa.yaml',
      `aaa:
  subscriberFile: "${join(dir, 'subscribers.json')}"
  radius: { listen: "127.0.0.1:${radiusPort}", clients: [{ address: 127.0.0.1/32, secret: unused }] }
  diameter: { listen: "127.0.0.1:${aaaPort}", originHost: aaa1.aaa.example, realm: aaa.example, applications: [eap, s6b] }
  metrics: { enabled: false }
  logging: { level: info, format: json }
`,
    ),
  ]);
  const relay = await startRelay({
    dir,
    identity: 'relay1.relay.example',
    realm: 'relay.example',
    port: relayPort,
    aaa: { identity: 'aaa1.aaa.example', port: aaaPort },
    allow: ['ha.epc.example'],
  });
  const started = [aaa];
  try {
    await aaa.waitFor('AAA server up', 30_000);
    await aaa.waitFor('Diameter peer open', 30_000); // the relay's CER
    const ha = startDsmip([
      'ha',
      '--config',
      file(
        'ha.yaml',
        `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ports: { ike: ${ike}, natT: ${ike + 1} }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa:
    mode: diameter
    diameter:
      servers: [{ host: 127.0.0.1, port: ${relayPort} }]
      originHost: ha.epc.example
      originRealm: epc.example
      destinationRealm: aaa.example
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { address: 127.0.0.1, port: 0 }
  logging: { level: info, format: json }
`,
      ),
      ...alias,
    ]);
    started.push(ha);
    const up = await ha.waitFor('home agent up', 30_000);
    await ha.waitFor('Diameter peer open', 30_000);
    const ue = startDsmip([
      'ue',
      '--config',
      file(
        'ue.yaml',
        `ue:
  identity:
    imsi: "001010000000001"
    k: 465b5ce8b199b49faa5f0a2ee238a6bc
    opc: cd63cb71954a9f4e48a5994e37a02baf
    mcc: "001"
    mnc: "01"
    sqnStateFile: "${join(dir, 'sqn.json')}"
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike:
    ports: { remote: ${ike}, remoteNatT: ${ike + 1} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }
  logging: { level: info, format: json }
`,
      ),
      ...alias,
    ]);
    started.push(ue);
    await ue.waitFor('attached', 30_000);
    const metrics = await (await fetch(`${String(up.metrics)}/metrics`)).text();
    assert.match(metrics, /dsmip_aaa_answers_total\{backend="diameter",result="success"\} 1/);
    ue.child.kill('SIGTERM');
    assert.equal(await ue.exit, 0);
  } finally {
    for (const p of started) p.child.kill('SIGTERM');
    await Promise.race([Promise.all(started.map((p) => p.exit)), new Promise((r) => setTimeout(r, 5_000))]);
    for (const p of started) p.child.kill('SIGKILL');
    await relay.stop();
  }
});
