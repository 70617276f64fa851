import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../util/errors.ts';
import {
  apnEncodedLength,
  buildHaApn,
  haApnNetworkIdentifierProblem,
  haApnOperatorIdentifier,
  parseHaApn,
  tryBuildHaApn,
} from './ha-apn.ts';

test('TS 23.003 §21.2 example: internet + MCC 345 / MNC 12 → internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org', () => {
  assert.equal(buildHaApn('internet', { mcc: '345', mnc: '12' }), 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org');
  assert.equal(haApnOperatorIdentifier({ mcc: '001', mnc: '001' }), 'ha-apn.mnc001.mcc001.pub.3gppnetwork.org');
  assert.deepEqual(parseHaApn('internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org'), {
    ok: true,
    networkIdentifier: 'internet',
    mcc: '345',
    mnc: '012',
  });
  assert.deepEqual(parseHaApn('Corp.Example.HA-APN.MNC001.MCC001.PUB.3GPPNETWORK.ORG.'), {
    ok: true,
    networkIdentifier: 'Corp.Example',
    mcc: '001',
    mnc: '001',
  });
});

test('Network Identifier rules, each with its problem code', () => {
  const table: [string, string | undefined][] = [
    ['internet', undefined],
    ['ims.corp-1', undefined],
    ['*', 'ni-wildcard'],
    ['', 'empty-label'],
    ['a..b', 'empty-label'],
    ['x'.repeat(64), 'label-too-long'],
    ['inter_net', 'bad-character'],
    ['intérnet', 'bad-character'],
    [`${'a'.repeat(40)}.${'b'.repeat(22)}`, 'ni-too-long'], // 63 characters = 64 octets encoded
    ['racing', 'ni-reserved-start'],
    ['LAC1', 'ni-reserved-start'],
    ['sgsn', 'ni-reserved-start'],
    ['rnc.x', 'ni-reserved-start'],
    ['corp.gprs', 'ni-ends-in-gprs'],
    ['gprs', 'ni-ends-in-gprs'],
    ['corp.ha-apn.x', 'ni-contains-ha-apn'],
    ['w-apn.corp', 'ni-contains-w-apn'],
    ['ims.mnc001.mcc001.3gppnetwork.org', 'ni-ends-in-3gppnetwork-org'],
  ];
  for (const [ni, problem] of table) assert.equal(haApnNetworkIdentifierProblem(ni), problem, ni);
});

test('PLMN and total length rules', () => {
  assert.deepEqual(tryBuildHaApn('internet', { mcc: '34', mnc: '12' }), { ok: false, problem: 'bad-mcc' });
  assert.deepEqual(tryBuildHaApn('internet', { mcc: '345', mnc: '1' }), { ok: false, problem: 'bad-mnc' });
  assert.deepEqual(tryBuildHaApn('internet', { mcc: '345', mnc: '1234' }), { ok: false, problem: 'bad-mnc' });
  // The OI takes 41 octets with its dot; an NI of 58 characters (59 octets) makes exactly 100 octets.
  const ni58 = `${'a'.repeat(29)}.${'b'.repeat(28)}`;
  const ok = tryBuildHaApn(ni58, { mcc: '001', mnc: '01' });
  assert.ok(ok.ok);
  assert.equal(apnEncodedLength(ok.haApn), 100);
  assert.deepEqual(tryBuildHaApn(`${ni58}b`, { mcc: '001', mnc: '01' }), { ok: false, problem: 'too-long' });
  assert.throws(
    () => buildHaApn('sgsn', { mcc: '001', mnc: '01' }),
    (e: unknown) => e instanceof ConfigError && e.code === 'INVALID' && e.path === 'ue.discovery.haApn',
  );
  assert.throws(() => haApnOperatorIdentifier({ mcc: 'abc', mnc: '01' }), RangeError);
});

test('parse rejects names without the default OI or with a bad NI', () => {
  assert.deepEqual(parseHaApn('internet.apn.epc.mnc001.mcc001.3gppnetwork.org'), { ok: false, problem: 'not-ha-apn' });
  assert.deepEqual(parseHaApn('ha-apn.mnc001.mcc001.pub.3gppnetwork.org'), { ok: false, problem: 'not-ha-apn' });
  assert.deepEqual(parseHaApn('lac.ha-apn.mnc001.mcc001.pub.3gppnetwork.org'), {
    ok: false,
    problem: 'ni-reserved-start',
  });
});

test('build and parse agree for any valid NI and PLMN', () => {
  const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,9}$/).filter((l) => !/^(rac|lac|sgsn|rnc)/.test(l));
  fc.assert(
    fc.property(
      fc.array(label, { minLength: 1, maxLength: 3 }),
      fc.stringMatching(/^[0-9]{3}$/),
      fc.stringMatching(/^[0-9]{2,3}$/),
      (labels, mcc, mnc) => {
        const ni = labels.join('.');
        fc.pre(haApnNetworkIdentifierProblem(ni) === undefined);
        const built = tryBuildHaApn(ni, { mcc, mnc });
        assert.ok(built.ok);
        assert.deepEqual(parseHaApn(built.haApn), { ok: true, networkIdentifier: ni, mcc, mnc: mnc.padStart(3, '0') });
      },
    ),
  );
});
