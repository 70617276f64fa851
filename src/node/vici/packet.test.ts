import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../util/hex.ts';
import { viciPacket } from './arbitraries.ts';
import { ViciError, type ViciErrorCode } from './errors.ts';
import {
  decodeViciPacket,
  encodeViciSegment,
  VICI_SEGMENT_MAX,
  type ViciPacket,
  ViciSegmentReader,
  viciPacketLength,
} from './packet.ts';

const hexOf = (s: string): string => toHex(new TextEncoder().encode(s));

// One literal segment per packet type (README "Packet layer"): length ‖ type [‖ name length ‖ name] [‖ message]
const VECTORS: [string, ViciPacket, string][] = [
  [
    'CMD_REQUEST version, empty message',
    { kind: 'cmd-request', command: 'version', message: [] },
    `00000009 00 07${hexOf('version')}`,
  ],
  [
    'CMD_REQUEST list-sas { noblock = yes }',
    {
      kind: 'cmd-request',
      command: 'list-sas',
      message: [{ kind: 'value', name: 'noblock', value: fromHex(hexOf('yes')) }],
    },
    `00000018 00 08${hexOf('list-sas')} 03 07${hexOf('noblock')} 0003${hexOf('yes')}`,
  ],
  [
    'CMD_RESPONSE { success = yes }',
    { kind: 'cmd-response', message: [{ kind: 'value', name: 'success', value: fromHex(hexOf('yes')) }] },
    `0000000f 01 03 07${hexOf('success')} 0003${hexOf('yes')}`,
  ],
  ['CMD_UNKNOWN', { kind: 'cmd-unknown' }, '00000001 02'],
  ['EVENT_REGISTER list-sa', { kind: 'event-register', event: 'list-sa' }, `00000009 03 07${hexOf('list-sa')}`],
  ['EVENT_UNREGISTER list-sa', { kind: 'event-unregister', event: 'list-sa' }, `00000009 04 07${hexOf('list-sa')}`],
  ['EVENT_CONFIRM', { kind: 'event-confirm' }, '00000001 05'],
  ['EVENT_UNKNOWN', { kind: 'event-unknown' }, '00000001 06'],
  [
    'EVENT ike-updown { up = yes }',
    { kind: 'event', event: 'ike-updown', message: [{ kind: 'value', name: 'up', value: fromHex(hexOf('yes')) }] },
    `00000015 07 0a${hexOf('ike-updown')} 03 02${hexOf('up')} 0003${hexOf('yes')}`,
  ],
  [
    'a packet type this client does not know',
    { kind: 'unknown', type: 0x2a, data: fromHex('0102') },
    '00000003 2a 0102',
  ],
];

for (const [name, packet, hex] of VECTORS) {
  test(`packet vector: ${name}`, () => {
    const segment = fromHex(hex);
    assert.equal(toHex(encodeViciSegment(packet)), toHex(segment));
    assert.equal(viciPacketLength(packet), segment.length - 4);
    assert.deepEqual(decodeViciPacket(segment.subarray(4)), packet);
  });
}

function throwsVici(data: Uint8Array, code: ViciErrorCode, offset: number): void {
  assert.throws(
    () => decodeViciPacket(data),
    (e: unknown) => e instanceof ViciError && e.code === code && e.offset === offset,
  );
}

test('malformed packets fail with the documented code and offset', () => {
  throwsVici(new Uint8Array(0), 'TRUNCATED', 0); // no packet type
  throwsVici(fromHex('00'), 'TRUNCATED', 1); // CMD_REQUEST without a name length
  throwsVici(fromHex('0705616263'), 'TRUNCATED', 2); // EVENT name cut
  throwsVici(fromHex('02ff'), 'TRAILING_DATA', 1); // CMD_UNKNOWN carries nothing
  throwsVici(fromHex('0301610000'), 'TRAILING_DATA', 3); // EVENT_REGISTER carries a name only
  throwsVici(fromHex('0102'), 'BAD_STRUCTURE', 1); // the message is checked too, offsets from the packet start
});

test('the segment reader reassembles segments split anywhere and keeps a partial one', () => {
  const segments = VECTORS.map(([, p]) => encodeViciSegment(p));
  const stream = concatBytes(segments);
  for (const step of [1, 2, 3, 7, stream.length]) {
    const reader = new ViciSegmentReader();
    const got: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += step) got.push(...reader.push(stream.subarray(i, i + step)));
    assert.deepEqual(
      got.map((g) => decodeViciPacket(g)),
      VECTORS.map(([, p]) => p),
    );
    assert.equal(reader.buffered, 0);
  }
  const reader = new ViciSegmentReader();
  assert.deepEqual(reader.push(fromHex('000000050102')), []);
  assert.equal(reader.buffered, 6);
});

test('a segment header above 512 KiB is BAD_LENGTH before anything is allocated; the limit itself is fine', () => {
  const reader = new ViciSegmentReader();
  reader.push(encodeViciSegment({ kind: 'cmd-unknown' }));
  assert.throws(
    () => reader.push(fromHex('00080001')),
    (e: unknown) => e instanceof ViciError && e.code === 'BAD_LENGTH' && e.offset === 5,
  );
  assert.deepEqual(new ViciSegmentReader().push(fromHex('00080000')), []);
  const big: ViciPacket = { kind: 'unknown', type: 9, data: new Uint8Array(VICI_SEGMENT_MAX) };
  assert.throws(() => encodeViciSegment(big), RangeError);
  assert.throws(() => encodeViciSegment({ kind: 'event-register', event: 'e'.repeat(256) }), RangeError);
  assert.throws(() => encodeViciSegment({ kind: 'cmd-request', command: 'список', message: [] }), RangeError);
});

test('decode(encode(p)) is p for any packet', () => {
  fc.assert(
    fc.property(viciPacket, (p) => {
      const segment = encodeViciSegment(p);
      assert.equal(segment.length, 4 + viciPacketLength(p));
      const [data, ...rest] = new ViciSegmentReader().push(segment);
      assert.equal(rest.length, 0);
      assert.deepEqual(decodeViciPacket(data!), p);
    }),
    { numRuns: 300 },
  );
});

test('random bytes give a packet or a ViciError, nothing else, through the reader and the decoder', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        decodeViciPacket(bytes);
        for (const data of new ViciSegmentReader().push(bytes)) decodeViciPacket(data);
      } catch (e) {
        assert.ok(e instanceof ViciError, `unexpected ${String(e)}`);
      }
    }),
    { numRuns: 2000 },
  );
});
