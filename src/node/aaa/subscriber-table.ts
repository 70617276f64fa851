/**
 * The subscriber file (format in src/eap/subscriber.ts) loaded into a compact table: K, OPc and AMF of every
 * subscriber in one byte array (34 bytes each), the IMSIs in a Map to their index. A million subscribers then take
 * tens of megabytes and load in seconds, where a million `Subscriber` objects with three typed arrays each would
 * take far more of both.
 *
 * The file is read by a scanner for the shape the format allows (an object with a "subscribers" array of objects
 * with string fields), which builds no object per entry. Anything it does not expect (an escape in a string, an
 * invalid field, a duplicate) sends the whole file through `parseSubscriberFile`, the reference parser, so an
 * error names the same key whichever path read it.
 */
import { readFileSync } from 'node:fs';
import { parseSubscriberFile, type Subscriber } from '../../eap/index.ts';
import { lastSqnOf } from '../../eap/subscriber.ts';
import { ConfigError } from '../../util/errors.ts';
import { ImsiIndex, imsiKey, imsiKeyOfBytes, imsiOfKey } from './imsi-index.ts';

/** K (16) ‖ OPc (16) ‖ AMF (2) per subscriber. */
export const KEY_BYTES = 34;
/** `fileSqn` of a subscriber whose entry has no `sqn`. */
export const NO_SQN = -1;

export class SubscriberTable {
  private readonly index = new ImsiIndex();
  private rows = 0;
  /** The IMSI key (src/node/aaa/imsi-index.ts) of each row. */
  private imsiKeys = new Float64Array(1024);
  keys = new Uint8Array(KEY_BYTES * 1024);
  /** The `sqn` of each entry (the old format kept SQN_HE in this file), or NO_SQN. */
  fileSqn = new Float64Array(1024);

  get count(): number {
    return this.rows;
  }

  /** Reads and validates the file: ConfigError UNREADABLE when it cannot be read, else as `parseSubscriberFile`. */
  static load(path: string): SubscriberTable {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new ConfigError('UNREADABLE', path, `cannot read the subscriber file: ${(e as Error).message}`);
    }
    return SubscriberTable.parse(bytes);
  }

  /** The file's bytes: the fast scanner, else the reference parser (whose ConfigError names the key). */
  static parse(bytes: Buffer): SubscriberTable {
    return SubscriberTable.scan(bytes) ?? SubscriberTable.of(parseSubscriberFile(bytes.toString('utf8')));
  }

  /** The fast scanner alone: undefined when it leaves the file to the reference parser. */
  static scan(bytes: Buffer): SubscriberTable | undefined {
    const table = new SubscriberTable();
    return new FileScanner(bytes, table).scan() ? table : undefined;
  }

  static of(subscribers: readonly Subscriber[]): SubscriberTable {
    const table = new SubscriberTable();
    for (const s of subscribers) {
      const key = imsiKey(s.imsi);
      const i = key === undefined ? undefined : table.add(key, lastSqnOf(s.sqn));
      if (i === undefined) throw new RangeError(`duplicate or invalid subscriber ${s.imsi}`);
      table.keys.set(s.k, i * KEY_BYTES);
      table.keys.set(s.opc, i * KEY_BYTES + 16);
      table.keys.set(s.amf, i * KEY_BYTES + 32);
    }
    return table;
  }

  /** The row of an IMSI. */
  rowOf(imsi: string): number | undefined {
    const key = imsiKey(imsi);
    return key === undefined ? undefined : this.index.get(key);
  }

  imsiAt(i: number): string {
    return imsiOfKey(this.imsiKeys[i]!);
  }

  /** Views into the table (no copy): K, OPc and AMF of subscriber `i`. */
  keysOf(i: number): { k: Uint8Array; opc: Uint8Array; amf: Uint8Array } {
    const at = i * KEY_BYTES;
    return {
      k: this.keys.subarray(at, at + 16),
      opc: this.keys.subarray(at + 16, at + 32),
      amf: this.keys.subarray(at + 32, at + 34),
    };
  }

  /** A new row for an IMSI key, or undefined for a duplicate. */
  add(key: number, fileSqn: number): number | undefined {
    const i = this.rows;
    if (!this.index.add(key, i)) return undefined;
    if (i === this.fileSqn.length) this.grow();
    this.imsiKeys[i] = key;
    this.fileSqn[i] = fileSqn;
    this.rows++;
    return i;
  }

  private grow(): void {
    const keys = new Uint8Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    const sqn = new Float64Array(this.fileSqn.length * 2);
    sqn.set(this.fileSqn);
    this.fileSqn = sqn;
    const imsiKeys = new Float64Array(this.imsiKeys.length * 2);
    imsiKeys.set(this.imsiKeys);
    this.imsiKeys = imsiKeys;
  }
}

const QUOTE = 0x22;
const FIELD_NAMES = ['imsi', 'k', 'opc', 'amf', 'sqn', 'subscribers'];
const BACKSLASH = 0x5c;

