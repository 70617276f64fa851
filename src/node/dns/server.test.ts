// The embedded authoritative DNS server: the pure answer function (AA set, RD echoed, names without case, NODATA
// vs NXDOMAIN, FORMERR / NOTIMP, never a throw for any bytes) and the server on loopback, queried by the same
// NodeDnsResolver the UE uses (TTLs come through), with its datagrams on the trace hook.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { decodeDns } from '../../wire/dns/dns.ts';
import type { DatagramTraceEvent } from '../net/datagram-trace.ts';
import { NodeDnsResolver } from './resolver.ts';
import { answerDnsQuery, DnsRcodeValue, DnsServer, DnsZone } from './server.ts';

const HA_APN = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const ZONE = new DnsZone([
  { name: HA_APN, address: Ipv6Address.parse('2001:db8:1::1'), ttlSec: 300 },
  { name: `${HA_APN}.`, address: Ipv4Address.parse('127.0.0.1'), ttlSec: 60 },
  { name: 'v4only.example', address: Ipv4Address.parse('192.0.2.3'), ttlSec: 120 },
]);

function query(name: string, type: 'A' | 'AAAA' | 'MX', flags = dnsPacket.RECURSION_DESIRED): Uint8Array {
  return new Uint8Array(dnsPacket.encode({ type: 'query', id: 0x1234, flags, questions: [{ type, name }] }));
}

/** Type, TTL and data of each answer (A and AAAA only here). */
function records(m: ReturnType<typeof decodeDns>): [string, number | undefined, unknown][] {
  return (m.answers ?? []).map((a) => [a.type, 'ttl' in a ? a.ttl : undefined, 'data' in a ? a.data : undefined]);
}

function header(bytes: Uint8Array): { id: number; flags: number; rcode: number; qd: number; an: number } {
  return {
    id: (bytes[0]! << 8) | bytes[1]!,
    flags: (bytes[2]! << 8) | bytes[3]!,
    rcode: bytes[3]! & 0xf,
    qd: (bytes[4]! << 8) | bytes[5]!,
    an: (bytes[6]! << 8) | bytes[7]!,
  };
}

test('AAAA and A for the HA-APN with their TTLs, whatever the case; AA set, RD echoed, RA clear', () => {
  const r = answerDnsQuery(query(HA_APN.toUpperCase(), 'AAAA'), ZONE)!;
  const h = header(r.response);
  assert.deepEqual([h.id, h.rcode, h.qd, h.an], [0x1234, DnsRcodeValue.NOERROR, 1, 1]);
  assert.equal(h.flags & 0x8000, 0x8000, 'QR');
  assert.equal(h.flags & 0x0400, 0x0400, 'AA: authoritative');
  assert.equal(h.flags & 0x0100, 0x0100, 'RD copied');
  assert.equal(h.flags & 0x0080, 0, 'RA: no recursion');
  const m = decodeDns(r.response);
  assert.deepEqual(records(m), [['AAAA', 300, '2001:db8:1::1']]);
  const a = decodeDns(answerDnsQuery(query(HA_APN, 'A', 0), ZONE)!.response);
  assert.deepEqual(records(a), [['A', 60, '127.0.0.1']]);
  assert.equal(header(answerDnsQuery(query(HA_APN, 'A', 0), ZONE)!.response).flags & 0x0100, 0);
});

test('a known name without the type is NODATA (NOERROR, no answer); an unknown name NXDOMAIN', () => {
  const nodata = answerDnsQuery(query('v4only.example', 'AAAA'), ZONE)!;
  assert.deepEqual([header(nodata.response).rcode, header(nodata.response).an], [0, 0]);
  assert.deepEqual(answerDnsQuery(query('v4only.example', 'MX'), ZONE)!.outcome, {
    name: 'v4only.example',
    type: 'MX',
    rcode: 0,
    answers: 0,
  });
  const nx = answerDnsQuery(query('nothing.example', 'A'), ZONE)!;
  assert.deepEqual([header(nx.response).rcode, header(nx.response).qd], [DnsRcodeValue.NXDOMAIN, 1]);
});

