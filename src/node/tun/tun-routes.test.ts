import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { homeAgentRoutes, ipv4RangeToCidrs, userEquipmentRoutes } from './tun-routes.ts';

const v4 = (s: string) => Ipv4Address.parse(s);

test('IPv4 ranges become the fewest aligned CIDR blocks', () => {
  assert.deepEqual(ipv4RangeToCidrs(v4('10.10.1.10'), v4('10.10.1.99')), [
    '10.10.1.10/31',
    '10.10.1.12/30',
    '10.10.1.16/28',
    '10.10.1.32/27',
    '10.10.1.64/27',
    '10.10.1.96/30',
  ]);
  assert.deepEqual(ipv4RangeToCidrs(v4('10.0.0.0'), v4('10.0.255.255')), ['10.0.0.0/16']);
  assert.deepEqual(ipv4RangeToCidrs(v4('0.0.0.0'), v4('255.255.255.255')), ['0.0.0.0/0']);
  assert.deepEqual(ipv4RangeToCidrs(v4('192.0.2.7'), v4('192.0.2.7')), ['192.0.2.7/32']);
  fc.assert(
    fc.property(fc.nat(0xffffffff), fc.nat(5000), (start, span) => {
      const end = Math.min(0xffffffff, start + span);
      let covered = 0;
      let next = start;
      for (const c of ipv4RangeToCidrs(Ipv4Address.fromNumber(start), Ipv4Address.fromNumber(end))) {
        const [a, len] = c.split('/');
        const base = v4(a!).toNumber();
        const size = 2 ** (32 - Number(len));
        assert.equal(base, next, 'contiguous, in order');
        assert.equal(base % size, 0, 'aligned');
        covered += size;
        next = base + size;
      }
      assert.equal(covered, end - start + 1);
    }),
  );
});

test('HA routes: the home prefix block and the IPv4 pool; UE routes: default routes split in halves', () => {
  const block = { prefix: Ipv6Address.parse('2001:db8:100::'), prefixLength: 40 };
  assert.deepEqual(homeAgentRoutes(block, [{ first: v4('10.10.0.1'), last: v4('10.10.0.2') }]), [
    '2001:db8:100::/40',
    '10.10.0.1/32',
    '10.10.0.2/32',
  ]);
  const p = (s: string) => {
    const [a, l] = s.split('/');
    return { prefix: a!, prefixLength: Number(l) };
  };
  assert.deepEqual(userEquipmentRoutes([p('0.0.0.0/0'), p('::/0')], { ipv4: true }), [
    '0.0.0.0/1',
    '128.0.0.0/1',
    '::/1',
    '8000::/1',
  ]);
  assert.deepEqual(userEquipmentRoutes([p('10.20.0.0/24')], { ipv4: true }), ['10.20.0.0/24']);
  assert.deepEqual(userEquipmentRoutes([], { ipv4: true }), ['::/1', '8000::/1', '0.0.0.0/1', '128.0.0.0/1']);
  assert.deepEqual(userEquipmentRoutes([], { ipv4: false }), ['::/1', '8000::/1']);
});
