/**
 * Exchange tests: the UE's DHCP clients and the HA's DHCP service joined by an in-memory "tunnel", once with the
 * embedded servers and once through the relays to an external server (played by the same server functions behind
 * the relay protocol). Both paths must give the UE the same parameters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { decodeDhcpv6Message, encodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import type { Dhcpv4Datagram, Dhcpv6Datagram } from './datagram.ts';
import { type HaDhcpEvent, HaDhcpService, type HaDhcpServiceConfig } from './ha-service.ts';
import { InformClient } from './inform-client.ts';
import type { InformationRequestClient } from './information-request.ts';
import { ascii, constantRandom, HA_SERVER_DUID, UE_DUID } from './test-support.ts';
import { createTunnelInformationRequestClient } from './tunnel-clients.ts';
import type { Dhcpv4Parameters } from './v4-parameters.ts';
import { dhcpv4RelayConfig } from './v4-relay.ts';
import { answerInform, embeddedDhcpv4ServerConfig } from './v4-server.ts';
import type { Dhcpv6Parameters } from './v6-parameters.ts';
import { dhcpv6RelayConfig } from './v6-relay.ts';
import { answerInformationRequest, embeddedDhcpv6ServerConfig } from './v6-server.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const v4 = (s: string) => Ipv4Address.parse(s);
const HOA = v6('2001:db8:1:2::1');
const HOA4 = v4('192.0.2.10');

const V6_SERVER = embeddedDhcpv6ServerConfig({
  serverDuid: HA_SERVER_DUID,
  dnsServers: [v6('fd77::53'), v6('fd77::54')],
  vendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: ascii('hello-3gpp') }] }],
});
const V4_SERVER = embeddedDhcpv4ServerConfig({
  serverIdentifier: v4('10.77.0.1'),
  dnsServers: [v4('10.77.0.53')],
  viVendorOptions: [{ enterpriseNumber: 10415, subOptions: [{ code: 1, data: ascii('hello-3gpp-v4') }] }],
});

const EMBEDDED: HaDhcpServiceConfig = {
  v6: { kind: 'embedded', server: V6_SERVER, serverAddress: v6('2001:db8:1:2::fffe') },
  v4: { kind: 'embedded', server: V4_SERVER },
};
const RELAY: HaDhcpServiceConfig = {
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

/** An external server speaking the relay protocols, answering with the embedded server functions. */
function externalServerV6(d: Dhcpv6Datagram): Dhcpv6Datagram {
  const fwd = decodeDhcpv6Message(d.payload);
  assert.ok(fwd.kind === 'relay' && fwd.msgType === 12);
  const inner = fwd.options.find((o) => o.kind === 'relay-message');
  assert.ok(inner?.kind === 'relay-message');
  const r = answerInformationRequest(encodeDhcpv6Message(inner.message), V6_SERVER);
  assert.ok(r.kind === 'reply');
  const interfaceId = fwd.options.find((o) => o.kind === 'interface-id');
  assert.ok(interfaceId);
  const payload = encodeDhcpv6Message({
    ...fwd,
    msgType: 13,
    options: [interfaceId, { kind: 'relay-message', message: r.reply }],
  });
  return { source: d.destination, destination: d.source, sourcePort: 547, destinationPort: 547, payload };
}

function externalServerV4(d: Dhcpv4Datagram): Dhcpv4Datagram {
  const r = answerInform(d.payload, V4_SERVER);
  assert.ok(r.kind === 'ack');
  assert.equal(String(r.destination), '10.77.0.2'); // back to giaddr:67
  return {
    source: d.destination,
    destination: r.destination,
    sourcePort: 67,
    destinationPort: r.destinationPort,
    payload: r.payload,
  };
}

interface Run {
  v6: Dhcpv6Parameters;
  v4: Dhcpv4Parameters;
  haEvents: HaDhcpEvent[];
}

function runExchange(config: HaDhcpServiceConfig): Run {
  const ha = new HaDhcpService(config);
  const ue6: InformationRequestClient = createTunnelInformationRequestClient({
    homeAddress: HOA,
    clientDuid: UE_DUID,
    random: constantRandom(0.25),
  });
  const ue4 = new InformClient({
    clientAddress: HOA4,
    hardwareType: 1,
    clientHardwareAddress: fromHex('020000000001'),
    random: constantRandom(0.25),
  });
  ue6.start(0);
  ue6.handleTimeout(ue6.pollTimeout()!);
  ue4.start(0);
  // UE → tunnel → HA
  const ir = ue6.pollTransmit()!;
  ha.handleFromMobileNodeV6(1, 'b1', ir);
  const inform = ue4.pollTransmit()!;
  ha.handleFromMobileNodeV4(1, 'b1', inform, HOA4);
  // HA → server → HA (relay only) → tunnel → UE
  const haEvents: HaDhcpEvent[] = [];
  for (let round = 0; round < 3; round++) {
    for (let t = ha.pollTransmit(); t; t = ha.pollTransmit()) {
      if (t.toward === 'server') {
        if (t.family === 'ipv6') ha.handleFromServerV6(2, externalServerV6(t.datagram));
        else ha.handleFromServerV4(2, externalServerV4(t.datagram));
        continue;
      }
      assert.equal(t.bindingId, 'b1');
      if (t.family === 'ipv6') {
        assert.equal(String(t.datagram.destination), String(HOA));
        assert.equal(t.datagram.destinationPort, 546);
        ue6.handleDatagram(3, t.datagram.payload);
      } else {
        assert.equal(String(t.datagram.destination), String(HOA4));
        assert.equal(t.datagram.destinationPort, 68);
        ue4.handleDatagram(3, t.datagram.payload);
      }
    }
  }
  for (let e = ha.pollEvent(); e; e = ha.pollEvent()) haEvents.push(e);
  assert.equal(ue6.state, 'answered');
  assert.equal(ue4.state, 'answered');
  return { v6: ue6.parameters!, v4: ue4.parameters!, haEvents };
}

