/**
 * Proofs of the HA clauses of TS 24.303 §5.1.3.2, run by the conformance table.
 */
import assert from 'node:assert/strict';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { decodeIpPacket, findRoutingType2 } from '../../wire/ip/index.ts';
import type { BindingAcknowledgement } from '../../wire/mh/messages.ts';
import { decideBindingUpdate } from '../decide-binding-update.ts';
import { receivePacket } from '../framing.ts';
import {
  altCoa,
  bu,
  CN4,
  CN6,
  COA4,
  COA6,
  COA6_B,
  context,
  HOA,
  haPolicy,
  NAT_PUBLIC,
  poolOf,
  udpPacket,
} from '../test-fixtures.ts';
import { attachAndRegister, buildWorld, type Topology } from './world.ts';

function registered(t: Topology, o: Omit<Parameters<typeof buildWorld>[0], 'topology'> = {}) {
  const w = buildWorld({ topology: t, ...o });
  attachAndRegister(w);
  return w;
}

/** The BA in a packet, decoded (fails when there is none). */
function baOf(packet: Uint8Array): BindingAcknowledgement {
  const p = receivePacket(packet);
  assert.ok(p.kind === 'mobility' && p.message.kind === 'binding-acknowledgement', 'not a BA');
  return p.message;
}

/** The last packet the HA put on the wire towards the UE side. */
const lastFromHa = (w: ReturnType<typeof buildWorld>) =>
  w.net.trace.filter((t) => t.event === 'sent' && t.from === 'ha').at(-1)!.packet;

export function validatesBu(): void {
  const state = { bindingCount: 0, pool: poolOf() };
  assert.equal(
    decideBindingUpdate(bu({ payloadProto: 6 }), context(), undefined, haPolicy(), 0, state).verdict,
    'drop',
  );
  assert.equal(
    decideBindingUpdate(bu(), context({ protectedByEsp: false }), undefined, haPolicy(), 0, state).verdict,
    'drop',
  );
  assert.equal(decideBindingUpdate(bu(), context(), undefined, haPolicy(), 0, state).verdict, 'register');
}

export function alternateCoaCheck(): void {
  const d = decideBindingUpdate(bu({}, [altCoa(COA6_B)]), context(), undefined, haPolicy(), 0, {
    bindingCount: 0,
    pool: poolOf(),
  });
  assert.ok(d.verdict === 'reject' && d.status === 174);
}

export function createsHomeRegistrationEntry(): void {
  const w = registered('ipv6');
  const e = w.ha.core.binding(HOA);
  assert.ok(e !== undefined);
  assert.equal(w.ha.events[0]!.kind, 'binding-created');
}

export function lifetimeFromOperatorPolicy(): void {
  const w = registered('ipv6', { ha: { maxLifetimeSec: 600 } });
  assert.equal(w.ha.core.binding(HOA)?.lifetimeSec, 600);
  assert.equal(w.mn.eventsOf('registered')[0]!.lifetimeSec, 600);
}

export function noDadOnHoa(): void {
  // The BA leaves at once (no DAD delay): BU delivered at 20 ms, BA sent at 20 ms, never status 134.
  const w = registered('ipv6');
  const buAt = w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.at;
  const baAt = w.net.trace.find((t) => t.event === 'sent' && t.from === 'ha')!.at;
  assert.equal(baAt, buAt);
  assert.equal(w.ha.core.counters.rejectedByStatus[134], undefined);
}

export function sendsBa(): void {
  const w = registered('ipv6');
  const ba = baOf(lastFromHa(w));
  assert.equal(ba.status, 0);
  assert.equal(ba.sequence, w.mn.sent[0]!.message.sequence);
}

export function mayIncludeRefreshAdvice(): void {
  const w = registered('ipv6', { ha: { refreshAdviceSec: 900 } });
  const ba = baOf(lastFromHa(w));
  assert.ok(ba.options.some((o) => o.kind === 'binding-refresh-advice' && o.refreshIntervalSec === 900));
  const none = registered('ipv6');
  assert.ok(!baOf(lastFromHa(none)).options.some((o) => o.kind === 'binding-refresh-advice'), 'optional: policy');
}

export function assignsIpv4HoaWithAck(): void {
  const ba = baOf(lastFromHa(registered('ipv6')));
  assert.ok(
    ba.options.some(
      (o) => o.kind === 'ipv4-address-acknowledgement' && o.status === 0 && o.homeAddress.toString() === '10.1.0.1',
    ),
  );
}

