import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CN4, CN6, HA4, HA6, HOA } from '../../mip/test-fixtures.ts';
import { buildIpv6Packet, buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { ping } from './test-support.ts';
import { mayBeUdpTo } from './udp-port-filter.ts';

/** UDP (8-byte header + 4 bytes) behind a Destination Options header with a Home Address option. */
function behindHao(port: number): Uint8Array {
  const udp = new Uint8Array([0x02, 0x22, port >> 8, port & 0xff, 0, 12, 0, 0, 1, 2, 3, 4]);
  return buildIpv6Packet({ src: HOA, dst: HA6, nextHeader: 17, payload: udp, homeAddressOption: HOA });
}

const behindRh2 = buildIpv6Packet({
  src: HOA,
  dst: CN6,
  nextHeader: 58,
  payload: new Uint8Array([128, 0, 0, 0, 0, 0, 0, 0]),
  routingHeaderType2: HOA,
});
const truncated = buildIpv6Packet({ src: HOA, dst: HA6, nextHeader: 0, payload: new Uint8Array([17, 9, 0, 0]) });
const laterFragment = buildIpv6Packet({
  src: HOA,
  dst: HA6,
  nextHeader: 44,
  payload: new Uint8Array([17, 0, 0, 8, 0, 0, 0, 1, 2, 35, 2, 35]),
});

test('only what may be UDP to the port takes the slow path', () => {
  const payload = new Uint8Array(4);
  const rows: [string, Uint8Array, boolean][] = [
    ['DHCPv6 to 547', buildUdp6({ src: HOA, dst: HA6, sourcePort: 546, destinationPort: 547, payload }), true],
    ['UDP/IPv6 to 53', buildUdp6({ src: HOA, dst: HA6, sourcePort: 546, destinationPort: 53, payload }), false],
    ['DHCPv4 to 67', buildUdp4({ src: CN4, dst: HA4, sourcePort: 68, destinationPort: 67, payload }), true],
    ['UDP/IPv4 to 68', buildUdp4({ src: CN4, dst: HA4, sourcePort: 67, destinationPort: 68, payload }), false],
    ['ICMPv6', ping(HOA, CN6), false],
    ['ICMP', ping(CN4, HA4), false],
    ['DHCPv6 to 547 behind a Destination Options header', behindHao(547), true],
    ['UDP/IPv6 to 53 behind a Destination Options header (walked, RFC 8200 §4)', behindHao(53), false],
    ['ICMPv6 behind a type 2 routing header', behindRh2, false],
    ['a chain that runs past the packet: the slow path decides', truncated, true],
    ['a later fragment: the port cannot be seen', laterFragment, true],
  ];
  for (const [name, p, slow] of rows) assert.equal(mayBeUdpTo(p, 547, 67), slow, name);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 60 }), (b) => assert.equal(typeof mayBeUdpTo(b, 547, 67), 'boolean')),
  );
});