test('malformed, unusual and non-query messages: FORMERR, NOTIMP, or no answer at all', () => {
  const good = query(HA_APN, 'A');
  const truncated = good.subarray(0, good.length - 3);
  assert.deepEqual(header(answerDnsQuery(truncated, ZONE)!.response), {
    id: 0x1234,
    flags: 0x8100 | DnsRcodeValue.FORMERR,
    rcode: DnsRcodeValue.FORMERR,
    qd: 0,
    an: 0,
  });
  const two = new Uint8Array(
    dnsPacket.encode({
      type: 'query',
      id: 1,
      questions: [
        { type: 'A', name: 'a.example' },
        { type: 'A', name: 'b.example' },
      ],
    }),
  );
  assert.equal(header(answerDnsQuery(two, ZONE)!.response).rcode, DnsRcodeValue.FORMERR);
  const notify = good.slice();
  notify[2] = (notify[2]! & 0x87) | (4 << 3); // opcode 4 (NOTIFY)
  const notImp = header(answerDnsQuery(notify, ZONE)!.response);
  assert.deepEqual([notImp.rcode, (notImp.flags >> 11) & 0xf], [DnsRcodeValue.NOTIMP, 4]);
  const response = good.slice();
  response[2]! |= 0x80;
  assert.equal(answerDnsQuery(response, ZONE), undefined);
  assert.equal(answerDnsQuery(good.subarray(0, 11), ZONE), undefined);
  assert.throws(() => new DnsZone([{ name: 'x', address: Ipv4Address.ANY, ttlSec: -1 }]), RangeError);
});

test('any bytes give an answer or none, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      const r = answerDnsQuery(bytes, ZONE);
      if (r) assert.ok(r.response.length >= 12);
    }),
    { numRuns: 2000 },
  );
  const good = query(HA_APN, 'AAAA');
  fc.assert(
    fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (at, v) => {
      const b = good.slice();
      b[at] = v;
      answerDnsQuery(b, ZONE);
    }),
  );
});

test('on loopback: the UE resolver gets A and AAAA with TTLs and NXDOMAIN; both datagrams are traced', async () => {
  const trace: DatagramTraceEvent[] = [];
  const server = await DnsServer.start({
    address: Ipv4Address.parse('127.0.0.1'),
    port: 0,
    records: [
      { name: HA_APN, address: Ipv6Address.parse('2001:db8:1::1'), ttlSec: 300 },
      { name: HA_APN, address: Ipv4Address.parse('127.0.0.1'), ttlSec: 60 },
    ],
    onTrace: (e) => trace.push(e),
  });
  try {
    assert.match(server.endpoint, /^127\.0\.0\.1:\d+$/);
    const r = new NodeDnsResolver({ servers: [server.endpoint], timeoutMs: 500, tries: 1 });
    assert.equal(
      JSON.stringify(await r.lookup(HA_APN, 'AAAA')),
      JSON.stringify({ kind: 'aaaa', records: [{ address: '2001:db8:1::1', ttlSec: 300 }] }),
    );
    assert.equal(
      JSON.stringify(await r.lookup(HA_APN, 'A')),
      JSON.stringify({ kind: 'a', records: [{ address: '127.0.0.1', ttlSec: 60 }] }),
    );
    assert.deepEqual(await r.lookup('other.example', 'A'), { kind: 'nxdomain' });
    assert.deepEqual(server.counters, { queries: 3, answered: 3, ignored: 0 });
    assert.deepEqual(
      trace.map((e) => [e.direction, e.label]),
      [
        ['received', 'dns'],
        ['sent', 'dns'],
        ['received', 'dns'],
        ['sent', 'dns'],
        ['received', 'dns'],
        ['sent', 'dns'],
      ],
    );
  } finally {
    await server.close();
  }
});
