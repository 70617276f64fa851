/**
 * The whole DSMIPv6 initial attach on real UDP sockets in one process, no root needed: an HA with the embedded AAA
 * (TS 35.208 set 1) and embedded DHCP servers, a DNS server answering the HA-APN, and a UE on IPv4 access whose
 * care-of address is a documentation address carried on loopback. The UE discovers the HA by DNS, runs IKEv2 with
 * EAP-AKA, registers with an IPv4 HoA request (F = 1: protocol 41 cannot be received without a raw socket), fetches
 * DHCPv6 and DHCPv4 parameters through the tunnel, and deregisters. Then the same through an in-process NAT that
 * rewrites address and port: the BA carries the NAT Detection option with F set (RFC 5555 §3.2.2, §4.2).
 * Each test runs in its own 127.x.y.0/24 so the fixed DSMIPv6 port 4191 (RFC 5555 §4.1) is free.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHaConfig, loadUeConfig } from '../../src/config/load.ts';
import { DnsServer } from '../../src/node/dns/server.ts';
import type { HomeAgentNodeEvent } from '../../src/node/ha/ha-events.ts';
import { HomeAgent } from '../../src/node/ha/home-agent.ts';
import { AddressAliases } from '../../src/node/net/address-aliases.ts';
import { UdpNatRelay } from '../../src/node/net/udp-nat-relay.ts';
import type { UeNodeEvent } from '../../src/node/ue/ue-events.ts';
import { UserEquipment } from '../../src/node/ue/user-equipment.ts';
import { silentLogger } from '../../src/obs/log.ts';
import { toHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { NAT_REFRESH_TIME_NOT_NEEDED, NATKATIMEOUT_SEC } from '../../src/wire/mh/constants.ts';

const PKI = new URL('../fixtures/pki/', import.meta.url).pathname;
const SUBSCRIBERS = new URL('../../examples/subscribers.json', import.meta.url).pathname;
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const HA6 = Ipv6Address.parse('2001:db8:1::1');

/** A fresh 127.x.y.0/24 for one test: .1 the HA, .2 the UE, .3 the NAT. */
function lab(): { ha: Ipv4Address; ue: Ipv4Address; nat: Ipv4Address; ue2: Ipv4Address } {
  const x = 1 + Math.floor(Math.random() * 250);
  const y = 1 + Math.floor(Math.random() * 250);
  const at = (z: number) => Ipv4Address.parse(`127.${x}.${y}.${z}`);
  return { ha: at(1), ue: at(2), nat: at(3), ue2: at(4) };
}

function haYaml(ha: Ipv4Address, dir: string): string {
  return `ha:
  addresses: { ipv6: "${HA6}", ipv4: "${ha}" }
  ike: { identity: ha.dsmip.test, certificate: "${PKI}ha-ecdsa.pem", privateKey: "${PKI}ha-ecdsa.key" }
  aaa: { subscriberFile: "${join(dir, 'subscribers.json')}" }
  homePrefixPool: { base: "2001:db8:100::/40", prefixLength: 64 }
  ipv4HomeAddressPool: ["10.10.0.0/24"]
  dns: { ipv6: ["2001:db8:53::53"], ipv4: ["192.0.2.53"] }
  dhcp:
    v6:
      mode: embedded
      vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: "c0a80101" }] }]
    v4:
      mode: embedded
      vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 2, data: "0a0b" }] }]
  metrics: { address: 127.0.0.1, port: 0 }
  logging: { level: silent }
`;
}

function ueYaml(careOf: string, dns: DnsServer, ha: HomeAgent): string {
  const { ikePort, natTPort } = ha.ikeEndpoint;
  return `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { dns: { servers: ["${dns.endpoint}"] } }
  ike:
    ports: { remote: ${ikePort}, remoteNatT: ${natTPort} }
    caCertificate: "${PKI}ca-ecdsa.pem"
    haIdentity: ha.dsmip.test
  access: { family: ipv4, ipv4: { careOfAddress: ${careOf} } }
  logging: { level: silent }
`;
}

