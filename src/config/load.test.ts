import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TIMING } from '../ike/config.ts';
import { ConfigError } from '../util/errors.ts';
import { Ipv4Address } from '../util/ip-address.ts';
import { ConfigFileError } from './errors.ts';
import { loadHaConfig, loadUeConfig } from './load.ts';

const UE = `ue:
  identity:
    imsi: 001010000000001
    k: 465b5ce8b199b49faa5f0a2ee238a6bc
    opc: cd63cb71954a9f4e48a5994e37a02baf
    mcc: "001"
    mnc: "01"
  apn: internet
  discovery:
    static:
      - ipv6: 2001:db8:1::1
        ipv4: 192.0.2.1
  ike:
    caCertificate: ca.pem
    haIdentity: ha.example.net
  access:
    family: ipv4
    ipv4:
      careOfAddress: 192.0.2.10
`;

const HA = `ha:
  addresses:
    ipv6: 2001:db8:1::1
  ike:
    identity: ha.example.net
    certificate: cert.pem
    privateKey: key.pem
  aaa:
    subscriberFile: subscribers.json
  homePrefixPool:
    base: 2001:db8:100::/48
`;

/** `text` with line `n` (1-based) replaced by `lines` (none deletes it). */
function edit(text: string, n: number, ...lines: string[]): string {
  const all = text.split('\n');
  all.splice(n - 1, 1, ...lines);
  return all.join('\n');
}

