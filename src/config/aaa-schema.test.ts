import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigFileError } from './errors.ts';
import { loadHaConfig } from './load.ts';

const HA = (aaa: string) => `ha:
  addresses:
    ipv6: 2001:db8:1::1
  ike:
    identity: ha.example.net
    certificate: cert.pem
    privateKey: key.pem
  aaa:
${aaa}
  homePrefixPool:
    base: 2001:db8:100::/48
`;

/** The first issue of a failed load, as `path@line: message`. */
function firstIssue(aaa: string): string {
  try {
    loadHaConfig({ text: HA(aaa), name: 'ha.yaml' });
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, String(e));
    const i = e.issues[0]!;
    return `${i.path}@${i.line}: ${i.message}`;
  }
  return 'loaded';
}

test('ha.aaa: embedded by default; the second round is optional with md5 first', () => {
  const c = loadHaConfig({ text: HA('    subscriberFile: s.json'), name: 'ha.yaml' });
  assert.equal(c.aaa.mode, 'embedded');
  assert.equal(c.aaa.timeout.ms, 10_000);
  assert.deepEqual([c.aaa.secondAuth.required, c.aaa.secondAuth.method, c.aaa.secondAuth.users], [false, 'md5', []]);
});

test('ha.aaa: each mode needs its section; errors name the key and the line (a missing section: the line of `aaa:`)', () => {
  assert.match(firstIssue('    mode: embedded'), /^ha\.aaa\.subscriberFile@8: needed for mode embedded/);
  assert.match(firstIssue('    mode: radius'), /^ha\.aaa\.radius@8: needed for mode radius/);
  assert.match(firstIssue('    mode: diameter'), /^ha\.aaa\.diameter@8: needed for mode diameter/);
  assert.match(firstIssue('    mode: tacacs'), /^ha\.aaa\.mode@9: .*embedded.*radius.*diameter/);
  assert.match(
    firstIssue('    mode: radius\n    radius:\n      servers:\n        - { host: 192.0.2.300, secret: s }'),
    /^ha\.aaa\.radius\.servers\[0\]\.host@12: expected an IPv4 or IPv6 address/,
  );
  assert.match(
    firstIssue('    mode: radius\n    radius:\n      servers: []'),
    /^ha\.aaa\.radius\.servers@11: needs at least 1/,
  );
  assert.match(
    firstIssue('    mode: diameter\n    diameter:\n      servers: [{ host: "::1" }]\n      originHost: ha.example'),
    /^ha\.aaa\.diameter\.originRealm@10: required/,
  );
  assert.match(firstIssue('    subscriberFile: s.json\n    timeout: 2m'), /^ha\.aaa\.timeout@10: must be at most 60 s/);
  assert.match(
    firstIssue(
      '    subscriberFile: s.json\n    secondAuth:\n      users:\n        - { identity: a, secret: x }\n        - { identity: a, secret: y }',
    ),
    /^ha\.aaa\.secondAuth\.users\[1\]\.identity@13: duplicate identity/,
  );
});
