/**
 * fast-check generators of valid IKEv2 values (test support, not runtime code). Every generated value
 * re-encodes to itself: `critical` is absent or true on known payloads, unknown payload/CP attribute/TS
 * types avoid the ones this codec models, and SK/SKF only ever come last.
 */
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { CpAttribute } from './config.ts';
import { PayloadType, TransformAttributeType, TsType } from './constants.ts';
import type { IkeHeader } from './header.ts';
import type { IkeMessage } from './message.ts';
import type { IkePayload } from './payload.ts';
import type { Proposal, Transform, TransformAttribute } from './sa.ts';
import type { TrafficSelector } from './traffic-selector.ts';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const ipv4Arb = bytes(4, 4).map((b) => Ipv4Address.fromBytes(b));
const ipv6Arb = bytes(16, 16).map((b) => Ipv6Address.fromBytes(b));
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Records with Object.prototype, so that they deep-equal what the decoder builds. */
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

const attributeArb: fc.Arbitrary<TransformAttribute> = fc.oneof(
  u16.map((bits) => ({ kind: 'key-length', bits }) as const),
  fc
    .tuple(
      fc.integer({ min: 0, max: 0x7fff }).filter((t) => t !== TransformAttributeType.KEY_LENGTH),
      bytes(2, 2),
    )
    .map(([type, data]) => ({ kind: 'unknown', type, format: 'tv', data }) as const),
  fc
    .tuple(fc.integer({ min: 0, max: 0x7fff }), bytes(0, 12))
    .map(([type, data]) => ({ kind: 'unknown', type, format: 'tlv', data }) as const),
);

const transformArb: fc.Arbitrary<Transform> = rec({
  type: u8,
  id: u16,
  attributes: fc.array(attributeArb, { maxLength: 3 }),
});

export const proposalArb: fc.Arbitrary<Proposal> = rec({
  number: u8,
  protocolId: u8,
  spi: bytes(0, 8),
  transforms: fc.array(transformArb, { maxLength: 5 }),
});

export const selectorArb: fc.Arbitrary<TrafficSelector> = fc.oneof(
  rec({
    kind: fc.constant('ipv4-range' as const),
    ipProtocol: u8,
    startPort: u16,
    endPort: u16,
    startAddress: ipv4Arb,
    endAddress: ipv4Arb,
  }),
  rec({
    kind: fc.constant('ipv6-range' as const),
    ipProtocol: u8,
    startPort: u16,
    endPort: u16,
    startAddress: ipv6Arb,
    endAddress: ipv6Arb,
  }),
  rec({
    kind: fc.constant('unknown' as const),
    type: u8.filter((t) => t !== TsType.IPV4_ADDR_RANGE && t !== TsType.IPV6_ADDR_RANGE),
    ipProtocol: u8,
    data: bytes(0, 20),
  }),
);

const MODELLED_CP_TYPES = new Set<number>([1, 2, 3, 4, 6, 20, 10, 12, 21, 8, 15, 16, 19]);

export const cpAttributeArb: fc.Arbitrary<CpAttribute> = fc.oneof(
  rec({
    kind: fc.constant('ipv4' as const),
    type: fc.constantFrom(1, 2, 3, 4, 6, 20 as const),
    address: optional(ipv4Arb),
  }),
  rec({
    kind: fc.constant('ipv6' as const),
    type: fc.constantFrom(10, 12, 21 as const),
    address: optional(ipv6Arb),
  }),
  rec({
    kind: fc.constant('ipv6-prefix' as const),
    type: fc.constantFrom(8, 15 as const),
    value: optional(rec({ address: ipv6Arb, prefixLength: u8 })),
  }),
  rec({
    kind: fc.constant('mip6-home-prefix' as const),
    value: optional(rec({ prefixLifetimeSec: u32, prefix: ipv6Arb, prefixLength: u8 })),
  }),
  rec({
    kind: fc.constant('home-agent-address' as const),
    value: optional(rec({ ipv6: ipv6Arb, ipv4: optional(ipv4Arb) })),
  }),
  rec({
    kind: fc.constant('unknown' as const),
    type: fc.integer({ min: 0, max: 0x7fff }).filter((t) => !MODELLED_CP_TYPES.has(t)),
    data: bytes(0, 24),
  }),
);

