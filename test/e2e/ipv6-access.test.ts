/**
 * A UE on IPv6 access against the HA, both as real `dsmip` processes in two network namespaces joined by a veth
 * pair (root; CI runs as root):
 *   UE fd77::2 (access link) ── veth ── fd77::1 HA namespace, HA 2001:db8:1::1 / 192.0.2.1 on its lo
 * The UE finds the HA with DHCPv6 on the access link (TS 24.303 §5.1.2.1.5, RFC 6610 VDINF from Kea), runs IKEv2 to
 * the HA's IPv6 address (the HA listens on both families), sends the BU with the Home Address option in ESP and gets
 * the BA with a type 2 routing header (RFC 6275 §6.3–§6.4, RFC 4877 §4.3) on raw sockets, registers an IPv4 HoA
 * (RFC 5555 §3.1.1), fetches DHCPv6/DHCPv4 through IPv6-in-IPv6 / IPv4-in-IPv6 (RFC 6275 §10.4, RFC 5555 §4.4.1),
 * moves to a second IPv6 CoA on SIGHUP (BU from it, then a new IKE SA, RFC 5555 §5.1) and deregisters on SIGTERM. tshark reads the HA's capture with the UE's key log: every packet decodes, the BU has
 * the HAO, the BA the RH2, both decrypt to MH.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ensureDhcpDnsPeers } from '../peers/dhcp-dns/install.ts';
import { type Kea, startKea } from '../peers/dhcp-dns/kea.ts';
import { createDhcpLink, type DhcpLink, ipIn } from '../peers/dhcp-dns/netns.ts';
import { type DsmipProcess, startDsmip } from './dsmip-process.ts';

const PKI = new URL('../../examples/demo-pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;

/** OPTION_MIP6_VDINF data (RFC 6610 §3.2.1): HAA 2001:db8:1::1 and HAA 64:ff9b::192.0.2.1 (RFC 6052). */
const VDINF_DATA = ['00480010', '20010db8000100000000000000000001', '00480010', '0064ff9b0000000000000000c0000201'];

let link: DhcpLink | undefined;
let kea: Kea | undefined;
let dir: string;

before(async () => {
  ensureDhcpDnsPeers();
  dir = mkdtempSync(join(tmpdir(), 'dsmip-ipv6-access-'));
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  link = createDhcpLink('v6a');
  ipIn(link.serverNs, 'addr', 'add', '2001:db8:1::1/128', 'dev', 'lo');
  ipIn(link.serverNs, 'addr', 'add', '192.0.2.1/32', 'dev', 'lo');
  ipIn(link.clientNs, '-6', 'route', 'add', '2001:db8:1::/64', 'via', 'fd77::1');
  kea = await startKea(6, link.serverNs, {
    'interfaces-config': { interfaces: [link.serverIf] },
    'server-id': { type: 'LL', persist: false },
    'option-def': [{ name: 'mip6-vdinf', code: 50, space: 'dhcp6', type: 'binary' }],
    'option-data': [{ name: 'mip6-vdinf', data: VDINF_DATA.join('') }],
    subnet6: [{ id: 1, subnet: 'fd77::/64', interface: link.serverIf }],
  });
});

