// The UE program around its moves, on real UDP sockets in one process (loopback aliases, no root): an HA with the
// embedded AAA and a UE with a static HA. After a move and a detach, the next attach starts from the address the UE
// moved to (its port Z is bound there); stop() during a move ends it at once and leaves nothing running; an access
// that needs raw sockets this process cannot open does not start.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHaConfig, loadUeConfig } from '../../config/load.ts';
import { silentLogger } from '../../obs/log.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { HomeAgent } from '../ha/home-agent.ts';
import { AddressAliases } from '../net/address-aliases.ts';
import { rawSocketsNotUsed } from '../net/raw-sockets.ts';
import { AccessUnavailableError } from './ue-access.ts';
import type { UeNodeEvent } from './ue-events.ts';
import { UeStoppedError } from './ue-types.ts';
import { UserEquipment } from './user-equipment.ts';

const PKI = new URL('../../../test/fixtures/pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../../examples/subscribers.json', import.meta.url).pathname;
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const HA4 = Ipv4Address.parse('192.0.2.1');
const FIRST = Ipv4Address.parse('192.0.2.100');
const SECOND = Ipv4Address.parse('192.0.2.101');

/** Handles that would keep the process alive. */
const liveHandles = () =>
  process.getActiveResourcesInfo().filter((r) => /UDPWrap|TCPWrap|TCPServerWrap|Timeout|Immediate/.test(r));

function ueYaml(ikePort: number, natTPort: number, access = `{ family: ipv4, ipv4: { careOfAddress: ${FIRST} } }`) {
  return `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "${HA6}", ipv4: ${HA4} }] }
  ike:
    ports: { remote: ${ikePort}, remoteNatT: ${natTPort} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: ${access}
  mobility: { forceUdp: true }
  dhcp: { v6: { enabled: false }, v4: { enabled: false } }
  logging: { level: silent }
`;
}

async function lab() {
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  const at = (z: number) => Ipv4Address.parse(`127.${x}.${y}.${z}`);
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-ue-'));
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
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dhcp: { v6: { mode: off }, v4: { mode: off } }
  metrics: { enabled: false }
  logging: { level: silent }
`,
    }),
    { logger: silentLogger(), aliases, processMetrics: false, ikePorts: { ike: 0, natT: 0 } },
  );
  const events: UeNodeEvent[] = [];
  const { ikePort, natTPort } = ha.ikeEndpoint;
  const ue = await UserEquipment.start(loadUeConfig({ name: 'ue.yaml', text: ueYaml(ikePort, natTPort) }), {
    logger: silentLogger(),
    aliases,
    timeouts: { bindingMs: 5000, ikeMs: 10_000, dhcpMs: 2000, detachMs: 5000 },
    onEvent: (e) => events.push(e),
  });
  return {
    ha,
    ue,
    events,
    async close() {
      await ue.stop();
      await ha.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('after a move and a detach, the next attach runs from the moved-to address', async () => {
  const w = await lab();
  try {
    await w.ue.attach();
    assert.equal((await w.ue.changeCareOfAddress(SECOND)).changed, true);
    await w.ue.detach();
    assert.equal(w.ha.bindingCount, 0);
    const again = await w.ue.attach();
    assert.equal(again.careOf.toString(), '192.0.2.101');
    assert.equal(w.ha.bindingList()[0]?.careOf.toString(), '192.0.2.101');
    await w.ue.detach();
  } finally {
    await w.close();
  }
});

test('stop() during a move: the move ends at once with UeStoppedError and nothing is left running', async () => {
  const before = liveHandles().length;
  const w = await lab();
  try {
    await w.ue.attach();
    await w.ha.stop(); // no BA will come
    const moving = w.ue.changeCareOfAddress(SECOND);
    await new Promise((r) => setTimeout(r, 50));
    const stopping = w.ue.stop();
    await assert.rejects(moving, UeStoppedError);
    await stopping;
    assert.ok(!w.events.some((e) => e.kind === 'care-of-change' && e.stage === 'failed'), 'no failure after stop');
  } finally {
    await w.close();
  }
  await new Promise((r) => setImmediate(r));
  assert.equal(liveHandles().length, before, `left behind: ${liveHandles().join(', ')}`);
});

test('IPv6 access whose raw sockets cannot open does not start (AccessUnavailableError)', async () => {
  const v6 = loadUeConfig({
    name: 'ue.yaml',
    text: ueYaml(500, 4500, '{ family: ipv6, ipv6: { careOfAddress: "2001:db8:2::100" } }'),
  });
  await assert.rejects(
    UserEquipment.start(v6, { logger: silentLogger(), rawSupport: rawSocketsNotUsed('not in this test') }),
    (e: unknown) => e instanceof AccessUnavailableError && /protocols 50, 41 and 4\): not in this test/.test(e.message),
  );
});
