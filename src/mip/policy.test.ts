import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../util/errors.ts';
import { homeAgentPolicy, mobileNodePolicy } from './policy.ts';
import { HA6, HOME_PREFIX } from './test-fixtures.ts';

function configError(fn: () => unknown, path: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.code === 'INVALID' && e.path === path);
}

test('defaults: seed BA framing, accept F, NATKATIMEOUT, authorized-only statics; frozen', () => {
  const p = homeAgentPolicy({ ipv6Address: HA6, homePrefixes: [HOME_PREFIX] });
  assert.equal(p.baEncapsulation, 'seed');
  assert.equal(p.forceUdpRequest, 'accept');
  assert.equal(p.natRefreshTimeSec, 110);
  assert.equal(p.staticIpv4, 'authorized-only');
  assert.ok(Object.isFrozen(p));
  const m = mobileNodePolicy();
  assert.deepEqual([m.alternateCareOf, m.forceUdp, m.keyManagementMobility, m.mobileRouter], [true, false, true, true]);
});

test('invalid HA policies name the key', () => {
  const base = { ipv6Address: HA6, homePrefixes: [HOME_PREFIX] };
  configError(() => homeAgentPolicy({ ...base, homePrefixes: [] }), 'ha.homePrefixes');
  configError(
    () => homeAgentPolicy({ ...base, homePrefixes: [{ ...HOME_PREFIX, prefixLength: 129 }] }),
    'ha.homePrefixes[0].prefixLength',
  );
  configError(() => homeAgentPolicy({ ...base, maxLifetimeSec: 10 }), 'ha.maxLifetimeSec');
  configError(() => homeAgentPolicy({ ...base, maxLifetimeSec: 262_144 }), 'ha.maxLifetimeSec');
  configError(() => homeAgentPolicy({ ...base, refreshAdviceSec: 0 }), 'ha.refreshAdviceSec');
  configError(() => homeAgentPolicy({ ...base, maxBindings: -1 }), 'ha.maxBindings');
  configError(() => homeAgentPolicy({ ...base, natRefreshTimeSec: 2 ** 32 }), 'ha.natRefreshTimeSec');
});

test('invalid UE policies name the key', () => {
  configError(() => mobileNodePolicy({ requestedLifetimeSec: 0 }), 'mn.requestedLifetimeSec');
  configError(() => mobileNodePolicy({ requestedLifetimeSec: 6 }), 'mn.requestedLifetimeSec');
  configError(() => mobileNodePolicy({ refreshFraction: 1 }), 'mn.refreshFraction');
  configError(() => mobileNodePolicy({ udpSourcePort: 0 }), 'mn.udpSourcePort');
  configError(() => mobileNodePolicy({ ipv6AttemptsBeforeIpv4: 0 }), 'mn.ipv6AttemptsBeforeIpv4');
  configError(() => mobileNodePolicy({ ipv4RetriesPerRegistration: -1 }), 'mn.ipv4RetriesPerRegistration');
});
