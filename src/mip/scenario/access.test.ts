// Registration over each kind of access, end to end over the simulated network (real packet bytes):
// IPv6 access, IPv4 without NAT, IPv4 behind a NAT, and a UE at home. Data both ways once bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { findHomeAddressOption, findRoutingType2 } from '../../wire/ip/ipv6.ts';
import { decodeIpPacket } from '../../wire/ip/tunnel.ts';
import { frameMobilityPacket } from '../framing.ts';
import { ba, CN4, CN6, COA4, COA6, HA4, HA6, HOA, NAT_PUBLIC, PRIVATE4, udpPacket } from '../test-fixtures.ts';
import { attachAndRegister, buildWorld } from './world.ts';

test('IPv6 access: BU to the HA IPv6 address with HAO, H, A, Alt-CoA = CoA, IPv4 HoA 0.0.0.0; BA with RH2', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  // UE → HA: IPv6(CoA → HA) · DstOpt(HAO = HoA) · MH BU
  const buPacket = w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet;
  const ip = decodeIpPacket(buPacket);
  assert.equal(ip.version, 6);
  if (ip.version !== 6) return;
  assert.equal(ip.packet.source.toString(), COA6.toString());
  assert.equal(ip.packet.destination.toString(), HA6.toString());
  assert.equal(findHomeAddressOption(ip.packet)?.toString(), HOA.toString());
  const bu = w.mn.sent[0]!.message;
  assert.ok(bu.kind === 'binding-update' && bu.acknowledge && bu.homeRegistration);
  assert.deepEqual(
    bu.options.map((o) =>
      o.kind === 'alternate-care-of-address' || o.kind === 'ipv4-home-address'
        ? `${o.kind}=${'careOfAddress' in o ? o.careOfAddress : o.homeAddress}`
        : o.kind,
    ),
    ['ipv4-home-address=0.0.0.0', `alternate-care-of-address=${COA6}`],
  );
  // HA → UE: IPv6(HA → CoA) · RH2(HoA) · MH BA
  const baPacket = w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ue')!.packet;
  const back = decodeIpPacket(baPacket);
  assert.ok(back.version === 6 && back.packet.destination.equals(COA6));
  assert.equal(back.version === 6 && findRoutingType2(back.packet)?.homeAddress.toString(), HOA.toString());
  const reg = w.mn.eventsOf('registered')[0]!;
  assert.equal(reg.ipv4HomeAddress?.toString(), '10.1.0.1');
  assert.deepEqual(reg.tunnel, { kind: 'ipv6', source: COA6, destination: HA6 });
  assert.deepEqual(
    w.mn.core.bindingUpdateList.entries().map((e) => e.homeAddress.toString()),
    [HOA.toString(), '10.1.0.1'],
  );
  assert.deepEqual(
    w.ha.events.map((e) => e.kind),
    ['binding-created', 'ipv4-hoa-assigned'],
  );
});

test('IPv6 access data: the HA tunnels IPv6 and IPv4 HoA traffic in IPv6 to the CoA; the UE reverse-tunnels in IPv6', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  assert.ok(w.ha.deliverFromHomeNetwork(udpPacket(CN6, HOA)));
  assert.ok(w.ha.deliverFromHomeNetwork(udpPacket(CN4, w.mn.core.bindingUpdateList.ipv4!.homeAddress)));
  w.net.runUntilQuiescent();
  const tunnelled = w.net.trace.filter((t) => t.event === 'delivered' && t.to === 'ue').slice(1);
  assert.deepEqual(
    tunnelled.map((t) => {
      const p = decodeIpPacket(t.packet);
      return p.version === 6 ? [p.packet.destination.toString(), p.packet.nextHeader] : ['v4'];
    }),
    [
      [COA6.toString(), IpProtocol.IPV6],
      [COA6.toString(), IpProtocol.IPV4_IN_IP], // IPv4 in IPv6 (RFC 5555 §4.5.1)
    ],
  );
  assert.equal(w.mn.downlink.length, 2);
  w.mn.sendData(udpPacket(HOA, CN6));
  w.mn.sendData(udpPacket(w.mn.core.bindingUpdateList.ipv4!.homeAddress, CN4));
  w.net.runUntilQuiescent();
  assert.equal(w.ha.uplink.length, 2);
  assert.equal(w.ha.core.counters.uplinkDropped['spoofed-inner-source'], 0);
});

