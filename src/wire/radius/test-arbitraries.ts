/** fast-check generators of valid RADIUS packets (test support, not runtime code). */
import fc from 'fast-check';
import { RADIUS_VALUE_FORMAT, RadiusAttributeType } from './constants.ts';
import type { RadiusAttribute, RadiusPacket } from './packet.ts';

const PLAIN = { noNullPrototype: true } as const;
const SIZES: Record<string, [number, number]> = {
  text: [0, 253],
  string: [0, 253],
  integer: [4, 4],
  ipv4: [4, 4],
  ipv6: [16, 16],
  authenticator: [16, 16],
};

const knownTypes = Object.keys(RADIUS_VALUE_FORMAT).map(Number);

export const radiusAttributeArb: fc.Arbitrary<RadiusAttribute> = fc.oneof(
  fc.constantFrom(...knownTypes).chain((type) => {
    const [min, max] = SIZES[RADIUS_VALUE_FORMAT[type]!]!;
    return fc
      .uint8Array({ minLength: min, maxLength: Math.min(max, 60) })
      .map((value) => ({ kind: 'attribute', type, value }) as const);
  }),
  fc
    .record(
      {
        type: fc.integer({ min: 0, max: 255 }).filter((t) => !(t in RADIUS_VALUE_FORMAT) && t !== 26),
        value: fc.uint8Array({ maxLength: 253 }),
      },
      PLAIN,
    )
    .map(({ type, value }) => ({ kind: 'attribute', type, value }) as const),
  fc
    .record({ vendorId: fc.nat({ max: 0xffffffff }), data: fc.uint8Array({ minLength: 1, maxLength: 60 }) }, PLAIN)
    .map(({ vendorId, data }) => ({ kind: 'vendor-specific', vendorId, data }) as const),
);

export const radiusPacketArb: fc.Arbitrary<RadiusPacket> = fc.record(
  {
    code: fc.integer({ min: 0, max: 255 }),
    identifier: fc.integer({ min: 0, max: 255 }),
    authenticator: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    attributes: fc.array(radiusAttributeArb, { maxLength: 12 }),
  },
  PLAIN,
);

export { RadiusAttributeType };
