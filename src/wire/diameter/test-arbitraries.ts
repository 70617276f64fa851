/** fast-check generators of Diameter messages (test support, not runtime code). */
import fc from 'fast-check';
import type { Avp } from './avp.ts';
import { AvpFlag, CommandFlag } from './constants.ts';
import type { DiameterMessage } from './message.ts';

/** Decoded values are ordinary objects; deepStrictEqual compares prototypes. */
const PLAIN = { noNullPrototype: true } as const;
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

/** Any AVP: any code, flags (reserved bits too), optional vendor, data of any length (padding exercised). */
export const avpArb: fc.Arbitrary<Avp> = fc
  .record(
    {
      code: u32,
      flags: fc.integer({ min: 0, max: 0xff }),
      vendorId: fc.option(u32, { nil: undefined }),
      data: fc.uint8Array({ maxLength: 37 }),
    },
    PLAIN,
  )
  .map(({ code, flags, vendorId, data }) => {
    const f = (flags & ~AvpFlag.VENDOR) | (vendorId === undefined ? 0 : AvpFlag.VENDOR);
    return vendorId === undefined ? { code, flags: f, data } : { code, flags: f, vendorId, data };
  });

export const diameterMessageArb: fc.Arbitrary<DiameterMessage> = fc
  .record(
    {
      flags: fc.integer({ min: 0, max: 0xff }),
      commandCode: fc.integer({ min: 0, max: 0xff_ffff }),
      applicationId: u32,
      hopByHop: u32,
      endToEnd: u32,
      avps: fc.array(avpArb, { maxLength: 6 }),
    },
    PLAIN,
  )
  .map((m) =>
    // A request never carries E (RFC 6733 §3); the decoder refuses it.
    (m.flags & CommandFlag.REQUEST) !== 0 ? { ...m, flags: m.flags & ~CommandFlag.ERROR } : m,
  );
