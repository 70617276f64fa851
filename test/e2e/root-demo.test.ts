/**
 * `dsmip demo` as root (CI runs as root): it runs itself again in a private network namespace with the lab's real
 * addresses on `lo`, so raw sockets work.
 *  - default (IPv4 access, no NAT): F = 0, the BA in plain IPv4 protocol 41 with no NAT Detection option (TS 24.303
 *    §5.1.3.2), DHCP through IPv6-in-IPv4 / IPv4-in-IPv4 (RFC 5555 §4.4.3); `dsmip decode --keylog` decrypts the BA.
 *  - `--access ipv6`: the BU with the Home Address option and the BA with a type 2 routing header on the ladder and
 *    in the capture (RFC 6275 §6.3–§6.4), DHCP through IPv6-in-IPv6 / IPv4-in-IPv6; tshark decrypts both with the
 *    key log, nothing malformed.
 *  - `--nat` in the namespace: NAT detected, the BA in UDP with F set (RFC 5555 §4.2).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-root-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

async function dsmip(args: string[]): Promise<Run> {
  try {
    const r = await promisify(execFile)(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}

interface JsonDemo {
  network: string;
  framings: string[];
  trace: { from: string; to: string; protocol: string; summary: string; details?: string[] }[];
  summary: { careOfAddress: string; nat: string; ipv4HomeAddress?: string; notes: string[] };
  attach: { forceUdpReason?: string; natDetection?: unknown; dhcpv6?: unknown; dhcpv4?: unknown };
  deregistered: boolean;
}

function parse(r: Run): JsonDemo {
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as JsonDemo;
}

/** The MH lines (BU/BA in the clear) of the ladder, as `from→to summary`. */
function mobility(doc: JsonDemo): string[] {
  return doc.trace.filter((e) => e.protocol === 'MH').map((e) => `${e.from}→${e.to} ${e.summary}`);
}

