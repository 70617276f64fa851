import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ipv4Int, ipv6Key } from './addresses.ts';
import { BindingCache, BindingEntry, BindingFlag } from './binding-cache.ts';
import { ExpiryHeap } from './expiry-heap.ts';
import { HOA, HOA_2, poolOf, v4 } from './test-fixtures.ts';

function stored(cache: BindingCache, key: string, expiresAtMs: number): BindingEntry {
  const e = new BindingEntry(key);
  e.expiresAtMs = expiresAtMs;
  cache.store(e);
  return e;
}

test('linked IPv4 HoA: removing the IPv6 binding releases it, unlinking keeps the IPv6 binding', () => {
  const cache = new BindingCache(poolOf());
  const key = ipv6Key(HOA);
  const e = stored(cache, key, 1000);
  const a = cache.pool.allocate(key)!;
  assert.equal(cache.linkIpv4(e, a, true), true);
  assert.equal(cache.getByIpv4(a), e);
  assert.ok(e.has(BindingFlag.IPV4_DYNAMIC));
  assert.equal(cache.unlinkIpv4(e), a);
  assert.equal(cache.get(key), e, 'RFC 5555 §4.4.2.1: a BU without the IPv4 option drops only the IPv4 binding');
  assert.equal(cache.getByIpv4(a), undefined);
  cache.linkIpv4(e, a, false);
  cache.remove(e);
  assert.equal(cache.get(key), undefined);
  assert.equal(cache.pool.ownerOf(a), undefined, 'removing the IPv6 binding removes both');
});

test('linkIpv4 refuses an address another binding holds, and swaps the held one', () => {
  const cache = new BindingCache(poolOf());
  const a = stored(cache, ipv6Key(HOA), 1);
  const b = stored(cache, ipv6Key(HOA_2), 1);
  const x = ipv4Int(v4('10.1.0.1'));
  const y = ipv4Int(v4('10.1.0.2'));
  assert.equal(cache.linkIpv4(a, x, true), true);
  assert.equal(cache.linkIpv4(b, x, false), false);
  assert.equal(cache.linkIpv4(a, y, true), true);
  assert.equal(cache.pool.ownerOf(x), undefined);
  assert.equal(cache.getByIpv4(y), a);
});

test('expiry: deadlines come out in order, refreshed entries only at their new deadline', () => {
  const cache = new BindingCache(poolOf());
  const a = stored(cache, 'a', 300);
  stored(cache, 'b', 100);
  stored(cache, 'c', 200);
  a.expiresAtMs = 50;
  cache.store(a); // refresh to an earlier deadline (the old pair becomes stale)
  assert.equal(cache.nextDeadline(), 50);
  assert.equal(cache.popDue(49), undefined);
  const order: string[] = [];
  for (let e = cache.popDue(1000); e !== undefined; e = cache.popDue(1000)) {
    order.push(e.homeAddressKey);
    cache.remove(e);
  }
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.equal(cache.nextDeadline(), undefined);
});

test('stale heap pairs are compacted: many refreshes of few bindings keep the heap small', () => {
  const cache = new BindingCache(poolOf());
  const e = stored(cache, 'a', 0);
  for (let i = 1; i <= 5000; i++) {
    e.expiresAtMs = i;
    cache.store(e);
  }
  assert.equal(cache.nextDeadline(), 5000);
  const heapLength = (cache as unknown as { heap: ExpiryHeap }).heap.length;
  assert.ok(heapLength <= 1026, `heap has ${heapLength} pairs`);
});

test('property: ExpiryHeap pops in non-decreasing order, rebuild included', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), fc.array(fc.integer({ min: 0, max: 1000 })), (xs, ys) => {
      const h = new ExpiryHeap();
      for (const x of xs) h.push(x, String(x));
      h.rebuild(xs.map((x) => [x, String(x)] as const));
      for (const y of ys) h.push(y, String(y));
      const out: number[] = [];
      for (let t = h.peekTime(); t !== undefined; t = h.peekTime()) {
        assert.equal(h.peekKey(), String(t));
        out.push(t);
        h.pop();
      }
      const sorted = [...xs, ...ys].sort((p, q) => p - q);
      return JSON.stringify(out) === JSON.stringify(sorted);
    }),
  );
});
