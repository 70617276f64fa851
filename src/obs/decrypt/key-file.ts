/**
 * What the two key-file parsers share: the error that names the file and line, the line walk, and the
 * conversion of UAT fields to text, bytes and keys.
 */
import { lookupAlgorithm, type Named } from './algorithms.ts';
import { parseUatLine, type UatField, UatSyntaxError } from './uat.ts';

/** Stable codes for what is wrong with a key log; tests assert on these. */
export type KeyFileErrorCode =
  | 'MISSING' // no such directory, or neither key file in it
  | 'UNREADABLE'
  | 'SYNTAX' // not UAT syntax (quotes, escapes, hex)
  | 'FIELD_COUNT'
  | 'BAD_VALUE' // a protocol, address filter, SPI or key that does not parse
  | 'UNKNOWN_ALGORITHM' // a name Wireshark's table does not have
  | 'BAD_KEY_LENGTH'; // a key of a length the algorithm does not take

/** A key file that cannot be used: which file, which line (1-based; 0 for the file as a whole), and why. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(
    readonly code: KeyFileErrorCode,
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file} line ${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/** A field or value problem inside one line; the file parser adds file and line. */
export class LineError extends Error {
  constructor(
    readonly code: KeyFileErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

/** Parses every record of `text` with `parseRecord`, turning line problems into KeyFileErrors. */
export function parseRecords<T>(
  text: string,
  file: string,
  fieldCount: number,
  parseRecord: (fields: UatField[], line: number) => T,
): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    try {
      const fields = parseUatLine(lines[i]!);
      if (fields === undefined) continue;
      if (fields.length !== fieldCount) {
        throw new LineError('FIELD_COUNT', `${fields.length} fields, expected ${fieldCount}`);
      }
      out.push(parseRecord(fields, i + 1));
    } catch (e) {
      if (e instanceof UatSyntaxError) throw new KeyFileError('SYNTAX', file, i + 1, e.message);
      if (e instanceof LineError) throw new KeyFileError(e.code, file, i + 1, e.message);
      throw e;
    }
  }
  return out;
}

/** A string field (ESP SA columns, algorithm names); an unquoted field is hex-encoded text, as UAT allows. */
export function textField(f: UatField, what: string): string {
  const text = fieldText(f);
  if (text === '') throw new LineError('BAD_VALUE', `${what} is empty`);
  return text;
}

/** The text of a field that may be empty (a key). */
export function fieldText(f: UatField): string {
  if (f.kind === 'string') return f.text;
  let text = '';
  for (const b of f.bytes) text += String.fromCharCode(b);
  return text;
}

/** A byte-string field (IKE SPIs and keys): unquoted hex; a quoted field stands for its characters' bytes. */
export function bytesField(f: UatField): Uint8Array {
  if (f.kind === 'hex') return f.bytes;
  return Uint8Array.from(f.text, (c) => c.charCodeAt(0) & 0xff);
}

/**
 * An ESP key as Wireshark reads it (packet-ipsec.c compute_ascii_key): "0x" then hex digits (an odd count gets a
 * leading zero nibble), "0x" alone for no key, anything else taken as the key's own characters.
 */
export function espKey(text: string, what: string): Uint8Array {
  if (!/^0x/i.test(text)) return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  const digits = text.slice(2);
  if (!/^[0-9a-fA-F]*$/.test(digits))
    throw new LineError('BAD_VALUE', `${what} ${text} has a character that is not hex`);
  const even = digits.length % 2 === 0 ? digits : `0${digits}`;
  const out = new Uint8Array(even.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(even.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The algorithm called `name` in `names`; a name Wireshark does not know is a line error. */
export function namedAlgorithm<T>(names: ReadonlyMap<string, T | undefined>, name: string, what: string): Named<T> {
  const a = lookupAlgorithm(names, name);
  if (!a) throw new LineError('UNKNOWN_ALGORITHM', `unknown ${what} algorithm "${name}"`);
  return a;
}