test('IPv4 access, no NAT: BU in UDP to HA:4191 from the IPv4 CoA; BA in plain IPv4 (protocol 41); IPv4 tunnels', () => {
  const w = buildWorld({ topology: 'ipv4' });
  attachAndRegister(w);
  const buOuter = decodeIpPacket(w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet);
  assert.ok(buOuter.version === 4 && buOuter.packet.protocol === IpProtocol.UDP);
  assert.ok(buOuter.version === 4 && buOuter.packet.source.equals(COA4) && buOuter.packet.destination.equals(HA4));
  const bu = w.mn.sent[0]!;
  assert.deepEqual(bu.transport, {
    kind: 'udp4',
    source: COA4,
    destination: HA4,
    sourcePort: 4191,
    destinationPort: 4191,
  });
  assert.equal(bu.innerSrc.toString(), HOA.toString(), 'the IPv6 source is the HoA, no HAO (RFC 5555 §4.2)');
  assert.ok(bu.message.kind === 'binding-update' && !bu.message.forceUdpEncapsulation && !bu.message.tlvHeaderFormat);
  assert.ok(bu.message.options.some((o) => o.kind === 'ipv4-care-of-address' && o.careOfAddress.equals(COA4)));
  const baOuter = decodeIpPacket(w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ue')!.packet);
  assert.ok(baOuter.version === 4 && baOuter.packet.protocol === IpProtocol.IPV6, 'seed: BA in an IPv4 header, no UDP');
  const reg = w.mn.eventsOf('registered')[0]!;
  assert.deepEqual(reg.tunnel, { kind: 'ipv4', source: COA4, destination: HA4 });
  assert.ok(w.ha.deliverFromHomeNetwork(udpPacket(CN6, HOA)));
  w.net.runUntilQuiescent();
  const data = decodeIpPacket(w.net.trace.filter((t) => t.event === 'delivered' && t.to === 'ue').at(-1)!.packet);
  assert.ok(data.version === 4 && data.packet.protocol === IpProtocol.IPV6 && data.packet.destination.equals(COA4));
  w.mn.sendData(udpPacket(HOA, CN6));
  w.net.runUntilQuiescent();
  assert.equal(w.ha.uplink.length, 1);
});

test('IPv4 behind a NAT: NAT Detection F set, BA in UDP to the NAT port, UDP tunnels both ways', () => {
  const w = buildWorld({ topology: 'nat' });
  attachAndRegister(w);
  const mapping = w.nat!.mappings()[0]!;
  assert.equal(mapping.insideAddress.toString(), PRIVATE4.toString());
  const baAtNat = w.net.trace.find((t) => t.event === 'sent' && t.from === 'ha')!.packet;
  const outer = decodeIpPacket(baAtNat);
  assert.ok(
    outer.version === 4 && outer.packet.protocol === IpProtocol.UDP && outer.packet.destination.equals(NAT_PUBLIC),
  );
  const baMsg = w.mn.received.find((p) => p.kind === 'mobility')!;
  assert.ok(baMsg.kind === 'mobility' && baMsg.message.kind === 'binding-acknowledgement');
  assert.ok(
    baMsg.kind === 'mobility' &&
      baMsg.message.options.some(
        (o) => o.kind === 'nat-detection' && o.udpEncapsulationRequired && o.refreshTimeSec === 110,
      ),
  );
  const created = w.ha.events.find((e) => e.kind === 'binding-created')!;
  assert.ok(created.kind === 'binding-created' && created.natDetected);
  assert.deepEqual(created.kind === 'binding-created' && created.tunnel, {
    kind: 'udp4',
    source: HA4,
    destination: NAT_PUBLIC,
    sourcePort: 4191,
    destinationPort: mapping.externalPort,
  });
  assert.equal(w.mn.core.uplinkRoute()?.kind, 'udp4');
  w.mn.sendData(udpPacket(HOA, CN6));
  assert.ok(w.ha.deliverFromHomeNetwork(udpPacket(CN6, HOA)));
  w.net.runUntilQuiescent();
  assert.equal(w.ha.uplink.length, 1, 'uplink through the NAT accepted: outer address and port match the binding');
  assert.equal(w.mn.downlink.length, 1, 'downlink came back through the NAT mapping');
});

test('behind a NAT a protocol-41 BA would be lost: the NAT drops non-UDP, which is why the HA answers in UDP', () => {
  const w = buildWorld({ topology: 'nat' });
  attachAndRegister(w);
  assert.equal(w.nat!.dropped['not-udp-over-ipv4'], 0, 'nothing the cores sent needed protocol 41 through the NAT');
  const received = w.mn.received.length;
  const lost = frameMobilityPacket({
    kind: 'send-mh',
    message: ba(),
    innerSrc: HA6,
    innerDst: HOA,
    transport: { kind: 'ipv4-protocol-41', source: HA4, destination: NAT_PUBLIC },
  });
  w.net.inject('ha', lost);
  w.net.runUntilQuiescent();
  assert.equal(w.nat!.dropped['not-udp-over-ipv4'], 1);
  assert.equal(w.mn.received.length, received);
});

test('at home: home link detected, no BU sent, no IKEv2 needed for the check', () => {
  const w = buildWorld({ topology: 'home' });
  w.mn.core.attach(w.net.now, w.access);
  w.net.runUntilQuiescent();
  assert.deepEqual(w.mn.eventsOf('at-home'), [{ kind: 'at-home', deregistered: false }]);
  assert.equal(w.mn.sent.length, 0);
  assert.equal(w.ha.core.counters.bindingUpdatesReceived, 0);
  assert.equal(w.mn.core.phase, 'at-home');
});