interface Case {
  readonly name: string;
  readonly role: 'ue' | 'ha';
  readonly text: string;
  readonly set?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly code: ConfigError['code'];
  readonly path: string;
  /** Undefined when the value did not come from the file. */
  readonly line: number | undefined;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'bad address',
    role: 'ue',
    text: edit(UE, 19, '      careOfAddress: 192.0.2.300'),
    code: 'INVALID',
    path: 'ue.access.ipv4.careOfAddress',
    line: 19,
    message: /expected an IPv4 address \(e\.g\. 192\.0\.2\.1\), got "192\.0\.2\.300"/,
  },
  {
    name: 'misspelt key',
    role: 'ue',
    text: `${UE}  mobility:\n    lifetme: 1h\n`,
    code: 'INVALID',
    path: 'ue.mobility.lifetme',
    line: 21,
    message: /unknown key "lifetme" \(did you mean "lifetime"\?\)/,
  },
  {
    name: 'unknown key far from any known one',
    role: 'ue',
    text: `${UE}  colour: blue\n`,
    code: 'INVALID',
    path: 'ue.colour',
    line: 20,
    message: /allowed: identity, apn, discovery/,
  },
  {
    name: 'missing required key',
    role: 'ue',
    text: edit(UE, 4),
    code: 'MISSING',
    path: 'ue.identity.k',
    line: 2,
    message: /required: expected 16 bytes \(32 hex digits\) of hex/,
  },
  {
    name: 'IMSI of another PLMN',
    role: 'ue',
    text: edit(UE, 6, '    mcc: "002"'),
    code: 'INVALID',
    path: 'ue.identity.imsi',
    line: 3,
    message: /does not start with MCC 002 and MNC 01/,
  },
  {
    name: 'access family without its section',
    role: 'ue',
    text: edit(UE, 17, '    family: ipv6'),
    code: 'INVALID',
    path: 'ue.access.ipv6',
    line: 16,
    message: /needed for family ipv6/,
  },
  {
    name: 'list item without a required key',
    role: 'ue',
    text: edit(edit(UE, 12), 11, '      - ipv4: 192.0.2.1'),
    code: 'MISSING',
    path: 'ue.discovery.static[0].ipv6',
    line: 11,
    message: /required: expected an IPv6 address/,
  },
  {
    name: 'a list where a section belongs',
    role: 'ue',
    text: edit(edit(edit(edit(UE, 12), 11), 10), 9, '  discovery: [dns]'),
    code: 'INVALID',
    path: 'ue.discovery',
    line: 9,
    message: /expected a mapping \(key: value\), got a list/,
  },
  {
    name: 'YAML syntax error',
    role: 'ue',
    text: edit(UE, 8, '  apn: [internet'),
    code: 'INVALID',
    path: '',
    line: 9,
    message: /not valid YAML/,
  },
  {
    name: 'duplicate key',
    role: 'ue',
    text: edit(UE, 8, '  apn: internet', '  apn: ims'),
    code: 'INVALID',
    path: '',
    line: 9,
    message: /Map keys must be unique/,
  },
  {
    name: 'alias cycle',
    role: 'ue',
    text: 'ue: &a\n  x: *a\n',
    code: 'INVALID',
    path: '',
    line: 2,
    message: /refers to itself/,
  },
  {
    name: 'empty file',
    role: 'ue',
    text: '# nothing here\n',
    code: 'MISSING',
    path: '',
    line: undefined,
    message: /required: expected a mapping/,
  },
  {
    name: 'HA file given to the UE',
    role: 'ue',
    text: HA,
    code: 'MISSING',
    path: 'ue',
    line: 1,
    message: /ue: required: expected a mapping/,
  },
  {
    name: 'prototype key is just an unknown key',
    role: 'ue',
    text: `${UE}  __proto__: {polluted: yes}\n`,
    code: 'INVALID',
    path: 'ue.__proto__',
    line: 20,
    message: /unknown key "__proto__"/,
  },
  {
    name: 'lifetime from a flag',
    role: 'ue',
    text: UE,
    set: ['ue.mobility.lifetime=5s'],
    code: 'INVALID',
    path: 'ue.mobility.lifetime',
    line: undefined,
    message: /^--set ue\.mobility\.lifetime=5s: ue\.mobility\.lifetime: must be a multiple of 4 s/,
  },
  {
    name: 'rekey after the end of the SA',
    role: 'ue',
    text: UE,
    set: ['ue.ike.timers={ikeRekey: 5h}'],
    code: 'INVALID',
    path: 'ue.ike.timers.ikeRekey',
    line: undefined,
    message: /^--set ue\.ike\.timers=\{ikeRekey: 5h\}: ue\.ike\.timers\.ikeRekey: must be shorter than ikeLifetime$/,
  },
  {
    name: 'MTU from the environment',
    role: 'ue',
    text: UE,
    env: { DSMIP_UE__TUN__MTU: '576' },
    code: 'INVALID',
    path: 'ue.tun.mtu',
    line: undefined,
    message: /^environment variable DSMIP_UE__TUN__MTU: ue\.tun\.mtu: expected an MTU in 1280\.\.65535, got "576"/,
  },
  {
    name: 'unknown DHCP mode',
    role: 'ha',
    text: `${HA}  dhcp:\n    v6:\n      mode: proxy\n`,
    code: 'INVALID',
    path: 'ha.dhcp.v6.mode',
    line: 14,
    message: /expected one of "off" \| "embedded" \| "relay", got "proxy"/,
  },
  {
    name: 'per-UE prefix shorter than the pool',
    role: 'ha',
    text: `${HA}    prefixLength: 40\n`,
    code: 'INVALID',
    path: 'ha.homePrefixPool.prefixLength',
    line: 12,
    message: /at least the base's \/48/,
  },
  {
    name: 'duplicate enterprise number',
    role: 'ha',
    text: `${HA}  dhcp:
    v6:
      mode: embedded
      vendorOptions:
        - enterpriseNumber: 10415
          subOptions: [{ code: 1, data: "00" }]
        - enterpriseNumber: 10415
          subOptions: [{ code: 2, data: "00" }]
`,
    code: 'INVALID',
    path: 'ha.dhcp.v6.vendorOptions[1].enterpriseNumber',
    line: 18,
    message: /one entry per enterprise number \(RFC 8415 §21\.17\)/,
  },
  {
    name: 'embedded DHCPv4 without an IPv4 address to serve from',
    role: 'ha',
    text: `${HA}  dhcp:\n    v4:\n      mode: embedded\n`,
    code: 'INVALID',
    path: 'ha.dhcp.v4.serverIdentifier',
    line: 13,
    message: /needed without addresses\.ipv4 \(option 54\)/,
  },
];

