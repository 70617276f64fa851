// Every IPv4 Address Acknowledgement path (TS 24.303 §5.1.2.4 and §5.1.3.2; RFC 5555 §4.4.2, §4.5) over the
// simulated network, and the IPv4 HoA pool running out and being refilled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimNetwork } from '../../net/sim/network.ts';
import type { Ipv4HoaRetryPolicy } from '../ipv4-hoa-retry.ts';
import {
  COA6,
  COA6_B,
  HA6,
  HOA,
  HOA_2,
  HOME_PREFIX,
  haPolicy,
  mnConfig,
  STATIC_V4,
  VISITED_PREFIX,
  VISITED_PREFIX_B,
  v4,
} from '../test-fixtures.ts';
import { HaEndpoint, MnEndpoint, ScriptedHaEndpoint } from './harness.ts';
import { attachAndRegister, buildWorld } from './world.ts';

const ipv4Requests = (mn: MnEndpoint) =>
  mn.sent.map((s) => {
    const o = s.message.options.find((x) => x.kind === 'ipv4-home-address');
    return o?.kind === 'ipv4-home-address' ? o.homeAddress.toString() : '-';
  });

/** A UE registering with a scripted HA whose IPv4 AA statuses follow `ipv4Script`. */
function scripted(ipv4Script: number[], staticIpv4 = STATIC_V4, ipv4NoAddressRetry?: Ipv4HoaRetryPolicy) {
  const net = new SimNetwork({ seed: 3 });
  const ha = new ScriptedHaEndpoint(HA6, { ipv4Statuses: ipv4Script });
  const mn = new MnEndpoint(
    mnConfig({ staticIpv4HomeAddress: staticIpv4, ...(ipv4NoAddressRetry ? { policy: { ipv4NoAddressRetry } } : {}) }),
  );
  net.addNode('ha', [HA6], ha);
  net.addNode('ue', [COA6], mn);
  net.connect('ue', 'ha', { latencyMs: 5 });
  mn.core.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  net.runUntilQuiescent({ maxSteps: 100 });
  return { net, ha, mn };
}

test('IPv4 AA 0: two Binding Update List entries, IPv6 and IPv4 HoA', () => {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  assert.deepEqual(
    w.mn.core.bindingUpdateList.entries().map((e) => e.homeAddress.toString()),
    [HOA.toString(), '10.1.0.1'],
  );
  assert.deepEqual(w.mn.eventsOf('ipv4-hoa-assigned'), [
    { kind: 'ipv4-hoa-assigned', address: v4('10.1.0.1'), prefixLength: 32 },
  ]);
});

for (const status of [128, 130, 131, 133]) {
  test(`IPv4 AA ${status}: IPv6 entry only, then the BU is re-sent with 0.0.0.0 and the address assigned`, () => {
    const { mn } = scripted([status]);
    assert.deepEqual(ipv4Requests(mn), [STATIC_V4.toString(), '0.0.0.0']);
    assert.deepEqual(mn.eventsOf('ipv4-hoa-refused'), [{ kind: 'ipv4-hoa-refused', status, retrying: true }]);
    assert.equal(mn.core.bindingUpdateList.ipv4?.homeAddress.toString(), '10.7.0.1');
  });
}

test('IPv4 AA failure again after the 0.0.0.0 retry: no loop, IPv6 only (one retry per registration)', () => {
  const { mn } = scripted([128, 128], v4('0.0.0.0'));
  assert.deepEqual(ipv4Requests(mn), ['0.0.0.0', '0.0.0.0']);
  assert.deepEqual(
    mn.eventsOf('ipv4-hoa-refused').map((e) => e.retrying),
    [true, false],
  );
  assert.equal(mn.core.bindingUpdateList.ipv4, undefined);
  assert.equal(mn.core.bindingUpdateList.ipv6?.homeAddress.toString(), HOA.toString());
});

