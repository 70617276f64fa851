/**
 * Proofs of the TS 24.303 §5.1.2.4 paragraphs on receiving the Binding Acknowledgement (status codes and the
 * IPv4 Address Acknowledgement), run by the conformance table.
 */
import assert from 'node:assert/strict';
import { SimNetwork } from '../../net/sim/network.ts';
import {
  COA6,
  HA4,
  HA6,
  HA6_B,
  HOA,
  HOME_PREFIX,
  haPolicy,
  mnConfig,
  POOL,
  STATIC_V4,
  VISITED_PREFIX,
} from '../test-fixtures.ts';
import { HaEndpoint, MnEndpoint, ScriptedHaEndpoint } from './harness.ts';
import { attachAndRegister, buildWorld } from './world.ts';

/** A UE with a scripted HA first (BA statuses `script`, IPv4 AA statuses `ipv4Script`) and a real HA second. */
function scripted(script: number[], ipv4Script: number[] = [], staticIpv4 = STATIC_V4) {
  const net = new SimNetwork({ seed: 11 });
  const first = new ScriptedHaEndpoint(HA6_B, { statuses: script, ipv4Statuses: ipv4Script });
  const second = new HaEndpoint(haPolicy(), POOL);
  second.ikeSas.set(HOA.toString(), { ikeSaId: 'ike', homePrefix: HOME_PREFIX });
  const mn = new MnEndpoint(
    mnConfig({ homeAgents: [{ ipv6: HA6_B }, { ipv6: HA6, ipv4: HA4 }], staticIpv4HomeAddress: staticIpv4 }),
  );
  net.addNode('ha-b', [HA6_B], first);
  net.addNode('ha', [HA6, HA4], second);
  net.addNode('ue', [COA6], mn);
  net.connect('ue', 'ha-b', { latencyMs: 10 });
  net.connect('ue', 'ha', { latencyMs: 10 });
  mn.core.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  net.runUntil(() => mn.core.phase === 'registered' || mn.core.phase === 'failed', { maxSteps: 200 });
  net.advance(5_000, { maxSteps: 100 });
  return { net, first, second, mn };
}

const ipv4Options = (mn: MnEndpoint) =>
  mn.sent.map((s) => {
    const o = s.message.options.find((x) => x.kind === 'ipv4-home-address');
    return o?.kind === 'ipv4-home-address' ? o.homeAddress.toString() : '-';
  });

export function validatesBa(): void {
  const w = buildWorld({ topology: 'ipv6' });
  w.mn.isProtected = () => false; // the BA did not come under the IPsec SA
  w.mn.core.attach(0, w.access);
  w.net.advance(2_000, { maxSteps: 50 });
  assert.equal(w.mn.core.counters['not-protected-by-esp'], 2);
  assert.equal(w.mn.core.phase, 'registering');
}

export function status0CreatesEntry(): void {
  const w = buildWorld({ topology: 'ipv6' });
  attachAndRegister(w);
  assert.equal(w.mn.core.bindingUpdateList.ipv6?.homeAddress.toString(), HOA.toString());
}

export function status0HoaUsable(): void {
  const w = buildWorld({ topology: 'ipv6' });
  assert.equal(w.mn.core.uplinkRoute(), undefined, 'nothing to send through before the BA');
  attachAndRegister(w);
  assert.deepEqual(w.mn.eventsOf('registered')[0]!.tunnel, { kind: 'ipv6', source: COA6, destination: HA6 });
}

export function status128MayResend(): void {
  const { first, mn } = scripted([128]);
  assert.equal(first.bindingUpdates.length, 2, 're-sent to the same HA after the back-off');
  assert.equal(mn.core.phase, 'registered');
}

export function status129To133NoMoreBus(): void {
  for (const status of [129, 130, 131, 132, 133]) {
    const { net, first, mn } = scripted([status]);
    net.advance(4_000_000, { maxSteps: 200 });
    assert.equal(first.bindingUpdates.length, 1, `status ${status}`);
    assert.equal(mn.core.phase, 'registered');
  }
}

export function status129To133AnotherHa(): void {
  for (const status of [129, 130, 131, 132, 133]) {
    const { second, mn } = scripted([status]);
    assert.deepEqual(mn.eventsOf('move-to-next-ha')[0]?.to, HA6, `status ${status}`);
    assert.ok(second.core.binding(HOA));
  }
}

export function aaSuccessTwoEntries(): void {
  for (const status of [0, 127]) {
    const { mn } = scripted([], [status]);
    assert.deepEqual(
      mn.core.bindingUpdateList.entries().map((e) => e.homeAddress.toString()),
      [HOA.toString(), '10.7.0.1'],
    );
  }
}

export function aaFailureIpv6Only(): void {
  for (const status of [128, 129, 130, 131, 132, 133, 255]) {
    const { mn } = scripted([], [status, status]);
    assert.equal(mn.core.bindingUpdateList.ipv4, undefined, `status ${status}`);
    assert.equal(mn.core.bindingUpdateList.ipv6?.homeAddress.toString(), HOA.toString());
  }
}

export function aa129Or132NoResend(): void {
  for (const status of [129, 132]) {
    const { net, mn } = scripted([], [status]);
    assert.deepEqual(ipv4Options(mn), [STATIC_V4.toString()], `status ${status}: no immediate re-send`);
    net.advance(3_000_000, { maxSteps: 200 });
    assert.ok(mn.sent.length > 1, 'refreshed since');
    if (status === 129) {
      assert.deepEqual(
        ipv4Options(mn).slice(1),
        mn.sent.slice(1).map(() => '-'),
        'IPv6 HoA only from then on',
      );
    } else {
      // 132: a refresh after the back-off asks again, as the first BU did (V4R-1: a new BU, not the refused one
      // re-sent; src/mip/ipv4-hoa-retry.ts).
      assert.equal(ipv4Options(mn)[1], STATIC_V4.toString());
    }
  }
}

export function aaResendWithUnspecified(): void {
  for (const status of [128, 130, 131, 133]) {
    const { mn } = scripted([], [status]);
    assert.deepEqual(ipv4Options(mn), [STATIC_V4.toString(), '0.0.0.0'], `status ${status}`);
  }
}

export function noAaIpv6Only(): void {
  const net = new SimNetwork({ seed: 2 });
  const ha = new ScriptedHaEndpoint(HA6, { omitIpv4Ack: true });
  const ue = new MnEndpoint(mnConfig());
  net.addNode('ha', [HA6], ha);
  net.addNode('ue', [COA6], ue);
  net.connect('ue', 'ha');
  ue.core.attach(0, { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] });
  net.runUntil(() => ue.core.phase === 'registered', { maxSteps: 20 });
  assert.ok(
    ha.bindingUpdates[0]!.bu.options.some((o) => o.kind === 'ipv4-home-address'),
    'an IPv4 HoA was asked for',
  );
  assert.deepEqual(
    ue.core.bindingUpdateList.entries().map((e) => e.homeAddress.toString()),
    [HOA.toString()],
  );
}
