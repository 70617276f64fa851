import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import {
  bindingLifetime,
  bool,
  digits,
  domainName,
  hex,
  int,
  ipAddress,
  ipPrefix,
  ipv4,
  ipv4Range,
  ipv6,
  ipv6Prefix,
  oneOf,
  refreshMargin,
  socketAddress,
} from './scalars.ts';

function ok<T>(s: z.ZodType<T, unknown>, input: unknown): T {
  const r = s.safeParse(input);
  assert.ok(r.success, `${JSON.stringify(input)}: ${r.error?.message}`);
  return r.data as T;
}

/** The single issue's message for a value the schema refuses. */
function refused(s: z.ZodType<unknown, unknown>, input: unknown): string {
  const r = s.safeParse(input);
  assert.equal(r.success, false, `${JSON.stringify(input)} was accepted`);
  assert.equal(r.error!.issues.length, 1);
  return r.error!.issues[0]!.message;
}

test('bool takes YAML words and booleans', () => {
  for (const t of ['true', 'yes', 'on', 'TRUE', true]) assert.equal(ok(bool, t), true);
  for (const f of ['false', 'no', 'off', 'False', false]) assert.equal(ok(bool, f), false);
  assert.match(refused(bool, 'maybe'), /true or false/);
  assert.match(refused(bool, undefined), /true or false/);
});

test('int reads decimal and hex text within its range', () => {
  const s = int(0, 70000);
  assert.equal(ok(s, '4191'), 4191);
  assert.equal(ok(s, 4191), 4191);
  assert.equal(ok(s, '0x10'), 16);
  assert.equal(ok(s, '65_535'), 65535);
  assert.match(refused(s, '70001'), /0\.\.70000/);
  assert.match(refused(s, '1.5'), /integer/);
  assert.match(refused(s, '-1'), /integer/);
  assert.match(refused(s, 'ten'), /integer/);
});

test('addresses parse into address objects', () => {
  assert.ok(ok(ipv4, '192.0.2.1').equals(Ipv4Address.parse('192.0.2.1')));
  assert.ok(ok(ipv4, Ipv4Address.parse('10.0.0.1')) instanceof Ipv4Address);
  assert.equal(ok(ipv6, '2001:DB8::1').toString(), '2001:db8::1');
  assert.match(refused(ipv4, '192.0.2.300'), /IPv4 address/);
  assert.match(refused(ipv6, '192.0.2.1'), /IPv6 address/);
  assert.match(refused(ipv6, 'fe80::1%eth0'), /IPv6 address/);
  assert.ok(ok(ipAddress, '::1') instanceof Ipv6Address);
  assert.ok(ok(ipAddress, '127.0.0.1') instanceof Ipv4Address);
});

test('prefixes check their length and host bits', () => {
  const p = ok(ipv6Prefix, '2001:db8:100::/40');
  assert.equal(p.prefix.toString(), '2001:db8:100::');
  assert.equal(p.prefixLength, 40);
  assert.match(refused(ipv6Prefix, '2001:db8:100::1/40'), /bits set after the first 40/);
  assert.match(refused(ipv6Prefix, '2001:db8::/129'), /exceeds 128/);
  assert.match(refused(ipv6Prefix, '2001:db8::'), /IPv6 prefix/);
  assert.deepEqual(
    [ok(ipPrefix, '0.0.0.0/0').family, ok(ipPrefix, '::/0').family, ok(ipPrefix, '10.1.0.0/16').prefixLength],
    [4, 6, 16],
  );
  assert.match(refused(ipPrefix, '10.1.0.1/16'), /bits set/);
});

