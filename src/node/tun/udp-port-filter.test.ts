import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CN4, CN6, HA4, HA6, HOA } from '../../mip/test-fixtures.ts';
import { buildIpv6Packet, buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { ping } from './test-support.ts';
import { mayBeUdpTo } from './udp-port-filter.ts';

test('only what may be UDP to the port takes the slow path', () => {
  const payload = new Uint8Array(4);
  const rows: [string, Uint8Array, boolean][] = [
    ['DHCPv6 to 547', buildUdp6({ src: HOA, dst: HA6, sourcePort: 546, destinationPort: 547, payload }), true],
    ['UDP/IPv6 to 53', buildUdp6({ src: HOA, dst: HA6, sourcePort: 546, destinationPort: 53, payload }), false],
    ['DHCPv4 to 67', buildUdp4({ src: CN4, dst: HA4, sourcePort: 68, destinationPort: 67, payload }), true],
    ['UDP/IPv4 to 68', buildUdp4({ src: CN4, dst: HA4, sourcePort: 67, destinationPort: 68, payload }), false],
    ['ICMPv6', ping(HOA, CN6), false],
    ['ICMP', ping(CN4, HA4), false],
    [
      'IPv6 with a hop-by-hop header',
      buildIpv6Packet({ src: HOA, dst: HA6, nextHeader: 0, payload: new Uint8Array(8) }),
      true,
    ],
  ];
  for (const [name, p, slow] of rows) assert.equal(mayBeUdpTo(p, 547, 67), slow, name);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 60 }), (b) => assert.equal(typeof mayBeUdpTo(b, 547, 67), 'boolean')),
  );
});
