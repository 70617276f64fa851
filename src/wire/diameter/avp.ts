/**
 * Diameter AVPs (RFC 6733 §4.1):
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           AVP Code                            |
 *   |V M P r r r r r|                  AVP Length                   |
 *   |                        Vendor-ID (opt)                        |
 *   |    Data ...
 *
 * AVP Length counts header and data but not the padding that aligns the next AVP to 4 bytes. Every AVP is kept
 * as code, flags, vendor and raw data: an AVP this project does not know re-encodes byte for byte (its padding
 * becomes zeros, RFC 6733 §4.1: "zero-valued bytes are added"). Typed views of the data are in values.ts.
 */
import { WireError } from '../../util/errors.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { AVP_HEADER_LENGTH, AVP_VENDOR_HEADER_LENGTH, AvpFlag } from './constants.ts';

export interface Avp {
  readonly code: number;
  /** The flags octet as received, reserved bits included; V is derived from `vendorId` when emitting. */
  readonly flags: number;
  /** Present exactly when the V bit is set (RFC 6733 §4.1). */
  readonly vendorId?: number;
  readonly data: Uint8Array;
}

/** Header length of one AVP. */
export function avpHeaderLength(a: Avp): number {
  return a.vendorId === undefined ? AVP_HEADER_LENGTH : AVP_VENDOR_HEADER_LENGTH;
}

/** The AVP Length field: header + data, without padding. */
export function avpLengthField(a: Avp): number {
  return avpHeaderLength(a) + a.data.length;
}

/** Bytes the AVP takes on the wire, padding included. */
export function avpLength(a: Avp): number {
  return (avpLengthField(a) + 3) & ~3;
}

export function avpsLength(list: readonly Avp[]): number {
  let n = 0;
  for (const a of list) n += avpLength(a);
  return n;
}

export function emitAvp(a: Avp, w: Writer): void {
  const flags = (a.flags & ~AvpFlag.VENDOR) | (a.vendorId === undefined ? 0 : AvpFlag.VENDOR);
  const len = avpLengthField(a);
  w.u32(a.code).u8(flags).u24(len);
  if (a.vendorId !== undefined) w.u32(a.vendorId);
  w.bytes(a.data).zeros(avpLength(a) - len);
}

export function emitAvps(list: readonly Avp[], w: Writer): void {
  for (const a of list) emitAvp(a, w);
}

/**
 * Parses one AVP and its padding. AVP Length below the header is BAD_LENGTH; data or padding past the container
 * (a message or a Grouped AVP) is TRUNCATED. The data is a view into the input.
 */
export function parseAvp(r: Reader): Avp {
  const start = r.absoluteOffset;
  const code = r.u32('AVP Code');
  const flags = r.u8('AVP Flags');
  const length = r.u24('AVP Length');
  const vendor = (flags & AvpFlag.VENDOR) !== 0;
  const header = vendor ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  if (length < header) {
    throw new WireError('BAD_LENGTH', 'diameter', start + 5, `AVP ${code}: AVP Length ${length} is below its header`);
  }
  const vendorId = vendor ? r.u32('Vendor-ID') : undefined;
  const data = r.bytes(length - header, `AVP ${code} data`);
  const pad = ((length + 3) & ~3) - length;
  if (pad > 0) r.skipBytes(pad, `AVP ${code} padding`);
  return vendorId === undefined ? { code, flags, data } : { code, flags, vendorId, data };
}

/** Parses AVPs until the reader's end (a message body or a Grouped AVP's data, RFC 6733 §4.4). */
export function parseAvps(r: Reader): Avp[] {
  const out: Avp[] = [];
  while (!r.atEnd()) out.push(parseAvp(r));
  return out;
}

/** The first AVP with this code and vendor (0 = IETF, no Vendor-ID). */
export function findAvp(list: readonly Avp[], code: number, vendorId = 0): Avp | undefined {
  for (const a of list) if (a.code === code && (a.vendorId ?? 0) === vendorId) return a;
  return undefined;
}

export function findAllAvps(list: readonly Avp[], code: number, vendorId = 0): Avp[] {
  return list.filter((a) => a.code === code && (a.vendorId ?? 0) === vendorId);
}

export function isMandatory(a: Avp): boolean {
  return (a.flags & AvpFlag.MANDATORY) !== 0;
}
