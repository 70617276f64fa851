/**
 * fast-check generators of valid DHCPv4 values, shared by the codec tests (test support, not runtime code).
 * Each option code appears at most once (the decoder concatenates repeats, RFC 3396), and unknown
 * options avoid the codes this codec models or treats as framing.
 */
import fc from 'fast-check';
import { copyBytes } from '../../util/bytes.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { Dhcpv4OptionCode } from './constants.ts';
import type { Dhcpv4Message } from './message.ts';
import { type Dhcpv4Option, type Dhcpv4SubOption, dhcpv4OptionCode } from './options.ts';

const RESERVED_CODES = new Set<number>(Object.values(Dhcpv4OptionCode));
const u8 = fc.integer({ min: 0, max: 255 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

export const ipv4Arb = bytes(4, 4).map((b) => Ipv4Address.fromBytes(b));
const addresses = fc.array(ipv4Arb, { minLength: 1, maxLength: 4 });
const subOptionsOf = (codes: fc.Arbitrary<number>): fc.Arbitrary<Dhcpv4SubOption[]> =>
  fc.array(fc.tuple(codes, bytes(0, 12)), { maxLength: 4 }).map((l) => l.map(([code, data]) => ({ code, data })));

/**
 * `oracleSafe` keeps to what tshark can check without applying later RFCs' formats: unknown codes
 * from the site-specific range 224–248 (RFC 3942; tshark reads 249 as Microsoft's routes), option 82
 * sub-options 1 and 2 only (RFC 3046 §3; tshark parses later sub-option types by their own RFCs),
 * no client-identifier type 255 (RFC 4361 IAID + DUID) and no option 43 (parsed per vendor).
 */
export function dhcpv4OptionArbitrary(oracleSafe = false): fc.Arbitrary<Dhcpv4Option> {
  const unknownCode = oracleSafe ? fc.integer({ min: 224, max: 248 }) : u8.filter((c) => !RESERVED_CODES.has(c));
  const relayAgentCodes = oracleSafe ? fc.constantFrom(1, 2) : u8;
  const vendorSpecific = bytes(1, 300).map((data) => ({ kind: 'vendor-specific', data }) as const);
  return fc.oneof(
    ipv4Arb.map((mask) => ({ kind: 'subnet-mask', mask }) as const),
    addresses.map((routers) => ({ kind: 'router', routers }) as const),
    addresses.map((servers) => ({ kind: 'dns-servers', servers }) as const),
    oracleSafe ? addresses.map((routers) => ({ kind: 'router', routers }) as const) : vendorSpecific,
    u8.map((messageType) => ({ kind: 'message-type', messageType }) as const),
    ipv4Arb.map((address) => ({ kind: 'server-identifier', address }) as const),
    fc.array(u8, { minLength: 1, maxLength: 20 }).map((codes) => ({ kind: 'parameter-request-list', codes }) as const),
    bytes(1, 30).map((data) => ({ kind: 'vendor-class-identifier', data }) as const),
    fc
      .tuple(oracleSafe ? fc.integer({ min: 0, max: 254 }) : u8, bytes(1, 16))
      .map(([type, identifier]) => ({ kind: 'client-identifier', type, identifier }) as const),
    fc.constant({ kind: 'rapid-commit' } as const),
    subOptionsOf(relayAgentCodes).map((s) => ({ kind: 'relay-agent-information', subOptions: s }) as const),
    fc.array(fc.tuple(u32, fc.array(bytes(0, 10), { maxLength: 3 })), { maxLength: 3 }).map(
      (l) =>
        ({
          kind: 'vi-vendor-class',
          entries: l.map(([enterpriseNumber, classData]) => ({ enterpriseNumber, classData })),
        }) as const,
    ),
    fc.array(fc.tuple(u32, subOptionsOf(u8)), { maxLength: 3 }).map(
      (l) =>
        ({
          kind: 'vi-vendor-specific',
          entries: l.map(([enterpriseNumber, s]) => ({ enterpriseNumber, subOptions: s })),
        }) as const,
    ),
    fc.tuple(unknownCode, bytes(0, 600)).map(([code, data]) => ({ kind: 'unknown', code, data }) as const),
  );
}

/** Trailing zeros are not kept for sname/file, so generated fields never end in one. */
const fieldArb = (max: number) =>
  bytes(0, max).map((b) => {
    let end = b.length;
    while (end > 0 && b[end - 1] === 0) end--;
    return copyBytes(b, 0, end);
  });

export function dhcpv4MessageArbitrary(oracleSafe = false): fc.Arbitrary<Dhcpv4Message> {
  return fc
    .record({
      op: fc.constantFrom(1, 2),
      htype: u8,
      hops: u8,
      xid: u32,
      secs: fc.integer({ min: 0, max: 0xffff }),
      broadcast: fc.boolean(),
      ciaddr: ipv4Arb,
      yiaddr: ipv4Arb,
      siaddr: ipv4Arb,
      giaddr: ipv4Arb,
      chaddr: bytes(0, 16),
      sname: fieldArb(64),
      file: fieldArb(128),
      options: fc.uniqueArray(dhcpv4OptionArbitrary(oracleSafe), { maxLength: 8, selector: dhcpv4OptionCode }),
    })
    .map((m) => ({ ...m }));
}

export const dhcpv4MessageArb = dhcpv4MessageArbitrary();