test('broken configs name the file, line, key path and what was expected', () => {
  for (const c of CASES) {
    const input = { text: c.text, name: `${c.role}.yaml`, set: c.set ?? [], env: c.env ?? {} };
    assert.throws(
      () => (c.role === 'ue' ? loadUeConfig(input) : loadHaConfig(input)),
      (e: unknown) => {
        assert.ok(e instanceof ConfigFileError, `${c.name}: ${String(e)}`);
        assert.ok(e instanceof ConfigError);
        assert.equal(e.file, `${c.role}.yaml`, c.name);
        assert.equal(e.code, c.code, `${c.name}: ${e.message}`);
        assert.equal(e.path, c.path, `${c.name}: ${e.message}`);
        assert.equal(e.line, c.line, `${c.name}: ${e.message}`);
        const first = e.message.split('\n')[0]!;
        assert.match(first, c.message, c.name);
        if (c.line !== undefined) assert.ok(first.startsWith(`${c.role}.yaml line ${c.line}: `), first);
        return true;
      },
      c.name,
    );
  }
});

test('every problem is listed, not only the first', () => {
  const text = edit(edit(UE, 19, '      careOfAddress: nowhere'), 3, '    imsi: 12');
  assert.throws(
    () => loadUeConfig({ text, name: 'ue.yaml' }),
    (e: unknown) =>
      e instanceof ConfigFileError &&
      e.issues.map((i) => `${i.path}@${i.line}`).join(' ') === 'ue.identity.imsi@3 ue.access.ipv4.careOfAddress@19' &&
      e.message.split('\n').length === 2,
  );
});

test('an unreadable file is UNREADABLE', () => {
  assert.throws(
    () => loadUeConfig({ file: '/nonexistent/ue.yaml' }),
    (e: unknown) => e instanceof ConfigFileError && e.code === 'UNREADABLE' && /ENOENT/.test(e.message),
  );
});

test('a valid file gives a deeply frozen typed config with defaults filled in', () => {
  const ue = loadUeConfig({ text: UE, name: 'ue.yaml' });
  assert.ok(ue.access.ipv4?.careOfAddress instanceof Ipv4Address);
  assert.equal(ue.identity.imsi, '001010000000001');
  assert.equal(ue.identity.k.length, 16);
  assert.deepEqual([...ue.identity.sqn], [0, 0, 0, 0, 0, 0]);
  assert.equal(ue.mobility.lifetime.sec, 3600);
  assert.deepEqual(ue.mobility.refreshMargin, { kind: 'fraction', fraction: 0.2 });
  assert.equal(ue.discovery.policy, 'sequential');
  assert.equal(ue.ike.ports.remote, 500);
  assert.equal(ue.ike.proposals.ike.length, 2);
  assert.equal(ue.logging.level, 'info');
  assert.equal(ue.ike.timers.ikeLifetime.ms, DEFAULT_TIMING.ikeLifetime.hardMs);
  assert.equal(ue.ike.timers.childRekey.ms, DEFAULT_TIMING.childLifetime.rekeyMs);
  assert.equal(ue.ike.timers.retransmitTries, DEFAULT_TIMING.retransmitTries);
  assert.ok(Object.isFrozen(ue));
  assert.ok(Object.isFrozen(ue.mobility.lifetime));
  assert.ok(Object.isFrozen(ue.discovery.static[0]));
  assert.ok(Object.isFrozen(ue.access.ipv4!.careOfAddress));
  assert.throws(() => {
    (ue.mobility as { forceUdp: boolean }).forceUdp = true;
  }, TypeError);
});

test('flags win over the environment, which wins over the file', () => {
  const ue = loadUeConfig({
    text: UE,
    env: { DSMIP_UE__MOBILITY__LIFETIME: '2h', DSMIP_UE__APN: 'ims' },
    set: ['ue.mobility.lifetime=30m'],
  });
  assert.equal(ue.mobility.lifetime.sec, 1800);
  assert.equal(ue.apn, 'ims');
  const ha = loadHaConfig({ text: HA, set: ['ha.binding.baEncapsulation=rfc5555', 'ha.dns.ipv4=[192.0.2.53]'] });
  assert.equal(ha.binding.baEncapsulation, 'rfc5555');
  assert.equal(ha.dns.ipv4[0]!.toString(), '192.0.2.53');
  assert.equal(ha.binding.natRefresh.sec, 110);
  assert.equal(ha.metrics.port, 9464);
});
