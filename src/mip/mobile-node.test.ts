// MobileNodeCore without a network: BA validation counters, rate limiting, lifetime accounting, refresh timing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MobilityOption } from '../wire/mh/options.ts';
import { MobileNodeCore } from './mobile-node.ts';
import { ba, COA4, COA6, HA6, HA6_B, mnConfig, VISITED_PREFIX, v4 } from './test-fixtures.ts';
import type { SendMh } from './types.ts';

const ESP = { protectedByEsp: true, source: HA6 } as const;
const IPV6_ACCESS = { ipv6CareOf: COA6, routerPrefixes: [VISITED_PREFIX] } as const;

function drain<T>(poll: () => T | undefined): T[] {
  const out: T[] = [];
  for (let x = poll(); x !== undefined; x = poll()) out.push(x);
  return out;
}

function attached(
  overrides: Parameters<typeof mnConfig>[0] = {},
  access: Parameters<MobileNodeCore['attach']>[1] = IPV6_ACCESS,
) {
  const mn = new MobileNodeCore(mnConfig(overrides));
  mn.attach(0, access);
  const first = mn.pollTransmit()!;
  return { mn, first };
}

test('no usable CoA: an IPv4-only access and an HA without an IPv4 address', () => {
  const mn = new MobileNodeCore(mnConfig({ homeAgents: [{ ipv6: HA6 }] }));
  mn.attach(0, { ipv4CareOf: COA4, routerPrefixes: [] });
  assert.equal(mn.pollTransmit(), undefined);
  const [e] = drain(() => mn.pollEvent());
  assert.ok(e?.kind === 'registration-failed' && e.reason === 'no-care-of-address' && !e.final);
});

test('detach with nothing registered: done at once, no BU', () => {
  const mn = new MobileNodeCore(mnConfig());
  mn.detach(0);
  assert.equal(mn.pollTransmit(), undefined);
  assert.deepEqual(
    drain(() => mn.pollEvent()),
    [{ kind: 'deregistered', acknowledged: false }],
  );
  assert.equal(mn.phase, 'detached');
});

test('BAs failing validation are ignored and counted (RFC 6275 §11.7.3)', () => {
  const { mn } = attached();
  mn.handleBindingAck(1, ba({ sequence: 1 }), { protectedByEsp: false, source: HA6 });
  mn.handleBindingAck(1, ba({ sequence: 1 }), { protectedByEsp: true, source: HA6_B });
  mn.handleBindingAck(1, ba({ sequence: 9 }), ESP);
  assert.deepEqual(mn.counters, {
    'not-protected-by-esp': 1,
    'not-from-home-agent': 1,
    'no-outstanding-bu': 0,
    'sequence-mismatch': 1,
  });
  assert.equal(mn.phase, 'registering');
  mn.handleBindingAck(2, ba({ sequence: 1 }), ESP);
  assert.equal(mn.phase, 'registered');
  mn.handleBindingAck(3, ba({ sequence: 1 }), ESP);
  assert.equal(mn.counters['no-outstanding-bu'], 1, 'a duplicate BA after acceptance');
});

test('MAX_UPDATE_RATE: a fourth BU within one second waits for the rate limit (RFC 6275 §11.8)', () => {
  const { mn } = attached();
  mn.handleBindingAck(10, ba({ status: 135, sequence: 100 }), ESP);
  mn.handleBindingAck(20, ba({ status: 135, sequence: 200 }), ESP);
  const sent = drain(() => mn.pollTransmit()).map((s) => s.message.sequence);
  assert.deepEqual(sent, [101, 201]);
  mn.handleBindingAck(30, ba({ status: 135, sequence: 300 }), ESP);
  assert.equal(mn.pollTransmit(), undefined, 'three BUs went out within the last second');
  assert.equal(mn.pollTimeout(), 1000);
  mn.handleTimeout(1000);
  assert.equal(mn.pollTransmit()?.message.sequence, 301);
});

test('the lifetime counts from the BU transmission; a longer grant is clamped; refresh at 80 %', () => {
  const { mn } = attached({ policy: { requestedLifetimeSec: 100 } });
  mn.handleBindingAck(500, ba({ sequence: 1, lifetimeSec: 400 }), ESP);
  const e = mn.bindingUpdateList.ipv6!;
  assert.deepEqual([e.lifetimeSec, e.sentAtMs, e.expiresAtMs], [100, 0, 100_000]);
  assert.equal(mn.pollTimeout(), 80_000);
  mn.handleTimeout(80_000);
  const refresh = mn.pollTransmit()!;
  assert.equal(refresh.message.sequence, 2);
  assert.equal(mn.pollTimeout(), 81_000, 'a refresh starts at INITIAL_BINDACK_TIMEOUT (1 s)');
});

test('behind a NAT the BU/BA pair is the keepalive: refresh at the NAT Detection refresh time (RFC 5555 §4.3)', () => {
  const nat: MobilityOption = { kind: 'nat-detection', udpEncapsulationRequired: true, refreshTimeSec: 30 };
  const { mn, first } = attached({}, { ipv4CareOf: COA4, routerPrefixes: [] });
  assert.equal(first.transport.kind, 'udp4');
  mn.handleBindingAck(100, ba({ sequence: 1 }, [nat]), ESP);
  assert.equal(mn.pollTimeout(), 30_000);
  assert.equal(mn.uplinkRoute()?.kind, 'udp4');
});

test('144 to a BU with F: re-sent at once without F', () => {
  const { mn, first } = attached({ policy: { forceUdp: true } }, { ipv4CareOf: COA4, routerPrefixes: [] });
  assert.ok(first.message.kind === 'binding-update' && first.message.forceUdpEncapsulation);
  mn.handleBindingAck(10, ba({ sequence: 1, status: 144 }), ESP);
  const again = mn.pollTransmit() as SendMh;
  assert.ok(again.message.kind === 'binding-update' && !again.message.forceUdpEncapsulation);
});

test('a static IPv4 HoA is asked for; refreshes repeat the address acknowledged', () => {
  const { mn, first } = attached({ staticIpv4HomeAddress: v4('10.9.0.9') });
  const asked = first.message.options.find((o) => o.kind === 'ipv4-home-address');
  assert.ok(asked?.kind === 'ipv4-home-address' && asked.homeAddress.toString() === '10.9.0.9');
  const aa: MobilityOption = {
    kind: 'ipv4-address-acknowledgement',
    status: 0,
    prefixLength: 32,
    homeAddress: v4('10.9.0.9'),
  };
  mn.handleBindingAck(10, ba({ sequence: 1 }, [aa]), ESP);
  mn.handleTimeout(mn.pollTimeout()!);
  const refresh = mn.pollTransmit()!;
  const again = refresh.message.options.find((o) => o.kind === 'ipv4-home-address');
  assert.ok(again?.kind === 'ipv4-home-address' && again.homeAddress.toString() === '10.9.0.9');
});

test('no home agents is a configuration error', () => {
  assert.throws(() => new MobileNodeCore(mnConfig({ homeAgents: [] })), RangeError);
});