after(async () => {
  await kea?.stop();
  link?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const haYaml = () => `ha:
  addresses: { ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp: { v6: { mode: embedded }, v4: { mode: embedded } }
  metrics: { enabled: false }
  capture: { pcap: "${join(dir, 'ha.pcap')}" }
  logging: { level: info, format: json }
`;

const ueYaml = (ifname: string, careOf = 'fd77::2') => `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery:
    methods: [dhcpv6]
    dhcpv6: { interface: ${ifname}, idType: visited, firstDelayMax: 0s, timeout: 5s }
  ike: { caCertificate: "${PKI}ca-ecdsa.pem", haIdentity: ha.dsmip.test }
  access: { family: ipv6, interface: ${ifname}, ipv6: { careOfAddress: "${careOf}" } }
  capture: { keylogDir: "${join(dir, 'keys')}" }
  logging: { level: info, format: json }
`;

/** tshark's fields for every packet of `pcap`, decrypting with the key files in `keys`. */
async function tsharkFields(pcap: string, keys: string, fields: readonly string[]): Promise<string[][]> {
  const out = await promisify(execFile)(
    'tshark',
    ['-n', '-r', pcap, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: keys } },
  );
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
}

function logsOf(...nodes: (DsmipProcess | undefined)[]): string {
  return nodes.map((n) => `${n?.lines.map((l) => JSON.stringify(l)).join('\n')}\n${n?.output()}`).join('\n---\n');
}

test('UE on IPv6 access: DHCPv6 discovery, IKE over IPv6, BU with HAO, BA with RH2, DHCP through IPv6', async (t) => {
  const l = link!;
  const ha = startDsmip(['ha', '--config', file('ha.yaml', haYaml())], l.serverNs);
  let ue: DsmipProcess | undefined;
  t.after(() => {
    ue?.child.kill('SIGKILL');
    ha.child.kill('SIGKILL');
  });
  try {
    await ha.waitFor('home agent up');
    ue = startDsmip(['ue', '--config', file('ue.yaml', ueYaml(l.clientIf))], l.clientNs);
    const attached = await ue.waitFor('attached', 20_000);
    const found = attached.homeAgent as { method?: string; ipv6?: string };
    assert.deepEqual([found.method, found.ipv6], ['dhcpv6', '2001:db8:1::1']);
    assert.equal(attached.ipv4HomeAddress, '10.10.0.1');
    assert.match(String(attached.ipv6HomeAddress), /^2001:db8:100:/);
    assert.equal(attached.forceUdpReason, undefined, 'F is for IPv4 CoAs only (RFC 5555 §3.1.3)');
    await ue.waitFor('dhcpv6-parameters');
    await ue.waitFor('dhcpv4-parameters');
    const binding = await ha.waitFor('binding-created');
    assert.equal((binding.event as { careOf?: string }).careOf, 'fd77::2');
    // A move on the same access link: a second IPv6 CoA, the file edited, SIGHUP.
    ipIn(l.clientNs, 'addr', 'add', 'fd77::3/64', 'dev', l.clientIf, 'nodad');
    file('ue.yaml', ueYaml(l.clientIf, 'fd77::3'));
    ue.child.kill('SIGHUP');
    const moved = await ue.waitFor('re-registered from the new care-of address', 20_000);
    const change = moved.change as { from?: string; to?: string; ikeSaRenegotiated?: boolean };
    assert.deepEqual([change.from, change.to, change.ikeSaRenegotiated], ['fd77::2', 'fd77::3', true]);
    const updated = await ha.waitFor('binding-updated');
    assert.equal((updated.event as { careOf?: string }).careOf, 'fd77::3');
    ue.child.kill('SIGTERM');
    assert.equal(await ue.exit, 0);
    assert.ok(ue.lines.some((x) => x.msg === 'deregistered'));
    await ha.waitFor('binding-removed');
    ha.child.kill('SIGTERM');
    assert.equal(await ha.exit, 0);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${logsOf(ha, ue)}`);
  }

  const fields = [
    'frame.protocols',
    'ipv6.opt.type',
    'ipv6.routing.type',
    'mip6.mhtype',
    'mip6.ba.status',
    'mip6.bu.lifetime',
    '_ws.malformed',
    'ipv6.src',
  ];
  const rows = await tsharkFields(join(dir, 'ha.pcap'), join(dir, 'keys'), fields);
  const summary = rows.map((r) => r.join(' ')).join('\n');
  for (const r of rows) assert.ok(!r[0]!.includes('malformed') && !r[6], `malformed:\n${summary}`);
  // IKE from the IPv6 CoA to the HA's IPv6 address.
  assert.ok(
    rows.some((r) => r[0] === 'raw:ipv6:udp:isakmp'),
    summary,
  );
  // BU (5): Destination Options with the HAO (type 0xc9) before ESP, decrypted to MH: register, move, deregister.
  const bu = rows.filter((r) => r[3] === '5');
  assert.equal(bu.length, 3, summary);
  for (const r of bu) {
    assert.equal(r[0], 'raw:ipv6:ipv6.dstopts:esp:mipv6');
    assert.match(r[1]!, /0xc9/, 'PadN, then the Home Address option (type 0xc9)');
  }
  assert.deepEqual(
    bu.map((r) => r[5] === '0'),
    [false, false, true],
    'the last BU deregisters (lifetime 0)',
  );
  assert.deepEqual(
    bu.map((r) => r[7]),
    ['fd77::2', 'fd77::3', 'fd77::3'],
    'from the CoA in use',
  );
  // BA (6): a type 2 routing header before ESP, status 0.
  const ba = rows.filter((r) => r[3] === '6');
  assert.equal(ba.length, 3, summary);
  for (const r of ba) assert.deepEqual([r[0], r[2], r[4]], ['raw:ipv6:ipv6.routing:esp:mipv6', '2', '0']);
  // DHCP through the tunnel, both ways: IPv6-in-IPv6 and IPv4-in-IPv6.
  assert.equal(rows.filter((r) => r[0] === 'raw:ipv6:ipv6:udp:dhcpv6').length, 2, summary);
  assert.equal(rows.filter((r) => r[0] === 'raw:ipv6:ip:udp:dhcp').length, 2, summary);
});
