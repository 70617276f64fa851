/**
 * Parsing EAP-AKA / EAP-AKA' attributes (RFC 4187 §8.1, §10; RFC 5448 §3.1–3.2; RFC 9048 §4).
 *
 * Every attribute is Type(1) | Length(1, in 4-byte units, counting Type and Length) | Value(≥ 2 bytes).
 * Reserved bytes are ignored on reception, so the MAC and AT_CHECKCODE must be computed over the packet
 * bytes as received (see eap-aka.ts), never over a re-encoding.
 */
import { WireError } from '../../util/errors.ts';
import type { Reader } from '../../util/reader.ts';
import { AKA_BLOCK_BYTES, type AkaAttribute, BIDDING_D_BIT } from './aka-attribute-types.ts';
import {
  AKA_ATTRIBUTE_UNIT_BYTES,
  AKA_AUTS_BYTES,
  AKA_ENCR_BLOCK_BYTES,
  AKA_RES_MAX_BITS,
  AKA_RES_MIN_BITS,
  AkaAttributeType as T,
} from './constants.ts';

export * from './aka-attribute-emit.ts';
export * from './aka-attribute-types.ts';

/** Attributes whose Length is fixed by their RFC, in 4-byte units. */
const FIXED_UNITS: Readonly<Partial<Record<number, number>>> = {
  [T.AT_RAND]: 5,
  [T.AT_AUTN]: 5,
  [T.AT_MAC]: 5,
  [T.AT_IV]: 5,
  [T.AT_NONCE_S]: 5,
  [T.AT_AUTS]: 4,
  [T.AT_PERMANENT_ID_REQ]: 1,
  [T.AT_ANY_ID_REQ]: 1,
  [T.AT_FULLAUTH_ID_REQ]: 1,
  [T.AT_RESULT_IND]: 1,
  [T.AT_COUNTER_TOO_SMALL]: 1,
  [T.AT_NOTIFICATION]: 1,
  [T.AT_COUNTER]: 1,
  [T.AT_CLIENT_ERROR_CODE]: 1,
  [T.AT_KDF]: 1, // RFC 5448 §3.2: "MUST be set to 1"
  [T.AT_BIDDING]: 1, // RFC 9048 §4: "MUST be set to 1"
};

function fail(r: Reader, code: 'BAD_LENGTH' | 'BAD_VALUE', at: number, detail: string): never {
  throw new WireError(code, r.layer, at, detail);
}

/** Parses one attribute; `r` must be positioned at its Type byte. */
export function parseAkaAttribute(r: Reader): AkaAttribute {
  const start = r.absoluteOffset;
  const type = r.u8('attribute type');
  const units = r.u8('attribute length');
  // RFC 4187 §8.1: the value "is always included and it is two or more bytes", so Length 0 is malformed
  // (and would otherwise never advance).
  if (units === 0) fail(r, 'BAD_LENGTH', start + 1, `attribute ${type}: length 0`);
  const v = r.sub(units * AKA_ATTRIBUTE_UNIT_BYTES - 2, `attribute ${type} value`);
  const want = FIXED_UNITS[type];
  if (want !== undefined && units !== want) {
    fail(r, 'BAD_LENGTH', start + 1, `attribute ${type}: length ${units}, must be ${want}`);
  }
  switch (type) {
    case T.AT_RAND:
    case T.AT_AUTN:
    case T.AT_MAC:
    case T.AT_IV:
    case T.AT_NONCE_S: {
      v.skipBytes(2, 'reserved');
      const b = v.bytesCopy(AKA_BLOCK_BYTES, 'value');
      if (type === T.AT_RAND) return { kind: 'rand', rand: b };
      if (type === T.AT_AUTN) return { kind: 'autn', autn: b };
      if (type === T.AT_MAC) return { kind: 'mac', mac: b };
      if (type === T.AT_IV) return { kind: 'iv', iv: b };
      return { kind: 'nonce-s', nonceS: b };
    }
    case T.AT_PERMANENT_ID_REQ:
      return { kind: 'permanent-id-req' };
    case T.AT_ANY_ID_REQ:
      return { kind: 'any-id-req' };
    case T.AT_FULLAUTH_ID_REQ:
      return { kind: 'fullauth-id-req' };
    case T.AT_RESULT_IND:
      return { kind: 'result-ind' };
    case T.AT_COUNTER_TOO_SMALL:
      return { kind: 'counter-too-small' };
    case T.AT_IDENTITY:
      return { kind: 'identity', identity: parseActualLengthValue(v, start) };
    case T.AT_NEXT_PSEUDONYM:
      return { kind: 'next-pseudonym', pseudonym: parseActualLengthValue(v, start) };
    case T.AT_NEXT_REAUTH_ID:
      return { kind: 'next-reauth-id', reauthId: parseActualLengthValue(v, start) };
    case T.AT_KDF_INPUT:
      return { kind: 'kdf-input', networkName: parseActualLengthValue(v, start) };
    case T.AT_NOTIFICATION:
      return { kind: 'notification', code: v.u16('notification code') };
    case T.AT_COUNTER:
      return { kind: 'counter', counter: v.u16('counter') };
    case T.AT_CLIENT_ERROR_CODE:
      return { kind: 'client-error-code', clientErrorCode: v.u16('client error code') };
    case T.AT_KDF:
      return { kind: 'kdf', kdf: v.u16('kdf') };
    case T.AT_BIDDING: // reserved bits are ignored on receipt (RFC 9048 §4)
      return { kind: 'bidding', prefersAkaPrime: (v.u16('bidding') & BIDDING_D_BIT) !== 0 };
    case T.AT_AUTS:
      return { kind: 'auts', auts: v.bytesCopy(AKA_AUTS_BYTES, 'AUTS') };
    case T.AT_RES:
      return parseRes(v, start);
    case T.AT_PADDING:
      return parsePadding(v, start, units);
    case T.AT_ENCR_DATA: {
      v.skipBytes(2, 'reserved');
      // AES-CBC ciphertext is whole blocks (RFC 4187 §10.12: plaintext padded to a multiple of 16 bytes).
      if (v.remaining % AKA_ENCR_BLOCK_BYTES !== 0) {
        fail(r, 'BAD_LENGTH', start + 1, `AT_ENCR_DATA: ${v.remaining} bytes is not a multiple of 16`);
      }
      return { kind: 'encr-data', encryptedData: v.bytesCopy(v.remaining, 'encrypted data') };
    }
    case T.AT_CHECKCODE: {
      // RFC 4187 §10.13: 2 reserved bytes then no checkcode or a 20-byte SHA-1 value; EAP-AKA′ uses a 32-byte
      // SHA-256 value (RFC 5448 §3.4.1).
      if (units !== 1 && units !== 6 && units !== 9) {
        fail(r, 'BAD_LENGTH', start + 1, `AT_CHECKCODE: length ${units}, must be 1, 6 or 9`);
      }
      v.skipBytes(2, 'reserved');
      return { kind: 'checkcode', checkcode: v.bytesCopy(v.remaining, 'checkcode') };
    }
    default:
      return { kind: 'unknown', type, data: v.bytesCopy(v.remaining, 'value') };
  }
}

