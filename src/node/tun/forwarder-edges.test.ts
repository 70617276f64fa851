// Edges of the forwarders: a full device, a framing without its socket, a closed forwarder, prefix keys, and any bytes
// from any side counted without a throw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CN4, CN6, HA4, HA6, v6 } from '../../mip/test-fixtures.ts';
import { prefixKeyAt } from './ha-tunnel-table.ts';
import { IcmpReporter } from './icmp-reporter.ts';
import { buildTunnelWorld, COA4, FakePacketDevice, HOA, ping } from './test-support.ts';
import { RawTunnelOutput } from './tunnel-output.ts';
import { UeForwarder } from './ue-forwarder.ts';

test('a full device and a closed forwarder drop and count; a framing without its raw socket is no-socket', () => {
  const w = buildTunnelWorld('nat');
  w.ueDevice.full = true;
  w.haDevice.inject(ping(CN6, HOA));
  w.net.runUntilQuiescent();
  assert.equal(w.ue.counters.drops['device-full'], 1);
  const device = new FakePacketDevice();
  const ue = new UeForwarder({
    device,
    output: new RawTunnelOutput(undefined, []),
    icmp: new IcmpReporter(),
    now: () => 0,
    linkMtu: 1500,
    deviceMtu: 1400,
  });
  ue.setHomeAddresses({ ipv6: HOA, ipv4: undefined });
  ue.setRoute({ kind: 'ipv4', source: COA4, destination: HA4 });
  device.inject(ping(HOA, CN6));
  assert.equal(ue.counters.drops['no-socket'], 1);
  ue.setRoute({ kind: 'udp4', source: COA4, destination: HA4, sourcePort: 4191, destinationPort: 4191 });
  device.inject(ping(HOA, CN6));
  assert.equal(ue.counters.drops['no-socket'], 2);
  ue.fromHomeAgent(ping(CN4, HA4)); // no IPv4 home address
  ue.fromHomeAgent(ping(HA6, HOA).subarray(0, 50)); // cut short
  assert.deepEqual([ue.counters.drops['not-for-home-address'], ue.counters.drops['malformed-inner']], [1, 1]);
  ue.close();
  assert.ok(device.closed && ue.isClosed);
  ue.fromHomeAgent(ping(HA6, HOA));
  assert.deepEqual(device.written, []);
});

test('prefix keys mask the bits past the prefix length', () => {
  const a = v6('2001:db8:1:2:ffff::1').bytes;
  assert.equal(prefixKeyAt(a, 0, 64), prefixKeyAt(v6('2001:db8:1:2::').bytes, 0, 64));
  assert.equal(prefixKeyAt(a, 0, 56), prefixKeyAt(v6('2001:db8:1::').bytes, 0, 56));
  assert.notEqual(prefixKeyAt(a, 0, 64), prefixKeyAt(v6('2001:db8:1:3::').bytes, 0, 64));
  // 2001:db8:1:2:: and 2001:db8:1:3:: differ in bit 63 only.
  assert.equal(prefixKeyAt(a, 0, 63), prefixKeyAt(v6('2001:db8:1:3::').bytes, 0, 63));
  assert.equal(prefixKeyAt(a, 0, 0), '');
});

test('property: any bytes from any side are counted, never thrown', () => {
  const w = buildTunnelWorld('ipv4');
  const total = (c: typeof w.ha.counters) =>
    c.intoTunnel.packets + c.outOfTunnel.packets + Object.values(c.drops).reduce((a, b) => a + b, 0);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1600 }), (b) => {
      const before = [total(w.ha.counters), total(w.ue.counters)];
      w.ha.fromDevice(0, b);
      w.ha.fromMobileNode(b);
      w.ue.fromDevice(0, b);
      w.ue.fromHomeAgent(b);
      assert.ok(total(w.ha.counters) >= before[0]! + 2 && total(w.ue.counters) >= before[1]! + 2);
    }),
  );
  // Mutations of a valid packet as well.
  const base = ping(CN6, HOA, 200);
  fc.assert(
    fc.property(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const p = base.slice();
      p[i] = p[i]! ^ x;
      w.ha.fromDevice(0, p);
      w.ue.fromHomeAgent(p);
    }),
  );
});
