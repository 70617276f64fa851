/**
 * A full disk under the observability outputs must not take a node down (issue 16). `dsmip ha` and `dsmip ue` run
 * as real processes on loopback, each in a private mount namespace (`unshare -m`) with a 64 KiB tmpfs that holds its
 * capture, key log (and the UE's USIM SQN state) and is nearly full: the pcap header and the key log's preferences
 * fit, the traffic of an attach does not. Both must keep serving: the UE attaches, the HA reports each failed output
 * once in its log and in `/metrics`, the capture left on the tmpfs holds whole records, and both exit 0 on SIGTERM.
 * Before the fix, the first ENOSPC (the capture's flush timer, the key log in IKE event delivery) was uncaught.
 * Needs root (mount namespaces and tmpfs).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readPcap } from '../../src/obs/pcap.ts';
import { startDsmip } from './dsmip-process.ts';

const PKI = new URL('../../examples/demo-pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-disk-full-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const x = 1 + Math.floor(Math.random() * 250);
const y = 1 + Math.floor(Math.random() * 250);
const IKE = 20000 + 2 * Math.floor(Math.random() * 5000);
const ALIASES = ['--alias', `192.0.2.1=127.${x}.${y}.1`, '--alias', `192.0.2.100=127.${x}.${y}.2`];

/**
 * Runs the program with `mountPoint` replaced, in its own mount namespace, by a 64 KiB tmpfs holding a 56 KiB file:
 * two 4 KiB pages stay free (tmpfs allocates whole pages), one for the pcap header and one for `preferences`.
 */
function fullTmpfs(mountPoint: string): string[] {
  const script =
    'mount -t tmpfs -o size=64k,mode=0700 dsmip-full "$0" && head -c 57344 /dev/zero > "$0/filler" && exec "$@"';
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, mountPoint];
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('a full disk under the capture, key log and SQN file: both nodes keep serving and report it', async () => {
  assert.equal(process.getuid?.(), 0, 'mount namespaces and tmpfs need root');
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const haDisk = join(dir, 'ha-disk');
  const ueDisk = join(dir, 'ue-disk');
  mkdirSync(haDisk);
  mkdirSync(ueDisk);
  const haYaml = file(
    'ha.yaml',
    `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ports: { ike: ${IKE}, natT: ${IKE + 1} }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { address: 127.0.0.1, port: 0 }
  logging: { level: info, format: json }
  capture: { pcap: "${haDisk}/ha.pcap", keylogDir: "${haDisk}/keys" }
`,
  );
  const ueYaml = file(
    'ue.yaml',
    `ue:
  identity:
    imsi: "001010000000001"
    k: 465b5ce8b199b49faa5f0a2ee238a6bc
    opc: cd63cb71954a9f4e48a5994e37a02baf
    mcc: "001"
    mnc: "01"
    sqnStateFile: "${ueDisk}/sqn.json"
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike:
    ports: { remote: ${IKE}, remoteNatT: ${IKE + 1} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }
  logging: { level: info, format: json }
  capture: { pcap: "${ueDisk}/ue.pcap", keylogDir: "${ueDisk}/keys" }
`,
  );
  const ha = startDsmip(['ha', '--config', haYaml, ...ALIASES], undefined, fullTmpfs(haDisk));
  const ue = startDsmip(['ue', '--config', ueYaml, ...ALIASES], undefined, fullTmpfs(ueDisk));
  try {
    const up = await ha.waitFor('home agent up', 60_000);
    const attached = await ue.waitFor('attached', 60_000);
    assert.equal(attached.ipv4HomeAddress, '10.10.0.1');
    // The HA's key log failed in IKE event delivery; its capture on the flush timer (at most 1 s later).
    const keylogStopped = await ha.waitFor(
      'keylog stopped: write failed (the node keeps running; retried later)',
      30_000,
    );
    assert.equal((keylogStopped.err as { code?: string }).code, 'ENOSPC');
    await ha.waitFor('capture stopped: write failed (the node keeps running; retried later)', 30_000);
    await ue.waitFor('keylog stopped: write failed (the node keeps running; retried later)');
    await ue.waitFor('USIM SQN not saved');
    const metrics = await (await fetch(`${String(up.metrics)}/metrics`)).text();
    assert.match(metrics, /dsmip_output_write_failures_total\{output="capture"\} [1-9]/);
    assert.match(metrics, /dsmip_output_write_failures_total\{output="keylog"\} [1-9]/);
    assert.match(metrics, /dsmip_output_dropped_total\{output="keylog"\} [1-9]/);
    assert.match(metrics, /dsmip_output_suspended\{output="capture"\} 1/);
    assert.equal(await (await fetch(`${String(up.metrics)}/status`)).status, 200, 'still serving');
    const stops = ha.lines.filter((l) =>
      String(l.msg).endsWith('stopped: write failed (the node keeps running; retried later)'),
    );
    assert.equal(stops.length, 2, 'each output reported once');
    // The tmpfs is the HA's own: read through its root. The capture holds whole records only (how many depends on
    // what was buffered at the failed flush): its length is the header and its records, nothing half-written.
    const pcap = readFileSync(`/proc/${ha.child.pid}/root${haDisk}/ha.pcap`);
    const { records } = readPcap(pcap);
    assert.equal(pcap.length, 24 + records.reduce((n, r) => n + 16 + r.data.length, 0));
    // The UE's tmpfs: no half-written SQN state file left behind.
    assert.deepEqual(readdirSync(`/proc/${ue.child.pid}/root${ueDisk}`).sort(), ['filler', 'keys', 'ue.pcap']);
    ue.child.kill('SIGTERM');
    assert.equal(await ue.exit, 0);
    ha.child.kill('SIGTERM');
    assert.equal(await ha.exit, 0);
  } finally {
    ue.child.kill('SIGKILL');
    ha.child.kill('SIGKILL');
  }
});
