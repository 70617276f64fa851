import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { constantRandom, seededRandom } from '../dhcp/test-support.ts';
import { toHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { encodeDns } from '../wire/dns/dns.ts';
import { pairDnsAddresses, pairListedAddresses } from './candidates.ts';
import { type DnsQuery, dnsLookupResultFromResponse, encodeDnsQuery, type SrvRecord } from './dns-lookup.ts';
import { orderSrvRecords, srvServiceUnavailable } from './srv.ts';

const NAME = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const v6 = (s: string) => Ipv6Address.parse(s);
const v4 = (s: string) => Ipv4Address.parse(s);

test('a recursive AAAA query for the HA-APN (RFC 1035 §4.1): literal bytes', () => {
  const q = encodeDnsQuery({ id: 0x1234, name: 'ha.example', type: 'AAAA' });
  // ID | flags RD | QDCOUNT 1 | AN/NS/AR 0 | 02 'ha' 07 'example' 00 | QTYPE 28 | QCLASS IN
  assert.equal(toHex(q), `123401000001000000000000${'026861076578616d706c6500'}001c0001`);
  assert.throws(() => encodeDnsQuery({ id: 70000, name: 'x', type: 'A' }), RangeError);
});

function response(q: DnsQuery, rcode: number, answers: Parameters<typeof encodeDns>[0]['answers'] = []): Uint8Array {
  return encodeDns({
    type: 'response',
    id: q.id,
    flags: 0x8180 | rcode,
    questions: [{ type: q.type, name: q.name }],
    answers,
  });
}

test('responses become typed results: records with TTLs, CNAME chains, NXDOMAIN, NODATA, failures', () => {
  const aaaa: DnsQuery = { id: 7, name: NAME, type: 'AAAA' };
  const a: DnsQuery = { id: 8, name: NAME, type: 'A' };
  assert.deepEqual(
    dnsLookupResultFromResponse(
      response(aaaa, 0, [
        { type: 'CNAME', name: NAME.toUpperCase(), ttl: 60, data: 'ha1.example' },
        { type: 'AAAA', name: 'ha1.example', ttl: 300, data: '2001:db8::1' },
        { type: 'AAAA', name: 'unrelated.example', ttl: 300, data: '2001:db8::99' },
      ]),
      aaaa,
    ),
    { kind: 'aaaa', records: [{ address: v6('2001:db8::1'), ttlSec: 300 }] },
  );
  assert.deepEqual(
    dnsLookupResultFromResponse(response(a, 0, [{ type: 'A', name: NAME, ttl: 120, data: '198.51.100.1' }]), a),
    {
      kind: 'a',
      records: [{ address: v4('198.51.100.1'), ttlSec: 120 }],
    },
  );
  assert.deepEqual(dnsLookupResultFromResponse(response(aaaa, 3), aaaa), { kind: 'nxdomain' });
  assert.deepEqual(dnsLookupResultFromResponse(response(aaaa, 0), aaaa), { kind: 'nodata' });
  assert.deepEqual(dnsLookupResultFromResponse(response(aaaa, 2), aaaa), { kind: 'error', reason: 'server-failure' });
  assert.deepEqual(dnsLookupResultFromResponse(response(aaaa, 5), aaaa), { kind: 'error', reason: 'refused' });
  assert.deepEqual(dnsLookupResultFromResponse(response(aaaa, 4), aaaa), {
    kind: 'error',
    reason: 'other',
    detail: 'RCODE 4',
  });
  // An answer for another query is not ours.
  assert.equal(dnsLookupResultFromResponse(response({ ...aaaa, id: 9 }, 0), aaaa), undefined);
  assert.equal(dnsLookupResultFromResponse(response(a, 0), aaaa), undefined);
  assert.equal(dnsLookupResultFromResponse(encodeDnsQuery(aaaa), aaaa), undefined);
  const bad = dnsLookupResultFromResponse(new Uint8Array(5), aaaa);
  assert.equal(bad?.kind, 'error');
});

test('SRV responses and any bytes: a result or undefined, never an exception', () => {
  const srv: DnsQuery = { id: 3, name: '_mip6._ipv6.example', type: 'SRV' };
  assert.deepEqual(
    dnsLookupResultFromResponse(
      response(srv, 0, [
        { type: 'SRV', name: srv.name, ttl: 30, data: { priority: 1, weight: 5, port: 0, target: 'ha1.example' } },
      ]),
      srv,
    ),
    { kind: 'srv', records: [{ priority: 1, weight: 5, port: 0, target: 'ha1.example', ttlSec: 30 }] },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      dnsLookupResultFromResponse(bytes, srv);
    }),
  );
});

