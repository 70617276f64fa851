/**
 * fast-check generators of valid DHCPv6 values, shared by the codec tests (test support, not runtime code).
 * Every generated value re-encodes to itself: names are in canonical text form, HNP always decodes
 * from the 17-octet form, and unknown options use unassigned codes.
 */
import fc from 'fast-check';
import { Ipv6Address } from '../../util/ip-address.ts';
import type { Duid } from './duid.ts';
import type { Dhcpv6Message } from './message.ts';
import type { Dhcpv6Option } from './option-types.ts';

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

export const ipv6Arb = bytes(16, 16).map((b) => Ipv6Address.fromBytes(b));

const labelArb = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
/** LDH names of 1–4 labels (well under 255 octets), written without the trailing dot. */
export const domainNameArb = fc.array(labelArb, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));

export const duidArb: fc.Arbitrary<Duid> = fc.oneof(
  fc
    .tuple(u16, u32, bytes(0, 20))
    .map(
      ([hardwareType, timeSec, linkLayerAddress]) =>
        ({ kind: 'llt', hardwareType, timeSec, linkLayerAddress }) as const,
    ),
  fc
    .tuple(u32, bytes(0, 20))
    .map(([enterpriseNumber, identifier]) => ({ kind: 'en', enterpriseNumber, identifier }) as const),
  fc
    .tuple(u16, bytes(0, 20))
    .map(([hardwareType, linkLayerAddress]) => ({ kind: 'll', hardwareType, linkLayerAddress }) as const),
  bytes(16, 16).map((uuid) => ({ kind: 'uuid', uuid }) as const),
  fc
    .tuple(fc.integer({ min: 5, max: 0xffff }), bytes(1, 30))
    .map(([type, data]) => ({ kind: 'other', type, data }) as const),
);

const leafOptionArb: fc.Arbitrary<Dhcpv6Option> = fc.oneof(
  duidArb.map((duid) => ({ kind: 'client-id', duid }) as const),
  duidArb.map((duid) => ({ kind: 'server-id', duid }) as const),
  fc.array(u16, { maxLength: 10 }).map((codes) => ({ kind: 'option-request', codes }) as const),
  u16.map((elapsedCentiSec) => ({ kind: 'elapsed-time', elapsedCentiSec }) as const),
  fc
    .tuple(u16, fc.string({ unit: 'grapheme', maxLength: 10 }))
    .map(([statusCode, message]) => ({ kind: 'status-code', statusCode, message }) as const),
  fc
    .tuple(u32, fc.array(bytes(0, 8), { maxLength: 3 }))
    .map(([enterpriseNumber, classData]) => ({ kind: 'vendor-class', enterpriseNumber, classData }) as const),
  fc
    .tuple(u32, fc.array(fc.tuple(u16, bytes(0, 8)), { maxLength: 3 }))
    .map(
      ([enterpriseNumber, subs]) =>
        ({ kind: 'vendor-opts', enterpriseNumber, subOptions: subs.map(([code, data]) => ({ code, data })) }) as const,
    ),
  // tshark flags an empty Interface-Id as malformed; RFC 8415 §21.18 says "arbitrary length" and the decoder accepts 0.
  bytes(1, 12).map((interfaceId) => ({ kind: 'interface-id', interfaceId }) as const),
  fc.array(ipv6Arb, { maxLength: 3 }).map((servers) => ({ kind: 'dns-servers', servers }) as const),
  fc.array(domainNameArb, { maxLength: 3 }).map((domains) => ({ kind: 'domain-list', domains }) as const),
  u32.map((refreshTimeSec) => ({ kind: 'information-refresh-time', refreshTimeSec }) as const),
  u32.map((infMaxRtSec) => ({ kind: 'inf-max-rt', infMaxRtSec }) as const),
  domainNameArb.map((fqdn) => ({ kind: 'home-network-id-fqdn', fqdn }) as const),
  fc
    .tuple(fc.integer({ min: 0, max: 128 }), ipv6Arb)
    .map(([prefixLength, prefix]) => ({ kind: 'home-network-prefix', prefixLength, prefix }) as const),
  ipv6Arb.map((address) => ({ kind: 'home-agent-address', address }) as const),
  domainNameArb.map((fqdn) => ({ kind: 'home-agent-fqdn', fqdn }) as const),
  fc
    // Unassigned codes only: tshark checks assigned ones (e.g. 31 SNTP) against their own RFCs.
    .tuple(fc.integer({ min: 200, max: 0xffff }), bytes(0, 16))
    .map(([code, data]) => ({ kind: 'unknown', code, data }) as const),
);

const DEPTH = fc.createDepthIdentifier();

const { option: optionArb, message: messageArb } = fc.letrec<{ option: Dhcpv6Option; message: Dhcpv6Message }>(
  (tie) => ({
    option: fc.oneof(
      { depthSize: 'small', maxDepth: 4, depthIdentifier: DEPTH, withCrossShrink: true },
      leafOptionArb,
      fc
        .tuple(fc.constantFrom('visited', 'identified', 'unrestricted'), fc.array(tie('option'), { maxLength: 4 }))
        .map(([scope, options]) => ({ kind: `${scope}-home-network-info` as const, options }) as Dhcpv6Option),
      tie('message').map((message) => ({ kind: 'relay-message', message }) as const),
    ),
    message: fc.oneof(
      { depthSize: 'small', maxDepth: 4, depthIdentifier: DEPTH, withCrossShrink: true },
      fc
        .tuple(
          fc.integer({ min: 0, max: 255 }).filter((t) => t !== 12 && t !== 13),
          fc.integer({ min: 0, max: 0xffffff }),
          fc.array(tie('option'), { maxLength: 6 }),
        )
        .map(
          ([msgType, transactionId, options]) => ({ kind: 'client-server', msgType, transactionId, options }) as const,
        ),
      fc
        .tuple(
          fc.constantFrom(12 as const, 13 as const),
          fc.integer({ min: 0, max: 255 }),
          ipv6Arb,
          ipv6Arb,
          fc.array(tie('option'), { maxLength: 4 }),
        )
        .map(
          ([msgType, hopCount, linkAddress, peerAddress, options]) =>
            ({ kind: 'relay', msgType, hopCount, linkAddress, peerAddress, options }) as const,
        ),
    ),
  }),
);

export const dhcpv6OptionArb: fc.Arbitrary<Dhcpv6Option> = optionArb;
export const dhcpv6MessageArb: fc.Arbitrary<Dhcpv6Message> = messageArb;
