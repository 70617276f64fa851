// The UE's Home Agent discovery with DHCPv6 (TS 24.303 §5.1.2.1.5, RFC 6610) as the config file sets it up:
// `methods: [dhcpv6]`, `[dns, dhcpv6]` one after the other or in parallel (§5.1.2.1.1), against the embedded
// DHCPv6 server's answer (src/dhcp/v6-server.ts) behind a fake access link and the embedded DNS server on loopback.
// The real link (UDP 546 on an interface) runs against Kea in test/e2e/ue-dhcpv6-discovery.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUeConfig } from '../../config/load.ts';
import { HA_SERVER_DUID } from '../../dhcp/test-support.ts';
import { answerInformationRequest, embeddedDhcpv6ServerConfig } from '../../dhcp/v6-server.ts';
import { ConfigError } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { ipv4EmbeddedHomeAgentAddress } from '../../wire/dhcpv6/home-network.ts';
import { decodeDhcpv6Message } from '../../wire/dhcpv6/message.ts';
import { DnsServer } from '../dns/server.ts';
import type { AccessLink, AccessLinkDatagram } from './access-link.ts';
import { discoverHomeAgents } from './ue-discovery.ts';

const CA = new URL('../../../test/fixtures/pki/ca-ecdsa.pem', import.meta.url).pathname;
const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const LINK_LOCAL = Ipv6Address.parse('fe80::2');
const random = (n: number) => new Uint8Array(n).fill(7);

/** VDINF { HAA 2001:db8:ffff::1, HAA 64:ff9b::198.51.100.1 } and IDINF { HNIDF = HA-APN, HAF ha.home.example }. */
const SERVER = embeddedDhcpv6ServerConfig({
  serverDuid: HA_SERVER_DUID,
  visitedHomeNetwork: [
    { kind: 'home-agent-address', address: Ipv6Address.parse('2001:db8:ffff::1') },
    { kind: 'home-agent-address', address: ipv4EmbeddedHomeAgentAddress(Ipv4Address.parse('198.51.100.1')) },
  ],
  identifiedHomeNetworks: [{ fqdn: HA_APN, options: [{ kind: 'home-agent-fqdn', fqdn: 'ha.home.example' }] }],
});

/** An access link whose only server is the embedded one; it records where each datagram went. */
interface Sent {
  readonly to: string;
  readonly port: number;
  readonly type: number;
  /** Whether the message carried a Client Identifier option. */
  readonly clientId: boolean;
}

