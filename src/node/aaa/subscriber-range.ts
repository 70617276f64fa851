/**
 * A subscriber file for a range of IMSIs (tests, benchmarks, lab set-ups): the documented format of
 * src/eap/subscriber.ts, one entry per line, written privately (0600) through a temporary file that is removed
 * on every failure.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isImsi } from '../../eap/identity.ts';
import { toHex } from '../../util/hex.ts';
import { PRIVATE_FILE_MODE, syncDirectory } from './sqn-journal.ts';

export interface SubscriberKeys {
  readonly k: Uint8Array;
  readonly opc: Uint8Array;
  readonly amf: Uint8Array;
}

export interface SubscriberRange {
  /** The first IMSI; the others count up from it with the same number of digits. */
  readonly first: string;
  readonly count: number;
  /** Keys of one subscriber; default `derivedTestKeys` (reproducible, so NOT secret: for tests and labs only). */
  readonly keys?: (imsi: string) => SubscriberKeys;
}

const AMF = Uint8Array.of(0x80, 0x00);

/** K and OPc as SHA-256 of the IMSI (first and second half), AMF 8000: a UE can recompute them from its IMSI. */
export function derivedTestKeys(imsi: string): SubscriberKeys {
  const h = createHash('sha256').update(`dsmip test subscriber ${imsi}`).digest();
  return { k: new Uint8Array(h.subarray(0, 16)), opc: new Uint8Array(h.subarray(16, 32)), amf: AMF };
}

/** The IMSIs of a range, in order. */
export function* imsisOf(range: Pick<SubscriberRange, 'first' | 'count'>): Generator<string> {
  if (!isImsi(range.first)) throw new RangeError(`not an IMSI: ${range.first}`);
  if (!Number.isInteger(range.count) || range.count < 0) throw new RangeError(`bad count ${range.count}`);
  const digits = range.first.length;
  const first = BigInt(range.first);
  if (range.count > 0 && (first + BigInt(range.count - 1)).toString().length > digits) {
    throw new RangeError(`${range.count} IMSIs from ${range.first} do not fit in ${digits} digits`);
  }
  // Numbers stay exact below 2^53, and 15 digits are below 10^15.
  const base = Number(first);
  for (let i = 0; i < range.count; i++) yield (base + i).toString().padStart(digits, '0');
}

/** Writes (replaces) `path` with the subscribers of `range`; nothing is left behind when it fails. */
export function writeSubscriberRange(path: string, range: SubscriberRange): void {
  const keysOf = range.keys ?? derivedTestKeys;
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
    let chunk = '{\n  "subscribers": [';
    let separator = '\n';
    for (const imsi of imsisOf(range)) {
      const { k, opc, amf } = keysOf(imsi);
      chunk += `${separator}    { "imsi": "${imsi}", "k": "${toHex(k)}", "opc": "${toHex(opc)}", "amf": "${toHex(amf)}" }`;
      separator = ',\n';
      if (chunk.length >= 1 << 20) {
        writeAll(fd, chunk);
        chunk = '';
      }
    }
    writeAll(fd, `${chunk}\n  ]\n}\n`);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    syncDirectory(dirname(path));
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    throw e;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}
