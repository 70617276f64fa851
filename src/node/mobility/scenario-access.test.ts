// BU/BA through the node pipelines over the simulated network, ESP transport mode on every one, real bytes end to
// end (RFC 4877 §4.3; RFC 5555 §5.2.1): IPv6 access (HAO/RH2 in front of ESP), IPv4 access without NAT (BU in UDP
// 4191, BA in protocol 41), IPv4 behind a NAT (BA in UDP to the NAT's port with F set), a refresh, a
// deregistration, and a UE without raw sockets that asks for UDP with F = 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COA4, COA6, HA4, HA6, HOA, NAT_PUBLIC, PRIVATE4 } from '../../mip/test-fixtures.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { findHomeAddressOption, findRoutingType2 } from '../../wire/ip/ipv6.ts';
import { decapsulateUdp, decodeIpPacket, type IpPacket } from '../../wire/ip/tunnel.ts';
import { ueCapabilities } from './signalling-io.ts';
import { classifyIp } from './signalling-packet.ts';
import { attachAndRegister, buildMobilityWorld, deliveredTo, type MobilityWorld } from './test-support.ts';

/** Every packet between UE and HA was ESP-protected signalling (the MH never in the clear). */
function assertAllEsp(w: MobilityWorld, count: number): void {
  const packets = [...deliveredTo(w, 'ha'), ...deliveredTo(w, 'ue')];
  assert.equal(packets.length, count);
  for (const p of packets) assert.equal(classifyIp(p).kind, 'esp');
}

/** The ESP packet's SPI and sequence number, from the IPv6 packet carrying it. */
function espHeader(v6: IpPacket): [number, number] {
  assert.ok(v6.version === 6 && v6.packet.nextHeader === IpProtocol.ESP);
  const e = v6.packet.payload;
  const u32 = (at: number) => ((e[at]! << 24) | (e[at + 1]! << 16) | (e[at + 2]! << 8) | e[at + 3]!) >>> 0;
  return [u32(0), u32(4)];
}

test('IPv6 access: IPv6(CoA → HA) · HAO(HoA) · ESP · BU, then IPv6(HA → CoA) · RH2(HoA) · ESP · BA', async () => {
  const w = await buildMobilityWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  const [bu] = deliveredTo(w, 'ha');
  const [ba] = deliveredTo(w, 'ue');
  const buIp = decodeIpPacket(bu!);
  assert.ok(buIp.version === 6);
  assert.deepEqual(
    [buIp.packet.source.toString(), buIp.packet.destination.toString(), findHomeAddressOption(buIp.packet)?.toString()],
    [COA6.toString(), HA6.toString(), HOA.toString()],
  );
  assert.deepEqual(espHeader(buIp), [0x1000_0001, 1], "the HA's inbound SPI, first sequence number");
  const baIp = decodeIpPacket(ba!);
  assert.ok(baIp.version === 6);
  assert.deepEqual(
    [baIp.packet.source.toString(), baIp.packet.destination.toString(), findRoutingType2(baIp.packet)?.homeAddress],
    [HA6.toString(), COA6.toString(), HOA],
  );
  assert.deepEqual(espHeader(baIp), [0x2000_0001, 1]);
  assertAllEsp(w, 2);
  const reg = w.ueEvents().find((e) => e.kind === 'registered');
  assert.ok(
    reg?.kind === 'registered' &&
      reg.careOf.toString() === COA6.toString() &&
      reg.ipv4HomeAddress?.toString() === '10.1.0.1',
  );
  assert.equal(w.ha.pipeline.core.binding(HOA)?.ikeSaId, '1', 'the binding names the IKE SA behind the BU');
  assert.deepEqual(
    [w.ha.pipeline.counters.accepted, w.ha.pipeline.counters.sent, w.ue.pipeline.counters.accepted],
    [1, 1, 1],
  );
});

test('IPv4 access, no NAT: IPv4 · UDP(4191 → 4191) · IPv6(HoA → HA) · ESP · BU; BA in IPv4 protocol 41', async () => {
  const w = await buildMobilityWorld({ topology: 'ipv4' });
  attachAndRegister(w);
  const bu = decapsulateUdp(deliveredTo(w, 'ha')[0]!);
  assert.ok(bu.outer.version === 4 && bu.outer.packet.source.equals(COA4) && bu.outer.packet.destination.equals(HA4));
  assert.deepEqual([bu.udp.sourcePort, bu.udp.destinationPort], [4191, 4191]);
  assert.ok(bu.inner.version === 6 && bu.inner.packet.source.equals(HOA) && bu.inner.packet.destination.equals(HA6));
  assert.equal(findHomeAddressOption(bu.inner.packet), undefined, 'no HAO: the IPv6 source is the HoA');
  assert.deepEqual(espHeader(bu.inner), [0x1000_0001, 1]);
  const ba = decodeIpPacket(deliveredTo(w, 'ue')[0]!);
  assert.ok(ba.version === 4 && ba.packet.protocol === IpProtocol.IPV6);
  assert.ok(ba.packet.source.equals(HA4) && ba.packet.destination.equals(COA4));
  const inner = decodeIpPacket(ba.packet.payload);
  assert.ok(inner.version === 6 && inner.packet.source.equals(HA6) && inner.packet.destination.equals(HOA));
  assert.deepEqual(espHeader(inner), [0x2000_0001, 1]);
  assertAllEsp(w, 2);
  const reg = w.ueEvents().find((e) => e.kind === 'registered');
  assert.deepEqual(reg?.kind === 'registered' && reg.tunnel, { kind: 'ipv4', source: COA4, destination: HA4 });
});