function fakeLink(answer = true): AccessLink & { readonly sent: Sent[] } {
  const listeners = new Set<(d: AccessLinkDatagram) => void>();
  const sent: Sent[] = [];
  return {
    interfaceName: 'wlan0',
    linkLocalAddress: LINK_LOCAL,
    sent,
    socket: {
      send(payload, to, port) {
        const m = decodeDhcpv6Message(payload);
        const clientServer = m.kind === 'client-server' ? m : undefined;
        sent.push({
          to,
          port,
          type: clientServer?.msgType ?? -1,
          clientId: clientServer?.options.some((o) => o.kind === 'client-id') ?? false,
        });
        const r = answerInformationRequest(payload, SERVER);
        if (!answer || r.kind !== 'reply') return;
        setImmediate(() => {
          for (const l of listeners) l({ payload: r.payload, address: `${LINK_LOCAL}%wlan0`, port: 547 });
        });
      },
      onMessage(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      close() {
        listeners.clear();
      },
    },
  };
}

function config(discovery: string, family: 'ipv4' | 'ipv6' = 'ipv6') {
  const access =
    family === 'ipv6'
      ? '{ family: ipv6, interface: wlan0, ipv6: { careOfAddress: "2001:db8:2::200" } }'
      : '{ family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }';
  return loadUeConfig({
    name: 'ue.yaml',
    text: [
      'ue:',
      '  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }',
      '  apn: internet',
      `  discovery: ${discovery}`,
      `  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }`,
      `  access: ${access}`,
    ].join('\n'),
  });
}

const DHCPV6 = 'dhcpv6: { interface: wlan0, idType: visited, firstDelayMax: 0s, timeout: 2s }';
const kinds = (events: readonly { kind: string; procedure?: string }[]) =>
  events.map((e) => (e.procedure ? `${e.kind}:${e.procedure}` : e.kind));

test('methods [dhcpv6], id-type visited: an Information-request to ff02::1:2 on the link → the dual-stack HA', async () => {
  const link = fakeLink();
  const r = await discoverHomeAgents(config(`{ methods: [dhcpv6], ${DHCPV6} }`), random, () => {}, 5000, {
    openAccessLink: async (name) => {
      assert.equal(name, 'wlan0');
      return link;
    },
  });
  assert.deepEqual(kinds(r.events), ['procedure-started:dhcpv6', 'procedure-succeeded:dhcpv6', 'home-agent-selected']);
  // RFC 6052: the IPv4-embedded HAA is the HA's IPv4 address, paired with the IPv6 one (RFC 6610 §3.4).
  assert.deepEqual(
    r.homeAgents.map((h) => [h.method, String(h.ipv6), String(h.ipv4)]),
    [['dhcpv6', '2001:db8:ffff::1', '198.51.100.1']],
  );
  // No Client Identifier on the visited link (RFC 8415 §18.2.6, RFC 7844 §4.3.1): nothing there to follow or invert.
  assert.deepEqual(link.sent, [{ to: 'ff02::1:2%wlan0', port: 547, type: 11, clientId: false }]);
});

test('a configured unicast server; id-type target → IDINF with an HA FQDN, resolved by DNS (§5.1.2.1.5)', async () => {
  const dns = await DnsServer.start({
    address: Ipv4Address.parse('127.0.0.1'),
    port: 0,
    records: [
      { name: 'ha.home.example', address: Ipv6Address.parse('2001:db8:ffff::7'), ttlSec: 60 },
      { name: 'ha.home.example', address: Ipv4Address.parse('198.51.100.7'), ttlSec: 60 },
    ],
  });
  try {
    const link = fakeLink();
    const c = config(
      `{ methods: [dhcpv6], dhcpv6: { interface: wlan0, server: "2001:db8:5::547", firstDelayMax: 0s }, ` +
        `dns: { servers: ["${dns.endpoint}"] } }`,
    );
    const r = await discoverHomeAgents(c, random, () => {}, 5000, { openAccessLink: async () => link });
    assert.deepEqual(kinds(r.events), [
      'procedure-started:dhcpv6',
      'fqdn-lookup-started',
      'procedure-succeeded:dhcpv6',
      'home-agent-selected',
    ]);
    assert.deepEqual(
      r.homeAgents.map((h) => [h.name, String(h.ipv6), String(h.ipv4)]),
      [['ha.home.example', '2001:db8:ffff::7', '198.51.100.7']],
    );
    assert.equal(link.sent[0]?.to, '2001:db8:5::547', 'a unicast server is not scoped to the link');
  } finally {
    await dns.close();
  }
});

test('[dns, dhcpv6] sequential: DNS NXDOMAIN first, then DHCPv6; parallel: both start at once', async () => {
  const dns = await DnsServer.start({ address: Ipv4Address.parse('127.0.0.1'), port: 0, records: [] });
  try {
    const both = (policy: string) =>
      config(`{ policy: ${policy}, methods: [dns, dhcpv6], dns: { servers: ["${dns.endpoint}"] }, ${DHCPV6} }`);
    const seq = await discoverHomeAgents(both('sequential'), random, () => {}, 5000, {
      openAccessLink: async () => fakeLink(),
    });
    assert.deepEqual(kinds(seq.events).slice(0, 3), [
      'procedure-started:dns',
      'procedure-failed:dns',
      'procedure-started:dhcpv6',
    ]);
    assert.equal(seq.homeAgents[0]?.method, 'dhcpv6');
    const par = await discoverHomeAgents(both('parallel'), random, () => {}, 5000, {
      openAccessLink: async () => fakeLink(),
    });
    assert.deepEqual(kinds(par.events).slice(0, 2), ['procedure-started:dns', 'procedure-started:dhcpv6']);
    assert.equal(par.homeAgents[0]?.method, 'dhcpv6');
    // `[dhcpv6, dns]` in sequence: DHCPv6 first, DNS never asked once an HA was found.
    const first = await discoverHomeAgents(
      config(`{ methods: [dhcpv6, dns], dns: { servers: ["${dns.endpoint}"] }, ${DHCPV6} }`),
      random,
      () => {},
      5000,
      { openAccessLink: async () => fakeLink() },
    );
    assert.deepEqual(kinds(first.events)[0], 'procedure-started:dhcpv6');
    assert.ok(!kinds(first.events).includes('procedure-started:dns'));
  } finally {
    await dns.close();
  }
});

test('no answer on the link: DHCPv6 fails after its timeout and the static HAs remain', async () => {
  const c = config(`{ methods: [dhcpv6], ${DHCPV6}, static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }`);
  const r = await discoverHomeAgents(c, random, () => {}, 5000, { openAccessLink: async () => fakeLink(false) });
  assert.deepEqual(kinds(r.events), ['procedure-started:dhcpv6', 'procedure-failed:dhcpv6', 'exhausted']);
  assert.deepEqual(
    r.homeAgents.map((h) => h.method),
    ['configured'],
  );
});

test('HAs from the ePDG win (§5.1.2.1.1): DHCPv6 never runs, so UDP 546 is not even opened', async () => {
  // HOME_AGENT_ADDRESS 2001:db8:1::1 + 192.0.2.1 (TS 24.302).
  const epdg = 'epdgHomeAgentAddress: 20010db8000100000000000000000001c0000201';
  const r = await discoverHomeAgents(config(`{ ${epdg}, methods: [dhcpv6], ${DHCPV6} }`), random, () => {}, 5000, {
    openAccessLink: () => Promise.reject(new Error('UDP 546 needs CAP_NET_BIND_SERVICE')),
  });
  assert.deepEqual(
    r.homeAgents.map((h) => [String(h.ipv6), String(h.ipv4)]),
    [['2001:db8:1::1', '192.0.2.1']],
  );
  assert.deepEqual(r.events, []);
  // The same without any dynamic method configured.
  const only = await discoverHomeAgents(config(`{ ${epdg} }`), random, () => {}, 5000);
  assert.deepEqual(
    only.homeAgents.map((h) => h.method),
    ['epdg'],
  );
});

test('an IPv4-only access cannot run DHCPv6 discovery: the config says so; target needs an HA-APN', () => {
  const invalid = (discovery: string, family: 'ipv4' | 'ipv6', path: string, message: RegExp) =>
    assert.throws(
      () => config(discovery, family),
      (e: unknown) => e instanceof Error && e.message.includes(path) && message.test(e.message),
    );
  invalid(`{ methods: [dhcpv6], ${DHCPV6} }`, 'ipv4', 'ue.discovery.methods', /IPv4-only access/);
  // Without `methods`, a dhcpv6 section means DHCPv6 is used: the same error.
  invalid(`{ ${DHCPV6} }`, 'ipv4', 'ue.discovery.methods', /needs IPv6 on the access link/);
  // id-type target sends the HA-APN (RFC 6610 HNIDF): a name of another shape is refused when the file is read.
  const target = 'dhcpv6: { interface: wlan0, idType: target }';
  const named = (haApn: string) =>
    `{ methods: [dhcpv6], ${target}, dns: { servers: ["192.0.2.53"], haApn: ${haApn} } }`;
  invalid(named('ha.example.net'), 'ipv6', 'ue.discovery.dns.haApn', /not one: not-ha-apn/);
  assert.ok(config(named('internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org')));
  // DNS alone resolves any name it is given.
  assert.ok(config('{ dns: { servers: ["192.0.2.53"], haApn: ha.example.net } }'));
  // IPv4 access with DNS only is fine, the dhcpv6 section unused.
  assert.equal(
    config('{ methods: [dns], dns: { servers: ["192.0.2.53"] }, dhcpv6: { interface: eth0 } }', 'ipv4').discovery.dhcpv6
      ?.timeout.ms,
    10_000,
  );
  assert.throws(
    () =>
      loadUeConfig({
        name: 'ue.yaml',
        text: [
          'ue:',
          '  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, nai: u@example.net }',
          '  apn: internet',
          '  discovery: { methods: [dhcpv6], dhcpv6: { interface: wlan0, idType: target } }',
          `  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }`,
          '  access: { family: ipv6, ipv6: { careOfAddress: "2001:db8:2::200" } }',
        ].join('\n'),
      }),
    (e: unknown) => e instanceof Error && /ue\.discovery\.dhcpv6\.idType.*HA-APN/.test(e.message),
  );
  // An APN too long to make an HA-APN from (100 octets encoded, TS 23.003 §21.2) fails when read, not at the attach.
  const longApn = `${'a'.repeat(40)}.${'b'.repeat(22)}`;
  assert.throws(
    () =>
      loadUeConfig({
        name: 'ue.yaml',
        text: [
          'ue:',
          '  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }',
          `  apn: ${longApn}`,
          '  discovery: { dns: { servers: ["192.0.2.53"] } }',
          `  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }`,
          '  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.100 } }',
        ].join('\n'),
      }),
    (e: unknown) => e instanceof Error && /ue\.apn: no HA-APN from it: ni-too-long/.test(e.message),
  );
});

test('the real access link: a missing interface or one without a link-local address is a ConfigError', async () => {
  const { linkLocalAddressOf } = await import('./access-link.ts');
  for (const name of ['no-such-if0', 'lo']) {
    assert.throws(
      () => linkLocalAddressOf(name),
      (e: unknown) => e instanceof ConfigError && e.path === 'ue.discovery.dhcpv6.interface',
    );
  }
  assert.throws(() => linkLocalAddressOf('lo'), /IPv4-only access cannot run DHCPv6 discovery/);
});
