/**
 * fast-check generators of valid EAP / EAP-AKA values, shared by the codec tests (test support, not runtime code).
 */
import fc from 'fast-check';
import { AKA_ATTRIBUTE_TYPE_OF_KIND, type AkaAttribute } from './aka-attributes.ts';
import type { EapBody, EapPacket } from './eap.ts';

const KNOWN_TYPES = new Set(Object.values(AKA_ATTRIBUTE_TYPE_OF_KIND));
const KNOWN_EAP_TYPES = new Set([1, 2, 3, 23, 50]);

/** Decoded values are ordinary objects; deepStrictEqual compares prototypes. */
const PLAIN = { noNullPrototype: true } as const;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const text = fc.uint8Array({ maxLength: 40 });
const u16 = fc.integer({ min: 0, max: 0xffff });

export const akaAttributeArb: fc.Arbitrary<AkaAttribute> = fc.oneof(
  bytes(16).map((rand) => ({ kind: 'rand', rand }) as const),
  bytes(16).map((autn) => ({ kind: 'autn', autn }) as const),
  bytes(16).map((mac) => ({ kind: 'mac', mac }) as const),
  bytes(16).map((iv) => ({ kind: 'iv', iv }) as const),
  bytes(16).map((nonceS) => ({ kind: 'nonce-s', nonceS }) as const),
  fc.constantFrom<AkaAttribute>(
    { kind: 'permanent-id-req' },
    { kind: 'any-id-req' },
    { kind: 'fullauth-id-req' },
    { kind: 'result-ind' },
    { kind: 'counter-too-small' },
  ),
  text.map((identity) => ({ kind: 'identity', identity }) as const),
  text.map((pseudonym) => ({ kind: 'next-pseudonym', pseudonym }) as const),
  text.map((reauthId) => ({ kind: 'next-reauth-id', reauthId }) as const),
  text.map((networkName) => ({ kind: 'kdf-input', networkName }) as const),
  u16.map((code) => ({ kind: 'notification', code }) as const),
  u16.map((counter) => ({ kind: 'counter', counter }) as const),
  u16.map((clientErrorCode) => ({ kind: 'client-error-code', clientErrorCode }) as const),
  u16.map((kdf) => ({ kind: 'kdf', kdf }) as const),
  fc.boolean().map((prefersAkaPrime) => ({ kind: 'bidding', prefersAkaPrime }) as const),
  fc
    .integer({ min: 32, max: 128 })
    .chain((bits) => bytes((bits + 7) >>> 3).map((res) => ({ kind: 'res', resLengthBits: bits, res }) as const)),
  bytes(14).map((auts) => ({ kind: 'auts', auts }) as const),
  fc.constantFrom(4, 8, 12).map((lengthBytes) => ({ kind: 'padding', lengthBytes }) as const),
  fc
    .integer({ min: 0, max: 4 })
    .chain((blocks) => bytes(16 * blocks).map((encryptedData) => ({ kind: 'encr-data', encryptedData }) as const)),
  fc.constantFrom(0, 20).chain((n) => bytes(n).map((checkcode) => ({ kind: 'checkcode', checkcode }) as const)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 255 }).filter((t) => !KNOWN_TYPES.has(t)),
      fc.integer({ min: 0, max: 10 }),
    )
    .chain(([type, units]) => bytes(2 + 4 * units).map((data) => ({ kind: 'unknown', type, data }) as const)),
);

export const eapBodyArb: fc.Arbitrary<EapBody> = fc.oneof(
  fc.uint8Array({ maxLength: 60 }).map((identity) => ({ kind: 'identity', identity }) as const),
  fc.uint8Array({ maxLength: 60 }).map((message) => ({ kind: 'notification', message }) as const),
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 5 })
    .map((desiredTypes) => ({ kind: 'nak', desiredTypes }) as const),
  fc
    .record(
      {
        type: fc.constantFrom(23 as const, 50 as const),
        subtype: fc.integer({ min: 0, max: 255 }),
        attributes: fc.array(akaAttributeArb, { maxLength: 8 }),
      },
      PLAIN,
    )
    .map((a) => ({ kind: 'aka', ...a }) as const),
  fc
    .record(
      {
        type: fc.integer({ min: 0, max: 255 }).filter((t) => !KNOWN_EAP_TYPES.has(t)),
        data: fc.uint8Array({ maxLength: 40 }),
      },
      PLAIN,
    )
    .map((u) => ({ kind: 'unknown', ...u }) as const),
);

export const eapPacketArb: fc.Arbitrary<EapPacket> = fc.oneof(
  fc.record(
    {
      kind: fc.constantFrom('request' as const, 'response' as const),
      identifier: fc.integer({ min: 0, max: 255 }),
      body: eapBodyArb,
    },
    PLAIN,
  ),
  fc.record(
    { kind: fc.constantFrom('success' as const, 'failure' as const), identifier: fc.integer({ min: 0, max: 255 }) },
    PLAIN,
  ),
);
