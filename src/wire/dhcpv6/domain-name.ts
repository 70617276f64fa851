import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';

/**
 * Domain names in DHCPv6 options: RFC 1035 §3.1 label sequences ending in the root label, never
 * compressed (RFC 8415 §10). The text form is the master-file form without the trailing dot: labels
 * joined by '.', with '.', '\' and bytes outside 0x21–0x7e escaped (`\.`, `\\`, `\DDD`), so every
 * wire name maps to one string and back byte for byte. The root name is ''.
 */

/** Longest encoded name, including length octets and the root label (RFC 1035 §2.3.4). */
export const DOMAIN_NAME_MAX_WIRE_LENGTH = 255;
export const DOMAIN_LABEL_MAX_LENGTH = 63;

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** Reads one name; every loop turn consumes a length octet, and the 255-octet cap bounds the loop. */
export function parseDomainName(r: Reader): string {
  const start = r.offset;
  let text = '';
  for (;;) {
    const at = r.offset;
    const len = r.peekU8(0, 'domain label length');
    if (len === 0) {
      r.u8();
      return text;
    }
    // 0b11 is a compression pointer (forbidden by RFC 8415 §10); 0b01/0b10 are extended label types.
    if (len > DOMAIN_LABEL_MAX_LENGTH) r.fail('BAD_VALUE', `label length octet ${len} (compression or extended label)`);
    if (at - start + 1 + len + 1 > DOMAIN_NAME_MAX_WIRE_LENGTH) {
      r.fail('BAD_LENGTH', `domain name longer than ${DOMAIN_NAME_MAX_WIRE_LENGTH} octets`);
    }
    r.u8();
    const label = r.bytes(len, 'domain label');
    if (at !== start) text += '.';
    text += labelToText(label);
  }
}

/** Reads names until the reader is exhausted (RFC 3646 §4 domain search list). */
export function parseDomainNameList(r: Reader): string[] {
  const names: string[] = [];
  while (!r.atEnd()) names.push(parseDomainName(r));
  return names;
}

function labelToText(label: Uint8Array): string {
  let s = '';
  for (let i = 0; i < label.length; i++) {
    const b = label[i]!;
    if (b === DOT || b === BACKSLASH) s += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${b.toString().padStart(3, '0')}`;
  }
  return s;
}

/**
 * The wire form of a text name. A trailing dot is accepted ("example.com." = "example.com").
 * Empty labels, labels over 63 octets, names over 255 octets and non-ASCII text (use A-labels)
 * are RangeErrors: the caller built an impossible name.
 */
export function domainNameToWire(name: string): Uint8Array {
  const out: number[] = [];
  let label: number[] = [];
  const closeLabel = () => {
    if (label.length === 0) throw new RangeError(`empty label in domain name ${JSON.stringify(name)}`);
    if (label.length > DOMAIN_LABEL_MAX_LENGTH) throw new RangeError(`label over 63 octets in ${JSON.stringify(name)}`);
    out.push(label.length, ...label);
    label = [];
  };
  if (name !== '' && name !== '.') {
    let closed = false;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === DOT) {
        closeLabel();
        closed = i === name.length - 1; // a trailing unescaped dot ends a fully qualified name
      } else if (c === BACKSLASH) {
        const digits = name.slice(i + 1, i + 4);
        if (/^[0-9]{3}$/.test(digits)) {
          const v = Number(digits);
          if (v > 255) throw new RangeError(`escape \\${digits} is not an octet`);
          label.push(v);
          i += 3;
        } else {
          const next = name.charCodeAt(i + 1);
          if (Number.isNaN(next) || next < 0x20 || next > 0x7e)
            throw new RangeError(`bad escape in ${JSON.stringify(name)}`);
          label.push(next);
          i += 1;
        }
      } else {
        if (c < 0x20 || c > 0x7e) throw new RangeError(`non-ASCII character in domain name ${JSON.stringify(name)}`);
        label.push(c);
      }
    }
    if (!closed) closeLabel();
  }
  out.push(0);
  if (out.length > DOMAIN_NAME_MAX_WIRE_LENGTH) throw new RangeError(`domain name over 255 octets: ${name}`);
  return Uint8Array.from(out);
}

export function domainNameLength(name: string): number {
  return domainNameToWire(name).length;
}

export function emitDomainName(name: string, w: Writer): void {
  w.bytes(domainNameToWire(name));
}

export function domainNameListLength(names: readonly string[]): number {
  let n = 0;
  for (const name of names) n += domainNameLength(name);
  return n;
}

export function emitDomainNameList(names: readonly string[], w: Writer): void {
  for (const name of names) emitDomainName(name, w);
}
