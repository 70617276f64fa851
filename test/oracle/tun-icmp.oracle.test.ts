/**
 * The ICMP errors the tunnel forwarders write back to their device (src/node/tun) and the outer packets their framer
 * builds, decoded by tshark in one batch: types, codes, the MTU fields (RFC 4443 §3.2, RFC 1191 §4), checksums valid.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN4, CN6 } from '../../src/mip/test-fixtures.ts';
import { buildTunnelWorld, HOA, ping } from '../../src/node/tun/test-support.ts';
import { TunnelFramer } from '../../src/node/tun/tunnel-framer.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import { findAll, findField, hasMalformed, tsharkDecode } from './tshark.ts';

test('tshark: PTB, Fragmentation Needed and Destination Unreachable from the forwarders; framed tunnels', async () => {
  const w = buildTunnelWorld('ipv6', { linkMtu: 1500, deviceMtu: 1500 }); // 1460 inside an IPv6 header
  w.haDevice.inject(
    ping(CN6, HOA, 1461),
    ping(CN4, w.ipv4HomeAddress, 1461, true),
    ping(CN6, Ipv6Address.parse('fe80::5')),
  );
  const [ptb, fragNeeded, unreachable] = w.haDevice.take();
  const nat = buildTunnelWorld('nat', { linkMtu: 1400, deviceMtu: 1500 }); // 1372 inside UDP + IPv4
  nat.ueDevice.inject(ping(HOA, CN6, 1400), ping(nat.ipv4HomeAddress, CN4, 1400, true));
  const [uePtb, ueFragNeeded] = nat.ueDevice.take();
  const v4 = new TunnelFramer({
    kind: 'ipv4',
    source: Ipv4Address.parse('192.0.2.1'),
    destination: Ipv4Address.parse('198.51.100.7'),
  });
  const v6 = new TunnelFramer({
    kind: 'ipv6',
    source: Ipv6Address.parse('2001:db8:1::1'),
    destination: Ipv6Address.parse('2001:db8:2::200'),
  });
  const framed = [v4.frame(ping(CN6, HOA)), v6.frame(ping(CN4, w.ipv4HomeAddress, 100, true))];
  const packets = [ptb!, fragNeeded!, unreachable!, uePtb!, ueFragNeeded!, ...framed];
  const layers = await tsharkDecode(packets, ['-o', 'ip.check_checksum:TRUE']);
  for (const [i, l] of layers.entries()) assert.equal(hasMalformed(l), false, `packet ${i}`);
  const f = (i: number, key: string) => findField(layers[i], key);
  assert.deepEqual(
    [f(0, 'icmpv6.type'), f(0, 'icmpv6.code'), f(0, 'icmpv6.mtu'), f(0, 'icmpv6.checksum.status')],
    ['2', '0', '1460', '1'],
  );
  assert.deepEqual(
    [f(1, 'icmp.type'), f(1, 'icmp.code'), f(1, 'icmp.mtu'), f(1, 'icmp.checksum.status')],
    ['3', '4', '1460', '1'],
  );
  assert.deepEqual(findAll(layers[1], 'ip.checksum.status'), ['1', '1'], 'outer and invoking IPv4 headers');
  assert.deepEqual([f(2, 'icmpv6.type'), f(2, 'icmpv6.code'), f(2, 'icmpv6.checksum.status')], ['1', '3', '1']);
  assert.deepEqual([f(3, 'icmpv6.mtu'), f(3, 'ipv6.src')], ['1372', '2001:db8:1::1']);
  assert.deepEqual([f(4, 'icmp.mtu'), f(4, 'ip.src')], ['1372', '192.0.2.1']);
  // The invoking packet rides inside each error, as tshark dissects it.
  assert.deepEqual(findAll(layers[0], 'ipv6.dst'), ['2001:db8:5::5', '2001:db8:1::100']);
  assert.equal(f(5, 'ip.checksum.status'), '1');
  assert.match(String(findField(layers[5], 'frame.protocols')), /^raw:ip:ipv6:icmpv6(:data)?$/);
  assert.match(String(findField(layers[6], 'frame.protocols')), /^raw:ipv6:ip:icmp(:data)?$/);
  assert.deepEqual(findAll(layers[6], 'ip.flags.df'), ['1'], 'DF of the inner IPv4 packet');
});