/** 2-byte actual length, that many bytes, then 0–3 pad bytes to the 4-byte boundary (RFC 4187 §10.5). */
function parseActualLengthValue(v: Reader, start: number): Uint8Array {
  const actual = v.u16('actual length');
  const room = v.remaining;
  if (actual > room || room - actual >= AKA_ATTRIBUTE_UNIT_BYTES) {
    fail(v, 'BAD_LENGTH', start + 2, `actual length ${actual} does not fit a ${room}-byte field padded to 4 bytes`);
  }
  const out = v.bytesCopy(actual, 'value');
  v.skipBytes(v.remaining, 'padding'); // "the sender pads ... with zero bytes"; the receiver is not told to check them
  return out;
}

/** RFC 4187 §10.8: RES Length in bits (32–128), RES, zero bits up to the 4-byte boundary. */
function parseRes(v: Reader, start: number): AkaAttribute {
  const bits = v.u16('RES length');
  if (bits < AKA_RES_MIN_BITS || bits > AKA_RES_MAX_BITS) {
    fail(v, 'BAD_VALUE', start + 2, `RES length ${bits} bits is outside 32..128`);
  }
  const n = (bits + 7) >>> 3;
  const room = v.remaining;
  if (n > room || room - n >= AKA_ATTRIBUTE_UNIT_BYTES) {
    fail(v, 'BAD_LENGTH', start + 1, `AT_RES length does not match a ${bits}-bit RES`);
  }
  const res = v.bytesCopy(n, 'RES');
  v.skipBytes(v.remaining, 'padding');
  return { kind: 'res', resLengthBits: bits, res };
}

/** RFC 4187 §10.12: 4, 8 or 12 bytes in all, and "the recipient MUST verify that the pad bytes are set to zero". */
function parsePadding(v: Reader, start: number, units: number): AkaAttribute {
  if (units > 3) fail(v, 'BAD_LENGTH', start + 1, `AT_PADDING: length ${units}, must be 1..3`);
  const pad = v.bytes(v.remaining, 'padding');
  for (let i = 0; i < pad.length; i++) {
    if (pad[i] !== 0) fail(v, 'BAD_VALUE', start + 2 + i, 'AT_PADDING: non-zero pad byte');
  }
  return { kind: 'padding', lengthBytes: units * AKA_ATTRIBUTE_UNIT_BYTES };
}

/** Parses attributes until `r` is exhausted (an EAP-AKA body, or the decrypted AT_ENCR_DATA plaintext). */
export function parseAkaAttributes(r: Reader): AkaAttribute[] {
  const out: AkaAttribute[] = [];
  // Each iteration consumes at least 4 bytes (length 0 is rejected), so the loop always ends.
  while (!r.atEnd()) out.push(parseAkaAttribute(r));
  return out;
}