test('root demo, IPv4 access: F = 0, BA in plain IPv4 protocol 41, DHCP in IP-in-IPv4; decode --keylog opens it', async () => {
  const pcap = join(dir, 'v4.pcap');
  const keys = join(dir, 'keys4');
  const doc = parse(await dsmip(['demo', '--json', '--pcap', pcap, '--keylog', keys]));
  assert.equal(doc.network, 'namespace');
  assert.deepEqual(doc.framings, ['BA in IPv4 protocol 41', 'IPv6-in-IPv4', 'IPv4-in-IPv4']);
  assert.equal(doc.attach.forceUdpReason, undefined);
  assert.equal(doc.attach.natDetection, undefined, 'the seed HA sends no NAT Detection option without NAT');
  assert.ok(doc.attach.dhcpv6 && doc.attach.dhcpv4);
  assert.equal(doc.deregistered, true);
  const mh = mobility(doc);
  assert.equal(mh.length, 4, mh.join('\n'));
  assert.match(mh[0]!, /^UE→HA BU seq=\d+ H A R lifetime=3600s HoA4=0\.0\.0\.0 CoA4=192\.0\.2\.100 \[in ESP/);
  assert.doesNotMatch(mh[0]!, / F /, 'F = 0');
  assert.match(mh[1]!, /^HA→UE BA status=0 .* \[in ESP spi=\w+ seq=1, in IPv4 protocol 41\]$/);
  assert.ok(doc.summary.notes.join(' ').includes('F = 0 and no NAT: the BA came in plain IPv4, protocol 41'));

  const decoded = await promisify(execFile)(process.execPath, [BIN, 'decode', pcap, '--keylog', keys, '--json'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const packets = decoded.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { layers: { layer: string; fields: Record<string, unknown> }[] });
  assert.equal(packets.length, doc.trace.length, 'one packet per ladder line');
  // IPv4 protocol 41 · IPv6 · ESP, decrypted to a BA (MH type 6) with status 0.
  const bas = packets.flatMap((p) => {
    const [v4, v6, esp] = p.layers;
    if (v4?.layer !== 'ipv4' || v4.fields.protocol !== 41 || v6?.layer !== 'ipv6' || esp?.layer !== 'esp') return [];
    const inner = (esp as { decrypted?: { layers: { layer: string; fields: Record<string, unknown> }[] } }).decrypted;
    return inner?.layers.filter((l) => l.layer === 'mh').map((l) => [l.fields.mhType, l.fields.status]) ?? [];
  });
  assert.deepEqual(bas, [
    [6, 0],
    [6, 0],
  ]);
});

test('root demo --access ipv6: BU with HAO, BA with RH2 on the ladder; tshark decrypts both, nothing malformed', async () => {
  const pcap = join(dir, 'v6.pcap');
  const keys = join(dir, 'keys6');
  const doc = parse(await dsmip(['demo', '--access', 'ipv6', '--json', '--pcap', pcap, '--keylog', keys]));
  assert.equal(doc.network, 'namespace');
  assert.equal(doc.summary.careOfAddress, '2001:db8:2::100');
  assert.equal(doc.summary.ipv4HomeAddress, '10.10.0.1', 'an IPv4 HoA over an IPv6 CoA (RFC 5555 §3.1.1)');
  assert.deepEqual(doc.framings, [
    'BU with Home Address option',
    'BA with type 2 routing header',
    'IPv6-in-IPv6',
    'IPv4-in-IPv6',
  ]);
  const mh = mobility(doc);
  assert.equal(mh.length, 4, mh.join('\n'));
  assert.match(mh[0]!, /^UE→HA BU seq=\d+ H A R lifetime=3600s HoA4=0\.0\.0\.0 AltCoA=2001:db8:2::100 .*, with HAO\]$/);
  assert.match(mh[1]!, /^HA→UE BA status=0 .*, with RH2\]$/);
  const firstBu = doc.trace.find((e) => e.protocol === 'MH');
  assert.ok(firstBu?.details?.some((d) => /^Destination Options: Home Address option 2001:db8:100:/.test(d)));
  assert.ok(doc.trace.some((e) => e.details?.some((d) => /^Routing header type 2, segments left 1: 2001:/.test(d))));

  const fields = ['frame.protocols', 'ipv6.routing.type', 'mip6.mhtype', 'mip6.ba.status', '_ws.malformed'];
  const out = await promisify(execFile)(
    'tshark',
    ['-n', '-r', pcap, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: keys } },
  );
  const rows = out.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.equal(rows.length, doc.trace.length, 'one packet per ladder line');
  for (const r of rows) assert.ok(!r[0]!.includes('malformed') && !r[4], `malformed: ${r.join(' ')}`);
  const signalling = rows.filter((r) => r[2]).map((r) => [r[0], r[1], r[2], r[3] ?? '']);
  const bu = ['raw:ipv6:ipv6.dstopts:esp:mipv6', '', '5', ''];
  const ba = ['raw:ipv6:ipv6.routing:esp:mipv6', '2', '6', '0'];
  assert.deepEqual(signalling, [bu, ba, bu, ba]);
  assert.ok(
    rows.some((r) => r[0] === 'raw:ipv6:udp:isakmp'),
    'IKE over IPv6',
  );
  assert.equal(rows.filter((r) => r[0] === 'raw:ipv6:ipv6:udp:dhcpv6').length, 2);
  assert.equal(rows.filter((r) => r[0] === 'raw:ipv6:ip:udp:dhcp').length, 2);
});

test('root demo --nat: the NAT is detected with raw sockets too (F = 0 asked, BA NAT Detection F = 1)', async () => {
  const doc = parse(await dsmip(['demo', '--nat', '--json']));
  assert.equal(doc.network, 'namespace');
  assert.equal(doc.attach.forceUdpReason, undefined);
  assert.match(doc.summary.nat, /^NAT detected: IKEv2 NAT-D hashes differ; BA NAT Detection F=1, keepalive every/);
  assert.deepEqual(doc.framings, [], 'nothing in raw IP behind the NAT');
});
