/**
 * Shared by the IP-layer tests and fuzz seeds: fast-check arbitraries for addresses and packets, and an
 * assertion that a call throws a WireError with a given code.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isWireError, type WireErrorCode } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Ipv6OptionType, NdOptionType, RoutingType } from './constants.ts';
import type { Ipv4Packet } from './ipv4.ts';
import type { Ipv6Packet } from './ipv6.ts';
import type { Ipv6ExtensionHeader } from './ipv6-ext.ts';
import type { Ipv6Option } from './ipv6-options.ts';
import type { NdOption } from './nd-options.ts';
import type { RouterAdvertisement } from './router-advertisement.ts';

export function assertWireError(fn: () => unknown, code: WireErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isWireError(e), `expected WireError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** Runs `decode` and fails the property when it throws anything but a WireError. */
export function onlyWireErrors(decode: (b: Uint8Array) => unknown, input: Uint8Array): void {
  try {
    decode(input);
  } catch (e) {
    if (!isWireError(e)) throw e;
  }
}

export const ipv4Address = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Ipv4Address.fromBytes(b));
export const ipv6Address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
/** fc.record without null prototypes, so values deep-equal what the decoders build. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const ipv4Packet: fc.Arbitrary<Ipv4Packet> = record({
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  identification: u16,
  reservedFlag: fc.boolean(),
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffsetBytes: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
  ttl: u8,
  protocol: u8,
  source: ipv4Address,
  destination: ipv4Address,
  options: fc.integer({ min: 0, max: 10 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
  payload: fc.uint8Array({ maxLength: 64 }),
});

/** Options whose decoding is the same value (no option types that decode as something else). */
export const ipv6Option: fc.Arbitrary<Ipv6Option> = fc.oneof(
  fc.constant({ kind: 'pad1' as const }),
  fc.integer({ min: 0, max: 9 }).map((length) => ({ kind: 'padN' as const, length })),
  ipv6Address.map((homeAddress) => ({ kind: 'homeAddress' as const, homeAddress })),
  record({
    kind: fc.constant('unknown' as const),
    type: u8.filter((t) => t !== Ipv6OptionType.PAD1 && t !== Ipv6OptionType.PADN && t !== Ipv6OptionType.HOME_ADDRESS),
    data: fc.uint8Array({ maxLength: 20 }),
  }),
);

/** At most one Home Address option per packet (RFC 6275 §6.3), as the decoder requires. */
const singleHomeAddress = (headers: readonly Ipv6ExtensionHeader[]): boolean =>
  headers.flatMap((h) => (h.kind === 'destinationOptions' ? h.options.filter((o) => o.kind === 'homeAddress') : []))
    .length <= 1;

export const ipv6ExtensionHeader: fc.Arbitrary<Ipv6ExtensionHeader> = fc.oneof(
  fc.array(ipv6Option, { maxLength: 5 }).map((options) => ({ kind: 'destinationOptions' as const, options })),
  record({ kind: fc.constant('routingType2' as const), segmentsLeft: u8, homeAddress: ipv6Address }),
  record({
    kind: fc.constant('routing' as const),
    routingType: u8.filter((t) => t !== RoutingType.TYPE2),
    segmentsLeft: u8,
    data: fc.integer({ min: 0, max: 4 }).chain((n) => fc.uint8Array({ minLength: 8 * n + 4, maxLength: 8 * n + 4 })),
  }),
);

const fragmentHeader: fc.Arbitrary<Ipv6ExtensionHeader> = record({
  kind: fc.constant('fragment' as const),
  fragmentOffsetBytes: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
  moreFragments: fc.boolean(),
  identification: u32,
});

/** Upper-layer protocols that end the chain (not 0, 43, 44, 60). */
const upperProtocol = u8.filter((p) => p !== 0 && p !== 43 && p !== 44 && p !== 60);

export const ipv6Packet: fc.Arbitrary<Ipv6Packet> = fc
  .record({
    trafficClass: u8,
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    hopLimit: u8,
    source: ipv6Address,
    destination: ipv6Address,
    hopByHop: fc.option(fc.array(ipv6Option, { maxLength: 3 }), { nil: undefined }),
    middle: fc.array(ipv6ExtensionHeader, { maxLength: 3 }).filter(singleHomeAddress),
    fragment: fc.option(fragmentHeader, { nil: undefined }),
    nextHeader: upperProtocol,
    payload: fc.uint8Array({ maxLength: 48 }),
  })
  .map(({ hopByHop, middle, fragment, ...rest }) => {
    const extensionHeaders: Ipv6ExtensionHeader[] = [];
    if (hopByHop) extensionHeaders.push({ kind: 'hopByHop', options: hopByHop });
    extensionHeaders.push(...middle);
    if (fragment) extensionHeaders.push(fragment);
    return { ...rest, extensionHeaders };
  });

const KNOWN_ND_OPTIONS: readonly number[] = [
  NdOptionType.PREFIX_INFORMATION,
  NdOptionType.MTU,
  NdOptionType.ADVERTISEMENT_INTERVAL,
  NdOptionType.HOME_AGENT_INFORMATION,
];

export const ndOption: fc.Arbitrary<NdOption> = fc.oneof(
  record({
    kind: fc.constant('prefixInformation' as const),
    prefixLength: fc.integer({ min: 0, max: 128 }),
    onLink: fc.boolean(),
    autonomous: fc.boolean(),
    routerAddress: fc.boolean(),
    reservedBits: fc.integer({ min: 0, max: 31 }),
    validLifetimeSec: u32,
    preferredLifetimeSec: u32,
    prefix: ipv6Address,
  }),
  u32.map((mtu) => ({ kind: 'mtu' as const, mtu })),
  u32.map((intervalMs) => ({ kind: 'advertisementInterval' as const, intervalMs })),
  record({ kind: fc.constant('homeAgentInformation' as const), preference: u16, lifetimeSec: u16 }),
  record({
    kind: fc.constant('unknown' as const),
    type: u8.filter((t) => !KNOWN_ND_OPTIONS.includes(t)),
    data: fc.integer({ min: 1, max: 4 }).chain((n) => fc.uint8Array({ minLength: 8 * n - 2, maxLength: 8 * n - 2 })),
  }),
);

export const routerAdvertisement: fc.Arbitrary<RouterAdvertisement> = record({
  curHopLimit: u8,
  managed: fc.boolean(),
  otherConfig: fc.boolean(),
  homeAgent: fc.boolean(),
  reservedBits: fc.integer({ min: 0, max: 31 }),
  routerLifetimeSec: u16,
  reachableTimeMs: u32,
  retransTimerMs: u32,
  options: fc.array(ndOption, { maxLength: 5 }),
});
