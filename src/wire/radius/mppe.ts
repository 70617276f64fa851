/**
 * MS-MPPE-Send-Key and MS-MPPE-Recv-Key (RFC 2548 §2.4.2, §2.4.3): Vendor-Specific (311) attributes that carry
 * the MSK halves in an Access-Accept (RFC 3579 §3.1 practice). Value: Salt(2, high bit set, unique per packet) |
 * String, where String = Key-Length(1) | Key | zero padding to a multiple of 16, encrypted with the MD5 chain keyed
 * by the secret: b1 = MD5(S + R + A), bi = MD5(S + c(i-1)) (R = Request Authenticator, A = Salt).
 */
import { copyBytes } from '../../util/bytes.ts';
import { WireError } from '../../util/errors.ts';
import { md5Chain } from './authenticator.ts';
import { MICROSOFT_VENDOR_ID, MicrosoftVendorType } from './constants.ts';
import type { RadiusAttribute, RadiusPacket } from './packet.ts';
import { findVendorSubAttributes, vendorSpecific } from './vendor.ts';

/** Salt (2) + encrypted String; the String holds Key-Length + Key, padded to 16-octet blocks. */
export function encryptMppeKey(
  key: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
  salt: number,
): Uint8Array {
  if (key.length > 239) throw new RangeError('MPPE key longer than fits in one attribute');
  // §2.4.2: "The most significant bit (leftmost) of the Salt field MUST be set (1)."
  const saltBytes = Uint8Array.of(0x80 | ((salt >>> 8) & 0x7f), salt & 0xff);
  const plain = new Uint8Array(Math.ceil((key.length + 1) / 16) * 16);
  plain[0] = key.length;
  plain.set(key, 1);
  const iv = new Uint8Array(18);
  iv.set(requestAuthenticator);
  iv.set(saltBytes, 16);
  const out = new Uint8Array(2 + plain.length);
  out.set(saltBytes);
  out.set(md5Chain(plain, secret, iv, 'encrypt'), 2);
  return out;
}

/**
 * Decrypts one MS-MPPE key value. A value that is not Salt + n·16 octets (n ≥ 1) is BAD_LENGTH; a Salt without
 * its high bit, or a Key-Length beyond the decrypted String, is BAD_VALUE (wrong secret or Request Authenticator).
 * `offset` is where the value sits in the packet, for the error report.
 */
export function decryptMppeKey(
  value: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
  offset = 0,
): Uint8Array {
  if (value.length < 18 || (value.length - 2) % 16 !== 0) {
    throw new WireError('BAD_LENGTH', 'radius', offset, `MS-MPPE key value of ${value.length} octets`);
  }
  if ((value[0]! & 0x80) === 0) throw new WireError('BAD_VALUE', 'radius', offset, 'MS-MPPE Salt without its high bit');
  const iv = new Uint8Array(18);
  iv.set(requestAuthenticator);
  iv.set(value.subarray(0, 2), 16);
  const plain = md5Chain(value.subarray(2), secret, iv, 'decrypt');
  const keyLength = plain[0]!;
  if (keyLength > plain.length - 1) {
    throw new WireError('BAD_VALUE', 'radius', offset + 2, `MS-MPPE Key-Length ${keyLength} beyond the String`);
  }
  return copyBytes(plain, 1, 1 + keyLength);
}

/** The two MPPE attributes of an Access-Accept; salts must differ within one packet (§2.4.2 "unique"). */
export function mppeKeyAttributes(
  keys: { readonly send: Uint8Array; readonly recv: Uint8Array },
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
  salt: number,
): RadiusAttribute[] {
  const s = salt & 0x7ffe;
  return [
    vendorSpecific(MICROSOFT_VENDOR_ID, [
      {
        vendorType: MicrosoftVendorType.MS_MPPE_SEND_KEY,
        value: encryptMppeKey(keys.send, secret, requestAuthenticator, s),
      },
    ]),
    vendorSpecific(MICROSOFT_VENDOR_ID, [
      {
        vendorType: MicrosoftVendorType.MS_MPPE_RECV_KEY,
        value: encryptMppeKey(keys.recv, secret, requestAuthenticator, s | 1),
      },
    ]),
  ];
}

/** Both MPPE keys of a packet decrypted, or undefined when either is absent; malformed values throw WireError. */
export function findMppeKeys(
  packet: RadiusPacket,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): { readonly send: Uint8Array; readonly recv: Uint8Array } | undefined {
  const subs = findVendorSubAttributes(packet, MICROSOFT_VENDOR_ID);
  const send = subs.find((s) => s.vendorType === MicrosoftVendorType.MS_MPPE_SEND_KEY);
  const recv = subs.find((s) => s.vendorType === MicrosoftVendorType.MS_MPPE_RECV_KEY);
  if (!send || !recv) return undefined;
  return {
    send: decryptMppeKey(send.value, secret, requestAuthenticator),
    recv: decryptMppeKey(recv.value, secret, requestAuthenticator),
  };
}
