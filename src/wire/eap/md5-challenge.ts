/**
 * EAP-MD5-Challenge Type-Data (RFC 3748 §5.4, which takes the CHAP format of RFC 1994 §4.1):
 *   Value-Size (1) | Value (Value-Size octets) | Name (the rest)
 * In a Request the Value is the challenge, in a Response the 16-octet MD5 digest; Name is optional text.
 */
import { Reader } from '../../util/reader.ts';

export interface Md5ChallengeData {
  readonly value: Uint8Array;
  readonly name: Uint8Array;
}

/** Value-Size 0 is BAD_LENGTH: RFC 1994 §4.1 "Value-Size … is at least one octet"; a short Value is TRUNCATED. */
export function parseMd5Challenge(r: Reader): Md5ChallengeData {
  const at = r.offset;
  const size = r.u8('Value-Size');
  if (size === 0) r.fail('BAD_LENGTH', 'EAP-MD5 Value-Size 0 (RFC 1994 §4.1: at least one octet)', at);
  const value = r.bytesCopy(size, 'Value');
  const name = r.bytesCopy(r.remaining, 'Name');
  return { value, name };
}

export function decodeMd5Challenge(typeData: Uint8Array): Md5ChallengeData {
  return parseMd5Challenge(Reader.of(typeData, 'eap'));
}

export function encodeMd5Challenge(v: Md5ChallengeData): Uint8Array {
  if (v.value.length < 1 || v.value.length > 255) throw new RangeError('EAP-MD5 Value must be 1-255 octets');
  const out = new Uint8Array(1 + v.value.length + v.name.length);
  out[0] = v.value.length;
  out.set(v.value, 1);
  out.set(v.name, 1 + v.value.length);
  return out;
}