const KNOWN_PAYLOAD_TYPES = new Set<number>(Object.values(PayloadType));

/** Known payloads other than SK/SKF, with `critical` either absent or true. */
const plainPayloadArb: fc.Arbitrary<IkePayload> = fc
  .tuple(
    fc.oneof(
      rec({ kind: fc.constant('sa' as const), proposals: fc.array(proposalArb, { maxLength: 3 }) }),
      rec({ kind: fc.constant('ke' as const), dhGroup: u16, data: bytes(0, 64) }),
      rec({ kind: fc.constantFrom('idi' as const, 'idr' as const), idType: u8, data: bytes(0, 32) }),
      rec({ kind: fc.constantFrom('cert' as const, 'certreq' as const), encoding: u8, data: bytes(0, 64) }),
      rec({ kind: fc.constant('auth' as const), method: u8, data: bytes(0, 48) }),
      rec({ kind: fc.constant('nonce' as const), data: bytes(0, 64) }),
      rec({
        kind: fc.constant('notify' as const),
        protocolId: u8,
        spi: bytes(0, 8),
        notifyType: u16,
        data: bytes(0, 32),
      }),
      fc
        .tuple(u8, fc.constantFrom(4, 8), fc.integer({ min: 0, max: 4 }))
        .chain(([protocolId, spiSize, count]) =>
          fc
            .array(bytes(spiSize, spiSize), { minLength: count, maxLength: count })
            .map((spis) => ({ kind: 'delete', protocolId, spiSize, spis }) as const),
        ),
      u8.map((protocolId) => ({ kind: 'delete', protocolId, spiSize: 0, spis: [] }) as const),
      rec({ kind: fc.constant('vendor-id' as const), data: bytes(0, 20) }),
      rec({
        kind: fc.constantFrom('tsi' as const, 'tsr' as const),
        selectors: fc.array(selectorArb, { maxLength: 4 }),
      }),
      rec({
        kind: fc.constant('cp' as const),
        cfgType: u8,
        attributes: fc.array(cpAttributeArb, { maxLength: 6 }),
      }),
      rec({ kind: fc.constant('eap' as const), data: bytes(0, 40) }),
    ),
    fc.boolean(),
  )
  .map(([p, critical]) => (critical ? { ...p, critical: true } : p) as IkePayload);

const unknownPayloadArb: fc.Arbitrary<IkePayload> = rec({
  kind: fc.constant('unknown' as const),
  type: fc.integer({ min: 1, max: 255 }).filter((t) => !KNOWN_PAYLOAD_TYPES.has(t)),
  critical: fc.boolean(),
  data: bytes(0, 24),
});

const encryptedPayloadArb: fc.Arbitrary<IkePayload> = fc.oneof(
  rec({ kind: fc.constant('sk' as const), firstPayload: u8, data: bytes(0, 64) }),
  rec({
    kind: fc.constant('skf' as const),
    firstPayload: u8,
    fragmentNumber: u16,
    totalFragments: u16,
    data: bytes(0, 64),
  }),
);

export const payloadChainArb: fc.Arbitrary<IkePayload[]> = fc
  .tuple(fc.array(fc.oneof(plainPayloadArb, unknownPayloadArb), { maxLength: 6 }), fc.option(encryptedPayloadArb))
  .map(([plain, encrypted]) => (encrypted ? [...plain, encrypted] : plain));

export const headerArb: fc.Arbitrary<IkeHeader> = rec({
  initiatorSpi: bytes(8, 8),
  responderSpi: bytes(8, 8),
  majorVersion: fc.constant(2),
  minorVersion: fc.integer({ min: 0, max: 15 }),
  exchangeType: u8,
  response: fc.boolean(),
  higherVersion: fc.boolean(),
  initiator: fc.boolean(),
  messageId: u32,
});

export const messageArb: fc.Arbitrary<IkeMessage> = rec({ header: headerArb, payloads: payloadChainArb });
