import { Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { parseDomainName, parseDomainNameList } from './domain-name.ts';
import type { Dhcpv6Option, VendorSubOption } from './option-types.ts';

/**
 * Bodies of the DHCPv6 options that hold no nested options. Each parser receives a reader bounded to
 * exactly the option-data (RFC 8415 §21.1) and must account for every octet of it.
 */

type Opt<K extends Dhcpv6Option['kind']> = Extract<Dhcpv6Option, { kind: K }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function expectLength(r: Reader, n: number, what: string): void {
  if (r.remaining !== n) r.fail('BAD_LENGTH', `${what}: option-len ${r.remaining}, must be ${n}`);
}

/** ORO: option-len is 2 × the number of codes (RFC 8415 §21.7). */
export function parseOptionRequest(r: Reader): Opt<'option-request'> {
  if (r.remaining % 2 !== 0) r.fail('BAD_LENGTH', `ORO option-len ${r.remaining} is odd`);
  const codes: number[] = [];
  while (!r.atEnd()) codes.push(r.u16('ORO code'));
  return { kind: 'option-request', codes };
}

export function parseElapsedTime(r: Reader): Opt<'elapsed-time'> {
  expectLength(r, 2, 'Elapsed Time'); // RFC 8415 §21.9
  return { kind: 'elapsed-time', elapsedCentiSec: r.u16() };
}

/** Status Code (RFC 8415 §21.13): the message MUST be UTF-8, so invalid text is BAD_VALUE. */
export function parseStatusCode(r: Reader): Opt<'status-code'> {
  if (r.remaining < 2) r.fail('BAD_LENGTH', 'Status Code shorter than its 2-octet code');
  const statusCode = r.u16('status-code');
  const messageAt = r.sub(0); // marks the message's offset for the error below
  const raw = r.rest();
  let message: string;
  try {
    message = utf8.decode(raw);
  } catch {
    return messageAt.fail('BAD_VALUE', 'status-message is not UTF-8');
  }
  return { kind: 'status-code', statusCode, message };
}

export function statusMessageBytes(message: string): Uint8Array {
  return utf8Encoder.encode(message);
}

/** Vendor Class (RFC 8415 §21.16): enterprise number, then vendor-class-len(2) + opaque items. */
export function parseVendorClass(r: Reader): Opt<'vendor-class'> {
  if (r.remaining < 4) r.fail('BAD_LENGTH', 'Vendor Class shorter than its enterprise number');
  const enterpriseNumber = r.u32('enterprise-number');
  const classData: Uint8Array[] = [];
  while (!r.atEnd()) {
    const len = r.u16('vendor-class-len');
    classData.push(r.bytesCopy(len, 'vendor-class-data'));
  }
  return { kind: 'vendor-class', enterpriseNumber, classData };
}

/** Vendor-specific Information (RFC 8415 §21.17): enterprise number, then code(2)/len(2)/data sub-options. */
export function parseVendorOpts(r: Reader): Opt<'vendor-opts'> {
  if (r.remaining < 4) r.fail('BAD_LENGTH', 'Vendor-specific Information shorter than its enterprise number');
  const enterpriseNumber = r.u32('enterprise-number');
  const subOptions: VendorSubOption[] = [];
  while (!r.atEnd()) {
    const code = r.u16('sub-opt-code');
    const len = r.u16('sub-option-len');
    subOptions.push({ code, data: r.bytesCopy(len, 'sub-option-data') });
  }
  return { kind: 'vendor-opts', enterpriseNumber, subOptions };
}

/** DNS Recursive Name Server (RFC 3646 §3): a list of 16-octet addresses. */
export function parseDnsServers(r: Reader): Opt<'dns-servers'> {
  if (r.remaining % 16 !== 0) r.fail('BAD_LENGTH', `DNS servers option-len ${r.remaining} is not a multiple of 16`);
  const servers: Ipv6Address[] = [];
  while (!r.atEnd()) servers.push(Ipv6Address.fromBytes(r.bytes(16)));
  return { kind: 'dns-servers', servers };
}

export function parseDomainList(r: Reader): Opt<'domain-list'> {
  return { kind: 'domain-list', domains: parseDomainNameList(r) }; // RFC 3646 §4
}

/** One FQDN filling the whole option (HNIDF RFC 6610 §3.1, HAF §3.5). */
export function parseSingleFqdn(r: Reader, what: string): string {
  if (r.atEnd()) r.fail('BAD_LENGTH', `${what} option carries no name`);
  const fqdn = parseDomainName(r);
  r.expectEnd(what);
  return fqdn;
}

export function parseSeconds32(r: Reader, what: string): number {
  expectLength(r, 4, what); // RFC 8415 §21.23, §21.25
  return r.u32();
}

/** The longest Prefix field: the full 16 octets shown in RFC 6610 §3.3 Figure. */
export const HNP_PREFIX_FIELD_LENGTH = 16;

/**
 * Home Network Prefix (RFC 6610 §3.3). The text defines Prefix-len(1) + Prefix without fixing the
 * field's size while the figure draws 16 octets, so any length from the octets the prefix length
 * needs, ceil(Prefix-len / 8), up to 16 is accepted (missing octets are zero); the emitter always
 * writes the full 16 octets like the figure (and like IA Prefix, RFC 8415 §21.22).
 */
export function parseHomeNetworkPrefix(r: Reader): Opt<'home-network-prefix'> {
  if (r.remaining < 1) r.fail('BAD_LENGTH', 'HNP option has no Prefix-len');
  if (r.peekU8() > 128) r.fail('BAD_VALUE', 'HNP Prefix-len > 128');
  const prefixLength = r.u8('Prefix-len');
  const n = r.remaining;
  if (n < Math.ceil(prefixLength / 8) || n > HNP_PREFIX_FIELD_LENGTH) {
    r.fail('BAD_LENGTH', `HNP prefix field of ${n} octets for Prefix-len ${prefixLength}`);
  }
  const bytes = new Uint8Array(16);
  bytes.set(r.bytes(n));
  return { kind: 'home-network-prefix', prefixLength, prefix: Ipv6Address.fromBytes(bytes) };
}

export function parseHomeAgentAddress(r: Reader): Opt<'home-agent-address'> {
  expectLength(r, 16, 'HAA'); // RFC 6610 §3.4
  return { kind: 'home-agent-address', address: Ipv6Address.fromBytes(r.bytes(16)) };
}

export function vendorClassLength(o: Opt<'vendor-class'>): number {
  let n = 4;
  for (const d of o.classData) n += 2 + d.length;
  return n;
}

export function emitVendorClass(o: Opt<'vendor-class'>, w: Writer): void {
  w.u32(o.enterpriseNumber);
  for (const d of o.classData) {
    if (d.length > 0xffff) throw new RangeError('vendor-class-data item over 65535 octets');
    w.u16(d.length).bytes(d);
  }
}

export function vendorOptsLength(o: Opt<'vendor-opts'>): number {
  let n = 4;
  for (const s of o.subOptions) n += 4 + s.data.length;
  return n;
}

export function emitVendorOpts(o: Opt<'vendor-opts'>, w: Writer): void {
  w.u32(o.enterpriseNumber);
  for (const s of o.subOptions) {
    if (s.data.length > 0xffff) throw new RangeError('vendor sub-option over 65535 octets');
    w.u16(s.code).u16(s.data.length).bytes(s.data);
  }
}

export function emitHomeNetworkPrefix(o: Opt<'home-network-prefix'>, w: Writer): void {
  if (!Number.isInteger(o.prefixLength) || o.prefixLength < 0 || o.prefixLength > 128) {
    throw new RangeError(`HNP prefix length ${o.prefixLength} outside 0..128`);
  }
  w.u8(o.prefixLength).bytes(o.prefix.bytes);
}