for (const [status, retry] of [
  [129, true],
  [132, false],
] as const) {
  test(`IPv4 AA ${status}${retry ? '' : ' (retry policy off)'}: IPv6 entry only, no re-send, later BUs leave the IPv4 HoA out`, () => {
    const { net, mn } = scripted([status], STATIC_V4, {
      afterNoAddress: retry,
      initialBackoffSec: 1,
      maxBackoffSec: 1,
    });
    assert.equal(mn.sent.length, 1);
    assert.equal(mn.core.bindingUpdateList.ipv4, undefined);
    assert.deepEqual(mn.eventsOf('ipv4-hoa-refused'), [{ kind: 'ipv4-hoa-refused', status, retrying: false }]);
    net.advance(3000_000, { maxSteps: 100 });
    assert.ok(mn.sent.length > 1);
    assert.deepEqual(
      ipv4Requests(mn).slice(1),
      mn.sent.slice(1).map(() => '-'),
    );
  });
}

test('no IPv4 AA in the BA: IPv6 entry only', () => {
  const w = buildWorld({ topology: 'ipv6', ha: { ipv4HomeAddresses: false } });
  attachAndRegister(w);
  assert.equal(w.mn.core.bindingUpdateList.ipv4, undefined);
  assert.equal(w.mn.eventsOf('ipv4-hoa-refused')[0]!.status, 129, 'the real HA says 129 when it serves no IPv4 HoAs');
});

test('real HA, static request refused with 130 (not the identity’s), re-sent with 0.0.0.0 → pool address', () => {
  const w = buildWorld({ topology: 'ipv6', mn: { staticIpv4HomeAddress: STATIC_V4 } });
  w.ha.ikeSas.set(HOA.toString(), { ikeSaId: 'ike-ue-1', homePrefix: HOME_PREFIX, ipv4HomeAddress: v4('10.9.9.9') });
  attachAndRegister(w);
  w.net.runUntil(() => w.mn.core.bindingUpdateList.ipv4 !== undefined, { maxSteps: 20 });
  assert.deepEqual(ipv4Requests(w.mn), [STATIC_V4.toString(), '0.0.0.0']);
  assert.equal(w.mn.core.bindingUpdateList.ipv4?.homeAddress.toString(), '10.1.0.1');
});

test('real HA, static request = the identity’s address → assigned as is', () => {
  const w = buildWorld({ topology: 'ipv6', mn: { staticIpv4HomeAddress: STATIC_V4 } });
  w.ha.ikeSas.set(HOA.toString(), { ikeSaId: 'ike-ue-1', homePrefix: HOME_PREFIX, ipv4HomeAddress: STATIC_V4 });
  attachAndRegister(w);
  assert.equal(w.mn.core.bindingUpdateList.ipv4?.homeAddress.toString(), STATIC_V4.toString());
  const assigned = w.ha.events.find((e) => e.kind === 'ipv4-hoa-assigned');
  assert.ok(assigned?.kind === 'ipv4-hoa-assigned' && !assigned.dynamic);
});

