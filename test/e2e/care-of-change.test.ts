/**
 * A UE that moves (RFC 6275 §11.7.1, RFC 5555 §5.1), in one process on real UDP sockets like loopback-attach.test.ts:
 * an HA with the embedded AAA and DHCP servers, a DNS server for the HA-APN, a UE whose two care-of addresses are
 * documentation addresses carried on loopback. The UE attaches from 192.0.2.100, then moves to 192.0.2.101:
 *   BU (new CoA, through the BU/BA SA keyed to the HoA) -->   <-- BA (K = 0)
 *   IKE_SA_INIT, IKE_AUTH (EAP-AKA), CREATE_CHILD_SA from the new CoA -->   (same HoA)
 *   INFORMATIONAL { D(IKE) } for the old IKE SA -->
 * The HA's binding follows, DHCP still works through the tunnel, and the deregistration at the end uses the new SAs.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHaConfig, loadUeConfig } from '../../src/config/load.ts';
import { DnsServer } from '../../src/node/dns/server.ts';
import type { HomeAgentNodeEvent } from '../../src/node/ha/ha-events.ts';
import { HomeAgent } from '../../src/node/ha/home-agent.ts';
import { AddressAliases } from '../../src/node/net/address-aliases.ts';
import type { UeNodeEvent } from '../../src/node/ue/ue-events.ts';
import { UserEquipment } from '../../src/node/ue/user-equipment.ts';
import { silentLogger } from '../../src/obs/log.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';

const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const HA6 = Ipv6Address.parse('2001:db8:1::1');
const FIRST = Ipv4Address.parse('192.0.2.100');
const SECOND = Ipv4Address.parse('192.0.2.101');

/** Handles that would keep the process alive. */
function liveHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /UDPWrap|TCPWrap|TCPServerWrap|Timeout|Immediate/.test(r));
}

