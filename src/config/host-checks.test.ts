// What a config names on the host is checked at load (`host: true`, as `dsmip ha|ue` do) before any socket is bound:
// each problem names the file, the line and the key path.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Ipv4Address } from '../util/ip-address.ts';
import { ConfigFileError } from './errors.ts';
import { type HaHostView, type HostProbe, haHostIssues, ueHostIssues } from './host-checks.ts';
import { loadHaConfig, loadUeConfig } from './load.ts';

const PKI = new URL('../../test/fixtures/pki/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'dsmip-host-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const subscribers = join(dir, 'subscribers.json');
writeFileSync(subscribers, '{"subscribers": []}');
const garbage = join(dir, 'garbage.pem');
writeFileSync(garbage, 'not a PEM file\n');

function ha(o: { cert?: string; key?: string; metrics?: string; capture?: string } = {}): string {
  return `ha:
  addresses: { ipv6: "2001:db8:1::1" }
  ike:
    identity: ha.example.net
    certificate: ${o.cert ?? `${PKI}ha-ecdsa.pem`}
    privateKey: ${o.key ?? `${PKI}ha-ecdsa.key`}
  aaa: { subscriberFile: ${subscribers} }
  homePrefixPool: { base: "2001:db8:100::/48" }
  metrics:
    address: ${o.metrics ?? '127.0.0.1'}
    port: 0
  capture:
    pcap: ${o.capture ?? join(dir, 'ha.pcap')}
    keylogDir: ${join(dir, 'new', 'keys')}
`;
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly path: string;
  readonly line: number;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'a private key that is not the certificate key',
    text: ha({ key: `${PKI}other-ha.key` }),
    path: 'ha.ike.privateKey',
    line: 6,
    message: /other-ha\.key is not the key of the certificate in .*ha-ecdsa\.pem/,
  },
  {
    name: 'a missing certificate',
    text: ha({ cert: join(dir, 'nope.pem') }),
    path: 'ha.ike.certificate',
    line: 5,
    message: /cannot read the certificate file .*nope\.pem \(ENOENT\)/,
  },
  {
    name: 'a garbage certificate',
    text: ha({ cert: garbage }),
    path: 'ha.ike.certificate',
    line: 5,
    message: /no PEM certificate in .*garbage\.pem/,
  },
  {
    name: 'a garbage key',
    text: ha({ key: garbage }),
    path: 'ha.ike.privateKey',
    line: 6,
    message: /garbage\.pem: not a private key/,
  },
  {
    name: 'a metrics address not assigned here',
    text: ha({ metrics: '192.0.2.99' }),
    path: 'ha.metrics.address',
    line: 10,
    message: /192\.0\.2\.99 is not assigned to an interface of this host \(checked with os\.networkInterfaces\)/,
  },
  {
    name: 'a capture file in a folder that does not exist',
    text: ha({ capture: join(dir, 'missing', 'ha.pcap') }),
    path: 'ha.capture.pcap',
    line: 13,
    message: /cannot write the capture .*missing\/ha\.pcap \(ENOENT\)/,
  },
];

test('host problems are refused at load with file, line and key path', () => {
  for (const c of CASES) {
    assert.throws(
      () => loadHaConfig({ text: c.text, name: 'ha.yaml', host: true }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigFileError, `${c.name}: ${String(e)}`);
        assert.equal(e.path, c.path, `${c.name}: ${e.message}`);
        assert.equal(e.line, c.line, `${c.name}: ${e.message}`);
        assert.match(e.message.split('\n')[0]!, c.message, c.name);
        return true;
      },
      c.name,
    );
    // Without `host` (configs built by programs and tests) the same text loads.
    loadHaConfig({ text: c.text, name: 'ha.yaml' });
  }
  loadHaConfig({ text: ha(), name: 'ha.yaml', host: true });
});

test('an RSA certificate with its key passes; the ECDSA key against the RSA certificate does not', () => {
  loadHaConfig({ text: ha({ cert: `${PKI}ha-rsa.pem`, key: `${PKI}ha-rsa.key` }), name: 'ha.yaml', host: true });
  assert.throws(
    () => loadHaConfig({ text: ha({ cert: `${PKI}ha-rsa.pem` }), name: 'ha.yaml', host: true }),
    (e: unknown) => e instanceof ConfigFileError && e.path === 'ha.ike.privateKey',
  );
});