test('pool exhaustion: the second UE gets IPv4 AA 132 and keeps IPv6; the address comes back when the first leaves', () => {
  const net = new SimNetwork({ seed: 5 });
  const ha = new HaEndpoint(haPolicy(), [{ first: v4('10.1.0.1'), last: v4('10.1.0.1') }]);
  ha.ikeSas.set(HOA.toString(), { ikeSaId: 'ike-1', homePrefix: HOME_PREFIX });
  ha.ikeSas.set(HOA_2.toString(), { ikeSaId: 'ike-2', homePrefix: HOME_PREFIX });
  const first = new MnEndpoint(mnConfig());
  const second = new MnEndpoint(mnConfig({ homeAddress: HOA_2 }));
  net.addNode('ha', [HA6], ha);
  net.addNode('ue1', [COA6], first);
  net.addNode('ue2', [COA6_B], second);
  net.connect('ue1', 'ha', { latencyMs: 5 });
  net.connect('ue2', 'ha', { latencyMs: 5 });
  first.core.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  net.runUntil(() => first.core.phase === 'registered', { maxSteps: 20 });
  second.core.attach(net.now, { ipv6CareOf: COA6_B, routerPrefixes: [VISITED_PREFIX_B] });
  net.runUntil(() => second.core.phase === 'registered', { maxSteps: 20 });
  assert.equal(first.core.bindingUpdateList.ipv4?.homeAddress.toString(), '10.1.0.1');
  assert.deepEqual(second.eventsOf('ipv4-hoa-refused'), [{ kind: 'ipv4-hoa-refused', status: 132, retrying: false }]);
  assert.equal(second.core.bindingUpdateList.ipv6?.homeAddress.toString(), HOA_2.toString());
  first.core.detach(net.now);
  net.runUntil(() => first.core.phase === 'detached', { maxSteps: 20 });
  const released = ha.events.find((e) => e.kind === 'ipv4-hoa-released');
  assert.ok(released?.kind === 'ipv4-hoa-released' && released.ipv4HomeAddress.toString() === '10.1.0.1');
  // A newcomer asking for 0.0.0.0 now gets the released address.
  first.core.attach(net.now, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  net.runUntil(() => first.core.bindingUpdateList.ipv4 !== undefined, { maxSteps: 20 });
  assert.equal(first.core.bindingUpdateList.ipv4?.homeAddress.toString(), '10.1.0.1');
});

test('after IPv4 AA 132 the UE asks again on a later refresh, backing off, and gets the address once the pool has room', () => {
  // RFC 5555 §3.1.1 / TS 24.303 §5.1.2.4; the decision is ipv4-hoa-retry.ts (docs/spec-choices.md V4R-1).
  const net = new SimNetwork({ seed: 7 });
  const ha = new HaEndpoint(haPolicy(), [{ first: v4('10.1.0.1'), last: v4('10.1.0.1') }]);
  ha.ikeSas.set(HOA.toString(), { ikeSaId: 'ike-1', homePrefix: HOME_PREFIX });
  ha.ikeSas.set(HOA_2.toString(), { ikeSaId: 'ike-2', homePrefix: HOME_PREFIX });
  const first = new MnEndpoint(mnConfig());
  const retry = { afterNoAddress: true, initialBackoffSec: 1000, maxBackoffSec: 1500 };
  const second = new MnEndpoint(mnConfig({ homeAddress: HOA_2, policy: { ipv4NoAddressRetry: retry } }));
  net.addNode('ha', [HA6], ha);
  net.addNode('ue1', [COA6], first);
  net.addNode('ue2', [COA6_B], second);
  net.connect('ue1', 'ha', { latencyMs: 5 });
  net.connect('ue2', 'ha', { latencyMs: 5 });
  first.core.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  net.runUntil(() => first.core.phase === 'registered', { maxSteps: 20 });
  second.core.attach(net.now, { ipv6CareOf: COA6_B, routerPrefixes: [VISITED_PREFIX_B] });
  net.runUntil(() => second.core.phase === 'registered', { maxSteps: 20 });
  assert.deepEqual(
    second.eventsOf('ipv4-hoa-refused').map((e) => e.status),
    [132],
  );
  // Refreshes come every 2880 s (80 % of 3600 s), past the 1000 s back-off: the first asks again and is refused
  // (the pool is still full); the back-off doubles (1500 s after the cap), still shorter than a refresh.
  const refreshes = () => second.sent.length;
  net.runUntil(() => refreshes() === 2 && second.core.phase === 'registered', { maxSteps: 200 });
  net.runUntil(() => second.eventsOf('ipv4-hoa-refused').length === 2, { maxSteps: 200 });
  assert.deepEqual(ipv4Requests(second), ['0.0.0.0', '0.0.0.0']);
  // The first UE leaves: its address goes back to the pool.
  first.core.detach(net.now);
  net.runUntil(() => first.core.phase === 'detached', { maxSteps: 20 });
  const before = net.now;
  net.runUntil(() => second.core.bindingUpdateList.ipv4 !== undefined, { maxSteps: 400 });
  assert.equal(second.core.bindingUpdateList.ipv4?.homeAddress.toString(), '10.1.0.1');
  assert.deepEqual(ipv4Requests(second), ['0.0.0.0', '0.0.0.0', '0.0.0.0']);
  assert.ok(net.now - before > 0, 'on a later refresh, not at once');
  assert.deepEqual(
    second.eventsOf('ipv4-hoa-assigned').map((e) => e.address.toString()),
    ['10.1.0.1'],
  );
});
