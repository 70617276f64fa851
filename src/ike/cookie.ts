/**
 * Stateless cookies against half-open floods (RFC 7296 §2.6): Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi |
 * <secret>), here with SHA-256. The responder keeps no state until the initiator returns the cookie.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IpAddress } from '../util/ip-address.ts';

/** A cookie secret and the version byte that names it, so a rotated secret is still recognised (§2.6). */
export interface CookieSecret {
  readonly version: number;
  readonly secret: Uint8Array;
}

export const COOKIE_LENGTH = 33;

export function computeCookie(s: CookieSecret, ni: Uint8Array, initiatorAddr: IpAddress, spiI: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(ni).update(initiatorAddr.bytes).update(spiI).update(s.secret).digest();
  const out = new Uint8Array(COOKIE_LENGTH);
  out[0] = s.version & 0xff;
  out.set(h, 1);
  return out;
}

/** True when `cookie` was made by one of `secrets` (the current one or the one it replaced) for this initiator. */
export function verifyCookie(
  secrets: readonly CookieSecret[],
  cookie: Uint8Array,
  ni: Uint8Array,
  initiatorAddr: IpAddress,
  spiI: Uint8Array,
): boolean {
  if (cookie.length !== COOKIE_LENGTH) return false;
  const s = secrets.find((x) => (x.version & 0xff) === cookie[0]);
  if (!s) return false;
  return timingSafeEqual(computeCookie(s, ni, initiatorAddr, spiI), cookie);
}
