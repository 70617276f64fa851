// HomeAgentCore without a network: what each BU does to the cache, the events and the counters, and expiry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv4Int } from './addresses.ts';
import { HomeAgentCore } from './home-agent.ts';
import {
  altCoa,
  bu,
  CN6,
  COA4,
  COA6,
  COA6_B,
  context,
  HA6,
  HOA,
  haPolicy,
  NAT_PUBLIC,
  OUTER4_NAT,
  POOL,
  udpPacket,
  v4,
  v4Coa,
  v4Hoa,
} from './test-fixtures.ts';

function drain<T>(poll: () => T | undefined): T[] {
  const out: T[] = [];
  for (let x = poll(); x !== undefined; x = poll()) out.push(x);
  return out;
}

test('create, refresh (no event), move (binding-updated), IPv4 dropped then re-assigned', () => {
  const ha = new HomeAgentCore(haPolicy(), POOL);
  ha.handleBindingUpdate(0, bu({ sequence: 1 }, [v4Hoa(), altCoa(COA6)]), context());
  assert.deepEqual(
    drain(() => ha.pollEvent()).map((e) => e.kind),
    ['binding-created', 'ipv4-hoa-assigned'],
  );
  ha.handleBindingUpdate(1000, bu({ sequence: 2 }, [v4Hoa(v4('10.1.0.1')), altCoa(COA6)]), context());
  assert.deepEqual(
    drain(() => ha.pollEvent()),
    [],
    'a plain refresh raises no event',
  );
  const moved = context({ outer: { family: 6, source: COA6_B, destination: HA6, viaUdp4191: false } });
  ha.handleBindingUpdate(2000, bu({ sequence: 3 }, [v4Hoa(v4('10.1.0.1')), altCoa(COA6_B)]), moved);
  const [updated] = drain(() => ha.pollEvent());
  assert.ok(
    updated?.kind === 'binding-updated' && updated.tunnel.kind === 'ipv6' && updated.tunnel.destination.equals(COA6_B),
  );
  ha.handleBindingUpdate(3000, bu({ sequence: 4 }, [altCoa(COA6_B)]), moved);
  const [released] = drain(() => ha.pollEvent());
  assert.ok(released?.kind === 'ipv4-hoa-released' && released.reason === 'not-requested');
  ha.handleBindingUpdate(4000, bu({ sequence: 5 }, [v4Hoa(), altCoa(COA6_B)]), moved);
  const [assigned] = drain(() => ha.pollEvent());
  assert.ok(assigned?.kind === 'ipv4-hoa-assigned' && assigned.ipv4HomeAddress.toString() === '10.1.0.1');
  assert.equal(drain(() => ha.pollTransmit()).length, 5, 'every BU answered');
  assert.equal(ha.counters.registrationsAccepted, 5);
});

test('a refused static address releases the one held before', () => {
  const ha = new HomeAgentCore(haPolicy({ staticIpv4: 'prohibited' }), POOL);
  ha.handleBindingUpdate(0, bu({ sequence: 1 }, [v4Hoa()]), context());
  drain(() => ha.pollEvent());
  ha.handleBindingUpdate(1, bu({ sequence: 2 }, [v4Hoa(v4('10.1.0.3'))]), context());
  const events = drain(() => ha.pollEvent());
  assert.ok(events.some((e) => e.kind === 'ipv4-hoa-released' && e.reason === 'refused'));
  assert.equal(ha.binding(HOA)?.ipv4HomeAddress, 0);
});

test('expiry: the deadline is the granted lifetime; the binding and its IPv4 HoA go, with events', () => {
  const ha = new HomeAgentCore(haPolicy({ maxLifetimeSec: 60 }), POOL);
  ha.handleBindingUpdate(1000, bu({}, [v4Hoa(), altCoa(COA6)]), context());
  drain(() => ha.pollEvent());
  assert.equal(ha.pollTimeout(), 61_000);
  ha.handleTimeout(60_999);
  assert.ok(ha.binding(HOA));
  ha.handleTimeout(61_000);
  assert.equal(ha.binding(HOA), undefined);
  assert.equal(ha.bindingCount, 0);
  assert.deepEqual(
    drain(() => ha.pollEvent()).map((e) => (e.kind === 'binding-removed' ? `${e.kind}:${e.reason}` : e.kind)),
    ['ipv4-hoa-released', 'binding-removed:expired'],
  );
  assert.equal(ha.counters.bindingsExpired, 1);
  assert.equal(ha.pollTimeout(), undefined);
});

