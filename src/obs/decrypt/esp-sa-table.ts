/**
 * Wireshark's `esp_sa` file (UAT "ESP SAs", packet-ipsec.c), one SA per line:
 *   "IPv4"|"IPv6", "<source>", "<destination>", "<SPI>", "<encryption>", "<key>", "<authentication>", "<key>"
 * and the lookup Wireshark does with it: the first line whose protocol is the IP version of the header around ESP,
 * whose address filters match that header's addresses, and whose SPI filter matches the packet's SPI.
 * Address filters: "*", an address, an address "/prefix length", or IPv4 with "*" octets ("10.*.*.1").
 * SPI filters: "*", a number (C syntax: 0x hex, 0 octal, decimal), or "0x" and 8 hex digits or "*" nibbles.
 */
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { EspOuterAddresses } from '../../wire/dissect/decryptor.ts';
import { type CipherSpec, ESP_ENCRYPTION, ESP_INTEGRITY, type IntegSpec, type Named } from './algorithms.ts';
import { espKey, fieldText, LineError, namedAlgorithm, parseRecords, textField } from './key-file.ts';
import type { UatField } from './uat.ts';

/** An address pattern: an address matches when it equals `value` on every bit set in `mask`. */
export interface AddressFilter {
  readonly text: string;
  readonly value: Uint8Array;
  readonly mask: Uint8Array;
}

/** An SPI pattern, the same way on 32 bits. */
export interface SpiFilter {
  readonly text: string;
  readonly value: number;
  readonly mask: number;
}

export interface EspSaEntry {
  readonly line: number;
  readonly family: 4 | 6;
  readonly source: AddressFilter;
  readonly destination: AddressFilter;
  readonly spi: SpiFilter;
  readonly encryption: Named<CipherSpec>;
  readonly encryptionKey: Uint8Array;
  readonly integrity: Named<IntegSpec>;
  readonly integrityKey: Uint8Array;
}

export const ESP_SA_FIELDS = 8;

/** All SAs of an esp_sa file; a line that Wireshark would not accept is a KeyFileError naming it. */
export function parseEspSaFile(text: string, file: string): EspSaEntry[] {
  return parseRecords(text, file, ESP_SA_FIELDS, parseEspSaRecord);
}

function parseEspSaRecord(f: UatField[], line: number): EspSaEntry {
  const protocol = textField(f[0]!, 'protocol');
  if (protocol !== 'IPv4' && protocol !== 'IPv6')
    throw new LineError('BAD_VALUE', `protocol "${protocol}" is not IPv4 or IPv6`);
  const family = protocol === 'IPv4' ? 4 : 6;
  const encryption = namedAlgorithm(ESP_ENCRYPTION, textField(f[4]!, 'encryption'), 'encryption');
  const integrity = namedAlgorithm(ESP_INTEGRITY, textField(f[6]!, 'authentication'), 'authentication');
  const encryptionKey = espKey(fieldText(f[5]!), 'encryption key');
  const integrityKey = espKey(fieldText(f[7]!), 'authentication key');
  const spec = encryption.spec;
  if (spec && spec.keyLengths.length > 0 && !spec.keyLengths.includes(encryptionKey.length)) {
    throw new LineError(
      'BAD_KEY_LENGTH',
      `${encryption.name} takes a key of ${spec.keyLengths.join(', ')} bytes, the line has ${encryptionKey.length}`,
    );
  }
  return {
    line,
    family,
    source: parseAddressFilter(textField(f[1]!, 'source address'), family),
    destination: parseAddressFilter(textField(f[2]!, 'destination address'), family),
    spi: parseSpiFilter(textField(f[3]!, 'SPI')),
    encryption,
    encryptionKey,
    integrity,
    integrityKey,
  };
}