const VIEW: HaHostView = {
  addresses: { ipv4: Ipv4Address.parse('198.51.100.7') },
  ipv4HomeAddressPool: [{ first: Ipv4Address.parse('10.10.0.1'), last: Ipv4Address.parse('10.10.0.254') }],
  ports: { ike: 500, natT: 4500, dsmip: 4191 },
  ike: { certificate: `${PKI}ha-ecdsa.pem`, privateKey: `${PKI}ha-ecdsa.key` },
  aaa: { subscriberFile: subscribers },
  metrics: { enabled: true, address: Ipv4Address.parse('198.51.100.7'), port: 9464 },
  capture: {},
};

test('privileged ports without privilege, and the metrics address against the interfaces, with a given host', () => {
  const host: HostProbe = { localAddresses: () => ['198.51.100.7'], mayBindPort: (p) => p >= 1024 };
  const issues = haHostIssues(VIEW, host);
  assert.deepEqual(
    issues.map((i) => i.path.join('.')),
    ['ports.ike'],
  );
  assert.match(issues[0]!.message, /port 500 is privileged .* neither root nor has CAP_NET_BIND_SERVICE/);
  const elsewhere: HostProbe = { localAddresses: () => ['198.51.100.8'], mayBindPort: () => true };
  assert.deepEqual(
    haHostIssues(VIEW, elsewhere).map((i) => i.path.join('.')),
    ['metrics.address'],
  );
  const any = { ...VIEW, metrics: { ...VIEW.metrics, address: Ipv4Address.ANY } };
  assert.deepEqual(haHostIssues(any, elsewhere), [], 'the unspecified address is local');
});

test('an IPv4 HoA pool inside the subnet of the HA own interface is refused, naming the range', () => {
  const host: HostProbe = {
    localAddresses: () => ['198.51.100.7'],
    mayBindPort: () => true,
    localSubnets: () => ['127.0.0.1/8', '198.51.100.7/24'],
  };
  assert.deepEqual(haHostIssues({ ...VIEW, ports: { ike: 5000, natT: 5001, dsmip: 4191 } }, host), []);
  const inWan = {
    ...VIEW,
    ports: { ike: 5000, natT: 5001, dsmip: 4191 },
    ipv4HomeAddressPool: [
      ...VIEW.ipv4HomeAddressPool,
      { first: Ipv4Address.parse('198.51.100.200'), last: Ipv4Address.parse('198.51.101.10') },
    ],
  };
  const issues = haHostIssues(inWan, host);
  assert.deepEqual(
    issues.map((i) => i.path.join('.')),
    ['ipv4HomeAddressPool.1'],
  );
  assert.match(issues[0]!.message, /198\.51\.100\.7\/24/);
});

test('UE: CA certificate, SQN state file folder, capture folder and local ports', () => {
  const host: HostProbe = { localAddresses: () => [], mayBindPort: (p) => p === 0 || p >= 1024 };
  const issues = ueHostIssues(
    {
      identity: { sqnStateFile: join(dir, 'gone', 'sqn.json') },
      ike: { caCertificate: garbage, ports: { local: 500, localNatT: 0 } },
      capture: { keylogDir: join(garbage, 'keys') }, // under a file: ENOTDIR, even for root
    },
    host,
  );
  const paths = issues.map((i) => i.path.join('.'));
  assert.deepEqual(paths, ['ike.caCertificate', 'identity.sqnStateFile', 'ike.ports.local', 'capture.keylogDir']);
  assert.match(issues[3]!.message, /ENOTDIR/);
  assert.throws(
    () =>
      loadUeConfig({
        name: 'ue.yaml',
        host: true,
        text: `ue:
  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }
  apn: internet
  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }
  ike: { caCertificate: ${join(dir, 'no-ca.pem')}, haIdentity: ha.example.net }
  access: { family: ipv4, ipv4: { careOfAddress: 192.0.2.10 } }
`,
      }),
    (e: unknown) =>
      e instanceof ConfigFileError && e.path === 'ue.ike.caCertificate' && e.line === 5 && /ENOENT/.test(e.message),
  );
});
