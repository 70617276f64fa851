/**
 * Writing EAP-AKA / EAP-AKA' attributes (RFC 4187 §8.1, §10): reserved bytes and padding are written as zeros.
 */
import type { Writer } from '../../util/writer.ts';
import {
  AKA_BLOCK_BYTES,
  type AkaAttribute,
  type AkaBlockAttribute,
  type AkaTextAttribute,
  akaAttributeType,
  BIDDING_D_BIT,
} from './aka-attribute-types.ts';
import {
  AKA_ATTRIBUTE_UNIT_BYTES,
  AKA_AUTS_BYTES,
  AKA_CHECKCODE_BYTES,
  AKA_ENCR_BLOCK_BYTES,
  AKA_MAX_ATTRIBUTE_BYTES,
  AKA_PRIME_CHECKCODE_BYTES,
  AKA_RES_MAX_BITS,
  AKA_RES_MIN_BITS,
} from './constants.ts';

/** Bytes `a` occupies on the wire (a multiple of 4). */
export function akaAttributeLength(a: AkaAttribute): number {
  switch (a.kind) {
    case 'rand':
    case 'autn':
    case 'mac':
    case 'iv':
    case 'nonce-s':
      return 20;
    case 'permanent-id-req':
    case 'any-id-req':
    case 'fullauth-id-req':
    case 'result-ind':
    case 'counter-too-small':
    case 'notification':
    case 'counter':
    case 'client-error-code':
    case 'kdf':
    case 'bidding':
      return 4;
    case 'identity':
    case 'next-pseudonym':
    case 'next-reauth-id':
    case 'kdf-input':
      return padTo4(4 + textOf(a).length);
    case 'res':
      return padTo4(4 + a.res.length);
    case 'auts':
      return 16;
    case 'padding':
      return a.lengthBytes;
    case 'encr-data':
      return 4 + a.encryptedData.length;
    case 'checkcode':
      return 4 + a.checkcode.length;
    case 'unknown':
      return 2 + a.data.length;
  }
}

/** Writes `a`; throws RangeError for values no peer may send (wrong sizes, over-long attributes). */
export function emitAkaAttribute(a: AkaAttribute, w: Writer): void {
  const len = akaAttributeLength(a);
  if (len % AKA_ATTRIBUTE_UNIT_BYTES !== 0 || len > AKA_MAX_ATTRIBUTE_BYTES || len < AKA_ATTRIBUTE_UNIT_BYTES) {
    throw new RangeError(`${a.kind}: attribute length ${len} is not a multiple of 4 in 4..1020`);
  }
  w.u8(akaAttributeType(a)).u8(len / AKA_ATTRIBUTE_UNIT_BYTES);
  switch (a.kind) {
    case 'rand':
    case 'autn':
    case 'mac':
    case 'iv':
    case 'nonce-s': {
      const b = blockOf(a);
      if (b.length !== AKA_BLOCK_BYTES) throw new RangeError(`${a.kind}: value must be 16 bytes, got ${b.length}`);
      w.u16(0).bytes(b);
      return;
    }
    case 'permanent-id-req':
    case 'any-id-req':
    case 'fullauth-id-req':
    case 'result-ind':
    case 'counter-too-small':
      w.u16(0);
      return;
    case 'notification':
      w.u16(checkU16(a.code, a.kind));
      return;
    case 'counter':
      w.u16(checkU16(a.counter, a.kind));
      return;
    case 'client-error-code':
      w.u16(checkU16(a.clientErrorCode, a.kind));
      return;
    case 'kdf':
      w.u16(checkU16(a.kdf, a.kind));
      return;
    case 'bidding':
      w.u16(a.prefersAkaPrime ? BIDDING_D_BIT : 0);
      return;
    case 'identity':
    case 'next-pseudonym':
    case 'next-reauth-id':
    case 'kdf-input': {
      const t = textOf(a);
      w.u16(t.length)
        .bytes(t)
        .zeros(len - 4 - t.length);
      return;
    }
    case 'res': {
      const bits = a.resLengthBits;
      if (!Number.isInteger(bits) || bits < AKA_RES_MIN_BITS || bits > AKA_RES_MAX_BITS) {
        throw new RangeError(`res: ${bits} bits is outside 32..128`);
      }
      if (a.res.length !== (bits + 7) >>> 3) throw new RangeError(`res: ${a.res.length} bytes for ${bits} bits`);
      w.u16(bits)
        .bytes(a.res)
        .zeros(len - 4 - a.res.length);
      return;
    }
    case 'auts':
      if (a.auts.length !== AKA_AUTS_BYTES) throw new RangeError(`auts: must be 14 bytes, got ${a.auts.length}`);
      w.bytes(a.auts);
      return;
    case 'padding':
      if (len > 12) throw new RangeError(`padding: ${len} bytes, must be 4, 8 or 12`);
      w.zeros(len - 2);
      return;
    case 'encr-data':
      if (a.encryptedData.length % AKA_ENCR_BLOCK_BYTES !== 0) {
        throw new RangeError(`encr-data: ${a.encryptedData.length} bytes is not whole AES blocks`);
      }
      w.u16(0).bytes(a.encryptedData);
      return;
    case 'checkcode':
      if (![0, AKA_CHECKCODE_BYTES, AKA_PRIME_CHECKCODE_BYTES].includes(a.checkcode.length)) {
        throw new RangeError(`checkcode: must be 0, 20 or 32 bytes, got ${a.checkcode.length}`);
      }
      w.u16(0).bytes(a.checkcode);
      return;
    case 'unknown':
      if (!Number.isInteger(a.type) || a.type < 0 || a.type > 255) throw new RangeError(`unknown: type ${a.type}`);
      w.bytes(a.data);
      return;
  }
}

export function emitAkaAttributes(list: readonly AkaAttribute[], w: Writer): void {
  for (const a of list) emitAkaAttribute(a, w);
}

export function akaAttributesLength(list: readonly AkaAttribute[]): number {
  let n = 0;
  for (const a of list) n += akaAttributeLength(a);
  return n;
}

function padTo4(n: number): number {
  return (n + 3) & ~3;
}

function checkU16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${what}: ${v} is not a 16-bit value`);
  return v;
}

function blockOf(a: AkaBlockAttribute): Uint8Array {
  switch (a.kind) {
    case 'rand':
      return a.rand;
    case 'autn':
      return a.autn;
    case 'mac':
      return a.mac;
    case 'iv':
      return a.iv;
    case 'nonce-s':
      return a.nonceS;
  }
}

function textOf(a: AkaTextAttribute): Uint8Array {
  switch (a.kind) {
    case 'identity':
      return a.identity;
    case 'next-pseudonym':
      return a.pseudonym;
    case 'next-reauth-id':
      return a.reauthId;
    case 'kdf-input':
      return a.networkName;
  }
}