/** Handles that would keep the process alive. */
function liveHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => /UDPWrap|TCPWrap|TCPServerWrap|Timeout|Immediate/.test(r));
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

interface World {
  readonly net: ReturnType<typeof lab>;
  readonly ha: HomeAgent;
  readonly ue: UserEquipment;
  readonly dns: DnsServer;
  readonly nat: UdpNatRelay | undefined;
  readonly haEvents: HomeAgentNodeEvent[];
  readonly ueEvents: UeNodeEvent[];
  close(): Promise<void>;
}

/** The UE's second care-of address (for a move), carried on .4. */
const SECOND_COA = Ipv4Address.parse('192.0.2.101');

async function world(o: { nat: boolean; careOf: string; atHome?: boolean }): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-e2e-'));
  copyFileSync(SUBSCRIBERS, join(dir, 'subscribers.json'));
  const net = lab();
  const aliases = new AddressAliases([
    { address: Ipv4Address.parse(o.careOf), via: net.ue },
    { address: SECOND_COA, via: net.ue2 },
  ]);
  const haEvents: HomeAgentNodeEvent[] = [];
  const ueEvents: UeNodeEvent[] = [];
  const ha = await HomeAgent.start(loadHaConfig({ text: haYaml(net.ha, dir), name: 'ha.yaml' }), {
    logger: silentLogger(),
    aliases,
    processMetrics: false,
    ikePorts: { ike: 0, natT: 0 },
    onEvent: (e) => haEvents.push(e),
  });
  const { ikePort, natTPort } = ha.ikeEndpoint;
  const nat = o.nat
    ? await UdpNatRelay.open({
        insideAddress: net.nat,
        outsideAddress: net.nat,
        forwards: [ikePort, natTPort, 4191].map((port) => ({ port, to: { address: net.ha, port } })),
      })
    : undefined;
  const dns = await DnsServer.start({
    address: Ipv4Address.parse('127.0.0.1'),
    port: 0,
    records: [
      { name: HA_APN, address: HA6, ttlSec: 300 },
      { name: HA_APN, address: o.nat ? net.nat : net.ha, ttlSec: 60 },
    ],
  });
  const ue = await UserEquipment.start(loadUeConfig({ text: ueYaml(o.careOf, dns, ha), name: 'ue.yaml' }), {
    logger: silentLogger(),
    aliases,
    dhcpv6FirstDelayMaxMs: 0,
    ...(o.atHome ? { atHome: true } : {}),
    onEvent: (e) => ueEvents.push(e),
  });
  return {
    net,
    ha,
    ue,
    dns,
    nat,
    haEvents,
    ueEvents,
    async close() {
      await ue.stop();
      await nat?.close();
      await dns.close();
      await ha.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('loopback attach: DNS discovery, IKEv2 EAP-AKA, HoAs, BU/BA with F = 1, DHCPv6 and DHCPv4 through the tunnel', async () => {
  const before = liveHandles().length;
  const w = await world({ nat: false, careOf: '192.0.2.100' });
  try {
    const r = await w.ue.attach();
    // Home prefix and HoA from IKEv2 (RFC 5026 §4.2.2); the first prefix of the block is the home link's own.
    assert.equal(r.homePrefix.prefixLength, 64);
    assert.ok(r.homePrefix.prefix.hasPrefix(Ipv6Address.parse('2001:db8:100::'), 40));
    assert.ok(r.ipv6HomeAddress.hasPrefix(r.homePrefix.prefix, 64));
    assert.equal(r.homeAgent.ipv6?.toString(), HA6.toString());
    assert.equal(r.homeAgent.method, 'dns');
    assert.equal(r.ipv4HomeAddress?.toString(), '10.10.0.1');
    assert.deepEqual(
      [r.dnsServers.ipv6.map(String), r.dnsServers.ipv4.map(String)],
      [['2001:db8:53::53'], ['192.0.2.53']],
    );
    // No NAT, no raw socket: F = 1, and the HA answers in UDP with F set and no keepalives needed (RFC 5555 §3.2.2).
    assert.match(r.forceUdpReason ?? '', /protocol 41.*F = 1/);
    assert.deepEqual(r.natDetection, {
      kind: 'nat-detection',
      udpEncapsulationRequired: true,
      refreshTimeSec: NAT_REFRESH_TIME_NOT_NEEDED,
    });
    assert.equal(r.ikeNatDetected, false);
    assert.equal(r.atHome, false);
    // Vendor options through the tunnel: DHCPv6 option 17 and DHCPv4 option 125, enterprise 10415 (3GPP).
    assert.deepEqual(
      r.dhcpv6?.vendorOptions.map((v) => [v.enterpriseNumber, v.subOptions.map((s) => [s.code, toHex(s.data)])]),
      [[10415, [[1, 'c0a80101']]]],
    );
    assert.deepEqual(r.dhcpv6?.dnsServers.map(String), ['2001:db8:53::53']);
    assert.deepEqual(
      r.dhcpv4?.viVendorOptions.map((v) => [v.enterpriseNumber, v.subOptions.map((s) => [s.code, toHex(s.data)])]),
      [[10415, [[2, '0a0b']]]],
    );
    assert.deepEqual(r.dhcpv4?.dnsServers.map(String), ['192.0.2.53']);
    assert.deepEqual(
      r.phases.map((p) => p.phase),
      ['discovery', 'ike-sa-init', 'eap-aka', 'child-sa', 'binding', 'dhcp'],
    );
    assert.ok(r.phases.every((p) => p.durationMs >= 0) && r.totalMs > 0);

    // The HA: one binding to the care-of address (seen through the lab alias), counted in its metrics.
    assert.equal(w.ha.bindingCount, 1);
    const [binding] = w.ha.bindingList();
    assert.equal(binding?.careOf.toString(), '192.0.2.100');
    assert.equal(binding?.ipv4HomeAddress?.toString(), '10.10.0.1');
    assert.deepEqual(binding?.tunnel.kind, 'udp4');
    const metrics = await httpGet(`${w.ha.metricsUrl}/metrics`);
    assert.match(metrics, /^dsmip_bindings 1$/m);
    assert.match(metrics, /^dsmip_ba_total\{status="0"\} 1$/m);
    assert.match(metrics, /^dsmip_attaches_total\{result="success"\} 1$/m);
    assert.match(metrics, /^dsmip_dhcp_answers_total\{family="ipv6",mode="embedded"\} 1$/m);
    assert.match(metrics, /^dsmip_dhcp_answers_total\{family="ipv4",mode="embedded"\} 1$/m);

    // The trace: datagrams on both nodes' sockets, BU and BA in the clear on both sides.
    const labels = new Set(
      w.ueEvents.flatMap((e) => (e.kind === 'datagram' ? [`${e.trace.direction}:${e.trace.label}`] : [])),
    );
    for (const l of ['sent:ike', 'received:ike', 'sent:dsmip', 'received:dsmip']) assert.ok(labels.has(l), l);
    const bu = w.ueEvents.find((e) => e.kind === 'binding-update');
    assert.ok(bu?.kind === 'binding-update' && bu.message.forceUdpEncapsulation && bu.message.lifetimeSec === 3600);
    assert.ok(w.haEvents.some((e) => e.kind === 'binding-ack' && e.message.status === 0));

    await w.ue.detach();
    assert.equal(w.ha.bindingCount, 0, 'deregistration removed the binding');
    assert.match(await w.ha.metrics.scrape(), /^dsmip_bindings 0$/m);
    const dereg = w.ueEvents.filter((e) => e.kind === 'binding-update').at(-1);
    assert.ok(dereg?.kind === 'binding-update' && dereg.message.lifetimeSec === 0);
    assert.ok(w.ueEvents.some((e) => e.kind === 'ike' && e.event.kind === 'ike-sa-deleted'));
  } finally {
    await w.close();
  }
  // Every socket, timer and server is gone: the process could exit here.
  assert.deepEqual(liveHandles().length, before, `left behind: ${liveHandles().join(', ')}`);
});

test('behind an in-process NAT: IKE and the HA see the NAT, the BA carries NAT Detection with F set', async () => {
  const w = await world({ nat: true, careOf: '10.0.0.2' });
  try {
    const r = await w.ue.attach();
    assert.equal(r.ikeNatDetected, true, 'NAT-D hashes differ (RFC 7296 §2.23)');
    // RFC 5555 §4.2: the IPv4 CoA option (10.0.0.2) differs from the outer source: NAT, keepalive time NATKATIMEOUT.
    assert.deepEqual(r.natDetection, {
      kind: 'nat-detection',
      udpEncapsulationRequired: true,
      refreshTimeSec: NATKATIMEOUT_SEC,
    });
    const [binding] = w.ha.bindingList();
    assert.equal(binding?.natDetected, true);
    assert.equal(binding?.careOf.toString(), '10.0.0.2');
    const tunnel = binding?.tunnel;
    assert.ok(tunnel?.kind === 'udp4');
    // The NAT maps by what the kernel sees: the UE's loopback address behind the 10.0.0.2 alias.
    const natPort = await w.nat!.outsidePortOf(w.net.ue, 4191);
    assert.deepEqual([tunnel.destination.toString(), tunnel.destinationPort], [w.net.nat.toString(), natPort]);
    assert.notEqual(tunnel.destinationPort, 4191, 'the NAT rewrote port Z');
    assert.ok(r.dhcpv6?.vendorOptions.some((v) => v.enterpriseNumber === 10415));
    assert.ok(r.dhcpv4?.viVendorOptions.some((v) => v.enterpriseNumber === 10415));
    await w.ue.detach();
    assert.equal(w.ha.bindingCount, 0);
  } finally {
    await w.close();
  }
});

test('a care-of address change sends a new BU from the new address; at home no BU is sent at all', async () => {
  const w = await world({ nat: false, careOf: '192.0.2.100' });
  try {
    await w.ue.attach();
    const updated = new Promise<void>((resolve) =>
      w.ha.on((e) => {
        if (e.kind === 'binding' && e.event.kind === 'binding-updated') resolve();
      }),
    );
    await w.ue.changeCareOfAddress(SECOND_COA); // RFC 6275 §11.7.1: a new BU on movement
    await updated;
    assert.deepEqual(
      w.ha.bindingList().map((b) => [b.careOf.toString(), b.ipv4HomeAddress?.toString()]),
      [['192.0.2.101', '10.10.0.1']],
    );
    await w.ue.detach();
    assert.equal(w.ha.bindingCount, 0);
  } finally {
    await w.close();
  }
  const home = await world({ nat: false, careOf: '192.0.2.100', atHome: true });
  try {
    const r = await home.ue.attach();
    // TS 24.303 §5.1.2.3: on the home link with nothing registered, no BU (and no tunnel for DHCP).
    assert.deepEqual([r.atHome, r.dhcpv6, r.dhcpv4, r.ipv4HomeAddress], [true, undefined, undefined, undefined]);
    assert.ok(r.ipv6HomeAddress.hasPrefix(r.homePrefix.prefix, r.homePrefix.prefixLength));
    assert.equal(home.ueEvents.filter((e) => e.kind === 'binding-update').length, 0);
    assert.deepEqual(
      r.phases.map((p) => p.phase),
      ['discovery', 'ike-sa-init', 'eap-aka', 'child-sa', 'binding'],
    );
    await home.ue.detach();
    assert.ok(home.ueEvents.some((e) => e.kind === 'ike' && e.event.kind === 'ike-sa-deleted'));
    assert.equal(home.ha.bindingCount, 0);
  } finally {
    await home.close();
  }
});
