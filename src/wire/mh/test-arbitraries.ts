/**
 * fast-check generators of valid Mobility Header values, shared by the property tests and the scapy oracle
 * (test support only: the codec never imports it).
 */
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { MobilityOptionType } from './constants.ts';
import type { MobilityMessage } from './messages.ts';
import type { MobilityOption } from './options.ts';

/** fc.record without its occasional null-prototype objects, which deepEqual would tell apart from decoded ones. */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
export const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Ipv4Address.fromBytes(b));
const bytes8 = fc.uint8Array({ minLength: 8, maxLength: 8 });
const shortBytes = fc.uint8Array({ maxLength: 40 });
const KNOWN_OPTION_TYPES = new Set<number>(Object.values(MobilityOptionType));

/** Any option except Binding Authorization Data, which has a placement rule of its own. */
export const placeableOption: fc.Arbitrary<MobilityOption> = fc.oneof(
  u16.map((n) => ({ kind: 'binding-refresh-advice', refreshIntervalSec: n * 4 }) as const),
  ipv6.map((careOfAddress) => ({ kind: 'alternate-care-of-address', careOfAddress }) as const),
  rec({ kind: fc.constant('nonce-indices'), homeNonceIndex: u16, careOfNonceIndex: u16 }),
  rec({
    kind: fc.constant('mobile-network-prefix'),
    prefixLength: fc.integer({ min: 0, max: 128 }),
    prefix: ipv6,
  }),
  rec({ kind: fc.constant('dns-update'), status: u8, removeEntry: fc.boolean(), mnIdentity: shortBytes }),
  rec({
    kind: fc.constant('ipv4-home-address'),
    prefixLength: fc.integer({ min: 1, max: 32 }),
    requestMobileNetworkPrefix: fc.boolean(),
    homeAddress: ipv4,
  }),
  rec({
    kind: fc.constant('ipv4-address-acknowledgement'),
    status: u8,
    prefixLength: fc.integer({ min: 0, max: 63 }),
    homeAddress: ipv4,
  }),
  rec({ kind: fc.constant('nat-detection'), udpEncapsulationRequired: fc.boolean(), refreshTimeSec: u32 }),
  ipv4.map((careOfAddress) => ({ kind: 'ipv4-care-of-address', careOfAddress }) as const),
  fc
    .tuple(u16, u8, fc.boolean(), fc.option(fc.oneof(ipv4, ipv6), { nil: undefined }))
    .map(([bindingId, status, simultaneousHomeAndForeign, careOfAddress]) =>
      careOfAddress === undefined
        ? ({ kind: 'binding-identifier', bindingId, status, simultaneousHomeAndForeign } as const)
        : ({ kind: 'binding-identifier', bindingId, status, simultaneousHomeAndForeign, careOfAddress } as const),
    ),
  rec({
    kind: fc.constant('unknown'),
    type: fc.integer({ min: 2, max: 255 }).filter((t) => !KNOWN_OPTION_TYPES.has(t)),
    data: shortBytes,
  }),
);

/** Authenticator lengths that end 8-aligned at 8n+2 with no trailing padding (RFC 6275 §6.2.7). */
const authorizationData = fc
  .constantFrom(4, 12, 20)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
  .map((authenticator) => ({ kind: 'binding-authorization-data', authenticator }) as const);

/** Up to six options in any order, sometimes ending with Binding Authorization Data. */
export const optionList: fc.Arbitrary<MobilityOption[]> = fc
  .tuple(fc.array(placeableOption, { maxLength: 6 }), fc.option(authorizationData, { nil: undefined }))
  .map(([options, auth]) => (auth === undefined ? options : [...options, auth]));

const payloadProto = fc.option(
  u8.filter((p) => p !== 59),
  { nil: undefined, freq: 4 },
);

/** Adds the optional keys only when present, as the decoder does (so deepEqual compares like with like). */
function withOptional<T extends object>(v: T, extra: { payloadProto?: number; reservedBits?: number }): T {
  let out: T = v;
  if (extra.reservedBits !== undefined) out = { ...out, reservedBits: extra.reservedBits };
  if (extra.payloadProto !== undefined) out = { ...out, payloadProto: extra.payloadProto };
  return out;
}

const bindingUpdate = fc
  .record({
    sequence: u16,
    flags: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    reservedBits: fc.option(fc.integer({ min: 1, max: 0x3f }), { nil: undefined, freq: 4 }),
    lifetimeSec: u16.map((n) => n * 4),
    options: optionList,
    payloadProto,
  })
  .map(({ sequence, flags: f, reservedBits, lifetimeSec, options, payloadProto }) =>
    withOptional(
      {
        kind: 'binding-update',
        sequence,
        acknowledge: f[0]!,
        homeRegistration: f[1]!,
        linkLocalAddressCompatibility: f[2]!,
        keyManagementMobilityCapability: f[3]!,
        mapRegistration: f[4]!,
        mobileRouter: f[5]!,
        proxyRegistration: f[6]!,
        forceUdpEncapsulation: f[7]!,
        tlvHeaderFormat: f[8]!,
        overwriteOrBulkBinding: f[9]!,
        lifetimeSec,
        options,
      } as const,
      { reservedBits, payloadProto },
    ),
  );

const bindingAcknowledgement = fc
  .record({
    status: u8,
    flags: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    reservedBits: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined, freq: 4 }),
    sequence: u16,
    lifetimeSec: u16.map((n) => n * 4),
    options: optionList,
    payloadProto,
  })
  .map(({ status, flags: f, reservedBits, sequence, lifetimeSec, options, payloadProto }) =>
    withOptional(
      {
        kind: 'binding-acknowledgement',
        status,
        keyManagementMobilityCapability: f[0]!,
        mobileRouter: f[1]!,
        proxyRegistration: f[2]!,
        tlvHeaderFormat: f[3]!,
        bulkBindingUpdate: f[4]!,
        sequence,
        lifetimeSec,
        options,
      } as const,
      { reservedBits, payloadProto },
    ),
  );

/** The other kinds, each with arbitrary options (RFC 6275 lets every message carry options). */
const otherMessage: fc.Arbitrary<MobilityMessage> = fc.oneof(
  rec({ kind: fc.constant('binding-refresh-request'), options: optionList }),
  rec({ kind: fc.constant('home-test-init'), homeInitCookie: bytes8, options: optionList }),
  rec({ kind: fc.constant('care-of-test-init'), careOfInitCookie: bytes8, options: optionList }),
  rec({
    kind: fc.constant('home-test'),
    homeNonceIndex: u16,
    homeInitCookie: bytes8,
    homeKeygenToken: bytes8,
    options: optionList,
  }),
  rec({
    kind: fc.constant('care-of-test'),
    careOfNonceIndex: u16,
    careOfInitCookie: bytes8,
    careOfKeygenToken: bytes8,
    options: optionList,
  }),
  rec({ kind: fc.constant('binding-error'), status: u8, homeAddress: ipv6, options: optionList }),
  fc
    .tuple(fc.integer({ min: 8, max: 255 }), fc.integer({ min: 0, max: 40 }))
    .chain(([type, units]) =>
      fc
        .uint8Array({ minLength: units * 8 + 2, maxLength: units * 8 + 2 })
        .map((data) => ({ kind: 'unknown', type, data }) as const),
    ),
);

export const mobilityMessage: fc.Arbitrary<MobilityMessage> = fc.oneof(
  bindingUpdate,
  bindingAcknowledgement,
  fc.tuple(otherMessage, payloadProto).map(([m, p]) => withOptional(m, { payloadProto: p })),
);

export const pseudoHeader = rec({ src: ipv6, dst: ipv6 });
