/**
 * Vendor-Specific sub-attributes in the layout RFC 2865 §5.26 recommends (and RFC 2548 §2 uses): Vendor-Type(1) |
 * Vendor-Length(1, counting both header octets) | Value. Vendors that use another layout stay readable as the raw
 * `data` of the Vendor-Specific attribute; only the vendor a caller asks about is parsed.
 */
import { WireError } from '../../util/errors.ts';
import type { RadiusAttribute, RadiusPacket } from './packet.ts';

export interface VendorSubAttribute {
  readonly vendorType: number;
  readonly value: Uint8Array;
}

/** Parses a Vendor-Specific String; a Vendor-Length < 2 or past the end is BAD_LENGTH / TRUNCATED. */
export function parseVendorSubAttributes(data: Uint8Array): VendorSubAttribute[] {
  const out: VendorSubAttribute[] = [];
  for (let p = 0; p < data.length; ) {
    if (p + 2 > data.length) throw new WireError('TRUNCATED', 'radius', p, 'vendor sub-attribute header cut short');
    const length = data[p + 1]!;
    if (length < 2) throw new WireError('BAD_LENGTH', 'radius', p + 1, `Vendor-Length ${length} (< 2)`);
    if (p + length > data.length) throw new WireError('TRUNCATED', 'radius', p + 1, `Vendor-Length ${length} overruns`);
    out.push({ vendorType: data[p]!, value: data.subarray(p + 2, p + length) });
    p += length;
  }
  return out;
}

/** Every sub-attribute of every Vendor-Specific attribute of `vendorId`, in packet order. */
export function findVendorSubAttributes(packet: RadiusPacket, vendorId: number): VendorSubAttribute[] {
  const out: VendorSubAttribute[] = [];
  for (const a of packet.attributes) {
    if (a.kind === 'vendor-specific' && a.vendorId === vendorId) out.push(...parseVendorSubAttributes(a.data));
  }
  return out;
}

/** One Vendor-Specific attribute holding `subs` (each value at most 247 octets so the attribute fits in 255). */
export function vendorSpecific(vendorId: number, subs: readonly VendorSubAttribute[]): RadiusAttribute {
  let n = 0;
  for (const s of subs) n += 2 + s.value.length;
  const data = new Uint8Array(n);
  let p = 0;
  for (const s of subs) {
    if (s.value.length > 253) throw new RangeError('vendor sub-attribute value longer than 253 octets');
    data[p] = s.vendorType;
    data[p + 1] = 2 + s.value.length;
    data.set(s.value, p + 2);
    p += 2 + s.value.length;
  }
  return { kind: 'vendor-specific', vendorId, data };
}