test('IPv4 ranges: explicit or a block without its first and last address', () => {
  const r = ok(ipv4Range, '10.10.0.0/24');
  assert.deepEqual([r.first.toString(), r.last.toString()], ['10.10.0.1', '10.10.0.254']);
  const one = ok(ipv4Range, '10.10.0.7/32');
  assert.deepEqual([one.first.toString(), one.last.toString()], ['10.10.0.7', '10.10.0.7']);
  const pair = ok(ipv4Range, '10.10.0.6/31');
  assert.deepEqual([pair.first.toString(), pair.last.toString()], ['10.10.0.6', '10.10.0.7']);
  const explicit = ok(ipv4Range, '10.10.1.10 - 10.10.1.99');
  assert.deepEqual([explicit.first.toString(), explicit.last.toString()], ['10.10.1.10', '10.10.1.99']);
  assert.match(refused(ipv4Range, '10.0.0.9-10.0.0.1'), /ends before it starts/);
  assert.match(refused(ipv4Range, '10.0.0.0'), /IPv4 range/);
});

test('hex bytes with separators and exact lengths', () => {
  assert.deepEqual([...ok(hex([2]), 'b9 b9')], [0xb9, 0xb9]);
  assert.deepEqual([...ok(hex(), '0x0a:0b')], [10, 11]);
  assert.deepEqual([...ok(hex([16, 20]), '00'.repeat(20))].length, 20);
  const original = Uint8Array.of(1, 2);
  const copy = ok(hex(), original);
  assert.notEqual(copy, original);
  assert.match(refused(hex([16]), 'abcd'), /16 bytes.*got 2 bytes/);
  assert.match(refused(hex(), 'abc'), /odd number/);
  assert.match(refused(hex(), 'zz'), /hex bytes/);
});

test('identifiers keep their leading zeros', () => {
  assert.equal(ok(digits(6, 15, 'an IMSI'), '001010000000001'), '001010000000001');
  assert.match(refused(digits(3, 3, 'an MCC'), '1'), /an MCC \(3 digits\)/);
  assert.match(refused(digits(6, 15, 'an IMSI'), '0010100000000012'), /6–15 digits/);
});

test('domain names, choices and socket addresses', () => {
  assert.equal(ok(domainName, 'HA.Example.NET.'), 'ha.example.net');
  assert.match(refused(domainName, 'bad_name.example'), /domain name/);
  assert.match(refused(domainName, '-x.example'), /domain name/);
  assert.equal(ok(oneOf(['seed', 'rfc5555']), 'rfc5555'), 'rfc5555');
  assert.match(refused(oneOf(['seed', 'rfc5555']), 'RFC5555'), /one of "seed" \| "rfc5555"/);
  const table: [string, string, number][] = [
    ['192.0.2.53', '192.0.2.53', 53],
    ['192.0.2.53:5353', '192.0.2.53', 5353],
    ['2001:db8::53', '2001:db8::53', 53],
    ['[2001:db8::53]:5353', '2001:db8::53', 5353],
  ];
  for (const [text, address, port] of table) {
    const v = ok(socketAddress(53), text);
    assert.deepEqual([v.address.toString(), v.port], [address, port], text);
  }
  assert.match(refused(socketAddress(53), '192.0.2.53:0'), /address with an optional port/);
  assert.match(refused(socketAddress(53), 'dns.example'), /address with an optional port/);
});

test('binding lifetimes are 4-second units in 16 bits (RFC 6275 §6.1.7)', () => {
  assert.equal(ok(bindingLifetime(), '1h').sec, 3600);
  assert.equal(ok(bindingLifetime(), '262140s').sec, 262140);
  assert.equal(ok(bindingLifetime(true), '0s').sec, 0);
  assert.match(refused(bindingLifetime(), '5s'), /multiple of 4 s/);
  assert.match(refused(bindingLifetime(), '262144s'), /at most 262140s/);
  assert.match(refused(bindingLifetime(), '0s'), /must not be 0/);
  assert.match(refused(bindingLifetime(), '3600'), /duration/);
});

test('refresh margins are a percentage or a duration', () => {
  assert.deepEqual(ok(refreshMargin, '20%'), { kind: 'fraction', fraction: 0.2 });
  assert.equal(ok(refreshMargin, '60s').kind, 'duration');
  assert.match(refused(refreshMargin, '0%'), /more than 0%/);
  assert.match(refused(refreshMargin, '150%'), /percentage/);
  assert.match(refused(refreshMargin, '0s'), /more than 0s/);
});
