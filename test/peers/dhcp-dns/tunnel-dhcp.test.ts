/**
 * DHCP over the DSMIPv6 tunnel (TS 24.303 §5.1.1, §5.1.2.4 last paragraphs) with Kea 2.2 as the external servers
 * behind the HA's relays, and the same exchange against the HA's embedded servers: the UE must get the same
 * parameters, byte for byte.
 *
 *   UE ─(tunnel, in memory)─ HA relay ── veth ── Kea (server namespace)
 *   Information-request (from the HoA) → Relay-forward { Interface-Id "b1", Relay Message } → Kea6
 *   Kea6 → Relay-reply { Interface-Id "b1", Relay Message { Reply } } → HA → Reply into the tunnel of "b1"
 *   DHCPINFORM (ciaddr = IPv4 HoA) → giaddr 10.77.0.2, option 82 { circuit "b1" } → Kea4
 *   Kea4 → DHCPACK straight to ciaddr:68 (RFC 2131 §4.3.5), routed to the HA as traffic for the HoA → tunnel
 * Vendor-specific Information carries enterprise 10415 (3GPP) in option 17 and option 125.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type HaDhcpEvent, HaDhcpService, type HaDhcpServiceConfig } from '../../../src/dhcp/ha-service.ts';
import { InformClient } from '../../../src/dhcp/inform-client.ts';
import type { InformationRequestClient } from '../../../src/dhcp/information-request.ts';
import { seededRandom, UE_DUID } from '../../../src/dhcp/test-support.ts';
import { createTunnelInformationRequestClient } from '../../../src/dhcp/tunnel-clients.ts';
import type { Dhcpv4Parameters } from '../../../src/dhcp/v4-parameters.ts';
import { dhcpv4RelayConfig } from '../../../src/dhcp/v4-relay.ts';
import { embeddedDhcpv4ServerConfig } from '../../../src/dhcp/v4-server.ts';
import type { Dhcpv6Parameters } from '../../../src/dhcp/v6-parameters.ts';
import { dhcpv6RelayConfig } from '../../../src/dhcp/v6-relay.ts';
import { embeddedDhcpv6ServerConfig } from '../../../src/dhcp/v6-server.ts';
import { NetnsUdpSocket } from '../../../src/node/dhcp/netns-udp.ts';
import { fromHex, toHex } from '../../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../../src/util/ip-address.ts';
import { encodeWith } from '../../../src/util/writer.ts';
import { type Dhcpv4Option, dhcpv4OptionDataLength, emitDhcpv4OptionData } from '../../../src/wire/dhcpv4/options.ts';
import { dhcpv6OptionLength, emitDhcpv6Option } from '../../../src/wire/dhcpv6/message.ts';
import type { Dhcpv6Option } from '../../../src/wire/dhcpv6/option-types.ts';
import { ensureDhcpDnsPeers } from './install.ts';
import { type Kea, startKea } from './kea.ts';
import { createDhcpLink, type DhcpLink, ipIn } from './netns.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const v4 = (s: string) => Ipv4Address.parse(s);
const HOA = v6('2001:db8:1:2::1');
const HOA4 = v4('192.0.2.10');
const ascii = (s: string) => new TextEncoder().encode(s);

/** What both the Kea servers and the embedded ones are configured with. */
const DNS6 = ['fd77::53', 'fd77::54'];
const DNS4 = '10.77.0.53';
const BLOB6 = 'hello-3gpp';
const BLOB4 = 'hello-3gpp-v4';
const THREE_GPP = 10415;

let link: DhcpLink;
let kea6: Kea | undefined;
let kea4: Kea | undefined;
const sockets: NetnsUdpSocket[] = [];

before(async () => {
  ensureDhcpDnsPeers();
  link = createDhcpLink('tun');
  // The IPv4 home prefix is routed to the HA (here: the client namespace, which takes it as local).
  ipIn(link.serverNs, 'route', 'add', '192.0.2.0/24', 'via', '10.77.0.2');
  ipIn(link.clientNs, 'route', 'add', 'local', '192.0.2.0/24', 'dev', 'lo');
  const vendorDef = { name: 'epdg-blob', code: 1, space: `vendor-${THREE_GPP}`, type: 'string' };
  kea6 = await startKea(6, link.serverNs, {
    // The second entry makes Kea listen on fd77::1 for the relay's unicast Relay-forwards.
    'interfaces-config': { interfaces: [link.serverIf, `${link.serverIf}/fd77::1`] },
    'server-id': { type: 'LL', persist: false },
    'option-def': [vendorDef],
    'option-data': [
      { name: 'dns-servers', data: DNS6.join(', ') },
      { name: 'vendor-opts', data: String(THREE_GPP) },
      { name: 'epdg-blob', space: `vendor-${THREE_GPP}`, data: BLOB6, 'always-send': true },
    ],
    // The home link the relay names in link-address; without a subnet for it Kea 2.2 leaves the vendor
    // sub-options out of relayed Replies (global DNS still comes).
    subnet6: [
      { id: 1, subnet: 'fd77::/64', interface: link.serverIf },
      { id: 2, subnet: '2001:db8:1:2::/64' },
    ],
  });
  kea4 = await startKea(4, link.serverNs, {
    'interfaces-config': { interfaces: [link.serverIf], 'dhcp-socket-type': 'udp' },
    'option-def': [vendorDef],
    'option-data': [
      { name: 'domain-name-servers', data: DNS4 },
      { name: 'vivso-suboptions', data: String(THREE_GPP) },
      { name: 'epdg-blob', space: `vendor-${THREE_GPP}`, data: BLOB4, 'always-send': true },
    ],
    subnet4: [{ id: 1, subnet: '10.77.0.0/24' }],
  });
});

