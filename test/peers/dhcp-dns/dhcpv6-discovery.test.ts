/**
 * DHCPv6 Home Agent discovery against Kea 2.2 in a network namespace (TS 24.303 §5.1.2.1.5, RFC 6610), our UE on
 * the other end of a veth pair:
 *   Information-request { Client Identifier, Elapsed Time, ORO(50 | 69, 49, 71, 72, 73, 32, 83), [HNIDF] } --> ff02::1:2
 *   <-- Reply { Server Identifier, Client Identifier, VDINF { HNP, HAA, HAA(64:ff9b::/96) } | IDINF { HNIDF, HAF } }
 * id-type 0 gets HA addresses; id-type 1 gets an HA FQDN, which dnsmasq resolves. Then the policy: DNS failing and
 * DHCPv6 succeeding, and both in parallel.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seededRandom, UE_DUID } from '../../../src/dhcp/test-support.ts';
import { homeAgentKey } from '../../../src/discovery/candidates.ts';
import { type DiscoveryEvent, HomeAgentDiscovery } from '../../../src/discovery/discovery.ts';
import { type HomeAgentDiscoveryInit, homeAgentDiscoveryConfig } from '../../../src/discovery/discovery-config.ts';
import { runHomeAgentDiscovery } from '../../../src/node/dhcp/discovery-runner.ts';
import { NetnsUdpSocket } from '../../../src/node/dhcp/netns-udp.ts';
import { NodeDnsResolver } from '../../../src/node/dns/resolver.ts';
import { Ipv6Address } from '../../../src/util/ip-address.ts';
import { type Dnsmasq, startDnsmasq } from './dnsmasq.ts';
import { ensureDhcpDnsPeers } from './install.ts';
import { type Kea, startKea } from './kea.ts';
import { createDhcpLink, type DhcpLink, linkLocalAddress } from './netns.ts';

const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const UNKNOWN_HA_APN = 'nothing.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const HA_FQDN = 'ha.home.example';

/**
 * OPTION_MIP6_VDINF data as written on the wire (RFC 6610 §3.2.1), given to Kea as an opaque value:
 * HNP(71) len 17: /64 fd99:1:2:3:: | HAA(72) len 16: fd99::1 | HAA(72) len 16: 64:ff9b::10.77.0.1 (RFC 6052).
 */
const VDINF_DATA = [
  '00470011', // OPTION_MIP6_HNP, 17 octets
  '40', // Prefix-len 64
  'fd990001000200030000000000000000', // fd99:1:2:3::
  '00480010', // OPTION_MIP6_HAA, 16 octets
  'fd990000000000000000000000000001', // fd99::1
  '00480010', // OPTION_MIP6_HAA, 16 octets
  '0064ff9b', // Well-Known Prefix 64:ff9b::/96 ...
  '0000000000000000',
  '0a4d0001', // ... + 10.77.0.1
].join('');

let link: DhcpLink;
let kea: Kea | undefined;
let dnsmasq: Dnsmasq | undefined;
let socket: NetnsUdpSocket | undefined;
let ueLinkLocal: Ipv6Address;

before(async () => {
  ensureDhcpDnsPeers();
  link = createDhcpLink('d6');
  ueLinkLocal = Ipv6Address.parse(linkLocalAddress(link.clientNs, link.clientIf));
  kea = await startKea(6, link.serverNs, {
    'interfaces-config': { interfaces: [link.serverIf] },
    'server-id': { type: 'LL', persist: false },
    'option-def': [
      { name: 'mip6-vdinf', code: 50, space: 'dhcp6', type: 'binary' },
      { name: 'mip6-idinf', code: 69, space: 'dhcp6', type: 'empty', encapsulate: 'mip6-id' },
      { name: 'hnidf', code: 49, space: 'mip6-id', type: 'fqdn' },
      { name: 'haf', code: 73, space: 'mip6-id', type: 'fqdn' },
    ],
    'option-data': [
      { name: 'mip6-vdinf', data: VDINF_DATA },
      { name: 'mip6-idinf' },
      { name: 'hnidf', space: 'mip6-id', data: `${HA_APN}.` },
      { name: 'haf', space: 'mip6-id', data: `${HA_FQDN}.` },
    ],
    subnet6: [{ id: 1, subnet: 'fd77::/64', interface: link.serverIf }],
  });
  dnsmasq = await startDnsmasq(
    [
      { name: HA_FQDN, ipv6: ['fd99::7'], ipv4: ['10.77.0.7'], ttlSec: 600 },
      { name: HA_APN, ipv6: ['2001:db8:0:1::1'], ipv4: ['198.51.100.1'], ttlSec: 300 },
    ],
    ['3gppnetwork.org', 'home.example'],
  );
  socket = await NetnsUdpSocket.open({ netns: link.clientNs, type: 'udp6', address: '::', port: 546 });
});

