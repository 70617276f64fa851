// The bounded IPv6 extension header walk (RFC 8200 §4, AH per RFC 4302 §2.2): literal chains, truncation at every
// length, and agreement with the full IPv6 codec on arbitrary packets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv6Packet } from './build.ts';
import { IpProtocol } from './constants.ts';
import { encodeIpv6 } from './ipv6.ts';
import { walkIpv6Chain } from './ipv6-chain.ts';
import { ipv6Packet } from './test-support.ts';

const src = Ipv6Address.parse('2001:db8::1');
const dst = Ipv6Address.parse('2001:db8::2');

/** A bare IPv6 header whose Next Header is `first`, followed by `rest`. */
function withChain(first: number, rest: readonly number[]): Uint8Array {
  const p = new Uint8Array(40 + rest.length);
  p[0] = 0x60;
  p[4] = rest.length >> 8;
  p[5] = rest.length & 0xff;
  p[6] = first;
  p.set(rest, 40);
  return p;
}

test('RFC 8200 §4: the upper layer and where it starts, for the chains DSMIPv6 sends', () => {
  const udp = buildIpv6Packet({ src, dst, nextHeader: 17, payload: new Uint8Array(8) });
  assert.deepEqual(walkIpv6Chain(udp), { protocol: 17, offset: 40, fragment: 'none' });
  // RFC 6275 §6.3: a 24-byte Destination Options header with the Home Address option, then ESP.
  const hao = buildIpv6Packet({ src, dst, nextHeader: 50, payload: new Uint8Array(16), homeAddressOption: src });
  assert.deepEqual(walkIpv6Chain(hao), { protocol: 50, offset: 64, fragment: 'none' });
  // RFC 6275 §6.4: a 24-byte type 2 routing header, then the Mobility Header, which ends the walk.
  const rh2 = buildIpv6Packet({ src, dst, nextHeader: 135, payload: new Uint8Array(16), routingHeaderType2: src });
  assert.deepEqual(walkIpv6Chain(rh2), { protocol: 135, offset: 64, fragment: 'none' });
});

test('AH (RFC 4302 §2.2) is walked in 4-byte units; Fragment headers (RFC 8200 §4.5) are reported', () => {
  // AH with Payload Len 4: (4 + 2) × 4 = 24 bytes, then UDP.
  const ah = withChain(IpProtocol.AH, [17, 4, ...new Array<number>(22).fill(0), ...new Array<number>(8).fill(0)]);
  assert.deepEqual(walkIpv6Chain(ah), { protocol: 17, offset: 64, fragment: 'none' });
  // First fragment (offset 0, M = 1) of an ICMPv6 message: the walk goes on.
  const first = withChain(IpProtocol.FRAGMENT, [58, 0, 0x00, 0x01, 0, 0, 0, 7, 1, 0, 0, 0]);
  assert.deepEqual(walkIpv6Chain(first), { protocol: 58, offset: 48, fragment: 'first' });
  // A later fragment (offset 8 bytes): the walk stops behind its Fragment header.
  const later = withChain(IpProtocol.FRAGMENT, [17, 0, 0x00, 0x08, 0, 0, 0, 7, 1, 2, 3, 4]);
  assert.deepEqual(walkIpv6Chain(later), { protocol: 17, offset: 48, fragment: 'later' });
  // Hop-by-Hop, then Destination Options, then a Fragment header with offset 0 and M = 0 (atomic, RFC 6946).
  const mixed = withChain(0, [60, 0, 1, 4, 0, 0, 0, 0, 44, 0, 1, 4, 0, 0, 0, 0, 59, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(walkIpv6Chain(mixed), { protocol: 59, offset: 64, fragment: 'first' });
});

test('a chain that runs past the packet is undefined at every cut, never a wrong answer', () => {
  const packet = buildIpv6Packet({
    src,
    dst,
    nextHeader: 50,
    payload: new Uint8Array(0),
    homeAddressOption: src,
    routingHeaderType2: dst,
  });
  assert.deepEqual(walkIpv6Chain(packet), { protocol: 50, offset: packet.length, fragment: 'none' });
  for (let n = 0; n < packet.length; n++) assert.equal(walkIpv6Chain(packet.subarray(0, n)), undefined, `${n} bytes`);
  // Hop-by-Hop claiming 2 KB in a 48-byte packet.
  assert.equal(walkIpv6Chain(withChain(0, [17, 255, 0, 0, 0, 0, 0, 0])), undefined);
  // AH claiming (255 + 2) × 4 bytes.
  assert.equal(walkIpv6Chain(withChain(IpProtocol.AH, [17, 255, 0, 0, 0, 0, 0, 0])), undefined);
});

test('property: agrees with the IPv6 codec on any packet it can encode', () => {
  fc.assert(
    fc.property(
      ipv6Packet.filter((v) => v.nextHeader !== IpProtocol.AH),
      (v) => {
        const bytes = encodeIpv6(v);
        const walked = walkIpv6Chain(bytes);
        const fragment = v.extensionHeaders.find((h) => h.kind === 'fragment');
        if (fragment !== undefined && fragment.fragmentOffsetBytes !== 0) {
          assert.deepEqual(walked, {
            protocol: v.nextHeader,
            offset: bytes.length - v.payload.length,
            fragment: 'later',
          });
        } else {
          assert.deepEqual(walked, {
            protocol: v.nextHeader,
            offset: bytes.length - v.payload.length,
            fragment: fragment === undefined ? 'none' : 'first',
          });
        }
      },
    ),
  );
});

test('property: whatever the bytes, no throw and no offset past the end', () => {
  const chained = fc
    .tuple(fc.constantFrom(0, 43, 44, 51, 60, 17, 135), fc.uint8Array({ maxLength: 96 }))
    .map(([first, rest]) => withChain(first, [...rest]));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), chained), (p) => {
      const walked = walkIpv6Chain(p);
      if (walked !== undefined) assert.ok(walked.offset >= 40 && walked.offset <= p.length);
    }),
    { numRuns: 2000 },
  );
});