after(async () => {
  for (const s of sockets) await s.close();
  await kea6?.stop();
  await kea4?.stop();
  link?.dispose();
});

interface Result {
  readonly v6: Dhcpv6Parameters;
  readonly v4: Dhcpv4Parameters;
  readonly haEvents: HaDhcpEvent[];
}

interface ServerSockets {
  readonly relay6: NetnsUdpSocket;
  readonly relay4: NetnsUdpSocket;
  readonly hoa4: NetnsUdpSocket;
}

/** Runs both UE clients through `ha` on the wall clock until both are answered. */
function exchange(ha: HaDhcpService, io: ServerSockets | undefined, timeoutMs = 15_000): Promise<Result> {
  const ue6: InformationRequestClient = createTunnelInformationRequestClient({
    homeAddress: HOA,
    clientDuid: UE_DUID,
    random: seededRandom(21),
  });
  const ue4 = new InformClient({
    clientAddress: HOA4,
    hardwareType: 1,
    clientHardwareAddress: fromHex('020000000001'),
    random: seededRandom(22),
  });
  const haEvents: HaDhcpEvent[] = [];
  const now = () => Math.round(performance.now());
  return new Promise<Result>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const offs: (() => void)[] = [];
    const end = (e?: Error) => {
      clearTimeout(timer);
      clearTimeout(overall);
      for (const off of offs) off();
      if (e) reject(e);
      else resolve({ v6: ue6.parameters!, v4: ue4.parameters!, haEvents });
    };
    const pump = () => {
      for (let d = ue6.pollTransmit(); d; d = ue6.pollTransmit()) ha.handleFromMobileNodeV6(now(), 'b1', d);
      for (let d = ue4.pollTransmit(); d; d = ue4.pollTransmit()) ha.handleFromMobileNodeV4(now(), 'b1', d, HOA4);
      for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) {
        if (t.toward === 'server') {
          const s = t.family === 'ipv6' ? io?.relay6 : io?.relay4;
          s?.send(t.datagram.payload, String(t.datagram.destination), t.datagram.destinationPort);
        } else if (t.family === 'ipv6') ue6.handleDatagram(now(), t.datagram.payload);
        else ue4.handleDatagram(now(), t.datagram.payload);
      }
      for (let e = ha.pollEvent(); e; e = ha.pollEvent()) haEvents.push(e);
      if (ue6.state === 'answered' && ue4.state === 'answered') return end();
      clearTimeout(timer);
      const due = [ue6.pollTimeout(), ue4.pollTimeout()].filter((x): x is number => x !== undefined);
      if (due.length > 0)
        timer = setTimeout(
          () => {
            ue6.handleTimeout(now());
            ue4.handleTimeout(now());
            pump();
          },
          Math.max(0, Math.min(...due) - now()),
        );
    };
    if (io) {
      offs.push(
        io.relay6.onMessage((d) => {
          ha.handleFromServerV6(now(), {
            source: v6(d.address),
            destination: v6('fd77::2'),
            sourcePort: d.port,
            destinationPort: 547,
            payload: d.payload,
          });
          pump();
        }),
        io.relay4.onMessage((d) => {
          ha.handleFromServerV4(now(), {
            source: v4(d.address),
            destination: v4('10.77.0.2'),
            sourcePort: d.port,
            destinationPort: 67,
            payload: d.payload,
          });
          pump();
        }),
        io.hoa4.onMessage((d) => {
          ha.handleFromServerV4(now(), {
            source: v4(d.address),
            destination: HOA4,
            sourcePort: d.port,
            destinationPort: 68,
            payload: d.payload,
          });
          pump();
        }),
      );
    }
    const overall = setTimeout(
      () => end(new Error(`no answer in ${timeoutMs} ms: v6 ${ue6.state}, v4 ${ue4.state}`)),
      timeoutMs,
    );
    ue6.start(now());
    ue4.start(now());
    pump();
  });
}

