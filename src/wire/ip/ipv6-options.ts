/**
 * TLV options of the IPv6 Hop-by-Hop and Destination Options headers (RFC 8200 §4.2), with the
 * Home Address option decoded (RFC 6275 §6.3). Unknown options are kept and re-encode byte for byte;
 * whether one is fatal (its top two type bits, RFC 8200 §4.2) is the caller's decision.
 */

import { copyBytes } from '../../util/bytes.ts';
import { WireError } from '../../util/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import {
  HOME_ADDRESS_OPTION_ALIGN_MODULUS,
  HOME_ADDRESS_OPTION_ALIGN_OFFSET,
  HOME_ADDRESS_OPTION_LENGTH,
  Ipv6OptionType,
} from './constants.ts';

export type Ipv6Option =
  | { readonly kind: 'pad1' }
  /** PadN with `length` data bytes (the option occupies length + 2). */
  | { readonly kind: 'padN'; readonly length: number }
  | { readonly kind: 'homeAddress'; readonly homeAddress: Ipv6Address }
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

/** Options start after the header's Next Header and Hdr Ext Len bytes (RFC 8200 §4.3, §4.6). */
export const OPTIONS_START = 2;
const HEADER_UNIT = 8;
/** Hdr Ext Len is one byte of 8-octet units beyond the first 8 (RFC 8200 §4.3). */
export const MAX_OPTIONS_HEADER_LENGTH = (0xff + 1) * HEADER_UNIT;

/** Reads options until the end of `r` (the header body after Next Header and Hdr Ext Len). */
export function parseIpv6Options(r: Reader): Ipv6Option[] {
  const out: Ipv6Option[] = [];
  while (!r.atEnd()) {
    const at = r.absoluteOffset;
    const type = r.u8('option type');
    // RFC 8200 §4.2: Pad1 has no length byte; every other option is type, length, data.
    if (type === Ipv6OptionType.PAD1) {
      out.push({ kind: 'pad1' });
      continue;
    }
    const length = r.u8('option length');
    const data = r.bytes(length, 'option data');
    if (type === Ipv6OptionType.PADN) {
      // RFC 8200 §4.2 asks senders for zero bytes; receivers ignore the content.
      out.push({ kind: 'padN', length });
    } else if (type === Ipv6OptionType.HOME_ADDRESS) {
      // RFC 6275 §6.3: Option Length MUST be 16.
      if (length !== HOME_ADDRESS_OPTION_LENGTH) {
        throw new WireError('BAD_LENGTH', 'ipv6-ext', at + 1, `Home Address option length ${length} is not 16`);
      }
      out.push({ kind: 'homeAddress', homeAddress: Ipv6Address.fromBytes(data) });
    } else {
      out.push({ kind: 'unknown', type, data: copyBytes(data) });
    }
  }
  return out;
}

function writePadding(n: number, w: Writer | undefined): void {
  if (n === 0 || !w) return;
  if (n === 1) w.u8(Ipv6OptionType.PAD1);
  else
    w.u8(Ipv6OptionType.PADN)
      .u8(n - 2)
      .zeros(n - 2);
}

/**
 * Lays the options out from offset 2 of their header, writing them when `w` is given, and returns the
 * header length in bytes. Padding is inserted before each Home Address option so its type byte lands on
 * 8n+6 (RFC 6275 §6.3) and at the end so the header is a multiple of 8 (RFC 8200 §4.3, §4.6). Options
 * already aligned (as a decoded header from a conformant sender is) get no extra padding, so they
 * re-encode byte for byte.
 */
function layOutOptions(options: readonly Ipv6Option[], w: Writer | undefined): number {
  let pos = OPTIONS_START;
  for (const o of options) {
    switch (o.kind) {
      case 'pad1':
        w?.u8(Ipv6OptionType.PAD1);
        pos += 1;
        break;
      case 'padN':
        if (o.length > 0xff) throw new RangeError(`PadN length ${o.length} exceeds 255`);
        w?.u8(Ipv6OptionType.PADN).u8(o.length).zeros(o.length);
        pos += 2 + o.length;
        break;
      case 'homeAddress': {
        const pad =
          (HOME_ADDRESS_OPTION_ALIGN_OFFSET -
            (pos % HOME_ADDRESS_OPTION_ALIGN_MODULUS) +
            HOME_ADDRESS_OPTION_ALIGN_MODULUS) %
          HOME_ADDRESS_OPTION_ALIGN_MODULUS;
        writePadding(pad, w);
        w?.u8(Ipv6OptionType.HOME_ADDRESS).u8(HOME_ADDRESS_OPTION_LENGTH).bytes(o.homeAddress.bytes);
        pos += pad + 2 + HOME_ADDRESS_OPTION_LENGTH;
        break;
      }
      case 'unknown':
        if (o.data.length > 0xff) throw new RangeError(`IPv6 option data of ${o.data.length} bytes exceeds 255`);
        if (o.type === Ipv6OptionType.PAD1) throw new RangeError('option type 0 is Pad1 and has no data');
        w?.u8(o.type).u8(o.data.length).bytes(o.data);
        pos += 2 + o.data.length;
        break;
    }
  }
  const tail = (HEADER_UNIT - (pos % HEADER_UNIT)) % HEADER_UNIT;
  writePadding(tail, w);
  pos += tail;
  if (pos > MAX_OPTIONS_HEADER_LENGTH)
    throw new RangeError(`options header of ${pos} bytes exceeds ${MAX_OPTIONS_HEADER_LENGTH}`);
  return pos;
}

/** Length of a Hop-by-Hop or Destination Options header holding `options`, padding included. */
export function ipv6OptionsHeaderLength(options: readonly Ipv6Option[]): number {
  return layOutOptions(options, undefined);
}

/** Writes `options` with alignment and trailing padding; the caller has written Next Header and Hdr Ext Len. */
export function emitIpv6Options(options: readonly Ipv6Option[], w: Writer): void {
  layOutOptions(options, w);
}
