/**
 * One line of a Wireshark UAT file (the format of `esp_sa` and `ikev2_decryption_table`): comma-separated fields,
 * each a double-quoted string with C escapes or a run of unquoted hex digits (a byte string); `#` starts a
 * comment line. Files are read as latin1, so a string's characters are its bytes.
 */
import { fromHex } from '../../util/hex.ts';

export type UatField =
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'hex'; readonly bytes: Uint8Array };

/** A line that is not UAT syntax; `column` is 1-based. */
export class UatSyntaxError extends Error {
  override readonly name = 'UatSyntaxError';
  constructor(
    readonly column: number,
    readonly detail: string,
  ) {
    super(`column ${column}: ${detail}`);
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  '?': '?',
};

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isOctalDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

function skipBlanks(line: string, at: number): number {
  let i = at;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

/** The fields of `line`, or undefined for a blank line or a comment. */
export function parseUatLine(rawLine: string): UatField[] | undefined {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  const first = skipBlanks(line, 0);
  if (first === line.length || line[first] === '#') return undefined;
  const fields: UatField[] = [];
  let i = first;
  for (;;) {
    i = skipBlanks(line, i);
    if (line[i] === '"') {
      const [text, end] = readQuoted(line, i);
      fields.push({ kind: 'string', text });
      i = end;
    } else {
      const start = i;
      while (i < line.length && isHexDigit(line.charCodeAt(i))) i++;
      const digits = line.slice(start, i);
      if (digits.length % 2 !== 0) throw new UatSyntaxError(start + 1, `odd number of hex digits: ${digits}`);
      fields.push({ kind: 'hex', bytes: fromHex(digits) });
    }
    i = skipBlanks(line, i);
    if (i === line.length) return fields;
    if (line[i] !== ',') {
      throw new UatSyntaxError(i + 1, `expected "," or the end of the line, found ${JSON.stringify(line[i])}`);
    }
    i++;
  }
}

/** A quoted string starting at `at` (the opening quote): its text and the index after the closing quote. */
function readQuoted(line: string, at: number): [string, number] {
  let out = '';
  let i = at + 1;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '"') return [out, i + 1];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = line[i + 1];
    if (e === undefined) break;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x' && isHexDigit(line.charCodeAt(i + 2))) {
      const n = isHexDigit(line.charCodeAt(i + 3)) ? 2 : 1;
      out += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 2 + n), 16));
      i += 2 + n;
    } else if (isOctalDigit(e)) {
      let n = 1;
      while (n < 3 && isOctalDigit(line[i + 1 + n])) n++;
      out += String.fromCharCode(Number.parseInt(line.slice(i + 1, i + 1 + n), 8) & 0xff);
      i += 1 + n;
    } else {
      throw new UatSyntaxError(i + 1, `unknown escape \\${e}`);
    }
  }
  throw new UatSyntaxError(at + 1, 'unterminated quoted string');
}
