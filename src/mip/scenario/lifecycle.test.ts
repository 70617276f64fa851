// A binding's life over the simulated network: a lost BA, refresh (with and without Binding Refresh Advice),
// expiry at both ends, de-registration (away and on returning home), CoA change, the RFC 5555 §4.4.1 fallback
// from the IPv6 to the IPv4 CoA, and moving on to the next HA when one stays silent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeIpPacket, findHomeAddressOption } from '../../wire/ip/index.ts';
import { receivePacket } from '../framing.ts';
import { CN6, COA4, COA6, COA6_B, HA4, HA6, HA6_B, HOA, udpPacket, VISITED_PREFIX_B } from '../test-fixtures.ts';
import { ACCESS, attachAndRegister, buildWorld } from './world.ts';

const sentTimes = (w: ReturnType<typeof buildWorld>) =>
  w.net.trace
    .filter((t) => t.from === 'ue' && (t.event === 'sent' || t.event === 'filtered' || t.event === 'no-route'))
    .map((t) => t.at);

test('lost BA: the BU is retransmitted after 1.5 s with a new sequence number; the HA keeps one binding and one IPv4 HoA', () => {
  const w = buildWorld({ topology: 'ipv6' });
  let dropped = 0;
  w.net.addFilter((p) => p.from === 'ha' && dropped++ === 0);
  attachAndRegister(w);
  assert.deepEqual(sentTimes(w), [0, 1500]);
  const seqs = w.mn.sent.map((s) => s.message.sequence);
  assert.deepEqual(seqs, [1, 2], 'RFC 6275 §11.8: retransmissions use a larger sequence number');
  assert.deepEqual(
    w.ha.events.map((e) => e.kind),
    ['binding-created', 'ipv4-hoa-assigned'],
  );
  assert.equal(
    w.mn.core.bindingUpdateList.ipv4?.homeAddress.toString(),
    '10.1.0.1',
    'same address for the retransmission',
  );
  assert.equal(w.ha.core.counters.registrationsAccepted, 2);
});

test('refresh before the lifetime ends: at 80 % of it, with the same IPv4 HoA sent back; no expiry at the HA', () => {
  const w = buildWorld({ topology: 'ipv6', mn: { policy: { requestedLifetimeSec: 100 } } });
  attachAndRegister(w);
  w.net.advance(250_000, { maxSteps: 200 });
  const registrations = w.mn.eventsOf('registered');
  assert.ok(registrations.length >= 3, `refreshed ${registrations.length - 1} times`);
  assert.ok(registrations.slice(1).every((r) => r.refresh));
  const times = sentTimes(w);
  assert.equal(times[1]! - times[0]!, 80_000);
  const refreshBu = w.mn.sent[1]!.message;
  assert.ok(refreshBu.options.some((o) => o.kind === 'ipv4-home-address' && o.homeAddress.toString() === '10.1.0.1'));
  assert.equal(w.ha.events.filter((e) => e.kind === 'binding-removed').length, 0);
});

test('Binding Refresh Advice is honoured: the UE refreshes at the advised interval', () => {
  const w = buildWorld({ topology: 'ipv6', ha: { refreshAdviceSec: 600 } });
  attachAndRegister(w);
  w.net.advance(700_000, { maxSteps: 100 });
  const times = sentTimes(w);
  assert.equal(times[1]! - times[0]!, 600_000);
});

test('expiry: a silent UE loses its binding at the HA, whose IPv4 HoA goes back to the pool; the UE notices too', () => {
  const w = buildWorld({ topology: 'ipv6', mn: { policy: { requestedLifetimeSec: 100 } } });
  attachAndRegister(w);
  w.net.addFilter((p) => p.from === 'ue'); // the UE's refreshes never arrive
  w.net.advance(101_000, { maxSteps: 200 });
  const removed = w.ha.events.filter((e) => e.kind === 'binding-removed' || e.kind === 'ipv4-hoa-released');
  assert.deepEqual(
    removed.map((e) => (e.kind === 'binding-removed' ? `removed:${e.reason}` : `released:${e.reason}`)),
    ['released:binding-removed', 'removed:expired'],
  );
  assert.equal(w.ha.core.bindingCount, 0);
  assert.equal(w.mn.eventsOf('binding-expired').length, 1);
  assert.equal(w.mn.core.bindingUpdateList.ipv6, undefined);
});

