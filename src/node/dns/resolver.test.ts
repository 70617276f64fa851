/**
 * The Node resolver against a small DNS responder on 127.0.0.1 (dns-packet over dgram): TTLs come through, and
 * ENODATA / ENOTFOUND / SERVFAIL / silence map to typed results. dnsmasq is exercised in test/peers/dhcp-dns.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { answerDnsQueries } from './drive.ts';
import { dnsResultOfError, NodeDnsResolver } from './resolver.ts';

let server: Socket;
let port = 0;

/** name → answers; 'nxdomain' → RCODE 3; 'servfail' → RCODE 2; 'silent' → no answer. */
const ZONE: Record<string, dnsPacket.Answer[] | 'nxdomain' | 'servfail' | 'silent'> = {
  'ha.example': [
    { type: 'AAAA', name: 'ha.example', ttl: 300, data: '2001:db8::1' },
    { type: 'A', name: 'ha.example', ttl: 60, data: '192.0.2.1' },
  ],
  'v4only.example': [{ type: 'A', name: 'v4only.example', ttl: 120, data: '192.0.2.3' }],
  '_mip6._ipv6.example': [
    {
      type: 'SRV',
      name: '_mip6._ipv6.example',
      ttl: 30,
      data: { priority: 1, weight: 0, port: 0, target: 'ha.example' },
    },
  ],
  'unknown.example': 'nxdomain',
  'broken.example': 'servfail',
  'silent.example': 'silent',
};

before(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    const entry = ZONE[question.name];
    if (entry === 'silent') return;
    const rcode = entry === 'nxdomain' ? 3 : entry === 'servfail' ? 2 : 0;
    const answers = Array.isArray(entry) ? entry.filter((a) => a.type === question.type) : [];
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: 0x8180 | rcode,
      questions: [question],
      answers,
    });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', () => resolve()));
  port = server.address().port;
});

after(() => server.close());

test('A and AAAA with TTLs; a name with only A gives NODATA for AAAA; unknown → NXDOMAIN', async () => {
  const r = new NodeDnsResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 300, tries: 1 });
  assert.equal(
    JSON.stringify(await r.lookup('ha.example', 'AAAA')),
    JSON.stringify({ kind: 'aaaa', records: [{ address: '2001:db8::1', ttlSec: 300 }] }),
  );
  assert.equal(
    JSON.stringify(await r.lookup('ha.example', 'A')),
    JSON.stringify({ kind: 'a', records: [{ address: '192.0.2.1', ttlSec: 60 }] }),
  );
  assert.deepEqual(await r.lookup('v4only.example', 'AAAA'), { kind: 'nodata' });
  assert.deepEqual(await r.lookup('unknown.example', 'A'), { kind: 'nxdomain' });
  assert.deepEqual(await r.lookup('broken.example', 'A'), { kind: 'error', reason: 'server-failure' });
  assert.deepEqual(await r.lookup('silent.example', 'A'), { kind: 'error', reason: 'timeout' });
  assert.deepEqual(await r.lookup('_mip6._ipv6.example', 'SRV'), {
    kind: 'srv',
    records: [{ priority: 1, weight: 0, port: 0, target: 'ha.example', ttlSec: undefined }],
  });
});

test('answerDnsQueries resolves every polled query and hands the results back', async () => {
  const r = new NodeDnsResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 300, tries: 1 });
  const queue = [
    { id: 1, name: 'ha.example', type: 'AAAA' as const },
    { id: 2, name: 'unknown.example', type: 'A' as const },
  ];
  const got: [number, number, string][] = [];
  const n = await answerDnsQueries(
    { pollDnsQuery: () => queue.shift(), handleDnsAnswer: (now, id, res) => got.push([now, id, res.kind]) },
    r,
    () => 42,
  );
  assert.equal(n, 2);
  assert.deepEqual(got.sort(), [
    [42, 1, 'aaaa'],
    [42, 2, 'nxdomain'],
  ]);
});

test('c-ares error codes map to typed results', () => {
  const table: [string | undefined, string][] = [
    ['ENODATA', 'nodata'],
    ['ENOTFOUND', 'nxdomain'],
    ['ETIMEOUT', 'error/timeout'],
    ['ESERVFAIL', 'error/server-failure'],
    ['EREFUSED', 'error/refused'],
    ['ECONNREFUSED', 'error/refused'],
    ['EBADRESP', 'error/malformed'],
    ['ECANCELLED', 'error/other'],
    [undefined, 'error/other'],
  ];
  for (const [code, want] of table) {
    const r = dnsResultOfError(code);
    assert.equal(r.kind === 'error' ? `error/${r.reason}` : r.kind, want, String(code));
  }
});
