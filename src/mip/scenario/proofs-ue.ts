/**
 * Proofs of the UE clauses of TS 24.303 §5.1.2.3 and §5.1.2.4, run by the conformance table
 * (src/mip/conformance.test.ts). Each builds a simulated world, drives the cores with real packet bytes and
 * asserts the clause; a proof throws when the clause is not met.
 */
import assert from 'node:assert/strict';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { decodeIpPacket, findHomeAddressOption } from '../../wire/ip/index.ts';
import { isOnHomeLink } from '../home-link.ts';
import { MobileNodeCore } from '../mobile-node.ts';
import type { MobileNodePolicy } from '../policy.ts';
import {
  CN4,
  CN6,
  COA4,
  COA6,
  HA4,
  HA6,
  HOA,
  HOME_PREFIX,
  mnConfig,
  OTHER_PREFIX,
  udpPacket,
  VISITED_PREFIX,
} from '../test-fixtures.ts';
import { ACCESS, attachAndRegister, buildWorld, type Topology } from './world.ts';

function registered(t: Topology, o: Omit<Parameters<typeof buildWorld>[0], 'topology'> = {}) {
  const w = buildWorld({ topology: t, ...o });
  attachAndRegister(w);
  return w;
}

const firstBu = (t: Topology) => {
  const w = registered(t);
  const s = w.mn.sent[0]!;
  assert.ok(s.message.kind === 'binding-update');
  return { w, s, bu: s.message };
};

export function homeLinkDetectionBeforeBu(): void {
  // A UE whose access is the home link sends nothing; the check ran before any BU could go out.
  const w = buildWorld({ topology: 'home' });
  w.mn.core.attach(0, ACCESS.home);
  w.net.runUntilQuiescent();
  assert.equal(w.mn.sent.length, 0);
  assert.equal(w.mn.eventsOf('at-home').length, 1);
}

export function homeLinkComparesPrefixWithRaPio(): void {
  assert.equal(isOnHomeLink(HOME_PREFIX, [VISITED_PREFIX, HOME_PREFIX]), true);
  assert.equal(isOnHomeLink(HOME_PREFIX, [VISITED_PREFIX, OTHER_PREFIX]), false);
  assert.equal(
    isOnHomeLink(HOME_PREFIX, [{ prefix: HOME_PREFIX.prefix, prefixLength: 48 }]),
    false,
    'same length required',
  );
}

export function staticPrefixNeedsNoIkev2(): void {
  // The core takes the prefix from its configuration: no IKE SA exists and detection still works.
  const mn = new MobileNodeCore(mnConfig());
  mn.attach(0, ACCESS.home);
  assert.deepEqual(mn.pollEvent(), { kind: 'at-home', deregistered: false });
  assert.equal(mn.pollTransmit(), undefined);
}

export function atHomeNoBuWithoutBinding(): void {
  const w = buildWorld({ topology: 'home' });
  w.mn.core.attach(0, ACCESS.home);
  w.net.runUntilQuiescent();
  assert.equal(w.ha.core.counters.bindingUpdatesReceived, 0);
}

export function atHomeWithBindingDeregisters(): void {
  const w = registered('ipv6');
  w.mn.core.attach(w.net.now, ACCESS.home);
  w.net.runUntilQuiescent();
  const last = w.mn.sent.at(-1)!;
  assert.ok(last.message.kind === 'binding-update' && last.message.lifetimeSec === 0);
  assert.equal(last.transport.kind, 'ipv6', 'from the HoA, no Home Address option (RFC 6275 §11.5.5)');
  assert.equal(w.ha.core.binding(HOA), undefined);
}

export function notHomeRegisters(): void {
  const w = registered('ipv6');
  assert.equal(w.mn.core.phase, 'registered');
}

export function sendsBuToRegisterHoaAndCoa(): void {
  const { w, bu } = firstBu('ipv6');
  assert.equal(w.mn.sent[0]!.innerSrc.toString(), HOA.toString());
  assert.ok(bu.options.some((o) => o.kind === 'alternate-care-of-address' && o.careOfAddress.equals(COA6)));
  assert.equal(w.ha.core.binding(HOA)?.sequence, bu.sequence);
}

export function ipv6AccessBuToHaIpv6(): void {
  const { w } = firstBu('ipv6');
  const p = decodeIpPacket(w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet);
  assert.ok(p.version === 6 && p.packet.destination.equals(HA6) && p.packet.source.equals(COA6));
  assert.equal(p.version === 6 && findHomeAddressOption(p.packet)?.toString(), HOA.toString());
}

export function ipv6AccessHAndASet(): void {
  const { bu } = firstBu('ipv6');
  assert.ok(bu.homeRegistration && bu.acknowledge);
}

export function ipv6AccessIpv4HoaUnspecified(): void {
  const { bu } = firstBu('ipv6');
  assert.ok(bu.options.some((o) => o.kind === 'ipv4-home-address' && o.homeAddress.isUnspecified));
}

