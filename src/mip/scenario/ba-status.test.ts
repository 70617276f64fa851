// Every Binding Acknowledgement status path of the UE over the simulated network (TS 24.303 §5.1.2.4; RFC 6275
// §11.7.3; RFC 5555 §4.4.2). Paths the real HA core takes are driven by its policy; the others by a scripted HA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimNetwork } from '../../net/sim/network.ts';
import {
  altCoa,
  bu,
  COA6,
  context,
  HA4,
  HA6,
  HA6_B,
  HOA,
  HOME_PREFIX,
  haPolicy,
  mnConfig,
  POOL,
  VISITED_PREFIX,
} from '../test-fixtures.ts';
import { HaEndpoint, MnEndpoint, ScriptedHaEndpoint } from './harness.ts';
import { attachAndRegister, buildWorld } from './world.ts';

/** A UE whose first HA is scripted (at HA6_B) and whose second is a real HA core (at HA6). */
function twoHomeAgents(script: number[]) {
  const net = new SimNetwork({ seed: 7 });
  const scripted = new ScriptedHaEndpoint(HA6_B, { statuses: script });
  const real = new HaEndpoint(haPolicy(), POOL);
  real.ikeSas.set(HOA.toString(), { ikeSaId: 'ike-2', homePrefix: HOME_PREFIX });
  const mn = new MnEndpoint(mnConfig({ homeAgents: [{ ipv6: HA6_B }, { ipv6: HA6, ipv4: HA4 }] }));
  net.addNode('ha-b', [HA6_B], scripted);
  net.addNode('ha', [HA6, HA4], real);
  net.addNode('ue', [COA6], mn);
  net.connect('ue', 'ha-b', { latencyMs: 10 });
  net.connect('ue', 'ha', { latencyMs: 10 });
  mn.core.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  return { net, scripted, real, mn };
}

test('status 0: Binding Update List entry, HoA usable (registered event with a tunnel)', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  assert.equal(w.mn.core.bindingUpdateList.ipv6?.homeAddress.toString(), HOA.toString());
  assert.equal(w.mn.eventsOf('registered')[0]!.prefixDiscoveryNeeded, false);
});

test('status 1: accepted, prefix discovery flagged', () => {
  const w = buildWorld({ topology: 'ipv6', ha: { homePrefixes: [{ ...HOME_PREFIX, preferredUntilMs: 10_000 }] } });
  attachAndRegister(w);
  assert.equal(w.mn.eventsOf('registered')[0]!.prefixDiscoveryNeeded, true);
});

test('status 128: the UE may re-send — it does, on its back-off timer, and registers when accepted', () => {
  const { net, scripted, mn } = twoHomeAgents([128, 128]);
  net.runUntil(() => mn.core.phase === 'registered', { maxSteps: 100 });
  assert.deepEqual(
    scripted.bindingUpdates.map((b) => b.at),
    [10, 1510, 4510],
  );
  assert.equal(mn.eventsOf('registration-failed').filter((e) => e.status === 128 && !e.final).length, 2);
  assert.equal(mn.eventsOf('move-to-next-ha').length, 0);
});

for (const status of [129, 130, 131, 132, 133]) {
  test(`status ${status}: no BU to that HA again; the UE moves to the next HA and registers there`, () => {
    const { net, scripted, real, mn } = twoHomeAgents([status]);
    net.runUntil(() => mn.core.phase === 'registered', { maxSteps: 100 });
    assert.equal(scripted.bindingUpdates.length, 1);
    assert.deepEqual(mn.eventsOf('move-to-next-ha'), [
      { kind: 'move-to-next-ha', from: HA6_B, to: HA6, reason: 'rejected' },
    ]);
    assert.ok(real.core.binding(HOA));
    net.advance(4000_000, { maxSteps: 100 });
    assert.equal(scripted.bindingUpdates.length, 1, 'refreshes go to the new HA only');
  });
}