after(async () => {
  await socket?.close();
  await kea?.stop();
  await dnsmasq?.stop();
  link?.dispose();
});

function discovery(init: Partial<HomeAgentDiscoveryInit>): HomeAgentDiscovery {
  return new HomeAgentDiscovery(
    homeAgentDiscoveryConfig({
      dhcpv6: { idType: 0, linkLocalAddress: ueLinkLocal, clientDuid: UE_DUID },
      random: seededRandom(Date.now() & 0xffff),
      ...init,
    }),
  );
}

async function run(
  core: HomeAgentDiscovery,
  done: (e: readonly DiscoveryEvent[]) => boolean,
): Promise<DiscoveryEvent[]> {
  const io = {
    dhcpv6: { socket: socket!, interfaceName: link.clientIf },
    resolver: new NodeDnsResolver({ servers: [dnsmasq!.server], timeoutMs: 1000, tries: 1 }),
  };
  try {
    return await runHomeAgentDiscovery(core, io, done, 15_000);
  } catch (e) {
    throw new Error(`${String(e)}\n--- kea log (tail)\n${kea?.daemon.log().split('\n').slice(-15).join('\n')}`);
  }
}

const selected = (e: readonly DiscoveryEvent[]) => e.some((x) => x.kind === 'home-agent-selected');

test('id-type 0 → VDINF from Kea: a dual-stack HA (IPv6 HAA + IPv4-embedded HAA) and the home network prefix', async () => {
  const core = discovery({});
  const events = await run(core, selected);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['procedure-started', 'procedure-succeeded', 'home-agent-selected'],
  );
  const ha = core.current();
  assert.ok(ha);
  assert.equal(`${ha.method} ${homeAgentKey(ha)}`, 'dhcpv6 fd99::1|10.77.0.1');
  assert.equal(`${ha.homeNetworkPrefix?.prefix}/${ha.homeNetworkPrefix?.prefixLength}`, 'fd99:1:2:3::/64');
});

test('id-type 1 → IDINF { HNIDF = HA-APN, HAF } from Kea → DNS lookup of the HA FQDN at dnsmasq', async () => {
  const core = discovery({ dhcpv6: { idType: 1, haApn: HA_APN, linkLocalAddress: ueLinkLocal, clientDuid: UE_DUID } });
  const events = await run(core, selected);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['procedure-started', 'fqdn-lookup-started', 'procedure-succeeded', 'home-agent-selected'],
  );
  const ha = core.current();
  assert.equal(ha && `${ha.method} ${ha.name} ${homeAgentKey(ha)}`, `dhcpv6 ${HA_FQDN} fd99::7|10.77.0.7`);
});

test('sequential: DNS fails (NXDOMAIN at dnsmasq), then DHCPv6 succeeds', async () => {
  const core = discovery({ dns: { target: { kind: 'name', name: UNKNOWN_HA_APN } }, mode: 'sequential', first: 'dns' });
  const events = await run(core, selected);
  assert.deepEqual(
    events.map((e) => ('procedure' in e ? `${e.kind}:${e.procedure}` : e.kind)),
    [
      'procedure-started:dns',
      'procedure-failed:dns',
      'procedure-started:dhcpv6',
      'procedure-succeeded:dhcpv6',
      'home-agent-selected',
    ],
  );
  assert.equal(core.current()?.method, 'dhcpv6');
});

test('parallel: both run, the first to answer gives the HA, the other’s HAs follow as fallbacks', async () => {
  const core = discovery({ dns: { target: { kind: 'name', name: HA_APN } }, mode: 'parallel' });
  const settled = (e: readonly DiscoveryEvent[]) => e.filter((x) => x.kind === 'procedure-succeeded').length === 2;
  const events = await run(core, settled);
  const firstSuccess = events.find((e) => e.kind === 'procedure-succeeded');
  assert.ok(firstSuccess?.kind === 'procedure-succeeded');
  const selectedEvent = events.find((e) => e.kind === 'home-agent-selected');
  assert.ok(selectedEvent?.kind === 'home-agent-selected');
  assert.equal(selectedEvent.homeAgent.method, firstSuccess.procedure);
  assert.deepEqual(
    core
      .homeAgents()
      .map((h) => `${h.method} ${homeAgentKey(h)}`)
      .sort(),
    ['dhcpv6 fd99::1|10.77.0.1', 'dns 2001:db8:0:1::1|198.51.100.1'],
  );
  const next = core.markFailed(performance.now(), core.current()!, { kind: 'ike-no-response' });
  assert.ok(next && next.method !== firstSuccess.procedure);
});