test('de-registration on detach: lifetime 0, both bindings removed, a delayed older BU then gets 135', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  const oldBu = w.net.trace.find((t) => t.event === 'delivered' && t.to === 'ha')!.packet;
  w.mn.core.detach(w.net.now);
  w.net.runUntil(() => w.mn.eventsOf('deregistered').length > 0, { maxSteps: 20 });
  const dereg = w.mn.sent.at(-1)!.message;
  assert.ok(dereg.kind === 'binding-update' && dereg.lifetimeSec === 0 && dereg.acknowledge && dereg.homeRegistration);
  assert.deepEqual(w.mn.eventsOf('deregistered'), [{ kind: 'deregistered', acknowledged: true }]);
  assert.equal(w.mn.core.phase, 'detached');
  assert.deepEqual(
    w.ha.events.slice(2).map((e) => e.kind),
    ['ipv4-hoa-released', 'binding-removed'],
  );
  // RFC 6275 §10.3.2: the entry is kept MAX_DELETE_BCE_TIMEOUT to defend its sequence number.
  w.net.inject('ue', oldBu);
  w.net.runUntil(() => w.ha.core.counters.bindingUpdatesReceived === 3, { maxSteps: 20 });
  assert.ok(w.net.now < 10_000, 'still within MAX_DELETE_BCE_TIMEOUT');
  assert.equal(w.ha.core.counters.rejectedByStatus[135], 1);
  assert.equal(w.ha.core.binding(HOA), undefined);
  w.net.advance(11_000);
  assert.equal(w.ha.core.bindingCount, 0, 'gone after MAX_DELETE_BCE_TIMEOUT');
});

test('returning home with a valid binding: de-registration from the HoA, no HAO, no Alternate CoA (RFC 6275 §11.5.5)', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  w.mn.core.attach(w.net.now, ACCESS.home);
  w.net.runUntilQuiescent();
  const bu = w.mn.sent.at(-1)!;
  assert.ok(bu.message.kind === 'binding-update' && bu.message.lifetimeSec === 0);
  assert.deepEqual(bu.transport, { kind: 'ipv6' });
  assert.equal(bu.message.options.filter((o) => o.kind === 'alternate-care-of-address').length, 0);
  const packet = decodeIpPacket(w.net.trace.filter((t) => t.event === 'delivered' && t.to === 'ha').at(-1)!.packet);
  assert.ok(
    packet.version === 6 && packet.packet.source.equals(HOA) && findHomeAddressOption(packet.packet) === undefined,
  );
  assert.deepEqual(w.mn.eventsOf('at-home'), [{ kind: 'at-home', deregistered: true }]);
  assert.equal(w.ha.core.binding(HOA), undefined);
  assert.equal(w.mn.core.uplinkRoute(), undefined);
});

test('CoA change: a new BU from the new CoA moves the HA tunnel (binding-updated)', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  w.mn.core.changeCareOf(w.net.now, { ipv6CareOf: COA6_B, routerPrefixes: [VISITED_PREFIX_B] });
  w.net.runUntilQuiescent();
  const updated = w.ha.events.find((e) => e.kind === 'binding-updated');
  assert.ok(
    updated?.kind === 'binding-updated' && updated.tunnel.kind === 'ipv6' && updated.tunnel.destination.equals(COA6_B),
  );
  const last = w.mn.eventsOf('registered').at(-1)!;
  assert.equal(last.refresh, false);
  assert.deepEqual(last.tunnel, { kind: 'ipv6', source: COA6_B, destination: HA6 });
  assert.equal(w.mn.sent.at(-1)!.message.sequence, 2);
});