const srv = (target: string, priority: number, weight: number): SrvRecord => ({
  priority,
  weight,
  port: 0,
  target,
  ttlSec: 60,
});

test('RFC 2782 order: priorities ascending; within one, weighted random selection (injected randomness)', () => {
  const records = [srv('c', 20, 0), srv('a1', 10, 60), srv('a2', 10, 40), srv('a0', 10, 0)];
  // random → 0: pick 0 → the first record whose running sum reaches 0, the weight-0 one placed first.
  assert.deepEqual(
    orderSrvRecords(records, constantRandom(0)).map((r) => r.target),
    ['a0', 'a1', 'a2', 'c'],
  );
  // random → ~1: pick = total → the last record.
  assert.deepEqual(
    orderSrvRecords(records, constantRandom(0.9999999)).map((r) => r.target),
    ['a2', 'a1', 'a0', 'c'],
  );
  // Over many draws, a1 (weight 60) comes first about 60 % of the time against a2 (40).
  const rnd = seededRandom(11);
  let a1First = 0;
  for (let i = 0; i < 2000; i++)
    if (orderSrvRecords([srv('a1', 1, 60), srv('a2', 1, 40)], rnd)[0]!.target === 'a1') a1First++;
  assert.ok(a1First > 1100 && a1First < 1300, `${a1First}`);
  assert.ok(srvServiceUnavailable([srv('.', 0, 0)]));
  assert.ok(!srvServiceUnavailable([srv('.', 0, 0), srv('x', 0, 0)]));
  assert.deepEqual(orderSrvRecords([srv('.', 0, 0)], rnd), []);
});

test('dual-stack pairing from DNS: by address rank, stable under rotation; order of the AAAA answer', () => {
  const six = [v6('2001:db8::2'), v6('2001:db8::1')];
  const four = [v4('198.51.100.1'), v4('198.51.100.2'), v4('198.51.100.3')];
  assert.deepEqual(
    pairDnsAddresses(six, four).map((p) => `${p.ipv6 ?? '-'}|${p.ipv4 ?? '-'}`),
    ['2001:db8::2|198.51.100.2', '2001:db8::1|198.51.100.1', '-|198.51.100.3'],
  );
  // The same sets rotated differently pair the same way.
  fc.assert(
    fc.property(fc.nat(5), fc.nat(5), (r6, r4) => {
      const rot = <T>(xs: T[], n: number) => [...xs.slice(n % xs.length), ...xs.slice(0, n % xs.length)];
      const pairs = pairDnsAddresses(rot(six, r6), rot(four, r4)).map((p) => `${p.ipv6 ?? '-'}|${p.ipv4 ?? '-'}`);
      assert.deepEqual(pairs.slice().sort(), [
        '-|198.51.100.3',
        '2001:db8::1|198.51.100.1',
        '2001:db8::2|198.51.100.2',
      ]);
    }),
  );
  assert.deepEqual(pairDnsAddresses([], [v4('192.0.2.1')]), [{ ipv6: undefined, ipv4: v4('192.0.2.1') }]);
  assert.deepEqual(
    pairListedAddresses([v6('2001:db8::9')], [v4('192.0.2.9'), v4('192.0.2.8')]).map(
      (p) => `${p.ipv6 ?? '-'}|${p.ipv4}`,
    ),
    ['2001:db8::9|192.0.2.9', '-|192.0.2.8'],
  );
});
