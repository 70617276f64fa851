/** fast-check generators of VICI messages and packets, shared by the codec tests. */
import fc from 'fast-check';
import type { ViciItem, ViciMessage } from './message.ts';
import type { ViciPacket } from './packet.ts';

/** Names of any bytes (kept as latin1 strings), up to the 255-byte limit. */
/** Records with Object.prototype, as the decoder builds them (deepEqual compares prototypes). */
const PLAIN = { noNullPrototype: true } as const;

export const viciName = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => String.fromCharCode(...b)), weight: 9 },
  { arbitrary: fc.constant('n'.repeat(255)), weight: 1 },
);

/** Values of any bytes; now and then one of the largest length (65535). */
const value = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 19 },
  { arbitrary: fc.constant(new Uint8Array(0xffff).fill(0xa5)), weight: 1 },
);

export const viciMessage: fc.Arbitrary<ViciMessage> = fc.letrec<{ items: ViciItem[]; item: ViciItem }>((tie) => ({
  items: fc.array(tie('item'), { maxLength: 4 }),
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('value' as const), name: viciName, value }, PLAIN),
    fc.record({ kind: fc.constant('list' as const), name: viciName, items: fc.array(value, { maxLength: 3 }) }, PLAIN),
    fc.record({ kind: fc.constant('section' as const), name: viciName, items: tie('items') }, PLAIN),
  ),
})).items;

export const viciPacket: fc.Arbitrary<ViciPacket> = fc.oneof(
  fc.record({ kind: fc.constant('cmd-request' as const), command: viciName, message: viciMessage }, PLAIN),
  fc.record({ kind: fc.constant('cmd-response' as const), message: viciMessage }, PLAIN),
  fc.record({ kind: fc.constant('event' as const), event: viciName, message: viciMessage }, PLAIN),
  fc.record({ kind: fc.constant('event-register' as const), event: viciName }, PLAIN),
  fc.record({ kind: fc.constant('event-unregister' as const), event: viciName }, PLAIN),
  fc.constantFrom(
    { kind: 'cmd-unknown' as const },
    { kind: 'event-confirm' as const },
    { kind: 'event-unknown' as const },
  ),
  fc.record(
    { kind: fc.constant('unknown' as const), type: fc.integer({ min: 8, max: 255 }), data: fc.uint8Array() },
    PLAIN,
  ),
);
