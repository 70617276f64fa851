/**
 * RADIUS packets (RFC 2865 §3): Code(1) | Identifier(1) | Length(2) | Authenticator(16) | Attributes, each
 * attribute Type(1) | Length(1) | Value (§5). Vendor-Specific (26) keeps its Vendor-Id apart from the vendor data
 * (§5.26). Attributes of any other type round-trip byte for byte; the known ones have their lengths checked against
 * RADIUS_VALUE_FORMAT. Signing (Response Authenticator, Message-Authenticator) is in authenticator.ts.
 */
import { WireError, type WireErrorCode } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import {
  RADIUS_AUTHENTICATOR_LENGTH,
  RADIUS_HEADER_LENGTH,
  RADIUS_MAX_PACKET_LENGTH,
  RADIUS_MAX_VALUE_LENGTH,
  RADIUS_VALUE_FORMAT,
  RadiusAttributeType,
  type RadiusValueFormat,
} from './constants.ts';

export type RadiusAttribute =
  /** Any attribute but Vendor-Specific: `value` is the Value field (text is UTF-8, RFC 2865 §5). */
  | { readonly kind: 'attribute'; readonly type: number; readonly value: Uint8Array }
  /** Type 26 (RFC 2865 §5.26): Vendor-Id (SMI enterprise number) and the vendor's own bytes (see vendor.ts). */
  | { readonly kind: 'vendor-specific'; readonly vendorId: number; readonly data: Uint8Array };

export interface RadiusPacket {
  readonly code: number;
  readonly identifier: number;
  /** Request Authenticator (random, RFC 2865 §3) or Response Authenticator (an MD5 digest). */
  readonly authenticator: Uint8Array;
  readonly attributes: readonly RadiusAttribute[];
}

/** RFC 8044 lengths of each value format; `undefined` bounds are 0 … 253. */
const FORMAT_LENGTH: Record<RadiusValueFormat, { readonly min: number; readonly max: number }> = {
  text: { min: 0, max: RADIUS_MAX_VALUE_LENGTH },
  string: { min: 0, max: RADIUS_MAX_VALUE_LENGTH },
  integer: { min: 4, max: 4 },
  ipv4: { min: 4, max: 4 },
  ipv6: { min: 16, max: 16 },
  authenticator: { min: 16, max: 16 },
};

/**
 * Parses one packet. Length outside 20 … 4096 is BAD_LENGTH; fewer bytes than Length is TRUNCATED ("MUST be
 * silently discarded", §3); bytes beyond Length are padding and ignored (§3). An attribute with Length < 2 or
 * running past the packet, or a known attribute with a length its format forbids, is BAD_LENGTH / TRUNCATED.
 */
export function parseRadius(r: Reader): RadiusPacket {
  const start = r.absoluteOffset;
  const code = r.u8('code');
  const identifier = r.u8('identifier');
  const length = r.u16('length');
  if (length < RADIUS_HEADER_LENGTH || length > RADIUS_MAX_PACKET_LENGTH) {
    fail(
      r,
      'BAD_LENGTH',
      start + 2,
      `Length ${length} is outside ${RADIUS_HEADER_LENGTH} … ${RADIUS_MAX_PACKET_LENGTH}`,
    );
  }
  if (length - 4 > r.remaining) {
    fail(r, 'TRUNCATED', start + 2, `Length ${length} exceeds the ${r.remaining + 4} bytes received`);
  }
  const body = r.sub(length - 4, 'packet');
  const authenticator = body.bytesCopy(RADIUS_AUTHENTICATOR_LENGTH, 'authenticator');
  const attributes: RadiusAttribute[] = [];
  while (!body.atEnd()) attributes.push(parseAttribute(body));
  r.skipBytes(r.remaining); // padding (§3)
  return { code, identifier, authenticator, attributes };
}

function parseAttribute(r: Reader): RadiusAttribute {
  const at = r.absoluteOffset;
  const type = r.u8('attribute type');
  const length = r.u8('attribute length');
  if (length < 2) fail(r, 'BAD_LENGTH', at + 1, `attribute ${type} with Length ${length} (< 2)`);
  const value = r.bytes(length - 2, `attribute ${type} value`);
  if (type === RadiusAttributeType.VENDOR_SPECIFIC) {
    // §5.26: Length >= 7, i.e. a 4-octet Vendor-Id and at least one octet of String.
    if (value.length < 5) fail(r, 'BAD_LENGTH', at + 1, `Vendor-Specific with Length ${length} (< 7)`);
    const vendorId = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
    return { kind: 'vendor-specific', vendorId, data: new Uint8Array(value.subarray(4)) };
  }
  const format = RADIUS_VALUE_FORMAT[type];
  if (format) {
    const { min, max } = FORMAT_LENGTH[format];
    if (value.length < min || value.length > max) {
      fail(r, 'BAD_LENGTH', at + 1, `attribute ${type} (${format}) with ${value.length} value octets`);
    }
  }
  return { kind: 'attribute', type, value: new Uint8Array(value) };
}

export function radiusAttributeLength(a: RadiusAttribute): number {
  return a.kind === 'vendor-specific' ? 2 + 4 + a.data.length : 2 + a.value.length;
}

export function radiusLength(p: RadiusPacket): number {
  let n = RADIUS_HEADER_LENGTH;
  for (const a of p.attributes) n += radiusAttributeLength(a);
  return n;
}

/** Writes the packet as given (authenticators untouched). A value over 253 octets or a packet over 4096 throws. */
export function emitRadius(p: RadiusPacket, w: Writer): void {
  const length = radiusLength(p);
  if (length > RADIUS_MAX_PACKET_LENGTH) throw new RangeError(`RADIUS packet of ${length} octets (> 4096)`);
  if (p.authenticator.length !== RADIUS_AUTHENTICATOR_LENGTH) throw new RangeError('authenticator is not 16 octets');
  w.u8(p.code).u8(p.identifier).u16(length).bytes(p.authenticator);
  for (const a of p.attributes) {
    const n = radiusAttributeLength(a);
    if (n > 255) throw new RangeError(`RADIUS attribute of ${n} octets (> 255)`);
    if (a.kind === 'vendor-specific') w.u8(RadiusAttributeType.VENDOR_SPECIFIC).u8(n).u32(a.vendorId).bytes(a.data);
    else w.u8(a.type).u8(n).bytes(a.value);
  }
}

export function encodeRadius(p: RadiusPacket): Uint8Array {
  return encodeWith(p, radiusLength, emitRadius);
}

export function decodeRadius(bytes: Uint8Array): RadiusPacket {
  return parseRadius(Reader.of(bytes, 'radius'));
}

function fail(r: Reader, code: WireErrorCode, at: number, detail: string): never {
  throw new WireError(code, r.layer, at, detail);
}