export function poolEmpty132(): void {
  const ba = baOf(lastFromHa(registered('ipv6', { pool: [] })));
  assert.ok(ba.options.some((o) => o.kind === 'ipv4-address-acknowledgement' && o.status === 132));
  assert.equal(ba.status, 0, 'the IPv6 registration itself is accepted');
}

export function natDetectedFSetAndUdp(): void {
  const w = registered('nat');
  const p = decodeIpPacket(lastFromHa(w));
  assert.ok(p.version === 4 && p.packet.protocol === IpProtocol.UDP && p.packet.destination.equals(NAT_PUBLIC));
  assert.ok(baOf(lastFromHa(w)).options.some((o) => o.kind === 'nat-detection' && o.udpEncapsulationRequired));
}

export function noNatPlainIpv4OrIpv6(): void {
  const v4 = registered('ipv4');
  const p4 = decodeIpPacket(lastFromHa(v4));
  assert.ok(p4.version === 4 && p4.packet.protocol === IpProtocol.IPV6 && p4.packet.destination.equals(COA4));
  const v6 = registered('ipv6');
  const p6 = decodeIpPacket(lastFromHa(v6));
  assert.ok(
    p6.version === 6 && p6.packet.destination.equals(COA6) && findRoutingType2(p6.packet)?.homeAddress.equals(HOA),
  );
}

export function twoLinkedBindings(): void {
  const w = registered('ipv6');
  const v4Hoa = w.mn.core.bindingUpdateList.ipv4!.homeAddress;
  assert.equal(w.ha.core.routeToUe(udpPacket(CN4, v4Hoa)).kind, 'tunnel');
  // A BU without the IPv4 HoA option drops only the IPv4 binding (RFC 5555 §4.4.2.1).
  const next = (w.ha.core.binding(HOA)!.sequence + 1) & 0xffff;
  w.ha.core.handleBindingUpdate(w.net.now, bu({ sequence: next }, [altCoa(COA6)]), context({ ikeSaId: 'ike-ue-1' }));
  assert.equal(w.ha.core.routeToUe(udpPacket(CN4, v4Hoa)).kind, 'no-binding');
  assert.equal(w.ha.core.routeToUe(udpPacket(CN6, HOA)).kind, 'tunnel');
  // Lifetime 0 removes the IPv6 binding and with it everything.
  const again = registered('ipv6');
  const v4Again = again.mn.core.bindingUpdateList.ipv4!.homeAddress;
  again.mn.core.detach(again.net.now);
  again.net.runUntil(() => again.mn.core.phase === 'detached', { maxSteps: 20 });
  assert.equal(again.ha.core.routeToUe(udpPacket(CN4, v4Again)).kind, 'no-binding');
  assert.equal(again.ha.core.routeToUe(udpPacket(CN6, HOA)).kind, 'no-binding');
}

/** The tunnel each downlink packet took: [outer version, outer protocol]. */
function downlink(t: Topology): [number, number][] {
  const w = registered(t);
  const v4Hoa = w.mn.core.bindingUpdateList.ipv4!.homeAddress;
  assert.ok(w.ha.deliverFromHomeNetwork(udpPacket(CN6, HOA)));
  assert.ok(w.ha.deliverFromHomeNetwork(udpPacket(CN4, v4Hoa)));
  w.net.runUntilQuiescent();
  assert.equal(w.mn.downlink.length, 2);
  return w.net.trace
    .filter((x) => x.event === 'sent' && x.from === 'ha')
    .slice(-2)
    .map((x) => {
      const p = decodeIpPacket(x.packet);
      return p.version === 4 ? [4, p.packet.protocol] : [6, p.packet.nextHeader];
    });
}

export function tunnelsAllHoaTraffic(): void {
  assert.equal(downlink('ipv6').length, 2);
}

export function natTunnelUdp(): void {
  assert.deepEqual(downlink('nat'), [
    [4, IpProtocol.UDP],
    [4, IpProtocol.UDP],
  ]);
}

export function ipv6CoaTunnelIpv6(): void {
  assert.deepEqual(downlink('ipv6'), [
    [6, IpProtocol.IPV6],
    [6, IpProtocol.IPV4_IN_IP],
  ]);
}

export function ipv4CoaTunnelIpv4(): void {
  assert.deepEqual(downlink('ipv4'), [
    [4, IpProtocol.IPV6],
    [4, IpProtocol.IPV4_IN_IP],
  ]);
}