test('RFC 5555 §4.4.1: three unanswered BUs with the IPv6 CoA, then the IPv4 CoA; the family sticks on the next move', () => {
  const w = buildWorld({ topology: 'dual' });
  w.net.addFilter((p) => p.from === 'ue' && p.packet[0]! >> 4 === 6); // IPv6 is broken
  attachAndRegister(w);
  assert.deepEqual(sentTimes(w).slice(0, 4), [0, 1500, 4500, 10_500]);
  assert.deepEqual(
    w.mn.sent.map((s) => s.transport.kind),
    ['ipv6-hao', 'ipv6-hao', 'ipv6-hao', 'udp4'],
  );
  assert.deepEqual(w.mn.eventsOf('care-of-fallback-to-ipv4'), [
    { kind: 'care-of-fallback-to-ipv4', from: COA6, to: COA4 },
  ]);
  assert.equal(w.mn.core.uplinkRoute()?.kind, 'ipv4');
  w.mn.core.changeCareOf(w.net.now, { ...ACCESS.dual });
  w.net.runUntilQuiescent();
  assert.equal(w.mn.sent.at(-1)!.transport.kind, 'udp4', 'same administrative domain: stays on IPv4');
  w.mn.core.changeCareOf(w.net.now, { ...ACCESS.dual, newAdministrativeDomain: true });
  w.net.runUntil(() => w.mn.sent.length > 5, { maxSteps: 50 });
  assert.equal(w.mn.sent.at(-1)!.transport.kind, 'ipv6-hao', 'new domain: the IPv6 CoA again');
});

test('a silent first HA: after the 32 s timeout the UE moves to the next HA and registers there', () => {
  const w = buildWorld({ topology: 'ipv6', mn: { homeAgents: [{ ipv6: HA6_B }, { ipv6: HA6, ipv4: HA4 }] } });
  attachAndRegister(w);
  const moves = w.mn.eventsOf('move-to-next-ha');
  assert.deepEqual(moves, [{ kind: 'move-to-next-ha', from: HA6_B, to: HA6, reason: 'timeout' }]);
  assert.deepEqual(sentTimes(w).slice(0, 7), [0, 1500, 4500, 10_500, 22_500, 46_500, 78_500]);
  const last = receivePacket(w.net.trace.filter((t) => t.event === 'delivered' && t.to === 'ha').at(-1)!.packet);
  assert.ok(last.kind === 'mobility' && last.destination.equals(HA6));
});

test('behind a NAT the refresh is the keepalive: a kept mapping keeps the port, an expired one moves the binding', () => {
  const kept = buildWorld({ topology: 'nat', ha: { natRefreshTimeSec: 60 }, natTimeoutMs: 90_000 });
  attachAndRegister(kept);
  kept.net.advance(400_000, { maxSteps: 200 });
  assert.ok(sentTimes(kept).length >= 7, 'a BU every 60 s (RFC 5555 §4.3)');
  assert.equal(kept.nat!.mappings().length, 1);
  assert.equal(kept.ha.events.filter((e) => e.kind === 'binding-updated').length, 0);
  const lapsed = buildWorld({ topology: 'nat', natTimeoutMs: 50_000 });
  attachAndRegister(lapsed);
  const before = lapsed.nat!.mappings()[0]!.externalPort;
  lapsed.net.advance(120_000, { maxSteps: 200 }); // the UE refreshes at 110 s: the NAT forgot it at 50 s
  const moved = lapsed.ha.events.find((e) => e.kind === 'binding-updated');
  assert.ok(moved?.kind === 'binding-updated' && moved.tunnel.kind === 'udp4');
  assert.notEqual(moved.tunnel.destinationPort, before);
  assert.ok(lapsed.ha.deliverFromHomeNetwork(udpPacket(CN6, HOA)));
  lapsed.net.runUntilQuiescent();
  assert.equal(lapsed.mn.downlink.length, 1, 'downlink follows the new mapping');
});
