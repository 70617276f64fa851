/**
 * The UE's DHCPv6 Home Agent discovery (TS 24.303 §5.1.2.1.5, RFC 6610) on a real access link against Kea 2.2, the
 * UE side being the product code: config file → `discoverHomeAgents` → UDP 546 on the interface's link-local
 * address (access-link.ts), run in the client namespace of a veth pair (test/peers/dhcp-dns/netns.ts):
 *   Information-request { Elapsed Time, ORO(50, 49, 71, 72, 73, ...) } --> ff02::1:2%if  (no Client ID, RFC 8415 §18.2.6)
 *   <-- Reply { Server Identifier, VDINF { HAA, HAA(64:ff9b::/96) } }
 * `methods: [dhcpv6]`, then `[dns, dhcpv6]` one after the other (the DNS server refuses) and in parallel. Root only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ensureDhcpDnsPeers } from '../peers/dhcp-dns/install.ts';
import { type Kea, startKea } from '../peers/dhcp-dns/kea.ts';
import { createDhcpLink, type DhcpLink } from '../peers/dhcp-dns/netns.ts';

const CHILD = new URL('./ue-discovery-child.ts', import.meta.url).pathname;
const REPO = new URL('../../', import.meta.url).pathname;
const CA = new URL('../fixtures/pki/ca-ecdsa.pem', import.meta.url).pathname;

/** OPTION_MIP6_VDINF data (RFC 6610 §3.2.1): HAA(72) fd99::1, HAA(72) 64:ff9b::10.77.0.1 (RFC 6052). */
const VDINF_DATA = [
  '00480010', // OPTION_MIP6_HAA, 16 octets
  'fd990000000000000000000000000001', // fd99::1
  '00480010', // OPTION_MIP6_HAA, 16 octets
  '0064ff9b0000000000000000', // Well-Known Prefix 64:ff9b::/96 ...
  '0a4d0001', // ... + 10.77.0.1
].join('');

let link: DhcpLink | undefined;
let kea: Kea | undefined;
let dir: string;

before(async () => {
  ensureDhcpDnsPeers();
  dir = mkdtempSync(join(tmpdir(), 'dsmip-ue-dhcpv6-'));
  link = createDhcpLink('ud');
  kea = await startKea(6, link.serverNs, {
    'interfaces-config': { interfaces: [link.serverIf] },
    'server-id': { type: 'LL', persist: false },
    'option-def': [{ name: 'mip6-vdinf', code: 50, space: 'dhcp6', type: 'binary' }],
    'option-data': [{ name: 'mip6-vdinf', data: VDINF_DATA }],
    subnet6: [{ id: 1, subnet: 'fd77::/64', interface: link.serverIf }],
  });
});

after(async () => {
  await kea?.stop();
  link?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function ueFile(name: string, discovery: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: ${discovery}
  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }
  access: { family: ipv6, interface: ${link!.clientIf}, ipv6: { careOfAddress: "fd77::2" } }
`,
  );
  return path;
}

test('UE discovery over a real access link: [dhcpv6], then [dns, dhcpv6] sequential and parallel', async () => {
  const dhcpv6 = `dhcpv6: { interface: ${link!.clientIf}, idType: visited, firstDelayMax: 0s, timeout: 5s }`;
  // Nothing listens on UDP 53 in the client namespace: DNS fails fast (refused), the policy decides what follows.
  const dns = 'dns: { servers: ["[fd77::2]:53"] }';
  const files = [
    ueFile('only.yaml', `{ methods: [dhcpv6], ${dhcpv6} }`),
    ueFile('sequential.yaml', `{ policy: sequential, methods: [dns, dhcpv6], ${dns}, ${dhcpv6} }`),
    ueFile('parallel.yaml', `{ policy: parallel, methods: [dns, dhcpv6], ${dns}, ${dhcpv6} }`),
  ];
  const argv = ['netns', 'exec', link!.clientNs, 'setpriv', '--pdeathsig', 'KILL', '--'];
  let out: string;
  try {
    const r = await promisify(execFile)('ip', [...argv, process.execPath, '--import', 'tsx', CHILD, ...files], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    out = r.stdout;
  } catch (e) {
    throw new Error(`${String(e)}\n--- kea log (tail)\n${kea?.daemon.log().split('\n').slice(-15).join('\n')}`);
  }
  const [only, sequential, parallel] = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { events?: string[]; homeAgents?: string[]; error?: string });
  const ha = 'dhcpv6 fd99::1 10.77.0.1';
  assert.deepEqual(only, {
    file: files[0],
    events: ['procedure-started:dhcpv6', 'procedure-succeeded:dhcpv6', 'home-agent-selected'],
    homeAgents: [ha],
  });
  assert.deepEqual(sequential?.events, [
    'procedure-started:dns',
    'procedure-failed:dns',
    'procedure-started:dhcpv6',
    'procedure-succeeded:dhcpv6',
    'home-agent-selected',
  ]);
  assert.deepEqual(sequential?.homeAgents, [ha]);
  assert.deepEqual(parallel?.events?.slice(0, 2), ['procedure-started:dns', 'procedure-started:dhcpv6']);
  assert.deepEqual(parallel?.homeAgents, [ha]);
});