export function alternateCoaEqualsSource(): void {
  const { w, bu } = firstBu('ipv6');
  const alt = bu.options.find((o) => o.kind === 'alternate-care-of-address');
  const p = decodeIpPacket(w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet);
  assert.ok(alt?.kind === 'alternate-care-of-address' && p.version === 6 && alt.careOfAddress.equals(p.packet.source));
  const off = firstBuWith({ alternateCareOf: false });
  assert.equal(off.options.filter((o) => o.kind === 'alternate-care-of-address').length, 0, 'configurable');
}

function firstBuWith(policy: Partial<MobileNodePolicy>) {
  const mn = new MobileNodeCore(mnConfig({ policy }));
  mn.attach(0, ACCESS.ipv6);
  const s = mn.pollTransmit()!;
  assert.ok(s.message.kind === 'binding-update');
  return s.message;
}

export function ipv4AccessIpv6InUdp(): void {
  const { w, s } = firstBu('ipv4');
  assert.equal(s.transport.kind, 'udp4');
  assert.equal(s.innerSrc.toString(), HOA.toString());
  const p = decodeIpPacket(w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet);
  assert.ok(p.version === 4 && p.packet.protocol === IpProtocol.UDP);
}

export function ipv4AccessOuterAddresses(): void {
  const { w } = firstBu('ipv4');
  const p = decodeIpPacket(w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet);
  assert.ok(p.version === 4 && p.packet.source.equals(COA4) && p.packet.destination.equals(HA4));
}

export function ipv4AccessCoaOption(): void {
  const { bu } = firstBu('ipv4');
  assert.ok(bu.options.some((o) => o.kind === 'ipv4-care-of-address' && o.careOfAddress.equals(COA4)));
}

export function ipv4AccessHAndASet(): void {
  const { bu } = firstBu('ipv4');
  assert.ok(bu.homeRegistration && bu.acknowledge);
}

export function ipv4AccessTZeroFZero(): void {
  const { bu } = firstBu('ipv4');
  assert.equal(bu.tlvHeaderFormat, false);
  assert.equal(bu.forceUdpEncapsulation, false);
}

export function ipv4AccessIpv4HoaUnspecified(): void {
  const { bu } = firstBu('ipv4');
  assert.ok(bu.options.some((o) => o.kind === 'ipv4-home-address' && o.homeAddress.isUnspecified));
}

export function uplinkIpv6LinkInIpv6(): void {
  const w = registered('ipv6');
  w.mn.sendData(udpPacket(HOA, CN6));
  w.mn.sendData(udpPacket(w.mn.core.bindingUpdateList.ipv4!.homeAddress, CN4));
  w.net.runUntilQuiescent();
  const up = w.net.trace.filter((t) => t.event === 'delivered' && t.to === 'ha').slice(-2);
  assert.deepEqual(
    up.map((t) => {
      const p = decodeIpPacket(t.packet);
      return p.version === 6 ? p.packet.nextHeader : -1;
    }),
    [IpProtocol.IPV6, IpProtocol.IPV4_IN_IP],
  );
  assert.equal(w.ha.uplink.length, 2);
}

export function uplinkUdpOnlyWithNatF(): void {
  const nat = registered('nat');
  assert.equal(nat.mn.core.uplinkRoute()?.kind, 'udp4');
  nat.mn.sendData(udpPacket(HOA, CN6));
  nat.net.runUntilQuiescent();
  assert.equal(nat.ha.uplink.length, 1);
}

export function uplinkIpv4OtherwiseInIpv4(): void {
  const w = registered('ipv4');
  assert.deepEqual(w.mn.core.uplinkRoute(), { kind: 'ipv4', source: COA4, destination: HA4 });
  w.mn.sendData(udpPacket(HOA, CN6));
  w.net.runUntilQuiescent();
  const p = decodeIpPacket(w.net.trace.filter((t) => t.event === 'delivered' && t.to === 'ha').at(-1)!.packet);
  assert.ok(p.version === 4 && p.packet.protocol === IpProtocol.IPV6);
  // RFC 5555 framing (NAT Detection present, F clear) must not switch the UE to UDP: only F does.
  const r = registered('ipv4', { ha: { baEncapsulation: 'rfc5555' } });
  assert.equal(r.mn.core.uplinkRoute()?.kind, 'ipv4');
}

export function dhcpThroughTunnel(): void {
  const w = registered('ipv4');
  const solicit = udpPacket(HOA, CN6, Uint8Array.of(11, 0, 0, 1)); // any UDP payload, e.g. a DHCPv6 message
  w.mn.sendData(solicit);
  w.net.runUntilQuiescent();
  assert.deepEqual([...w.ha.uplink.at(-1)!], [...solicit]);
}
