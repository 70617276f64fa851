/**
 * Typed views of AVP data (RFC 6733 §4.2 basic formats, §4.3 derived formats) and builders of typed AVPs. A value
 * of the wrong size for its type is BAD_LENGTH, a bad UTF-8 string or an Address of a known family with the wrong
 * size BAD_VALUE/BAD_LENGTH, with the AVP's position in the message.
 */
import { Reader } from '../../util/reader.ts';
import { Writer } from '../../util/writer.ts';
import { type Avp, avpsLength, emitAvps, parseAvps } from './avp.ts';
import { AddressFamily, type AvpDefinition, AvpFlag } from './constants.ts';

/** RFC 6733 §4.3.1 Time: seconds since 1900-01-01 UTC; Unix epoch is 2208988800 of them. */
const NTP_UNIX_OFFSET_SEC = 2_208_988_800;
const TWO_32 = 2 ** 32;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();

/** Where the AVP's data starts in the outer message, for error offsets (0 when unknown). */
type At = { readonly base?: number };

function reader(a: Avp, at: At): Reader {
  return Reader.of(a.data, 'diameter', at.base ?? 0);
}

function fixed(a: Avp, n: number, type: string, at: At): Reader {
  const r = reader(a, at);
  if (a.data.length !== n) r.fail('BAD_LENGTH', `AVP ${a.code} (${type}) has ${a.data.length} bytes, needs ${n}`, 0);
  return r;
}

export function readUnsigned32(a: Avp, at: At = {}): number {
  return fixed(a, 4, 'Unsigned32', at).u32();
}

/** Integer32 and Enumerated (RFC 6733 §4.3.1: Enumerated is derived from Integer32). */
export function readInteger32(a: Avp, at: At = {}): number {
  return fixed(a, 4, 'Integer32', at).u32() | 0;
}

export function readUnsigned64(a: Avp, at: At = {}): bigint {
  const r = fixed(a, 8, 'Unsigned64', at);
  return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
}

export function readOctetString(a: Avp): Uint8Array {
  return a.data;
}

/** UTF8String and DiameterIdentity (RFC 6733 §4.3.1); invalid UTF-8 is BAD_VALUE. */
export function readUtf8(a: Avp, at: At = {}): string {
  try {
    return fatalUtf8.decode(a.data);
  } catch {
    return reader(a, at).fail('BAD_VALUE', `AVP ${a.code} is not valid UTF-8`, 0);
  }
}

export interface AddressValue {
  /** IANA Address Family Number (1 = IPv4, 2 = IPv6). */
  readonly family: number;
  readonly address: Uint8Array;
}

/** Address (RFC 6733 §4.3.1): AddressType(2) then the address; IPv4 is 4 bytes, IPv6 16, others opaque. */
export function readAddress(a: Avp, at: At = {}): AddressValue {
  const r = reader(a, at);
  const family = r.u16('AddressType');
  const address = r.rest();
  const need = family === AddressFamily.IPV4 ? 4 : family === AddressFamily.IPV6 ? 16 : address.length;
  if (address.length !== need) r.fail('BAD_LENGTH', `Address of family ${family} with ${address.length} bytes`, 2);
  return { family, address };
}

/**
 * Time (RFC 6733 §4.3.1) as Unix seconds. The 32-bit value wraps in 2036; as RFC 6733 says (after SNTP, RFC 4330
 * §3), a value with the top bit clear is read as counting from 2036-02-07 06:28:16 UTC.
 */
export function readTime(a: Avp, at: At = {}): number {
  const ntp = fixed(a, 4, 'Time', at).u32();
  return (ntp >= 0x8000_0000 ? ntp : ntp + TWO_32) - NTP_UNIX_OFFSET_SEC;
}

/** The AVPs inside a Grouped AVP (RFC 6733 §4.4). */
export function readGrouped(a: Avp, at: At = {}): Avp[] {
  return parseAvps(reader(a, at));
}

export interface AvpOptions {
  /** M bit (RFC 6733 §4.1); defaults to true, as every AVP this project sends is one the receiver must know. */
  readonly mandatory?: boolean;
}

/** An AVP for a dictionary entry: the Vendor-ID and V bit follow the entry's vendor (RFC 6733 §4.1). */
export function makeAvp(def: AvpDefinition, data: Uint8Array, options: AvpOptions = {}): Avp {
  const flags = options.mandatory === false ? 0 : AvpFlag.MANDATORY;
  return def.vendorId === 0
    ? { code: def.code, flags, data }
    : { code: def.code, flags: flags | AvpFlag.VENDOR, vendorId: def.vendorId, data };
}

export function u32Avp(def: AvpDefinition, v: number, o?: AvpOptions): Avp {
  return makeAvp(
    def,
    Writer.alloc(4)
      .u32(v >>> 0)
      .finish(),
    o,
  );
}

export function u64Avp(def: AvpDefinition, v: bigint, o?: AvpOptions): Avp {
  const w = Writer.alloc(8);
  w.u32(Number((v >> 32n) & 0xffff_ffffn)).u32(Number(v & 0xffff_ffffn));
  return makeAvp(def, w.finish(), o);
}

export function utf8Avp(def: AvpDefinition, s: string, o?: AvpOptions): Avp {
  return makeAvp(def, utf8.encode(s), o);
}

export function addressAvp(def: AvpDefinition, v: AddressValue, o?: AvpOptions): Avp {
  return makeAvp(
    def,
    Writer.alloc(2 + v.address.length)
      .u16(v.family)
      .bytes(v.address)
      .finish(),
    o,
  );
}

export function timeAvp(def: AvpDefinition, unixSec: number, o?: AvpOptions): Avp {
  return u32Avp(def, (unixSec + NTP_UNIX_OFFSET_SEC) % TWO_32, o);
}

export function groupedAvp(def: AvpDefinition, members: readonly Avp[], o?: AvpOptions): Avp {
  const w = Writer.alloc(avpsLength(members));
  emitAvps(members, w);
  return makeAvp(def, w.finish(), o);
}