/** The fast path: true when the whole file was read into the table, false to leave it to the reference parser. */
class FileScanner {
  private at = 0;

  constructor(
    private readonly b: Buffer,
    private readonly table: SubscriberTable,
  ) {}

  scan(): boolean {
    if (!this.punct(0x7b) || !this.string() || this.field() !== 'subscribers') return false;
    if (!this.punct(0x3a) || !this.punct(0x5b)) return false;
    if (this.peek() === 0x5d) this.at++;
    else {
      for (;;) {
        if (!this.entry()) return false;
        const c = this.next();
        if (c === 0x5d) break;
        if (c !== 0x2c) return false;
      }
    }
    if (!this.punct(0x7d)) return false;
    this.skipSpace();
    return this.at === this.b.length;
  }

  private entry(): boolean {
    if (!this.punct(0x7b)) return false;
    let imsi = -1;
    let k = -1;
    let opc = -1;
    let amf = -1;
    let sqn = -1;
    for (;;) {
      if (!this.string()) return false;
      const key = this.field();
      if (!this.punct(0x3a) || !this.string()) return false;
      const start = this.valueStart;
      const length = this.at - 1 - start;
      switch (key) {
        case 'imsi':
          if (imsi >= 0 || length < 6 || length > 15 || !this.digits(start, length)) return false;
          imsi = imsiKeyOfBytes(this.b, start, length);
          break;
        case 'k':
        case 'opc':
        case 'amf':
        case 'sqn': {
          const want = key === 'amf' ? 4 : key === 'sqn' ? 12 : 32;
          if (length !== want || !this.hex(start, length)) return false;
          if (key === 'k' && k < 0) k = start;
          else if (key === 'opc' && opc < 0) opc = start;
          else if (key === 'amf' && amf < 0) amf = start;
          else if (key === 'sqn' && sqn < 0) sqn = start;
          else return false; // a repeated field: the reference parser decides
          break;
        }
        default:
          return false;
      }
      const c = this.next();
      if (c === 0x7d) break;
      if (c !== 0x2c) return false;
    }
    if (imsi < 0 || k < 0 || opc < 0 || amf < 0) return false;
    const i = this.table.add(imsi, sqn < 0 ? NO_SQN : this.hexNumber(sqn, 12));
    if (i === undefined) return false;
    const keys = this.table.keys;
    this.decode(k, keys, i * KEY_BYTES, 16);
    this.decode(opc, keys, i * KEY_BYTES + 16, 16);
    this.decode(amf, keys, i * KEY_BYTES + 32, 2);
    return true;
  }

  /** Where the last `string()` value began. */
  private valueStart = 0;

  /** Skips a JSON string without escapes (false for anything else); `valueStart` … `at − 1` is its content. */
  private string(): boolean {
    if (this.next() !== QUOTE) return false;
    const start = this.at;
    const end = this.b.indexOf(QUOTE, start);
    if (end < 0) return false;
    for (let i = start; i < end; i++) if (this.b[i] === BACKSLASH || this.b[i]! < 0x20) return false;
    this.valueStart = start;
    this.at = end + 1;
    return true;
  }

  /** The last string as one of the names this format knows, or '' (no string is made per entry). */
  private field(): string {
    const start = this.valueStart;
    const length = this.at - 1 - start;
    for (const name of FIELD_NAMES) {
      if (name.length !== length) continue;
      let i = 0;
      while (i < length && this.b[start + i] === name.charCodeAt(i)) i++;
      if (i === length) return name;
    }
    return '';
  }

  private digits(start: number, length: number): boolean {
    for (let i = start; i < start + length; i++) if (this.b[i]! < 0x30 || this.b[i]! > 0x39) return false;
    return true;
  }

  private hex(start: number, length: number): boolean {
    for (let i = start; i < start + length; i++) if (NIBBLE[this.b[i]!]! < 0) return false;
    return true;
  }

  private decode(start: number, out: Uint8Array, at: number, bytes: number): void {
    const b = this.b;
    for (let j = 0; j < bytes; j++) out[at + j] = (NIBBLE[b[start + 2 * j]!]! << 4) | NIBBLE[b[start + 2 * j + 1]!]!;
  }

  private hexNumber(start: number, length: number): number {
    let v = 0;
    for (let i = start; i < start + length; i++) v = v * 16 + NIBBLE[this.b[i]!]!;
    return v;
  }

  private punct(c: number): boolean {
    return this.next() === c;
  }

  /** The next byte that is not JSON white space, consumed. */
  private next(): number | undefined {
    this.skipSpace();
    return this.b[this.at++];
  }

  private peek(): number | undefined {
    this.skipSpace();
    return this.b[this.at];
  }

  private skipSpace(): void {
    const b = this.b;
    while (this.at < b.length) {
      const c = b[this.at]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.at++;
    }
  }
}

/** Hex digit values by character code, −1 for anything else. */
const NIBBLE = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) NIBBLE[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  NIBBLE[0x61 + c] = 10 + c;
  NIBBLE[0x41 + c] = 10 + c;
}