/** The parameters as the option bytes that carry them, for a byte-level comparison. */
function wireForm(r: Result): string[] {
  const v6Options: Dhcpv6Option[] = [
    { kind: 'dns-servers', servers: r.v6.dnsServers },
    ...r.v6.vendorOptions.map((v): Dhcpv6Option => ({ kind: 'vendor-opts', ...v })),
  ];
  const v4Options: Dhcpv4Option[] = [
    { kind: 'dns-servers', servers: r.v4.dnsServers },
    { kind: 'vi-vendor-specific', entries: r.v4.viVendorOptions },
  ];
  return [
    ...v6Options.map((o) => toHex(encodeWith(o, dhcpv6OptionLength, emitDhcpv6Option))),
    ...v4Options.map((o) => toHex(encodeWith(o, dhcpv4OptionDataLength, emitDhcpv4OptionData))),
  ];
}

test('Kea behind the HA relays, and the embedded servers: the same parameters, byte for byte', async () => {
  const relay6 = await NetnsUdpSocket.open({ netns: link.clientNs, type: 'udp6', address: 'fd77::2', port: 547 });
  sockets.push(relay6);
  const relay4 = await NetnsUdpSocket.open({ netns: link.clientNs, type: 'udp4', address: '10.77.0.2', port: 67 });
  sockets.push(relay4);
  const hoa4 = await NetnsUdpSocket.open({ netns: link.clientNs, type: 'udp4', address: '0.0.0.0', port: 68 });
  sockets.push(hoa4);

  const relayed: HaDhcpServiceConfig = {
    v6: {
      kind: 'relay',
      relay: dhcpv6RelayConfig({
        linkAddress: v6('2001:db8:1:2::fffe'),
        relayAddress: v6('fd77::2'),
        serverAddresses: [v6('fd77::1')],
      }),
    },
    v4: {
      kind: 'relay',
      relay: dhcpv4RelayConfig({
        relayAddress: v4('10.77.0.2'),
        serverAddresses: [v4('10.77.0.1')],
        relayAgentInformation: true,
      }),
    },
  };
  let fromKea: Result;
  try {
    fromKea = await exchange(new HaDhcpService(relayed), { relay6, relay4, hoa4 });
  } catch (e) {
    throw new Error(
      `${String(e)}\n--- kea6\n${kea6?.daemon.log().split('\n').slice(-10).join('\n')}\n--- kea4\n${kea4?.daemon.log().split('\n').slice(-10).join('\n')}`,
    );
  }
  assert.deepEqual(fromKea.v6.dnsServers.map(String), DNS6);
  assert.deepEqual(fromKea.v6.vendorOptions, [
    { enterpriseNumber: THREE_GPP, subOptions: [{ code: 1, data: ascii(BLOB6) }] },
  ]);
  assert.deepEqual(fromKea.v4.dnsServers.map(String), [DNS4]);
  assert.deepEqual(fromKea.v4.viVendorOptions, [
    { enterpriseNumber: THREE_GPP, subOptions: [{ code: 1, data: ascii(BLOB4) }] },
  ]);
  // The Relay-reply came back with our Interface-Id, naming the binding; Kea4 answered ciaddr directly.
  assert.ok(
    fromKea.haEvents.some((e) => e.kind === 'relayed-to-mobile-node' && e.family === 'ipv6' && e.bindingId === 'b1'),
  );
  assert.ok(fromKea.haEvents.some((e) => e.kind === 'relayed-to-server' && e.family === 'ipv4'));

  const embedded: HaDhcpServiceConfig = {
    v6: {
      kind: 'embedded',
      serverAddress: v6('2001:db8:1:2::fffe'),
      server: embeddedDhcpv6ServerConfig({
        serverDuid: { kind: 'en', enterpriseNumber: THREE_GPP, identifier: fromHex('01') },
        dnsServers: DNS6.map(v6),
        vendorOptions: [{ enterpriseNumber: THREE_GPP, subOptions: [{ code: 1, data: ascii(BLOB6) }] }],
      }),
    },
    v4: {
      kind: 'embedded',
      server: embeddedDhcpv4ServerConfig({
        serverIdentifier: v4('10.77.0.1'),
        dnsServers: [v4(DNS4)],
        viVendorOptions: [{ enterpriseNumber: THREE_GPP, subOptions: [{ code: 1, data: ascii(BLOB4) }] }],
      }),
    },
  };
  const fromEmbedded = await exchange(new HaDhcpService(embedded), undefined);
  assert.deepEqual(wireForm(fromEmbedded), wireForm(fromKea));
  assert.deepEqual(fromEmbedded.haEvents.map((e) => `${e.kind}/${e.family}`).sort(), [
    'answered/ipv4',
    'answered/ipv6',
  ]);
});
