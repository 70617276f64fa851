// Sessions per identity on a running HA (issue 16), real UDP sockets in one process (loopback aliases, no root): a
// subscriber attaches, then attaches again from another care-of address without deleting its first session (a UE
// that rebooted). The IPv4 HoA pool holds one address. With `replace` the first session is deleted, its binding
// deregistered and its IPv4 HoA given to the new one; with `keep` the new registration gets no IPv4 HoA (the defect).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHaConfig, loadUeConfig } from '../../config/load.ts';
import { silentLogger } from '../../obs/log.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { AddressAliases } from '../net/address-aliases.ts';
import { UserEquipment } from '../ue/user-equipment.ts';
import { HomeAgent } from './home-agent.ts';

const PKI = new URL('../../../test/fixtures/pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../../examples/subscribers.json', import.meta.url).pathname;
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const HA4 = Ipv4Address.parse('192.0.2.1');
const FIRST = Ipv4Address.parse('192.0.2.100');
const SECOND = Ipv4Address.parse('192.0.2.101');

function ueYaml(ikePort: number, natTPort: number, careOf: Ipv4Address): string {
  return `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "${HA6}", ipv4: ${HA4} }] }
  ike:
    ports: { remote: ${ikePort}, remoteNatT: ${natTPort} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: ${careOf} } }
  mobility: { forceUdp: true }
  dhcp: { v6: { enabled: false }, v4: { enabled: false } }
  logging: { level: silent }
`;
}

async function reattach(mode: 'replace' | 'keep') {
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  const at = (z: number) => Ipv4Address.parse(`127.${x}.${y}.${z}`);
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-sessions-'));
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const aliases = new AddressAliases([
    { address: HA4, via: at(1) },
    { address: FIRST, via: at(2) },
    { address: SECOND, via: at(4) },
  ]);
  const ha = await HomeAgent.start(
    loadHaConfig({
      name: 'ha.yaml',
      text: `ha:
  addresses: { ipv6: "${HA6}", ipv4: "${HA4}" }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.1-10.10.0.1"]
  dhcp: { v6: { mode: off }, v4: { mode: off } }
  limits: { sessionsPerIdentity: ${mode}, maxSessionsPerIdentity: 0 }
  metrics: { enabled: false }
  logging: { level: silent }
`,
    }),
    { logger: silentLogger(), aliases, processMetrics: false, ikePorts: { ike: 0, natT: 0 } },
  );
  const { ikePort, natTPort } = ha.ikeEndpoint;
  const ues: UserEquipment[] = [];
  const start = async (careOf: Ipv4Address) => {
    const ue = await UserEquipment.start(loadUeConfig({ name: 'ue.yaml', text: ueYaml(ikePort, natTPort, careOf) }), {
      logger: silentLogger(),
      aliases,
      timeouts: { bindingMs: 5000, ikeMs: 10_000, dhcpMs: 2000, detachMs: 5000 },
    });
    ues.push(ue);
    return ue;
  };
  try {
    const first = await (await start(FIRST)).attach();
    const second = await (await start(SECOND)).attach();
    await new Promise((r) => setTimeout(r, 300)); // the Delete to the old session and its answer
    return { first, second, bindings: ha.bindingList(), status: ha.status() as { ikeSas: number } };
  } finally {
    for (const ue of ues) await ue.stop();
    await ha.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('replace: a re-attach of the same IMSI replaces the old session and gets the IPv4 HoA back', async () => {
  const r = await reattach('replace');
  assert.equal(r.first.ipv4HomeAddress?.toString(), '10.10.0.1');
  assert.notEqual(r.first.ipv6HomeAddress.toString(), r.second.ipv6HomeAddress.toString(), 'a new interface id');
  assert.equal(r.second.ipv4HomeAddress?.toString(), '10.10.0.1', 'the IPv4 HoA went back to the pool');
  assert.deepEqual(
    r.bindings.map((b) => [b.homeAddress.toString(), b.ipv4HomeAddress?.toString()]),
    [[r.second.ipv6HomeAddress.toString(), '10.10.0.1']],
  );
  assert.equal(r.status.ikeSas, 1, 'the old IKE SA was deleted');
});

test('keep (the behaviour before issue 16): both sessions live, the re-attach gets no IPv4 HoA', async () => {
  const r = await reattach('keep');
  assert.equal(r.first.ipv4HomeAddress?.toString(), '10.10.0.1');
  assert.equal(r.second.ipv4HomeAddress, undefined);
  assert.equal(r.bindings.length, 2);
  assert.equal(r.status.ikeSas, 2);
});
