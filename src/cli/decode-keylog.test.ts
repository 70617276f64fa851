/**
 * `dsmip decode --keylog` end to end: the demo attach (in process, real UDP sockets) writes a capture and a key log;
 * the real entry point decodes it; tshark decrypts the same capture with the same key files, and the two agree.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findAll, findField, hasMalformed, type TsharkLayers, tsharkDecode } from '../../test/oracle/tshark.ts';
import { runDemo } from '../node/demo/run-demo.ts';
import { readCapture } from '../obs/capture.ts';

const BIN = new URL('../../bin/dsmip', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-decode-keylog-'));
const pcap = join(dir, 'attach.pcap');
const keys = join(dir, 'keys');
after(() => rmSync(dir, { recursive: true, force: true }));

interface JsonLayer {
  layer: string;
  fields: Record<string, unknown>;
  decrypted?: { layers: JsonLayer[]; error?: { code: string } };
}
interface JsonPacket {
  packet: number;
  layers: JsonLayer[];
  error?: { code: string };
}

function dsmip(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let ours: JsonPacket[] = [];

before(async () => {
  const demo = await runDemo({ pcap, keylogDir: keys });
  // The dissector finds IKE by its ports (RFC 7296 §2.11: 500, and 4500 after NAT-T); the demo falls back to
  // kernel-picked ports only when it cannot bind them (no root).
  assert.deepEqual(demo.ikePorts, { ike: 500, natT: 4500 }, 'the demo needs UDP 500/4500 (root) for this test');
  const r = dsmip(['decode', pcap, '--keylog', keys, '--json']);
  assert.equal(r.code, 0, r.err);
  ours = r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonPacket);
});

const layerOf = (layers: readonly JsonLayer[] | undefined, name: string) => layers?.find((l) => l.layer === name);
const ikeOf = (p: JsonPacket) => layerOf(p.layers, 'ike');
const espOf = (p: JsonPacket) => layerOf(p.layers, 'esp');
const skNodeOf = (ike: JsonLayer) => (ike.fields.payloads as Record<string, unknown>[]).at(-1)!;
const innerPayloads = (ike: JsonLayer) =>
  (layerOf(ike.decrypted?.layers, 'sk-payloads')?.fields.payloads ?? []) as Record<string, unknown>[];
const statusOf = (node: unknown) => (node as { decryption?: { status: string } }).decryption?.status;

test('every SK payload and every ESP packet of the attach decrypts, nothing is malformed', () => {
  const encrypted = ours.filter((p) => {
    const ike = ikeOf(p);
    return espOf(p) || (ike && ['sk', 'skf'].includes(skNodeOf(ike).kind as string));
  });
  assert.ok(encrypted.length >= 10, `${encrypted.length} encrypted packets`);
  for (const p of encrypted) {
    const node = espOf(p)?.fields ?? skNodeOf(ikeOf(p)!);
    assert.equal(statusOf(node), 'decrypted', `packet ${p.packet}`);
    assert.equal((node as { decryption: { icv: string } }).decryption.icv, 'verified');
  }
  for (const p of ours) {
    assert.equal(p.error, undefined, `packet ${p.packet}`);
    for (const l of p.layers) assert.equal(l.decrypted?.error, undefined, `packet ${p.packet} ${l.layer}`);
  }
});

test('IKE_AUTH: EAP-AKA challenge and response attributes, and the CP request and reply, decrypted', () => {
  const auth = ours.filter(
    (p) => (ikeOf(p)?.fields.header as { exchangeType: number } | undefined)?.exchangeType === 35,
  );
  const eaps = auth.flatMap((p) => ikeOf(p)!.decrypted!.layers.filter((l) => l.layer === 'eap'));
  const akaOf = (l: JsonLayer) =>
    l.fields as { kind: string; body?: { type: number; subtype: number; attributes: { type: number }[] } };
  const challenge = eaps.map(akaOf).find((e) => e.kind === 'request' && e.body?.type === 23 && e.body.subtype === 1);
  const response = eaps.map(akaOf).find((e) => e.kind === 'response' && e.body?.type === 23 && e.body.subtype === 1);
  // RFC 4187 §9.3: AT_RAND (1), AT_AUTN (2), AT_MAC (11); §9.4: AT_RES (3), AT_MAC (11).
  assert.deepEqual(
    challenge?.body?.attributes.map((a) => a.type).sort((a, b) => a - b),
    [1, 2, 11],
  );
  assert.deepEqual(
    response?.body?.attributes.map((a) => a.type).sort((a, b) => a - b),
    [3, 11],
  );
  assert.ok(
    eaps.some((l) => l.fields.kind === 'success'),
    'EAP-Success',
  );
  const cps = auth.flatMap((p) => innerPayloads(ikeOf(p)!).filter((x) => x.kind === 'cp')) as {
    cfgType: number;
    attributes: { type: number; kind: string; value?: { prefix?: string } }[];
  }[];
  const request = cps.find((c) => c.cfgType === 1);
  const reply = cps.find((c) => c.cfgType === 2);
  // TS 24.302 §8.2.4: the UE asks for a home prefix (MIP6_HOME_PREFIX, 16), DNS (10) and IPv4 DNS (3).
  assert.deepEqual(
    request?.attributes.map((a) => a.type),
    [16, 10, 3],
  );
  const homePrefix = reply?.attributes.find((a) => a.type === 16);
  assert.match(String(homePrefix?.value?.prefix), /^2001:db8:1/);
});

test('ESP: the BU and BA inside, with valid MH checksums; DHCP rides the tunnel without ESP', () => {
  const mh = ours.flatMap((p) => espOf(p)?.decrypted?.layers.filter((l) => l.layer === 'mh') ?? []);
  const fields = mh.map((l) => l.fields as { kind: string; sequence: number; checksumValid: boolean; status?: number });
  assert.deepEqual(
    fields.map((f) => f.kind),
    ['binding-update', 'binding-acknowledgement', 'binding-update', 'binding-acknowledgement'],
  );
  assert.ok(fields.every((f) => f.checksumValid));
  assert.equal(fields[1]!.status, 0);
  assert.equal(fields[1]!.sequence, fields[0]!.sequence);
  // RFC 5555 §3.2 / RFC 4877: only the MH signalling is ESP-protected here; DHCP goes through the tunnel in clear.
  assert.ok(ours.some((p) => p.layers.some((l) => l.layer === 'dhcpv6')));
  assert.ok(ours.some((p) => p.layers.some((l) => l.layer === 'dhcpv4')));
});

test('tshark with the same key files agrees: exchange types, EAP code/type/subtype, CP attributes, BU/BA sequences', async () => {
  const records = readCapture(new Uint8Array(readFileSync(pcap))).records.map((r) => r.data);
  const uat = (table: string, file: string) =>
    readFileSync(join(keys, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .flatMap((l) => ['-o', `uat:${table}:${l}`]);
  const theirs: TsharkLayers[] = await tsharkDecode(records, [
    // UDP 4191 carries IPv4 (DHCPv4) as well as IPv6: the "ip" dissector takes either by version.
    '-d',
    'udp.port==4191,ip',
    '-o',
    'esp.enable_encryption_decode:TRUE',
    '-o',
    'esp.enable_authentication_check:TRUE',
    ...uat('esp_sa', 'esp_sa'),
    ...uat('ikev2_decryption_table', 'ikev2_decryption_table'),
  ]);
  assert.equal(theirs.length, ours.length);
  const str = (v: unknown[]) => v.map(String);
  const compared = { eap: 0, cp: 0, mh: 0 };
  theirs.forEach((t, i) => {
    const p = ours[i]!;
    assert.equal(hasMalformed(t), false, `tshark: packet ${i + 1} malformed`);
    const ike = ikeOf(p);
    if (ike) {
      assert.equal(
        findField(t, 'isakmp.exchangetype'),
        String((ike.fields.header as { exchangeType: number }).exchangeType),
      );
      const eaps = (ike.decrypted?.layers ?? []).filter((l) => l.layer === 'eap').map((l) => l.fields);
      const code = (e: Record<string, unknown>) =>
        ({ request: 1, response: 2, success: 3, failure: 4 })[e.kind as 'request'];
      assert.deepEqual(
        str(findAll(t, 'eap.code')),
        eaps.map((e) => String(code(e))),
        `packet ${i + 1} eap.code`,
      );
      const aka = eaps.filter((e) => (e.body as { type?: number } | undefined)?.type === 23);
      assert.deepEqual(
        str(findAll(t, 'eap.aka.subtype')),
        aka.map((e) => String((e.body as { subtype: number }).subtype)),
      );
      const cpTypes = innerPayloads(ike)
        .filter((x) => x.kind === 'cp')
        .flatMap((x) => (x.attributes as { type: number }[]).map((a) => String(a.type)));
      assert.deepEqual(str(findAll(t, 'isakmp.cfg.attr.type')), cpTypes, `packet ${i + 1} CP attributes`);
      compared.eap += eaps.length;
      compared.cp += cpTypes.length;
    }
    const esp = espOf(p);
    if (esp) {
      assert.equal(findField(t, 'esp.icv_good'), '1', `tshark checked the ICV of packet ${i + 1}`);
      assert.equal(Number(findField(t, 'esp.protocol')), (esp.fields.decryption as { nextHeader: number }).nextHeader);
      const mh = layerOf(esp.decrypted?.layers, 'mh')!.fields as { kind: string; sequence: number };
      const key = mh.kind === 'binding-update' ? 'mip6.bu.seqnr' : 'mip6.ba.seqnr';
      assert.equal(findField(t, key), String(mh.sequence), `packet ${i + 1} ${key}`);
      compared.mh++;
    }
  });
  // EAP-AKA challenge, response, Success; CP request (3 attributes) and reply; BU, BA, BU, BA.
  assert.ok(compared.eap >= 3 && compared.cp >= 4 && compared.mh === 4, JSON.stringify(compared));
});

test('--keylog errors: a missing directory, a bad line (file and line named), exit code 2 and no output', () => {
  const missing = dsmip(['decode', pcap, '--keylog', join(dir, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--keylog: .*nope: no such key log directory/);
  assert.equal(missing.out, '');
  const bad = join(dir, 'bad-keys');
  mkdirSync(bad);
  writeFileSync(join(bad, 'esp_sa'), '# comment\n"IPv6","*","*","0x1","AES-CBC [RFC3602]","0x00","NULL",""\n');
  const r = dsmip(['decode', pcap, '--keylog', bad]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad-keys\/esp_sa line 2: AES-CBC \[RFC3602\] takes a key of 16, 24, 32 bytes, the line has 1/);
});

test('the tree output shows the decryption node and the decrypted layers indented below their layer', () => {
  const r = dsmip(['decode', pcap, '--keylog', keys]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ {8}decryption:\n {10}status: decrypted\n/m); // the SK payload's node
  assert.match(r.out, /^ {4}decryption:\n {6}status: decrypted\n/m); // the ESP layer's node
  assert.match(r.out, /^ {4}decrypted \(offsets within the plaintext\):\n {6}sk-payloads \[0\.\.\d+\)$/m);
  assert.match(r.out, /^ {4}decrypted \(offsets within the plaintext\):\n {6}mh \[0\.\.\d+\)\n {8}mhType: 5$/m);
});
