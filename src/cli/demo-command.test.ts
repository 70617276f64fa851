// `dsmip demo` as people run it (`npm start`): the real entry point in a child process, on loopback sockets.
// `--no-namespace` keeps these runs on the loopback aliases (UDP only, F = 1) even as root; the root demo in its
// private network namespace is test/e2e/root-demo.test.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

async function dsmip(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
      timeout: 30_000,
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

/** Ladder lines that start a message: a time, then the lanes with an arrow. */
function messageLines(out: string): string[] {
  return out.split('\n').filter((l) => /^ {0,6}\d+\.\d {2}[|<*]/.test(l));
}

interface JsonEntry {
  tMs: number;
  from: string;
  to: string;
  protocol: string;
  summary: string;
  details?: string[];
  phase?: string;
}

interface JsonDemo {
  columns: string[];
  trace: JsonEntry[];
  summary: {
    ipv6HomeAddress: string;
    ipv4HomeAddress?: string;
    dnsServers: string[];
    vendorOptions: { source: string; enterpriseNumber: number; subOptions: { code: number; data: string }[] }[];
    phases: { name: string; startMs: number; endMs: number }[];
  };
  ikePorts: { ike: number; natT: number };
  deregistered: boolean;
}

/**
 * The messages of an attach and deregistration, in order (the parts each summary must contain). The two DHCP
 * answers may come in either order; they are checked on their own.
 */
const ATTACH_LADDER: readonly [from: string, to: string, text: RegExp][] = [
  ['UE', 'DNS', /query AAAA internet\.ha-apn\.mnc001\.mcc001\.pub\.3gppnetwork\.org/],
  ['DNS', 'UE', /response AAAA .*2001:db8:1::1/],
  ['UE', 'HA', /IKE_SA_INIT request/],
  ['HA', 'UE', /IKE_SA_INIT response/],
  // IKE_AUTH in the clear (the UE engine's message-payloads events): identities, EAP-AKA, AUTH, CP, SA, TS.
  [
    'UE',
    'HA',
    /^IKE_AUTH request #1 SK\{IDi\(0001010000000001@nai\.epc\.mnc001\.mcc001\.3gppnetwork\.org\) .*IDr\(internet\) .*CP\(CFG_REQUEST MIP6_HOME_PREFIX .*SA\(ESP, 2 proposals\) TSi\(::\/0\) TSr\(::\/0\)\}$/,
  ],
  [
    'HA',
    'UE',
    /^IKE_AUTH response #1 SK\{IDr\(internet\) CERT AUTH\(DIGITAL_SIGNATURE\) EAP\(Request\/AKA-Challenge id=\d+\)\}$/,
  ],
  ['UE', 'HA', /^IKE_AUTH request #2 SK\{EAP\(Response\/AKA-Challenge id=\d+\)\}$/],
  ['HA', 'UE', /^IKE_AUTH response #2 SK\{EAP\(Success id=\d+\)\}$/],
  ['UE', 'HA', /^IKE_AUTH request #3 SK\{AUTH\(SHARED_KEY_MIC\)\}$/],
  [
    'HA',
    'UE',
    /^IKE_AUTH response #3 SK\{AUTH\(SHARED_KEY_MIC\) CP\(CFG_REPLY MIP6_HOME_PREFIX=2001:db8:100:\w*::\/64 .*SA\(ESP AES_GCM_16-256 NO_ESN\) TSi\(2001:db8:100:\w*::\/64\) TSr\(::\/0\)\}$/,
  ],
  [
    'UE',
    'HA',
    /^CREATE_CHILD_SA request #4 SK\{N\(USE_TRANSPORT_MODE\) .*TSi\(2001:db8:100:[0-9a-f:]+ MH 5-6\) TSr\(2001:db8:1::1 MH 5-6\)\}$/,
  ],
  // K = 0: this UE re-runs IKEv2 from a new CoA instead of moving its endpoint (RFC 6275 §11.7.1).
  ['UE', 'HA', /^BU seq=\d+ H A R F lifetime=3600s HoA4=0\.0\.0\.0 CoA4=192\.0\.2\.100 \[in ESP spi=/],
  ['HA', 'UE', /^BA status=0 \(accepted\) .*IPv4Ack=0 10\.10\.0\.1 NATD F refresh=none \[in ESP/],
  ['UE', 'HA', /Information-request/],
  ['UE', 'HA', /DHCPINFORM/],
  ['UE', 'HA', /^BU seq=\d+ .*lifetime=0s/],
  ['HA', 'UE', /^BA status=0 .*lifetime=0s/],
  ['UE', 'HA', /^INFORMATIONAL request #5 SK\{D\(IKE\)\}$/],
];

function assertInOrder(trace: readonly JsonEntry[], expected: typeof ATTACH_LADDER): void {
  let at = 0;
  for (const [from, to, text] of expected) {
    const i = trace.findIndex((e, k) => k >= at && e.from === from && e.to === to && text.test(e.summary));
    assert.ok(i >= 0, `${from} → ${to} ${text} after entry ${at}:\n${trace.map((e) => e.summary).join('\n')}`);
    at = i + 1;
  }
}

test('dsmip demo: exit 0, one ladder line per message in UE | DNS | HA, the HoAs, DNS servers, vendor options', async () => {
  const r = await dsmip(['demo', '--no-namespace']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(r.out, /^ {4}t\/ms {2}UE {8}DNS {7}HA$/m);
  for (const l of lines) assert.ok(l.length <= 120, `wider than 120 columns: ${l}`);
  const messages = messageLines(r.out);
  // 4 DNS, 10 IKE (SA_INIT, 3 IKE_AUTH rounds, CREATE_CHILD_SA), BU/BA, 2 DHCP exchanges, BU/BA, IKE delete.
  assert.equal(messages.length, 24, r.out);
  const bu = messages.filter((l) => /\bBU seq=/.test(l));
  assert.equal(bu.length, 2);
  // The BU's arrow runs from the UE lane past DNS to the HA lane.
  for (const l of bu) assert.match(l, /\d {2}\|-{9}\+-{8}>\| {2}MH/);
  assert.match(r.out, /^ {2}IPv6 home address {2}2001:db8:100:[0-9a-f:]+$/m);
  assert.match(r.out, /^ {2}IPv4 home address {2}10\.10\.0\.1$/m);
  assert.match(r.out, /^ {2}DNS servers {8}2001:db8:53::53, 192\.0\.2\.53$/m);
  assert.match(r.out, /Vendor options {5}DHCPv6 option 17 3GPP \(10415\): 1=c0a80101/);
  assert.match(r.out, /DHCPv4 option 125 3GPP \(10415\): 1=c0a80101/);
  assert.match(r.out, /F = 1: a BA in plain IPv4 \(protocol 41/);
  for (const phase of ['discovery', 'ike-sa-init', 'eap-aka', 'child-sa', 'binding', 'dhcp', 'total']) {
    assert.match(r.out, new RegExp(`^ {2}(?:Time per phase| {14}) {5}${phase} +\\d+\\.\\d ms`, 'm'), phase);
  }
});

test('dsmip demo --json --pcap --keylog --html: one JSON document; tshark decrypts IKE_AUTH and the ESP BU', async () => {
  const pcap = join(dir, 'demo.pcap');
  const keys = join(dir, 'keys');
  const html = join(dir, 'demo.html');
  const r = await dsmip(['demo', '--no-namespace', '--json', '--pcap', pcap, '--keylog', keys, '--html', html]);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as JsonDemo;
  assert.deepEqual(doc.columns, ['UE', 'DNS', 'HA']);
  assertInOrder(doc.trace, ATTACH_LADDER);
  // The DNS leg shows the lab addresses (the resolver uses the aliases too), not loopback.
  const query = doc.trace.find((e) => e.from === 'UE' && e.to === 'DNS');
  assert.match(query?.details?.[0] ?? '', /^UDP 192\.0\.2\.100:\d+ → 203\.0\.113\.53:\d+$/);
  const dereg = doc.trace.findIndex((e) => /^BU .*lifetime=0s/.test(e.summary));
  for (const answer of [/^Reply .*VENDOR\(3GPP/, /^DHCPACK .*V-I\(3GPP/]) {
    const i = doc.trace.findIndex((e) => e.from === 'HA' && e.to === 'UE' && answer.test(e.summary));
    assert.ok(i >= 0 && i < dereg, `${answer} before the deregistration`);
  }
  assert.equal(doc.summary.ipv4HomeAddress, '10.10.0.1');
  assert.deepEqual(doc.summary.dnsServers, ['2001:db8:53::53', '192.0.2.53']);
  assert.deepEqual(
    doc.summary.vendorOptions.map((v) => [v.source, v.enterpriseNumber]),
    [
      ['DHCPv6 option 17', 10415],
      ['DHCPv4 option 125', 10415],
    ],
  );
  assert.deepEqual(
    doc.summary.phases.map((p) => p.name),
    ['discovery', 'ike-sa-init', 'eap-aka', 'child-sa', 'binding', 'dhcp'],
  );
  assert.equal(doc.deregistered, true);

  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!DOCTYPE html>/);
  assert.match(page, /<svg/);
  assert.match(page, /BU seq=\d+ H A R F lifetime=3600s/);
  assert.match(page, /10\.10\.0\.1/);

  // IKE may be on ports the kernel picked (no root): tell tshark where it is.
  const decodeAs = ['-d', 'udp.port==4191,ip'];
  if (doc.ikePorts.ike !== 500) decodeAs.push('-d', `udp.port==${doc.ikePorts.ike},isakmp`);
  if (doc.ikePorts.natT !== 4500) decodeAs.push('-d', `udp.port==${doc.ikePorts.natT},udpencap`);
  const fields = ['frame.protocols', 'eap.type', 'eap.code', 'mip6.mhtype', 'mip6.ba.status', '_ws.malformed'];
  const out = await promisify(execFile)(
    'tshark',
    ['-n', '-r', pcap, ...decodeAs, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: keys } },
  );
  const rows = out.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.equal(rows.length, doc.trace.length, 'one packet per ladder entry');
  // tshark leaves trailing empty fields out; a malformed packet also names _ws.malformed in frame.protocols.
  for (const row of rows) assert.ok(!row.join(' ').includes('malformed') && !row[5], `malformed: ${row.join(' ')}`);
  // EAP-AKA (type 23) request and response inside the decrypted IKE_AUTH, then EAP-Success (code 3).
  assert.deepEqual(
    rows.filter((r) => r[1] || r[2]).map((r) => [r[1], r[2]]),
    [
      ['23', '1'],
      ['23', '2'],
      ['', '3'],
    ],
  );
  // BU (5), BA (6) with status 0, twice: decrypted from ESP inside UDP 4191.
  const mh = rows.filter((r) => r[3]);
  assert.deepEqual(
    mh.map((r) => [r[3], r[4] ?? '']),
    [
      ['5', ''],
      ['6', '0'],
      ['5', ''],
      ['6', '0'],
    ],
  );
  for (const r of mh) assert.match(r[0]!, /^raw:ip:udp:ip:ipv6:esp:mipv6$/);
  assert.equal(rows.filter((r) => /udp:ip:ipv6:udp:dhcpv6$/.test(r[0]!)).length, 2);
  assert.equal(rows.filter((r) => /udp:ip:udp:dhcp$/.test(r[0]!)).length, 2);
});

test('dsmip demo --nat: NAT column, rewritten source port, NAT detected by IKE and in the BA', async () => {
  const r = await dsmip(['demo', '--no-namespace', '--nat']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ {4}t\/ms {2}UE {8}NAT {7}DNS {7}HA$/m);
  assert.match(r.out, /NAT source 10\.0\.0\.2:4191 → 198\.51\.100\.1:\d+/);
  assert.match(r.out, /NATD F refresh=110s/);
  assert.match(r.out, /^ {2}NAT {16}NAT detected: IKEv2 NAT-D hashes differ; BA NAT Detection F=1/m);
  assert.match(r.out, /^ {2}Care-of address {4}10\.0\.0\.2$/m);
});

test('dsmip demo --at-home: no BU and no DHCP through a tunnel; the home address is still formed', async () => {
  const r = await dsmip(['demo', '--no-namespace', '--at-home', '--json']);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as JsonDemo;
  assert.equal(doc.trace.filter((e) => e.protocol === 'MH' || e.protocol.startsWith('DHCP')).length, 0);
  assert.ok(doc.trace.some((e) => /IKE_AUTH request/.test(e.summary)));
  assert.ok(doc.trace.some((e) => /INFORMATIONAL request/.test(e.summary)));
  assert.match(doc.summary.ipv6HomeAddress, /^2001:db8:100:/);
  assert.equal(doc.summary.ipv4HomeAddress, undefined);
});

test('dsmip demo --access ipv6 says raw sockets are needed and exits 4; bad usage exits 2', async () => {
  const v6 = await dsmip(['demo', '--no-namespace', '--access', 'ipv6']);
  assert.equal(v6.code, 4);
  assert.equal(v6.out, '');
  assert.match(v6.err, /IPv6 access needs raw IPv6 sockets.*--access ipv4/);
  assert.equal((await dsmip(['demo', '--access', 'ipv5'])).code, 2);
  const natV6 = await dsmip(['demo', '--access', 'ipv6', '--nat']);
  assert.equal(natV6.code, 2);
  assert.match(natV6.err, /--nat is an IPv4 NAT/);
  assert.equal((await dsmip(['demo', '--bogus'])).code, 2);
  const help = await dsmip(['demo', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Exit codes: 0 attached and deregistered, 1 the attach failed, 2 usage error/);
});
