import { Ipv4Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { Dhcpv4OptionCode as C } from './constants.ts';

/** A code(1)/len(1)/data item inside option 82, 125 or an encapsulated option 43. */
export interface Dhcpv4SubOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** One enterprise's part of option 124 (RFC 3925 §3): opaque items, each with a 1-octet length. */
export interface ViVendorClassEntry {
  readonly enterpriseNumber: number;
  readonly classData: readonly Uint8Array[];
}

/** One enterprise's part of option 125 (RFC 3925 §4): vendor-defined code/len/data sub-options. */
export interface ViVendorSpecificEntry {
  readonly enterpriseNumber: number;
  readonly subOptions: readonly Dhcpv4SubOption[];
}

/**
 * A DHCPv4 option after RFC 3396 concatenation (one value per option code; see message.ts).
 * Pad (0), End (255) and Option Overload (52) are framing, handled by the message codec.
 */
export type Dhcpv4Option =
  | { readonly kind: 'subnet-mask'; readonly mask: Ipv4Address } // 1, RFC 2132 §3.3
  | { readonly kind: 'router'; readonly routers: readonly Ipv4Address[] } // 3, RFC 2132 §3.5
  | { readonly kind: 'dns-servers'; readonly servers: readonly Ipv4Address[] } // 6, RFC 2132 §3.8
  /** 43, RFC 2132 §8.4: opaque; `parseEncapsulatedVendorOptions` reads the SHOULD-use TLV form. */
  | { readonly kind: 'vendor-specific'; readonly data: Uint8Array }
  | { readonly kind: 'message-type'; readonly messageType: number } // 53, RFC 2132 §9.6
  | { readonly kind: 'server-identifier'; readonly address: Ipv4Address } // 54, RFC 2132 §9.7
  | { readonly kind: 'parameter-request-list'; readonly codes: readonly number[] } // 55, RFC 2132 §9.8
  | { readonly kind: 'vendor-class-identifier'; readonly data: Uint8Array } // 60, RFC 2132 §9.13
  /** 61, RFC 2132 §9.14: a type octet (an ARP htype, or 0 for a non-hardware identifier) + identifier. */
  | { readonly kind: 'client-identifier'; readonly type: number; readonly identifier: Uint8Array }
  | { readonly kind: 'rapid-commit' } // 80, RFC 4039 §4, length 0
  | { readonly kind: 'relay-agent-information'; readonly subOptions: readonly Dhcpv4SubOption[] } // 82, RFC 3046
  | { readonly kind: 'vi-vendor-class'; readonly entries: readonly ViVendorClassEntry[] } // 124, RFC 3925 §3
  | { readonly kind: 'vi-vendor-specific'; readonly entries: readonly ViVendorSpecificEntry[] } // 125, RFC 3925 §4
  | { readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array };

export type Dhcpv4OptionKind = Dhcpv4Option['kind'];

type Opt<K extends Dhcpv4OptionKind> = Extract<Dhcpv4Option, { kind: K }>;

function addressList(r: Reader, what: string): Ipv4Address[] {
  // RFC 2132 §3.5/§3.8: minimum length 4, multiples of 4.
  if (r.remaining === 0 || r.remaining % 4 !== 0)
    r.fail('BAD_LENGTH', `${what}: length ${r.remaining}, need 4n, n ≥ 1`);
  const out: Ipv4Address[] = [];
  while (!r.atEnd()) out.push(Ipv4Address.fromBytes(r.bytes(4)));
  return out;
}

function exactly(r: Reader, n: number, what: string): void {
  if (r.remaining !== n) r.fail('BAD_LENGTH', `${what}: length ${r.remaining}, must be ${n}`);
}

function atLeast(r: Reader, n: number, what: string): void {
  if (r.remaining < n) r.fail('BAD_LENGTH', `${what}: length ${r.remaining}, minimum ${n}`);
}

/** code(1)/len(1)/data items until the end of `r`; codes 0 and 255 are ordinary here (RFC 3925 §4). */
function subOptions(r: Reader): Dhcpv4SubOption[] {
  const out: Dhcpv4SubOption[] = [];
  while (!r.atEnd()) {
    const code = r.u8('sub-option code');
    const len = r.u8('sub-option length');
    out.push({ code, data: r.bytesCopy(len, 'sub-option data') });
  }
  return out;
}

/** Parses the (concatenated) data of option `code`. `r` covers exactly that data. */
export function parseDhcpv4OptionData(code: number, r: Reader): Dhcpv4Option {
  switch (code) {
    case C.SUBNET_MASK:
      exactly(r, 4, 'Subnet Mask');
      return { kind: 'subnet-mask', mask: Ipv4Address.fromBytes(r.bytes(4)) };
    case C.ROUTER:
      return { kind: 'router', routers: addressList(r, 'Router') };
    case C.DOMAIN_NAME_SERVER:
      return { kind: 'dns-servers', servers: addressList(r, 'Domain Name Server') };
    case C.VENDOR_SPECIFIC:
      atLeast(r, 1, 'Vendor Specific Information'); // RFC 2132 §8.4
      return { kind: 'vendor-specific', data: r.bytesCopy(r.remaining) };
    case C.MESSAGE_TYPE:
      exactly(r, 1, 'DHCP Message Type');
      return { kind: 'message-type', messageType: r.u8() };
    case C.SERVER_IDENTIFIER:
      exactly(r, 4, 'Server Identifier');
      return { kind: 'server-identifier', address: Ipv4Address.fromBytes(r.bytes(4)) };
    case C.PARAMETER_REQUEST_LIST: {
      atLeast(r, 1, 'Parameter Request List'); // RFC 2132 §9.8
      const codes = Array.from(r.bytes(r.remaining));
      return { kind: 'parameter-request-list', codes };
    }
    case C.VENDOR_CLASS_IDENTIFIER:
      atLeast(r, 1, 'Vendor Class Identifier'); // RFC 2132 §9.13
      return { kind: 'vendor-class-identifier', data: r.bytesCopy(r.remaining) };
    case C.CLIENT_IDENTIFIER: {
      atLeast(r, 2, 'Client Identifier'); // RFC 2132 §9.14
      const type = r.u8();
      return { kind: 'client-identifier', type, identifier: r.bytesCopy(r.remaining) };
    }
    case C.RAPID_COMMIT:
      exactly(r, 0, 'Rapid Commit'); // RFC 4039 §4
      return { kind: 'rapid-commit' };
    case C.RELAY_AGENT_INFORMATION:
      return { kind: 'relay-agent-information', subOptions: subOptions(r) };
    case C.VI_VENDOR_CLASS:
      return { kind: 'vi-vendor-class', entries: parseViVendorClass(r) };
    case C.VI_VENDOR_SPECIFIC:
      return { kind: 'vi-vendor-specific', entries: parseViVendorSpecific(r) };
    default:
      return { kind: 'unknown', code, data: r.bytesCopy(r.remaining) };
  }
}

function parseViVendorClass(r: Reader): ViVendorClassEntry[] {
  const entries: ViVendorClassEntry[] = [];
  while (!r.atEnd()) {
    const enterpriseNumber = r.u32('enterprise-number');
    const body = r.sub(r.u8('data-len'), 'vendor-class-data');
    const classData: Uint8Array[] = [];
    while (!body.atEnd()) classData.push(body.bytesCopy(body.u8('item data-len'), 'opaque-data'));
    entries.push({ enterpriseNumber, classData });
  }
  return entries;
}

function parseViVendorSpecific(r: Reader): ViVendorSpecificEntry[] {
  const entries: ViVendorSpecificEntry[] = [];
  while (!r.atEnd()) {
    const enterpriseNumber = r.u32('enterprise-number');
    const body = r.sub(r.u8('data-len'), 'option-data');
    entries.push({ enterpriseNumber, subOptions: subOptions(body) });
  }
  return entries;
}

/** The option code a value is written with. */
export function dhcpv4OptionCode(o: Dhcpv4Option): number {
  switch (o.kind) {
    case 'subnet-mask':
      return C.SUBNET_MASK;
    case 'router':
      return C.ROUTER;
    case 'dns-servers':
      return C.DOMAIN_NAME_SERVER;
    case 'vendor-specific':
      return C.VENDOR_SPECIFIC;
    case 'message-type':
      return C.MESSAGE_TYPE;
    case 'server-identifier':
      return C.SERVER_IDENTIFIER;
    case 'parameter-request-list':
      return C.PARAMETER_REQUEST_LIST;
    case 'vendor-class-identifier':
      return C.VENDOR_CLASS_IDENTIFIER;
    case 'client-identifier':
      return C.CLIENT_IDENTIFIER;
    case 'rapid-commit':
      return C.RAPID_COMMIT;
    case 'relay-agent-information':
      return C.RELAY_AGENT_INFORMATION;
    case 'vi-vendor-class':
      return C.VI_VENDOR_CLASS;
    case 'vi-vendor-specific':
      return C.VI_VENDOR_SPECIFIC;
    case 'unknown':
      return o.code;
  }
}

function subOptionsLength(list: readonly Dhcpv4SubOption[]): number {
  let n = 0;
  for (const s of list) n += 2 + s.data.length;
  return n;
}

function classDataLength(items: readonly Uint8Array[]): number {
  let n = 0;
  for (const d of items) n += 1 + d.length;
  return n;
}

/** Length of the option's whole (unsplit) data. */
export function dhcpv4OptionDataLength(o: Dhcpv4Option): number {
  switch (o.kind) {
    case 'subnet-mask':
    case 'server-identifier':
      return 4;
    case 'router':
      return 4 * o.routers.length;
    case 'dns-servers':
      return 4 * o.servers.length;
    case 'vendor-specific':
    case 'vendor-class-identifier':
    case 'unknown':
      return o.data.length;
    case 'message-type':
      return 1;
    case 'parameter-request-list':
      return o.codes.length;
    case 'client-identifier':
      return 1 + o.identifier.length;
    case 'rapid-commit':
      return 0;
    case 'relay-agent-information':
      return subOptionsLength(o.subOptions);
    case 'vi-vendor-class': {
      let n = 0;
      for (const e of o.entries) n += 5 + classDataLength(e.classData);
      return n;
    }
    case 'vi-vendor-specific': {
      let n = 0;
      for (const e of o.entries) n += 5 + subOptionsLength(e.subOptions);
      return n;
    }
  }
}

function u8(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${what} ${v} outside 0..255`);
  return v;
}

function nonEmpty(n: number, what: string): void {
  if (n === 0) throw new RangeError(`${what} must not be empty (RFC 2132 minimum length)`);
}

function emitSubOptions(list: readonly Dhcpv4SubOption[], w: Writer): void {
  for (const s of list) w.u8(u8(s.code, 'sub-option code')).u8(u8(s.data.length, 'sub-option length')).bytes(s.data);
}

/** Writes the option's whole data (the message codec splits it into ≤ 255-octet instances). */
export function emitDhcpv4OptionData(o: Dhcpv4Option, w: Writer): void {
  switch (o.kind) {
    case 'subnet-mask':
      w.bytes(o.mask.bytes);
      return;
    case 'server-identifier':
      w.bytes(o.address.bytes);
      return;
    case 'router':
    case 'dns-servers': {
      const list = o.kind === 'router' ? o.routers : o.servers;
      nonEmpty(list.length, o.kind);
      for (const a of list) w.bytes(a.bytes);
      return;
    }
    case 'vendor-specific':
    case 'vendor-class-identifier':
      nonEmpty(o.data.length, o.kind);
      w.bytes(o.data);
      return;
    case 'unknown':
      if (o.code === C.PAD || o.code === C.END || o.code === C.OPTION_OVERLOAD) {
        throw new RangeError(`option code ${o.code} is framing, not an option value`);
      }
      w.bytes(o.data);
      return;
    case 'message-type':
      w.u8(u8(o.messageType, 'message type'));
      return;
    case 'parameter-request-list':
      nonEmpty(o.codes.length, o.kind);
      for (const c of o.codes) w.u8(u8(c, 'requested option code'));
      return;
    case 'client-identifier':
      nonEmpty(o.identifier.length, o.kind);
      w.u8(u8(o.type, 'client identifier type')).bytes(o.identifier);
      return;
    case 'rapid-commit':
      return;
    case 'relay-agent-information':
      emitSubOptions(o.subOptions, w);
      return;
    case 'vi-vendor-class':
      for (const e of o.entries) {
        w.u32(e.enterpriseNumber).u8(u8(classDataLength(e.classData), 'V-I vendor class data-len'));
        for (const d of e.classData) w.u8(u8(d.length, 'V-I vendor class item length')).bytes(d);
      }
      return;
    case 'vi-vendor-specific':
      for (const e of o.entries) {
        w.u32(e.enterpriseNumber).u8(u8(subOptionsLength(e.subOptions), 'V-I vendor-specific data-len'));
        emitSubOptions(e.subOptions, w);
      }
      return;
  }
}

/**
 * Reads option 43 data as encapsulated vendor options (RFC 2132 §8.4): code/len/data items where
 * 0 is padding and 255 ends the list (a missing 255 ends at the end of the data).
 * `baseOffset` places errors within the enclosing packet.
 */
export function parseEncapsulatedVendorOptions(data: Uint8Array, baseOffset = 0): Dhcpv4SubOption[] {
  const r = Reader.of(data, 'dhcpv4', baseOffset);
  const out: Dhcpv4SubOption[] = [];
  while (!r.atEnd()) {
    const code = r.u8('encapsulated option code');
    if (code === C.PAD) continue;
    if (code === C.END) break;
    const len = r.u8('encapsulated option length');
    out.push({ code, data: r.bytesCopy(len, 'encapsulated option data') });
  }
  return out;
}

/** Option 43 data from encapsulated vendor options (no End octet: the option's end ends the list). */
export function encodeEncapsulatedVendorOptions(list: readonly Dhcpv4SubOption[]): Uint8Array {
  const out = new Uint8Array(subOptionsLength(list));
  let p = 0;
  for (const s of list) {
    if (s.code === C.PAD || s.code === C.END)
      throw new RangeError('codes 0 and 255 keep their pad/end meaning in option 43');
    out[p++] = u8(s.code, 'encapsulated option code');
    out[p++] = u8(s.data.length, 'encapsulated option length');
    out.set(s.data, p);
    p += s.data.length;
  }
  return out;
}

/** The first option of `kind` in `options`, typed, or undefined. */
export function findDhcpv4Option<K extends Dhcpv4OptionKind>(
  options: readonly Dhcpv4Option[],
  kind: K,
): Opt<K> | undefined {
  for (const o of options) if (o.kind === kind) return o as Opt<K>;
  return undefined;
}