test('status 130 from the real HA (capacity) with no other HA: registration fails for good', () => {
  const w = buildWorld({ topology: 'ipv6', ha: { maxBindings: 0 } });
  w.mn.core.attach(0, w.access);
  w.net.runUntilQuiescent();
  assert.deepEqual(w.mn.eventsOf('registration-failed'), [
    { kind: 'registration-failed', homeAgent: HA6, status: 130, reason: 'no-home-agent-left', final: true },
  ]);
  assert.equal(w.mn.core.phase, 'failed');
  assert.equal(w.mn.sent.length, 1);
});

test('status 134: the HoA is not re-used, registration stops', () => {
  const { net, scripted, mn } = twoHomeAgents([134]);
  net.runUntilQuiescent();
  assert.equal(mn.core.phase, 'failed');
  assert.equal(mn.eventsOf('registration-failed')[0]!.reason, 'home-address-unusable');
  assert.equal(scripted.bindingUpdates.length, 1);
});

test('status 135: the UE adopts the HA sequence number and the retry is accepted', () => {
  const w = buildWorld({ topology: 'ipv6' });
  // The HA holds a binding with sequence 500 from before the UE restarted and forgot its number.
  w.ha.core.handleBindingUpdate(0, bu({ sequence: 500 }, [altCoa(COA6)]), context({ ikeSaId: 'ike-ue-1' }));
  const accepted = w.ha.core.pollTransmit()?.message;
  assert.ok(accepted?.kind === 'binding-acknowledgement' && accepted.status === 0);
  assert.equal(w.mn.core.config.initialSequence, 0);
  attachAndRegister(w);
  assert.equal(w.ha.core.counters.rejectedByStatus[135], 1);
  assert.deepEqual(
    w.mn.sent.map((s) => s.message.sequence),
    [1, 501],
    'the retry uses the HA number + 1',
  );
  assert.equal(w.ha.core.binding(HOA)?.sequence, 501);
});

test('status 144 to an F request (HA policy reject-144): the UE re-sends without F and registers', () => {
  const w = buildWorld({ topology: 'ipv4', ha: { forceUdpRequest: 'reject-144' }, mn: { policy: { forceUdp: true } } });
  attachAndRegister(w);
  assert.deepEqual(
    w.mn.sent.map((s) => s.message.kind === 'binding-update' && s.message.forceUdpEncapsulation),
    [true, false],
  );
  assert.equal(w.ha.core.counters.rejectedByStatus[144], 1);
  assert.equal(w.mn.core.uplinkRoute()?.kind, 'ipv4');
});

test('F accepted (default policy): NAT Detection F = 1 without NAT, UDP both ways', () => {
  const w = buildWorld({ topology: 'ipv4', mn: { policy: { forceUdp: true } } });
  attachAndRegister(w);
  assert.equal(w.mn.core.uplinkRoute()?.kind, 'udp4');
  const created = w.ha.events.find((e) => e.kind === 'binding-created');
  assert.ok(created?.kind === 'binding-created' && created.tunnel.kind === 'udp4' && !created.natDetected);
});

test('status 140 (mobile router not permitted) with one HA: registration fails for good', () => {
  const w = buildWorld({ topology: 'ipv6', ha: { mobileRouter: false } });
  w.mn.core.attach(0, w.access);
  w.net.runUntilQuiescent();
  assert.equal(w.mn.eventsOf('registration-failed')[0]!.status, 140);
  assert.equal(w.mn.core.phase, 'failed');
});

test('status 174: an outer source rewritten on the way no longer matches the Alternate CoA; nothing is bound', () => {
  const w = buildWorld({ topology: 'ipv6' });
  w.net.addFilter((p) => {
    if (p.from === 'ue' && p.packet[0]! >> 4 === 6) p.packet[23]! ^= 1; // last byte of the IPv6 source
    return false;
  });
  w.mn.core.attach(0, w.access);
  w.net.advance(5_000, { maxSteps: 50 });
  assert.equal(w.ha.core.counters.rejectedByStatus[174], 3);
  assert.equal(w.ha.core.binding(HOA), undefined);
  assert.equal(w.mn.core.phase, 'registering', 'the 174 went to the rewritten address, not to the UE');
});
