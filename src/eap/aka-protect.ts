/**
 * Protection of EAP-AKA messages shared by peer and server: session keys from the AKA result (RFC 4187 §7),
 * AT_MAC on outgoing and incoming packets (§10.15) and the AT_CHECKCODE hash over the identity round (§10.13).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  computeEapAkaMac,
  computeEapAkaPrimeMac,
  deriveEapAkaKeys,
  deriveMasterKey,
  type EapAkaKeys,
} from '../crypto/index.ts';
import { AKA_MAC_BYTES, akaMacInput, akaMacOffset, type EapAkaMessage, encodeEapAka } from '../wire/eap/index.ts';

/** MK = SHA1(Identity ‖ IK ‖ CK), then K_encr, K_aut, MSK, EMSK from the FIPS 186-2 PRF (RFC 4187 §7). */
export function deriveAkaSessionKeys(identity: Uint8Array, ck: Uint8Array, ik: Uint8Array): EapAkaKeys {
  return deriveEapAkaKeys(deriveMasterKey(identity, ik, ck));
}

/**
 * Encodes `m` with AT_MAC appended and filled in: the MAC covers the whole packet with the MAC value zeroed and,
 * for every message this implementation sends, no message-specific data (RFC 4187 §10.15, §9.4, §9.11).
 */
export function encodeAkaWithMac(m: EapAkaMessage, kAut: Uint8Array): Uint8Array {
  const packet = encodeEapAka({
    ...m,
    attributes: [...m.attributes, { kind: 'mac', mac: new Uint8Array(AKA_MAC_BYTES) }],
  });
  const at = akaMacOffset(packet)!; // present: appended above
  packet.set(macFor(kAut, packet), at);
  return packet;
}

/**
 * Checks AT_MAC of a received EAP-AKA packet as received (never a re-encoding: reserved bytes count).
 * A packet whose AT_MAC cannot be located (more than one, bad framing) is 'invalid'.
 */
export function checkAkaMac(packet: Uint8Array, kAut: Uint8Array): 'ok' | 'missing' | 'invalid' {
  let input: ReturnType<typeof akaMacInput>;
  try {
    input = akaMacInput(packet);
  } catch {
    return 'invalid';
  }
  if (input === undefined) return 'missing';
  const want = macFor(kAut, input.zeroed);
  return timingSafeEqual(want, input.mac) ? 'ok' : 'invalid';
}

/**
 * AT_MAC by method, told apart by K_aut's length: 16 octets is EAP-AKA (HMAC-SHA1-128, RFC 4187 §10.15), 32 is
 * EAP-AKA′ (HMAC-SHA-256-128, RFC 5448 §3.4.1).
 */
function macFor(kAut: Uint8Array, packet: Uint8Array): Uint8Array {
  return kAut.length === 32 ? computeEapAkaPrimeMac(kAut, packet) : computeEapAkaMac(kAut, packet);
}

/** The first Length bytes of an EAP packet: what was "transmitted or received" (RFC 3748 §4: the rest is padding). */
export function eapPacketBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes;
  const length = (bytes[2]! << 8) | bytes[3]!;
  return length <= bytes.length ? bytes.subarray(0, length) : bytes;
}

/**
 * The AT_CHECKCODE value for the AKA-Identity packets exchanged so far: empty when there were none, else SHA-1
 * over every request and its response as-is, in transmission order, without framing (RFC 4187 §10.13).
 */
export function computeCheckcode(identityPackets: readonly Uint8Array[], hash: 'sha1' | 'sha256' = 'sha1'): Uint8Array {
  if (identityPackets.length === 0) return new Uint8Array(0);
  // EAP-AKA′ hashes with SHA-256 (RFC 5448 §3.4.1).
  const h = createHash(hash);
  for (const p of identityPackets) h.update(p);
  return new Uint8Array(h.digest());
}

/** Whether a received checkcode matches ours; its length (0 or 20) was checked by the codec. */
export function checkcodeMatches(
  received: Uint8Array,
  identityPackets: readonly Uint8Array[],
  hash: 'sha1' | 'sha256' = 'sha1',
): boolean {
  const want = computeCheckcode(identityPackets, hash);
  if (received.length !== want.length) return false;
  return want.length === 0 || timingSafeEqual(want, received);
}

/** Constant-time equality for secrets of public length (RES against XRES). */
export function secretEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
