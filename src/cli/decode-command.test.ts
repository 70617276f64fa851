import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { attachPackets } from '../../test/fixtures/attach-packets.ts';
import { writePcap } from '../obs/pcap.ts';
import { toHex } from '../util/hex.ts';

// The real entry point, as scripts and people run it right after `npm ci`.
const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-decode-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const samples = attachPackets();
const pcap = join(dir, 'attach.pcap');
writeFileSync(pcap, writePcap(samples.map((s) => s.bytes)));

function dsmip(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonPacket {
  packet: number;
  layers: { layer: string; offset: number; length: number; fields: Record<string, unknown> }[];
  error?: { code: string; layer: string; offset: number };
}

function lines(out: string): JsonPacket[] {
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonPacket);
}

test('decode --json on a pcap: one object per packet, layers in order, exit 0', () => {
  const r = dsmip(['decode', pcap, '--json']);
  assert.equal(r.code, 0, r.err);
  const got = lines(r.out);
  assert.equal(got.length, samples.length);
  got.forEach((p, i) => {
    assert.deepEqual(
      p.layers.map((l) => l.layer),
      samples[i]!.layers,
      samples[i]!.name,
    );
  });
  const bu = got[samples.findIndex((s) => s.name === 'bu-ipv6-access')]!.layers;
  const ipv6 = bu[0]!.fields as { source: string; extensionHeaders: { options: { homeAddress?: string }[] }[] };
  assert.equal(ipv6.source, '2001:db8:2::200'); // addresses as text
  const mh = bu[1]!.fields as {
    acknowledge: boolean;
    options: { type: number; kind: string; careOfAddress?: string }[];
  };
  assert.equal(mh.acknowledge, true); // flags as booleans
  assert.deepEqual(
    mh.options.map((o) => [o.type, o.kind]),
    [
      [29, 'ipv4-home-address'],
      [3, 'alternate-care-of-address'],
    ],
  );
});

test('the same capture as pcapng (written by editcap) decodes identically', () => {
  const ng = join(dir, 'attach.pcapng');
  execFileSync('editcap', ['-F', 'pcapng', pcap, ng]);
  const a = lines(dsmip(['decode', pcap, '--json']).out).map((p) => p.layers);
  const b = lines(dsmip(['decode', ng, '--json']).out).map((p) => p.layers);
  assert.deepEqual(b, a);
});

test('tshark agrees that none of the sample packets is malformed', () => {
  // Decode-as "ip" (not "ipv6"): Wireshark's IPv4 dissector hands version-6 packets to IPv6, so both inner
  // families of RFC 5555 UDP encapsulation decode.
  const out = execFileSync(
    'tshark',
    ['-n', '-r', pcap, '-d', 'udp.port==4191,ip', '-T', 'fields', '-e', '_ws.malformed', '-e', 'frame.protocols'],
    {
      encoding: 'utf8',
    },
  );
  const rows = out.trim().split('\n');
  assert.equal(rows.length, samples.length);
  for (const row of rows) assert.ok(!row.includes('malformed'), row);
});

test('decode --hex with --layer, the tree form, and stdin', () => {
  const bu = samples.find((s) => s.name === 'bu-ipv4-access')!;
  const tree = dsmip(['decode', '--hex', toHex(bu.bytes)]);
  assert.equal(tree.code, 0, tree.err);
  assert.match(tree.out, /^packet 1: \d+ bytes$/m);
  assert.match(tree.out, /^ {2}mh \[68\.\.\d+\)$/m);
  assert.match(tree.out, /careOfAddress: 192\.0\.2\.10/);
  const mhOnly = dsmip(['decode', '--hex', toHex(bu.bytes.subarray(68)), '--layer', 'mh', '--json']);
  assert.equal(lines(mhOnly.out)[0]!.layers[0]!.layer, 'mh');
  const viaStdin = dsmip(['decode', '--hex', '-', '--json'], `${toHex(bu.bytes)}\n\n${toHex(samples[0]!.bytes)}\n`);
  assert.equal(lines(viaStdin.out).length, 2);
});

test('exit codes: malformed packet 3 (still printed), unreadable input 1, usage 2', () => {
  const bu = samples.find((s) => s.name === 'bu-ipv4-access')!.bytes.slice();
  bu[69] = 9;
  const bad = dsmip(['decode', '--hex', toHex(bu), '--json']);
  assert.equal(bad.code, 3);
  const [p] = lines(bad.out);
  assert.deepEqual(
    { code: p!.error?.code, layer: p!.error?.layer, offset: p!.error?.offset },
    { code: 'BAD_LENGTH', layer: 'mh', offset: 69 },
  );
  assert.equal(dsmip(['decode', join(dir, 'missing.pcap')]).code, 1);
  writeFileSync(join(dir, 'junk.bin'), 'not a capture');
  const junk = dsmip(['decode', join(dir, 'junk.bin')]);
  assert.equal(junk.code, 1);
  assert.match(junk.err, /neither a pcap nor a pcapng/);
  assert.equal(dsmip(['decode', '--hex', 'abc']).code, 1);
  assert.equal(dsmip(['decode']).code, 2);
  assert.equal(dsmip(['decode', '--layer', 'bogus', '--hex', '00']).code, 2);
  assert.equal(dsmip(['--help']).code, 0);
});
