// RFC 791 §3.2 fragmentation of DF-clear inner datagrams: every piece fits, decodes, keeps only copied options after
// the first, and the pieces put back together are the original data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../util/hex.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { ipv4PacketOf } from '../../wire/ip/build.ts';
import { decodeIpv4, encodeIpv4, type Ipv4Packet } from '../../wire/ip/ipv4.ts';
import { fragmentIpv4 } from './ipv4-fragmenter.ts';

const SRC = Ipv4Address.parse('203.0.113.9');
const DST = Ipv4Address.parse('10.1.0.1');

/** A copied option (type 130, 4 bytes), a NOP, a not-copied one (type 7, 3 bytes), End: RFC 791 §3.1 forms. */
const OPTIONS = Uint8Array.from([130, 4, 0xaa, 0xbb, 1, 7, 3, 4, 0, 0, 0, 0]);

function datagram(payloadLength: number, o: Partial<Ipv4Packet> = {}): Uint8Array {
  const payload = Uint8Array.from({ length: payloadLength }, (_, i) => (i * 7) & 0xff);
  return encodeIpv4({ ...ipv4PacketOf({ src: SRC, dst: DST, protocol: 17, payload, identification: 9 }), ...o });
}

function reassemble(pieces: readonly Ipv4Packet[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => Math.max(n, p.fragmentOffsetBytes + p.payload.length), 0));
  for (const p of pieces) out.set(p.payload, p.fragmentOffsetBytes);
  return out;
}

test('1500 bytes with options into 576-byte pieces: copied options only after the first (RFC 791 §3.2)', () => {
  const packet = datagram(1468, { options: OPTIONS });
  const pieces = fragmentIpv4(packet, 576)!.map(decodeIpv4);
  // First: 32-byte header + 544 data; then 24-byte headers (the copied option, padded) + 552, then the rest.
  assert.deepEqual(
    pieces.map((p) => [toHex(p.options), p.payload.length, p.fragmentOffsetBytes, p.moreFragments, p.identification]),
    [
      [toHex(OPTIONS), 544, 0, true, 9],
      ['8204aabb', 552, 544, true, 9],
      ['8204aabb', 372, 1096, false, 9],
    ],
  );
  assert.equal(toHex(reassemble(pieces)), toHex(decodeIpv4(packet).payload));
});

test('DF set, malformed headers and no room are refused; a fragment keeps its offset and MF', () => {
  assert.equal(fragmentIpv4(datagram(100, { dontFragment: true }), 68), undefined);
  assert.equal(fragmentIpv4(datagram(100).subarray(0, 19), 68), undefined);
  assert.equal(fragmentIpv4(datagram(100, { options: Uint8Array.from([130, 9, 0, 0]) }), 68), undefined);
  assert.equal(fragmentIpv4(datagram(100), 27), undefined);
  const middle = datagram(96, { fragmentOffsetBytes: 800, moreFragments: true });
  const pieces = fragmentIpv4(middle, 68)!.map(decodeIpv4);
  assert.deepEqual(
    pieces.map((p) => [p.fragmentOffsetBytes, p.moreFragments]),
    [
      [800, true],
      [848, true],
    ],
  );
});

test('property: pieces fit, decode, and reassemble to the original data', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 68, max: 1500 }),
      fc.boolean(),
      (length, mtu, withOptions) => {
        const packet = datagram(length, withOptions ? { options: OPTIONS } : {});
        const pieces = fragmentIpv4(packet, mtu);
        assert.ok(pieces !== undefined);
        const decoded = pieces.map(decodeIpv4);
        for (const [i, p] of pieces.entries()) {
          assert.ok(p.length <= Math.max(mtu, packet.length <= mtu ? packet.length : 0));
          assert.equal(decoded[i]!.fragmentOffsetBytes % 8, 0);
          assert.equal(decoded[i]!.moreFragments, i < pieces.length - 1);
        }
        assert.equal(toHex(reassemble(decoded)), toHex(decodeIpv4(packet).payload));
      },
    ),
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 1500 }), (b, mtu) => {
      const out = fragmentIpv4(b, mtu);
      assert.ok(out === undefined || out.every((p) => p.length <= mtu));
    }),
  );
});
