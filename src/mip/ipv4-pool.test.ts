import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4Address } from '../util/ip-address.ts';
import { ipv4FromInt, ipv4Int } from './addresses.ts';
import { Ipv4HomeAddressPool, ipv4RangeOfPrefix } from './ipv4-pool.ts';
import { v4 } from './test-fixtures.ts';

const text = (n: number | undefined) => (n === undefined ? undefined : ipv4FromInt(n).toString());

test('allocates in order, reports exhaustion, reuses released addresses', () => {
  const pool = new Ipv4HomeAddressPool([{ first: v4('10.0.0.1'), last: v4('10.0.0.2') }]);
  assert.equal(text(pool.peekFree()), '10.0.0.1');
  assert.equal(text(pool.allocate('a')), '10.0.0.1');
  assert.equal(text(pool.allocate('b')), '10.0.0.2');
  assert.equal(pool.peekFree(), undefined);
  assert.equal(pool.allocate('c'), undefined);
  pool.release(ipv4Int(v4('10.0.0.1')), 'a');
  assert.equal(text(pool.peekFree()), '10.0.0.1');
  assert.equal(text(pool.allocate('c')), '10.0.0.1');
  assert.equal(pool.ownerOf(ipv4Int(v4('10.0.0.1'))), 'c');
});

test('release by a non-owner changes nothing; claim refuses an address held by someone else', () => {
  const pool = new Ipv4HomeAddressPool([{ first: v4('10.0.0.1'), last: v4('10.0.0.1') }]);
  const a = pool.allocate('a')!;
  pool.release(a, 'intruder');
  assert.equal(pool.ownerOf(a), 'a');
  assert.equal(pool.claim(a, 'b'), false);
  assert.equal(pool.claim(a, 'a'), true);
});

test('a statically claimed pool address is skipped by dynamic allocation', () => {
  const pool = new Ipv4HomeAddressPool([{ first: v4('10.0.0.1'), last: v4('10.0.0.3') }]);
  assert.equal(pool.claim(ipv4Int(v4('10.0.0.1')), 'static'), true);
  assert.equal(text(pool.peekFree()), '10.0.0.2');
  assert.equal(text(pool.allocate('x')), '10.0.0.2');
  assert.equal(pool.contains(ipv4Int(v4('10.0.0.3'))), true);
  assert.equal(pool.contains(ipv4Int(v4('10.0.0.4'))), false);
});

test('addresses above 127.255.255.255 work as keys (signed 32-bit form)', () => {
  const pool = new Ipv4HomeAddressPool([{ first: v4('192.168.0.1'), last: v4('192.168.0.1') }]);
  const a = pool.allocate('a')!;
  assert.ok(a < 0, 'stored as a negative small integer');
  assert.equal(text(a), '192.168.0.1');
  assert.equal(pool.ownerOf(ipv4Int(v4('192.168.0.1'))), 'a');
});

test('ipv4RangeOfPrefix leaves out the network and broadcast addresses', () => {
  const r = ipv4RangeOfPrefix(v4('10.2.3.0'), 24);
  assert.deepEqual([r.first.toString(), r.last.toString()], ['10.2.3.1', '10.2.3.254']);
  const p31 = ipv4RangeOfPrefix(v4('10.2.3.4'), 31);
  assert.deepEqual([p31.first.toString(), p31.last.toString()], ['10.2.3.4', '10.2.3.5']);
  assert.throws(() => ipv4RangeOfPrefix(v4('10.0.0.0'), 0), RangeError);
  assert.throws(() => new Ipv4HomeAddressPool([{ first: v4('10.0.0.2'), last: v4('10.0.0.1') }]), RangeError);
});

test('property: no address is ever held by two owners, and peekFree predicts allocate', () => {
  const ops = fc.array(fc.tuple(fc.constantFrom('alloc', 'release', 'claim'), fc.integer({ min: 0, max: 7 })), {
    maxLength: 60,
  });
  fc.assert(
    fc.property(ops, (list) => {
      const pool = new Ipv4HomeAddressPool([{ first: v4('10.0.0.1'), last: v4('10.0.0.4') }]);
      const held = new Map<number, string>();
      for (const [op, who] of list) {
        const owner = `o${who}`;
        if (op === 'alloc') {
          const expected = pool.peekFree();
          const a = pool.allocate(owner);
          if (a !== expected) return false;
          if (a !== undefined) {
            if (held.has(a)) return false;
            held.set(a, owner);
          }
        } else if (op === 'release') {
          for (const [a, o] of held) {
            if (o === owner) {
              pool.release(a, owner);
              held.delete(a);
              break;
            }
          }
        } else {
          const a = ipv4Int(Ipv4Address.fromNumber(0x0a000001 + (who % 5)));
          if (pool.claim(a, owner)) {
            if (held.has(a) && held.get(a) !== owner) return false;
            held.set(a, owner);
          }
        }
      }
      for (const [a, o] of held) if (pool.ownerOf(a) !== o) return false;
      return pool.inUse === held.size;
    }),
  );
});

test('peek then claim (how the HA assigns 0.0.0.0 requests) moves past claimed addresses: no rescan per peek', () => {
  const pool = new Ipv4HomeAddressPool([{ first: v4('10.0.0.1'), last: v4('10.0.3.254') }]);
  // Count the owner-index lookups through the private map (a regression probe, not an API).
  const owners = (pool as unknown as { owners: Map<number, string> }).owners;
  const has = owners.has.bind(owners);
  let lookups = 0;
  owners.has = (k: number) => {
    lookups++;
    return has(k);
  };
  for (let i = 0; i < 1000; i++) assert.ok(pool.claim(pool.peekFree()!, `o${i}`));
  assert.equal(text(pool.peekFree()!), '10.0.3.233');
  assert.ok(lookups < 3000, `${lookups} lookups for 1000 assignments (a rescan costs ~500,000)`);
});
