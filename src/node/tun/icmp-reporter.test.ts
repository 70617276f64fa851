// ICMP errors from the tunnel entry point: the rules of RFC 4443 §2.4 (e) and RFC 1812 §4.3.2.7 first, then one token
// bucket (RFC 4443 §2.4 (f)) on virtual time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN4, CN6, HA4, HA6, HOA } from '../../mip/test-fixtures.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { decodeIpv4 } from '../../wire/ip/ipv4.ts';
import { IcmpReporter } from './icmp-reporter.ts';
import { ping } from './test-support.ts';

test('token bucket: a burst, then the sustained rate', () => {
  const r = new IcmpReporter({ ipv6Source: HA6, ratePerSec: 10, burst: 3 });
  const big = ping(CN6, HOA, 1400);
  const at = (now: number) => r.packetTooBig(now, big, 1280) !== undefined;
  assert.deepEqual([at(0), at(0), at(0), at(0)], [true, true, true, false]);
  assert.deepEqual([at(50), at(100), at(100)], [false, true, false]); // one token per 100 ms
  assert.deepEqual([at(10_000), at(10_000), at(10_000), at(10_000)], [true, true, true, false]); // capped at burst
  assert.deepEqual(r.counters, { sent: 7, notAllowed: 0, rateLimited: 4, noSource: 0 });
});

test('no error about a multicast source, without a source address of the family, or about an ICMP error', () => {
  const r = new IcmpReporter({ ipv6Source: HA6 });
  assert.equal(r.packetTooBig(0, ping(Ipv6Address.parse('ff02::1'), HOA, 1400), 1280), undefined);
  assert.equal(r.fragmentationNeeded(0, ping(CN4, HA4, 1400, true), 1300), undefined);
  const r4 = new IcmpReporter({ ipv4Source: HA4 });
  const fn = r4.fragmentationNeeded(0, ping(CN4, HA4, 1400, true), 1300)!;
  assert.equal(decodeIpv4(fn).identification, 0);
  assert.equal(r4.fragmentationNeeded(0, fn, 1300), undefined, 'never about an ICMP error');
  assert.equal(decodeIpv4(r4.fragmentationNeeded(0, ping(CN4, HA4, 1400, true), 1300)!).identification, 1);
  assert.deepEqual(r.counters, { sent: 0, notAllowed: 1, rateLimited: 0, noSource: 1 });
  assert.deepEqual(r4.counters, { sent: 2, notAllowed: 1, rateLimited: 0, noSource: 0 });
});

test("ipv4Source 'destination': the error comes from the address the datagram was for", () => {
  const r = new IcmpReporter({ ipv4Source: 'destination' });
  const fn = decodeIpv4(r.fragmentationNeeded(0, ping(CN4, HA4, 1400, true), 1300)!);
  assert.deepEqual([fn.source.toString(), fn.destination.toString()], [HA4.toString(), CN4.toString()]);
});
