// The HA's security rules over the simulated network: a BU outside ESP, or inside ESP from an SA whose identity
// does not own the HoA, is dropped, counted and never answered (RFC 4877 §4.3, RFC 6275 §10.3.1); decapsulated
// packets whose inner source is not the HoA bound to that tunnel are dropped and counted (RFC 6275 §10.4.5).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameMobilityPacket } from '../framing.ts';
import { altCoa, bu, CN6, COA6_B, HA6, HOA, OTHER_PREFIX, udpPacket, v6 } from '../test-fixtures.ts';
import { encapsulate } from '../tunnel.ts';
import { attachAndRegister, buildWorld } from './world.ts';

const ATTACKER = v6('2001:db8:66::66');

function withAttacker() {
  const w = buildWorld({ topology: 'ipv6' });
  w.net.addNode('attacker', [ATTACKER]);
  w.net.connect('attacker', 'ha', { latencyMs: 5 });
  return w;
}

/** A BU claiming the victim's HoA, redirecting it to the attacker. */
const hijack = (sequence: number) =>
  frameMobilityPacket({
    kind: 'send-mh',
    message: bu({ sequence }, [altCoa(ATTACKER)]),
    innerSrc: HOA,
    innerDst: HA6,
    transport: { kind: 'ipv6-hao', careOf: ATTACKER },
  });

test('a BU without ESP is dropped and counted, and nothing is sent back', () => {
  const w = withAttacker();
  attachAndRegister(w);
  w.ha.isProtected = (outer) => outer.source.toString() !== ATTACKER.toString();
  w.net.inject('attacker', hijack(1000));
  w.net.runUntilQuiescent();
  assert.equal(w.ha.core.counters.dropped['not-protected-by-esp'], 1);
  assert.equal(w.net.trace.filter((t) => t.from === 'ha' && t.to === 'attacker').length, 0, 'no BA to probe with');
  assert.deepEqual(w.ha.core.routeToUe(udpPacket(CN6, HOA)), {
    kind: 'tunnel',
    route: { kind: 'ipv6', source: HA6, destination: w.mn.core.bindingUpdateList.ipv6!.careOf },
  });
});

test('a BU inside ESP from an SA whose identity owns another prefix is dropped, counted, not answered', () => {
  const w = withAttacker();
  attachAndRegister(w);
  w.ha.ikeSasByPeer.set(ATTACKER.toString(), { ikeSaId: 'ike-attacker', homePrefix: OTHER_PREFIX });
  w.net.inject('attacker', hijack(1000));
  w.net.runUntilQuiescent();
  assert.equal(w.ha.core.counters.dropped['home-address-not-authorized'], 1);
  assert.equal(w.net.trace.filter((t) => t.from === 'ha' && t.to === 'attacker').length, 0);
  assert.equal(w.ha.core.counters.registrationsAccepted, 1);
});

test('spoofed inner source: a bound UE sending as someone else, and a stranger sending as the UE, are dropped', () => {
  const w = withAttacker();
  attachAndRegister(w);
  const route = w.mn.core.uplinkRoute()!;
  // The bound UE forges a source address that is no HoA.
  w.mn.sendData(udpPacket(v6('2001:db8:1::bad'), CN6));
  // The attacker tunnels a packet "from" the UE's HoA out of its own address.
  w.net.inject('attacker', encapsulate({ kind: 'ipv6', source: ATTACKER, destination: HA6 }, udpPacket(HOA, CN6)));
  // And from the UE's previous CoA (not the bound one).
  w.net.inject('attacker', encapsulate({ kind: 'ipv6', source: COA6_B, destination: HA6 }, udpPacket(HOA, CN6)));
  w.mn.sendData(udpPacket(HOA, CN6)); // the genuine one
  w.net.runUntilQuiescent();
  assert.equal(route.kind, 'ipv6');
  assert.equal(w.ha.uplink.length, 1);
  assert.deepEqual(w.ha.core.counters.uplinkDropped, {
    'malformed-inner': 0,
    'no-binding-for-source': 1,
    'spoofed-inner-source': 2,
  });
});

test('downlink for an address with no binding is not tunnelled', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  assert.equal(w.ha.deliverFromHomeNetwork(udpPacket(CN6, v6('2001:db8:1::999'))), false);
  assert.equal(w.ha.core.counters.downlinkWithoutBinding, 1);
  assert.deepEqual(w.ha.core.routeToUe(Uint8Array.of(0x60, 0)), { kind: 'malformed' });
});