test('IPv4 behind a NAT: the HA sees the NAT address and port, answers in UDP to them with F set', async () => {
  const w = await buildMobilityWorld({ topology: 'nat' });
  attachAndRegister(w);
  const atHa = decapsulateUdp(deliveredTo(w, 'ha')[0]!);
  assert.ok(atHa.outer.version === 4 && atHa.outer.packet.source.equals(NAT_PUBLIC));
  const natPort = atHa.udp.sourcePort;
  assert.equal(w.nat?.mappings()[0]?.externalPort, natPort);
  const binding = w.ha.pipeline.core.binding(HOA)!;
  assert.equal(binding.remotePort, natPort, 'the outer UDP source port survived IPsec processing (RFC 5555 §5.1)');
  // The BA left the HA for the NAT's address and port, and reached the UE rewritten to its own.
  const sent = w.net.trace.find((t) => t.event === 'sent' && t.from === 'ha')!.packet;
  const out = decapsulateUdp(sent);
  assert.ok(out.outer.version === 4 && out.outer.packet.destination.equals(NAT_PUBLIC));
  assert.deepEqual([out.udp.sourcePort, out.udp.destinationPort], [4191, natPort]);
  const atUe = decapsulateUdp(deliveredTo(w, 'ue')[0]!);
  assert.ok(atUe.outer.version === 4 && atUe.outer.packet.destination.equals(PRIVATE4));
  assert.deepEqual(espHeader(atUe.inner), [0x2000_0001, 1], 'ESP inside UDP 4191, not RFC 3948 UDP 4500');
  assertAllEsp(w, 2);
  const reg = w.ueEvents().find((e) => e.kind === 'registered');
  assert.deepEqual(reg?.kind === 'registered' && reg.tunnel, {
    kind: 'udp4',
    source: PRIVATE4,
    destination: HA4,
    sourcePort: 4191,
    destinationPort: 4191,
  });
  assert.equal(w.ha.pipeline.core.counters.registrationsAccepted, 1);
});

test('a refresh and a deregistration: new ESP and MH sequence numbers each time, all protected', async () => {
  const w = await buildMobilityWorld({ topology: 'ipv6', mn: { policy: { requestedLifetimeSec: 100 } } });
  attachAndRegister(w);
  // Refresh at 80 % of the lifetime (RFC 6275 §11.7.1 "well before").
  w.net.advance(100_000);
  const registered = w.ueEvents().filter((e) => e.kind === 'registered');
  assert.deepEqual(
    registered.map((e) => e.kind === 'registered' && e.refresh),
    [false, true],
  );
  w.ue.pipeline.core.detach(w.net.now);
  w.ue.io.flush();
  w.net.runUntilQuiescent();
  assert.ok(w.ueEvents().some((e) => e.kind === 'deregistered' && e.acknowledged));
  assert.equal(w.ha.pipeline.core.binding(HOA), undefined);
  assert.equal(w.ha.pipeline.core.counters.deregistrationsAccepted, 1);
  const toHa = deliveredTo(w, 'ha').map((p) => espHeader(decodeIpPacket(p))[1]);
  const toUe = deliveredTo(w, 'ue').map((p) => espHeader(decodeIpPacket(p))[1]);
  assert.deepEqual(
    [toHa, toUe],
    [
      [1, 2, 3],
      [1, 2, 3],
    ],
  );
  assertAllEsp(w, 6);
});

test('a UE that may not open raw sockets asks for UDP (F = 1) and gets its BA in UDP without a NAT', async () => {
  const noRaw = await buildMobilityWorld({ topology: 'ipv4', ueRaw: false });
  const caps = ueCapabilities(noRaw.ue.host);
  assert.deepEqual(caps, { ipv6Access: false, receiveProtocol41: false, forceUdp: true });
  assert.deepEqual(noRaw.ue.io.missing, [
    { protocol: 50, family: 6 },
    { protocol: 41, family: 4 },
  ]);
  // Without F the BA comes in protocol 41, which this UE cannot receive: it is lost and the UE keeps trying.
  noRaw.ue.pipeline.core.attach(noRaw.net.now, noRaw.access);
  noRaw.ue.io.flush();
  noRaw.net.advance(5_000);
  assert.ok(!noRaw.ueEvents().some((e) => e.kind === 'registered'));
  assert.ok(noRaw.ue.host.counters.unclaimed >= 1);
  // With F = 1 (the capability's advice) the HA answers in UDP, with F set in the NAT Detection option.
  const w = await buildMobilityWorld({ topology: 'ipv4', ueRaw: false, mn: { policy: { forceUdp: caps.forceUdp } } });
  attachAndRegister(w);
  const ba = decapsulateUdp(deliveredTo(w, 'ue')[0]!);
  assert.deepEqual([ba.udp.sourcePort, ba.udp.destinationPort], [4191, 4191]);
  const reg = w.ueEvents().find((e) => e.kind === 'registered');
  assert.equal(reg?.kind === 'registered' && reg.tunnel.kind, 'udp4');
  assertAllEsp(w, 2);
});