test('de-registration keeps a dead entry for MAX_DELETE_BCE_TIMEOUT, then removes it silently', () => {
  const ha = new HomeAgentCore(haPolicy(), POOL);
  ha.handleBindingUpdate(0, bu({ sequence: 1 }, [v4Hoa(), altCoa(COA6)]), context());
  ha.handleBindingUpdate(5, bu({ sequence: 2, lifetimeSec: 0 }, [altCoa(COA6)]), context());
  assert.deepEqual(
    drain(() => ha.pollEvent()).map((e) => e.kind),
    ['binding-created', 'ipv4-hoa-assigned', 'ipv4-hoa-released', 'binding-removed'],
  );
  assert.equal(ha.binding(HOA), undefined);
  assert.equal(ha.bindingCount, 1);
  assert.equal(ha.pollTimeout(), 10_005);
  // A retransmitted de-registration (its BA lost) is answered again, without a second event.
  ha.handleBindingUpdate(6, bu({ sequence: 3, lifetimeSec: 0 }, [altCoa(COA6)]), context());
  assert.deepEqual(
    drain(() => ha.pollEvent()),
    [],
  );
  const replies = drain(() => ha.pollTransmit());
  assert.deepEqual(
    replies.map((r) => r.message.kind === 'binding-acknowledgement' && r.message.status),
    [0, 0, 0],
  );
  ha.handleTimeout(10_006);
  assert.equal(ha.bindingCount, 0);
  assert.deepEqual(
    drain(() => ha.pollEvent()),
    [],
  );
});

test('a new registration after de-registration is a binding-created again', () => {
  const ha = new HomeAgentCore(haPolicy(), POOL);
  ha.handleBindingUpdate(0, bu({ sequence: 1 }, [altCoa(COA6)]), context());
  ha.handleBindingUpdate(1, bu({ sequence: 2, lifetimeSec: 0 }, [altCoa(COA6)]), context());
  drain(() => ha.pollEvent());
  ha.handleBindingUpdate(2, bu({ sequence: 3 }, [altCoa(COA6)]), context());
  assert.deepEqual(
    drain(() => ha.pollEvent()).map((e) => e.kind),
    ['binding-created'],
  );
});

test('counters: drops by reason, rejections by status', () => {
  const ha = new HomeAgentCore(haPolicy(), POOL);
  ha.handleBindingUpdate(0, bu(), context({ protectedByEsp: false }));
  ha.handleBindingUpdate(0, bu({}, [altCoa(COA6_B)]), context());
  ha.handleBindingUpdate(0, bu({ lifetimeSec: 0 }), context());
  assert.equal(ha.counters.bindingUpdatesReceived, 3);
  assert.equal(ha.counters.dropped['not-protected-by-esp'], 1);
  assert.deepEqual(ha.counters.rejectedByStatus, { 133: 1, 174: 1 });
  assert.equal(drain(() => ha.pollTransmit()).length, 2);
});

test('the NAT binding records the observed address and port and accepts only what comes through them', () => {
  const ha = new HomeAgentCore(haPolicy(), POOL);
  ha.handleBindingUpdate(0, bu({}, [v4Hoa(), v4Coa(COA4)]), context({ outer: OUTER4_NAT }));
  const e = ha.binding(HOA)!;
  assert.deepEqual([e.remoteV4, e.remotePort, e.careOfV4], [ipv4Int(NAT_PUBLIC), 20000, ipv4Int(COA4)]);
  assert.equal(ha.acceptFromUe(OUTER4_NAT, udpPacket(HOA, CN6)).kind, 'accept');
  assert.deepEqual(ha.acceptFromUe({ ...OUTER4_NAT, sourcePort: 20001 }, udpPacket(HOA, CN6)), {
    kind: 'drop',
    reason: 'spoofed-inner-source',
  });
  assert.deepEqual(
    ha.acceptFromUe({ ...OUTER4_NAT, viaUdp4191: false, sourcePort: undefined }, udpPacket(HOA, CN6)).kind,
    'drop',
  );
});