test('embedded servers: Information-request and DHCPINFORM through the tunnel are answered from configuration', () => {
  const r = runExchange(EMBEDDED);
  assert.deepEqual(r.v6.dnsServers.map(String), ['fd77::53', 'fd77::54']);
  assert.deepEqual(r.v6.vendorOptions, [
    { enterpriseNumber: 10415, subOptions: [{ code: 1, data: ascii('hello-3gpp') }] },
  ]);
  assert.deepEqual(r.v4.viVendorOptions, [
    { enterpriseNumber: 10415, subOptions: [{ code: 1, data: ascii('hello-3gpp-v4') }] },
  ]);
  assert.deepEqual(
    r.haEvents.map((e) => `${e.kind}/${e.family}`),
    ['answered/ipv6', 'answered/ipv4'],
  );
});

test('relays: Relay-forward with the binding’s Interface-Id, DHCPv4 with giaddr and option 82; same parameters as embedded', () => {
  const relayed = runExchange(RELAY);
  const embedded = runExchange(EMBEDDED);
  assert.deepEqual(relayed.v6, embedded.v6);
  assert.deepEqual(relayed.v4.viVendorOptions, embedded.v4.viVendorOptions);
  assert.deepEqual(relayed.v4.dnsServers, embedded.v4.dnsServers);
  assert.deepEqual(
    relayed.haEvents.map((e) => `${e.kind}/${e.family}`),
    ['relayed-to-server/ipv6', 'relayed-to-server/ipv4', 'relayed-to-mobile-node/ipv6', 'relayed-to-mobile-node/ipv4'],
  );
});

test('a DHCPACK the server sends straight to the HoA (RFC 2131 §4.3.5, as Kea does) goes into the tunnel unchanged', () => {
  const ha = new HaDhcpService(RELAY);
  const ue4 = new InformClient({
    clientAddress: HOA4,
    hardwareType: 1,
    clientHardwareAddress: fromHex('020000000001'),
    random: constantRandom(0.25),
  });
  ue4.start(0);
  ha.handleFromMobileNodeV4(1, 'b1', ue4.pollTransmit()!, HOA4);
  const toServer = ha.pollTransmit();
  assert.ok(toServer?.toward === 'server' && toServer.family === 'ipv4');
  const r = answerInform(toServer.datagram.payload, V4_SERVER);
  assert.ok(r.kind === 'ack');
  const direct: Dhcpv4Datagram = {
    source: v4('10.77.0.1'),
    destination: HOA4,
    sourcePort: 67,
    destinationPort: 68,
    payload: r.payload,
  };
  ha.handleFromServerV4(2, direct);
  const back = ha.pollTransmit();
  assert.deepEqual(back, { toward: 'mobile-node', family: 'ipv4', bindingId: undefined, datagram: direct });
  ue4.handleDatagram(3, direct.payload);
  assert.equal(ue4.state, 'answered');
  ha.handleFromServerV4(4, { ...direct, payload: ue4.config.clientHardwareAddress });
  const events: HaDhcpEvent[] = [];
  for (let e = ha.pollEvent(); e; e = ha.pollEvent()) events.push(e);
  assert.deepEqual(events.at(-1), { kind: 'dropped', family: 'ipv4', from: 'server', reason: 'not-reply' });
});

test('drops become events: disabled families, server messages without a relay, garbage', () => {
  const ha = new HaDhcpService({ v6: undefined, v4: undefined });
  const d6: Dhcpv6Datagram = {
    source: HOA,
    destination: v6('ff02::1:2'),
    sourcePort: 546,
    destinationPort: 547,
    payload: fromHex('0b'),
  };
  const d4: Dhcpv4Datagram = {
    source: HOA4,
    destination: v4('10.77.0.1'),
    sourcePort: 68,
    destinationPort: 67,
    payload: fromHex('01'),
  };
  ha.handleFromMobileNodeV6(0, 'b', d6);
  ha.handleFromMobileNodeV4(0, 'b', d4, HOA4);
  ha.handleFromServerV6(0, d6);
  ha.handleFromServerV4(0, d4);
  const withServers = new HaDhcpService(RELAY);
  withServers.handleFromServerV6(0, d6);
  withServers.handleFromServerV4(0, d4);
  withServers.handleFromMobileNodeV6(0, 'b', { ...d6, payload: fromHex('0d') });
  const events: HaDhcpEvent[] = [];
  for (const h of [ha, withServers]) for (let e = h.pollEvent(); e; e = h.pollEvent()) events.push(e);
  assert.deepEqual(
    events.map((e) => (e.kind === 'dropped' ? `${e.family}/${e.from}/${e.reason}` : e.kind)),
    [
      'ipv6/mobile-node/disabled',
      'ipv4/mobile-node/disabled',
      'ipv6/server/not-relaying',
      'ipv4/server/not-relaying',
      'ipv6/server/not-relay-reply',
      'ipv4/server/malformed',
      'ipv6/mobile-node/relay-reply-from-client',
    ],
  );
  assert.equal(ha.pollTransmit(), undefined);
});