export function parseAddressFilter(text: string, family: 4 | 6): AddressFilter {
  const size = family === 4 ? 4 : 16;
  if (text === '*') return { text, value: new Uint8Array(size), mask: new Uint8Array(size) };
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  if (family === 4 && addressText.includes('*')) return ipv4Wildcard(text, addressText, slash < 0);
  const address = family === 4 ? Ipv4Address.tryParse(addressText) : Ipv6Address.tryParse(addressText);
  if (!address) throw new LineError('BAD_VALUE', `"${text}" is not "*" or an IPv${family} address`);
  const bits = slash < 0 ? size * 8 : prefixLength(text.slice(slash + 1), size * 8, text);
  const mask = new Uint8Array(size);
  for (let i = 0; i < size; i++)
    mask[i] = bits >= 8 * (i + 1) ? 0xff : bits <= 8 * i ? 0 : (0xff << (8 - (bits - 8 * i))) & 0xff;
  return { text, value: address.bytes, mask };
}

function prefixLength(s: string, max: number, text: string): number {
  const n = /^\d{1,3}$/.test(s) ? Number(s) : Number.NaN;
  if (!(n >= 0 && n <= max)) throw new LineError('BAD_VALUE', `"${text}": prefix length must be 0..${max}`);
  return n;
}

function ipv4Wildcard(text: string, addressText: string, noPrefix: boolean): AddressFilter {
  const parts = addressText.split('.');
  if (!noPrefix || parts.length !== 4)
    throw new LineError('BAD_VALUE', `"${text}" is not an IPv4 address with "*" octets`);
  const value = new Uint8Array(4);
  const mask = new Uint8Array(4);
  parts.forEach((p, i) => {
    if (p === '*') return;
    const n = /^\d{1,3}$/.test(p) ? Number(p) : 256;
    if (n > 255) throw new LineError('BAD_VALUE', `"${text}" is not an IPv4 address with "*" octets`);
    value[i] = n;
    mask[i] = 0xff;
  });
  return { text, value, mask };
}

export function parseSpiFilter(text: string): SpiFilter {
  if (text === '*') return { text, value: 0, mask: 0 };
  if (text.includes('*')) {
    // packet-ipsec.c filter_spi_match: compared as text against "0x%08x", '*' matching any one digit.
    if (!/^0x[0-9a-fA-F*]{8}$/.test(text))
      throw new LineError('BAD_VALUE', `SPI "${text}" with "*" must be 0x and 8 digits or "*"`);
    let value = 0;
    let mask = 0;
    for (let i = 2; i < 10; i++) {
      const wild = text[i] === '*';
      value = (value << 4) | (wild ? 0 : Number.parseInt(text[i]!, 16));
      mask = (mask << 4) | (wild ? 0 : 0xf);
    }
    return { text, value: value >>> 0, mask: mask >>> 0 };
  }
  // strtoul(text, NULL, 0): 0x hex, leading-0 octal, else decimal; trailing junk is refused rather than ignored.
  const value = /^0x[0-9a-fA-F]+$/i.test(text)
    ? Number.parseInt(text.slice(2), 16)
    : /^0[0-7]*$/.test(text)
      ? Number.parseInt(text, 8)
      : /^[1-9]\d*$/.test(text)
        ? Number(text)
        : Number.NaN;
  if (!(value >= 0 && value <= 0xffffffff))
    throw new LineError('BAD_VALUE', `SPI "${text}" is not "*" or a 32-bit number`);
  return { text, value, mask: 0xffffffff };
}

function addressMatches(f: AddressFilter, address: Uint8Array): boolean {
  if (address.length !== f.value.length) return false;
  for (let i = 0; i < address.length; i++) if (((address[i]! ^ f.value[i]!) & f.mask[i]!) !== 0) return false;
  return true;
}

/**
 * The SA for an ESP packet: the first line matching SPI and, when the packet came in an IP header, that header's
 * version and addresses. A bare ESP packet (no header) is matched on the SPI alone.
 */
export function findEspSa(
  entries: readonly EspSaEntry[],
  spi: number,
  outer: EspOuterAddresses | undefined,
): EspSaEntry | undefined {
  for (const e of entries) {
    if (((spi ^ e.spi.value) & e.spi.mask) !== 0) continue;
    if (!outer) return e;
    if (
      e.family === outer.version &&
      addressMatches(e.source, outer.source.bytes) &&
      addressMatches(e.destination, outer.destination.bytes)
    )
      return e;
  }
  return undefined;
}
