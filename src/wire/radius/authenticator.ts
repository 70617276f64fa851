/**
 * The RADIUS integrity checks: Response Authenticator (RFC 2865 §3), Accounting-Request Authenticator (RFC 2866
 * §3), Message-Authenticator (RFC 2869 §5.14, RFC 3579 §3.2) and User-Password hiding (RFC 2865 §5.2). Pure
 * functions of bytes and the shared secret; the Request Authenticator's randomness comes from the caller.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { RADIUS_AUTHENTICATOR_LENGTH, RADIUS_HEADER_LENGTH, RadiusAttributeType, RadiusCode } from './constants.ts';
import { encodeRadius, type RadiusPacket } from './packet.ts';

/** Codes whose header Authenticator is the requester's own (random, or the RFC 2866 digest). */
export function isRadiusRequest(code: number): boolean {
  return (
    code === RadiusCode.ACCESS_REQUEST ||
    code === RadiusCode.ACCOUNTING_REQUEST ||
    code === RadiusCode.STATUS_SERVER ||
    code === RadiusCode.STATUS_CLIENT
  );
}

const md5 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** Offsets of every Message-Authenticator value in an encoded packet (walks the attribute list, no checks). */
function messageAuthenticatorOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const end = Math.min(bytes.length, ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0));
  for (let p = RADIUS_HEADER_LENGTH; p + 2 <= end; ) {
    const len = bytes[p + 1]!;
    if (len < 2) break;
    if (bytes[p] === RadiusAttributeType.MESSAGE_AUTHENTICATOR && len === 18 && p + len <= end) out.push(p + 2);
    p += len;
  }
  return out;
}

/**
 * HMAC-MD5 keyed by the secret over the packet with the Message-Authenticator value zeroed and, in a response,
 * the Request Authenticator in the header (RFC 3579 §3.2). `bytes` is not changed.
 */
function computeMessageAuthenticator(
  bytes: Uint8Array,
  valueOffset: number,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array | undefined,
): Uint8Array {
  const length = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const copy = new Uint8Array(bytes.subarray(0, length));
  copy.fill(0, valueOffset, valueOffset + RADIUS_AUTHENTICATOR_LENGTH);
  if (requestAuthenticator) copy.set(requestAuthenticator, 4);
  return new Uint8Array(createHmac('md5', secret).update(copy).digest());
}

/**
 * Encodes and signs a packet. Requests keep `packet.authenticator` (the caller's 16 random octets), except an
 * Accounting-Request, whose Authenticator is the RFC 2866 §3 digest. Responses get the Response Authenticator
 * MD5(Code|Identifier|Length|RequestAuth|Attributes|Secret) (RFC 2865 §3) and need `requestAuthenticator`.
 * A Message-Authenticator attribute present in `packet` (any value) is filled in first (RFC 3579 §3.2: it is
 * computed with the Request Authenticator in the header, before the Response Authenticator).
 */
export function encodeSignedRadius(
  packet: RadiusPacket,
  secret: Uint8Array,
  requestAuthenticator?: Uint8Array,
): Uint8Array {
  const request = isRadiusRequest(packet.code);
  if (!request && requestAuthenticator?.length !== RADIUS_AUTHENTICATOR_LENGTH) {
    throw new RangeError('a RADIUS response needs the 16-octet Request Authenticator');
  }
  const bytes = encodeRadius(packet);
  const accounting = packet.code === RadiusCode.ACCOUNTING_REQUEST;
  if (accounting) bytes.fill(0, 4, 4 + RADIUS_AUTHENTICATOR_LENGTH);
  for (const at of messageAuthenticatorOffsets(bytes)) {
    const headerAuth = request ? (accounting ? new Uint8Array(16) : undefined) : requestAuthenticator;
    bytes.set(computeMessageAuthenticator(bytes, at, secret, headerAuth), at);
  }
  if (accounting) bytes.set(md5(bytes, secret), 4);
  else if (!request) {
    bytes.set(requestAuthenticator!, 4);
    bytes.set(md5(bytes, secret), 4);
  }
  return bytes;
}

/** RFC 2865 §3: a response's Authenticator must be MD5(Code|Identifier|Length|RequestAuth|Attributes|Secret). */
export function verifyResponseAuthenticator(
  bytes: Uint8Array,
  requestAuthenticator: Uint8Array,
  secret: Uint8Array,
): boolean {
  if (bytes.length < RADIUS_HEADER_LENGTH) return false;
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (length > bytes.length || length < RADIUS_HEADER_LENGTH) return false;
  const copy = new Uint8Array(bytes.subarray(0, length));
  copy.set(requestAuthenticator, 4);
  return timingSafeEqual(md5(copy, secret), bytes.subarray(4, 20));
}

export type MessageAuthenticatorCheck = 'ok' | 'missing' | 'bad' | 'duplicate';

/**
 * Checks the Message-Authenticator of a received packet (RFC 3579 §3.2). For a response pass the Request
 * Authenticator of the request it answers. More than one Message-Authenticator is refused ('duplicate'): RFC 2869
 * §5.19 allows at most one per packet.
 */
export function checkMessageAuthenticator(
  bytes: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator?: Uint8Array,
): MessageAuthenticatorCheck {
  const at = messageAuthenticatorOffsets(bytes);
  if (at.length === 0) return 'missing';
  if (at.length > 1) return 'duplicate';
  const expected = computeMessageAuthenticator(bytes, at[0]!, secret, requestAuthenticator);
  return timingSafeEqual(expected, bytes.subarray(at[0]!, at[0]! + 16)) ? 'ok' : 'bad';
}

/**
 * User-Password hiding (RFC 2865 §5.2): the password padded with NULs to a multiple of 16, XORed with the chain
 * b1 = MD5(S + RA), bi = MD5(S + c(i-1)). At most 128 octets.
 */
export function hideUserPassword(
  password: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Uint8Array {
  if (password.length > 128) throw new RangeError('User-Password longer than 128 octets');
  const padded = new Uint8Array(Math.max(16, Math.ceil(password.length / 16) * 16));
  padded.set(password);
  return md5Chain(padded, secret, requestAuthenticator, 'encrypt');
}

/** Reverses hideUserPassword; trailing NULs are removed. */
export function recoverUserPassword(
  hidden: Uint8Array,
  secret: Uint8Array,
  requestAuthenticator: Uint8Array,
): Uint8Array {
  const plain = md5Chain(hidden, secret, requestAuthenticator, 'decrypt');
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return plain.subarray(0, end);
}

/**
 * The MD5 stream of RFC 2865 §5.2 and RFC 2548 §2.4.2: block i is XORed with MD5(secret + previous ciphertext
 * block), the first "previous block" being `iv` (the Request Authenticator, plus the Salt for MS-MPPE keys).
 * `data.length` is a multiple of 16.
 */
export function md5Chain(
  data: Uint8Array,
  secret: Uint8Array,
  iv: Uint8Array,
  mode: 'encrypt' | 'decrypt',
): Uint8Array {
  const out = new Uint8Array(data.length);
  let previous = iv;
  for (let i = 0; i < data.length; i += 16) {
    const b = md5(secret, previous);
    for (let j = 0; j < 16; j++) out[i + j] = data[i + j]! ^ b[j]!;
    previous = mode === 'encrypt' ? out.subarray(i, i + 16) : data.subarray(i, i + 16);
  }
  return out;
}