async function lab() {
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  const at = (z: number) => Ipv4Address.parse(`127.${x}.${y}.${z}`);
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-move-'));
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const aliases = new AddressAliases([
    { address: FIRST, via: at(2) },
    { address: SECOND, via: at(4) },
  ]);
  const haEvents: HomeAgentNodeEvent[] = [];
  const ueEvents: UeNodeEvent[] = [];
  const ha = await HomeAgent.start(
    loadHaConfig({
      name: 'ha.yaml',
      text: `ha:
  addresses: { ipv6: "${HA6}", ipv4: "${at(1)}" }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp:
    v6: { mode: embedded, vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: "c0a80101" }] }] }
    v4: { mode: embedded }
  metrics: { enabled: false }
  logging: { level: silent }
`,
    }),
    {
      logger: silentLogger(),
      aliases,
      processMetrics: false,
      ikePorts: { ike: 0, natT: 0 },
      onEvent: (e) => haEvents.push(e),
    },
  );
  const dns = await DnsServer.start({
    address: Ipv4Address.parse('127.0.0.1'),
    port: 0,
    records: [
      { name: HA_APN, address: HA6, ttlSec: 300 },
      { name: HA_APN, address: at(1), ttlSec: 60 },
    ],
  });
  const { ikePort, natTPort } = ha.ikeEndpoint;
  // F = 1 whatever this process may open: the BAs come in UDP on port Z, as the lab aliases need.
  const ue = await UserEquipment.start(
    loadUeConfig({
      name: 'ue.yaml',
      text: `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { dns: { servers: ["${dns.endpoint}"] } }
  ike:
    ports: { remote: ${ikePort}, remoteNatT: ${natTPort} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: ${FIRST} } }
  mobility: { forceUdp: true }
  logging: { level: silent }
`,
    }),
    { logger: silentLogger(), aliases, dhcpv6FirstDelayMaxMs: 0, onEvent: (e) => ueEvents.push(e) },
  );
  return {
    ha,
    ue,
    haEvents,
    ueEvents,
    async close() {
      await ue.stop();
      await dns.close();
      await ha.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ikeKinds = (events: readonly HomeAgentNodeEvent[], kind: string) =>
  events.filter((e) => e.kind === 'ike' && e.event.kind === kind).length;

test('a care-of address change: BU from the new CoA, a new IKE SA from it, the old one deleted, DHCP still works', async () => {
  const before = liveHandles().length;
  const w = await lab();
  try {
    const r = await w.ue.attach();
    assert.deepEqual(
      w.ha.bindingList().map((b) => b.careOf.toString()),
      ['192.0.2.100'],
    );
    const buFromFirst = w.ueEvents.filter((e) => e.kind === 'binding-update');
    // RFC 6275 §11.7.1: this UE cannot move its IKE endpoint, so K = 0 in its BUs (docs/spec-choices.md).
    assert.ok(buFromFirst.length > 0, 'the first attach sent a BU');
    assert.ok(buFromFirst.every((e) => e.kind === 'binding-update' && !e.message.keyManagementMobilityCapability));

    const change = await w.ue.changeCareOfAddress(SECOND);
    assert.deepEqual(
      [change.from.toString(), change.to.toString(), change.changed, change.ikeSaRenegotiated],
      ['192.0.2.100', '192.0.2.101', true, true],
    );
    // The HA's binding moved, with the same HoA and IPv4 HoA (the pool kept the subscriber's prefix).
    const [binding] = w.ha.bindingList();
    assert.equal(w.ha.bindingCount, 1);
    assert.equal(binding?.careOf.toString(), '192.0.2.101');
    assert.equal(binding?.homeAddress.toString(), r.ipv6HomeAddress.toString());
    assert.equal(binding?.ipv4HomeAddress?.toString(), r.ipv4HomeAddress?.toString());
    assert.ok(w.haEvents.some((e) => e.kind === 'binding' && e.event.kind === 'binding-updated'));
    assert.equal(w.ue.attached?.careOf.toString(), '192.0.2.101');
    // The BU after the move went out from the new address, on port Z.
    const lastBuIndex = w.ueEvents.findLastIndex((e) => e.kind === 'binding-update');
    const buDatagram = w.ueEvents
      .slice(lastBuIndex)
      .find((e) => e.kind === 'datagram' && e.trace.direction === 'sent' && e.trace.label === 'dsmip');
    assert.ok(buDatagram?.kind === 'datagram');
    assert.equal(buDatagram.trace.local.toString(), '192.0.2.101');
    // A second IKE SA came up from the new address (RFC 4877 §4.4), the first goes (RFC 6275 §11.7.3).
    assert.equal(ikeKinds(w.haEvents, 'ike-sa-established'), 2);
    const established = w.haEvents.filter((e) => e.kind === 'ike' && e.event.kind === 'ike-sa-established');
    const path =
      established[1]?.kind === 'ike' && established[1].event.kind === 'ike-sa-established' && established[1].event.path;
    assert.ok(path && path.remoteAddr.toString() === '192.0.2.101');
    for (let i = 0; i < 100 && ikeKinds(w.haEvents, 'ike-sa-deleted') === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(ikeKinds(w.haEvents, 'ike-sa-deleted'), 1, 'the old IKE SA was deleted');
    assert.deepEqual(
      w.ueEvents.filter((e) => e.kind === 'care-of-change').map((e) => e.kind === 'care-of-change' && e.stage),
      ['started', 'done'],
    );

    // DHCP through the tunnel from the new care-of address (TS 24.303 §5.1.2.4 last paragraph).
    const dhcp = await w.ue.refreshDhcpParameters();
    assert.deepEqual(
      dhcp.v6?.vendorOptions.map((v) => v.enterpriseNumber),
      [10415],
    );
    assert.deepEqual(dhcp.v4?.dnsServers.map(String), ['192.0.2.53']);

    // The same address again: nothing to do.
    const same = await w.ue.changeCareOfAddress(SECOND);
    assert.equal(same.changed, false);

    await w.ue.detach();
    assert.equal(w.ha.bindingCount, 0, 'deregistered through the new SAs');
    const dereg = w.ueEvents.filter((e) => e.kind === 'binding-update').at(-1);
    assert.ok(dereg?.kind === 'binding-update' && dereg.message.lifetimeSec === 0);
    assert.equal(ikeKinds(w.haEvents, 'ike-sa-deleted'), 2);
  } finally {
    await w.close();
  }
  assert.deepEqual(liveHandles().length, before, `left behind: ${liveHandles().join(', ')}`);
});

test('a care-of address change needs an attach; one to an address the host lacks fails and says so', async () => {
  const w = await lab();
  try {
    await assert.rejects(w.ue.changeCareOfAddress(SECOND), /not attached/);
    await w.ue.attach();
    await assert.rejects(
      w.ue.changeCareOfAddress(Ipv4Address.parse('198.51.100.77')),
      /ADDRESS_NOT_AVAILABLE|EADDRNOTAVAIL/,
    );
    const failed = w.ueEvents.find((e) => e.kind === 'care-of-change' && e.stage === 'failed');
    assert.ok(failed?.kind === 'care-of-change' && failed.to.toString() === '198.51.100.77');
    // Still registered from the first address; a later move works.
    assert.equal(w.ha.bindingList()[0]?.careOf.toString(), '192.0.2.100');
    assert.equal((await w.ue.changeCareOfAddress(SECOND)).changed, true);
    await w.ue.detach();
    assert.equal(w.ha.bindingCount, 0);
  } finally {
    await w.close();
  }
});
