/**
 * ESP outbound and inbound processing for one SA (RFC 4303 §3.3, §3.4): AES-CBC (RFC 3602) with
 * HMAC-SHA1-96 (RFC 2404) or HMAC-SHA2-256-128 (RFC 4868), and AES-GCM with a 16-byte ICV (RFC 4106).
 *
 * Sealing writes SPI ‖ Sequence ‖ IV ‖ ciphertext ‖ ICV into one buffer, feeding the cipher the payload and a
 * small trailer (padding, Pad Length, Next Header) separately, so the plaintext is never copied into a packet
 * first. Opening never throws for peer input: every failure is a typed, counted result.
 *
 * IVs: CBC takes 16 bytes from the SA's injected random source (RFC 3602 §3: unpredictable). GCM uses the
 * 64-bit sequence counter (RFC 4106 §3.1: any scheme that never repeats an IV under one key; the counter never
 * repeats because the SA refuses to send before it would cycle, RFC 4303 §3.3.3).
 */
import { type CipherGCMTypes, createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { EspNextHeader } from '../wire/esp/constants.ts';
import { packetBytes } from './packet-bytes.ts';
import type { EspDropReason, EspSa, EspSealRefusal } from './sa.ts';

export type EspSealResult =
  | { readonly ok: true; readonly packet: Uint8Array; readonly sequence: number }
  | { readonly ok: false; readonly reason: EspSealRefusal };

export type EspOpenResult =
  | {
      readonly ok: true;
      readonly sa: EspSa;
      /** The protocol of `data` (RFC 4303 §2.6): 135 MH in transport mode, 4 or 41 in tunnel mode. */
      readonly nextHeader: number;
      /** The payload: upper-layer bytes (transport) or the inner IP packet (tunnel); a view, padding removed. */
      readonly data: Uint8Array;
      /** The full sequence number (with ESN, the 64-bit counter). */
      readonly sequence: number;
    }
  | { readonly ok: false; readonly reason: EspDropReason; readonly spi: number; readonly sequence?: number };

const HEADER_LENGTH = 8; // SPI ‖ Sequence Number (RFC 4303 §2)
const TRAILER_LENGTH = 2; // Pad Length ‖ Next Header
const GCM_TAG_LENGTH = 16;
const TWO_32 = 0x1_0000_0000;

// Scratch buffers: processing is synchronous, and node:crypto copies nonces, AAD and tags when it is handed them.
const nonceScratch = new Uint8Array(12);
const aadScratch = new Uint8Array(8);
const esnAadScratch = new Uint8Array(12);
const tagScratch = new Uint8Array(GCM_TAG_LENGTH);
const seqHighScratch = new Uint8Array(4);
/** Read-only options for every GCM cipher: one object, not one per packet. */
const GCM_OPTIONS = { authTagLength: GCM_TAG_LENGTH } as const;

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** GCM nonce = salt ‖ explicit IV (RFC 4106 §4), the IV being the 8 bytes of `packet` at `ivAt`. */
function gcmNonce(sa: EspSa, packet: Uint8Array, ivAt: number): Uint8Array {
  const salt = sa.salt;
  for (let i = 0; i < 4; i++) nonceScratch[i] = salt[i]!;
  for (let i = 0; i < 8; i++) nonceScratch[4 + i] = packet[ivAt + i]!;
  return nonceScratch;
}

/**
 * GCM AAD: SPI ‖ Sequence, or SPI ‖ ESN high ‖ ESN low (RFC 4106 §5). Without ESN that is the packet's first
 * eight bytes as they stand.
 */
function gcmAad(sa: EspSa, packet: Uint8Array, high: number, low: number): Uint8Array {
  if (!sa.esn) {
    for (let i = 0; i < HEADER_LENGTH; i++) aadScratch[i] = packet[i]!;
    return aadScratch;
  }
  writeU32(esnAadScratch, 0, sa.spi);
  writeU32(esnAadScratch, 4, high);
  writeU32(esnAadScratch, 8, low);
  return esnAadScratch;
}

/** HMAC over SPI … Next Header, with the ESN high half appended when ESN is on (RFC 4303 §2.2.1, §3.3.2.1). */
function hmacIcv(sa: EspSa, covered: Uint8Array, high: number): Uint8Array {
  const h = createHmac(sa.integHash!, sa.integKey!).update(covered);
  if (sa.esn) {
    writeU32(seqHighScratch, 0, high);
    h.update(seqHighScratch);
  }
  return h.digest().subarray(0, sa.icvLength);
}

function isTunnelPayload(nextHeader: number): boolean {
  return (
    nextHeader === EspNextHeader.IPV4 ||
    nextHeader === EspNextHeader.IPV6 ||
    nextHeader === EspNextHeader.NO_NEXT_HEADER
  );
}

/**
 * Protects `data` (upper-layer bytes in transport mode, a whole IP packet in tunnel mode) as one ESP packet
 * (RFC 4303 §3.3). Refuses, with a counted reason, once the SA's hard lifetime was reached or when the sequence
 * counter would cycle. A non-outbound SA or a Next Header that the mode cannot carry is the caller's bug
 * (RangeError).
 */
export function sealEsp(sa: EspSa, nextHeader: number, data: Uint8Array): EspSealResult {
  if (sa.direction !== 'outbound') throw new RangeError(`SA ${sa.spi} is not outbound`);
  if (!Number.isInteger(nextHeader) || nextHeader < 0 || nextHeader > 255)
    throw new RangeError(`next header ${nextHeader}`);
  if (sa.mode === 'tunnel' && !isTunnelPayload(nextHeader)) {
    throw new RangeError(`tunnel-mode SA ${sa.spi} carries IP packets, not protocol ${nextHeader}`);
  }
  if (!sa.usable) {
    sa.refuse('sa-expired');
    return { ok: false, reason: 'sa-expired' };
  }
  const sequence = sa.takeSequence();
  if (sequence < 0) {
    sa.refuse('sequence-exhausted');
    return { ok: false, reason: 'sequence-exhausted' };
  }
  const low = sequence % TWO_32;
  const high = Math.floor(sequence / TWO_32);
  // RFC 4303 §2.4: pad so the plaintext is whole cipher blocks and Next Header ends on a 4-byte boundary.
  const padLength = (sa.alignment - ((data.length + TRAILER_LENGTH) % sa.alignment)) % sa.alignment;
  const cipherStart = HEADER_LENGTH + sa.ivLength;
  const icvAt = cipherStart + data.length + padLength + TRAILER_LENGTH;
  const out = packetBytes(icvAt + sa.icvLength);
  writeU32(out, 0, sa.spi);
  writeU32(out, 4, low);
  // The plaintext (payload, default padding 1, 2, 3, …, Pad Length, Next Header) goes where its ciphertext will
  // be, so the cipher is fed once and nothing is copied twice.
  out.set(data, cipherStart);
  let at = cipherStart + data.length;
  for (let i = 1; i <= padLength; i++) out[at++] = i;
  out[at++] = padLength;
  out[at] = nextHeader;
  const plaintext = out.subarray(cipherStart, icvAt);
  if (sa.aead) {
    writeU32(out, HEADER_LENGTH, high);
    writeU32(out, HEADER_LENGTH + 4, low);
    const c = createCipheriv(
      sa.cipherName as CipherGCMTypes,
      sa.cipherKey,
      gcmNonce(sa, out, HEADER_LENGTH),
      GCM_OPTIONS,
    );
    c.setAAD(gcmAad(sa, out, high, low));
    out.set(c.update(plaintext), cipherStart);
    c.final(); // GCM holds nothing back: emits no bytes, computes the tag
    out.set(c.getAuthTag(), icvAt);
  } else {
    const random = sa.random(sa.ivLength);
    if (random.length !== sa.ivLength) throw new RangeError(`random source gave ${random.length} bytes`);
    out.set(random, HEADER_LENGTH);
    const c = createCipheriv(sa.cipherName, sa.cipherKey, random).setAutoPadding(false);
    out.set(c.update(plaintext), cipherStart);
    c.final(); // whole blocks, no padding added: emits nothing
    out.set(hmacIcv(sa, out.subarray(0, icvAt), high), icvAt);
  }
  sa.record(data.length);
  return { ok: true, packet: out, sequence };
}

function dropped(sa: EspSa, reason: EspDropReason, sequence?: number): EspOpenResult {
  sa.drop(reason, sequence);
  return sequence === undefined ? { ok: false, reason, spi: sa.spi } : { ok: false, reason, spi: sa.spi, sequence };
}

/**
 * Inbound processing of one ESP packet (SPI through ICV) on the SA its SPI selected (RFC 4303 §3.4): replay
 * pre-check, then integrity (HMAC before decryption, RFC 4303 §3.4.4; GCM's tag during it), then the window
 * update (only for authenticated packets, §3.4.3), then the trailer. Never throws for any `packet`.
 */
export function openEsp(sa: EspSa, packet: Uint8Array): EspOpenResult {
  if (sa.direction !== 'inbound') throw new RangeError(`SA ${sa.spi} is not inbound`);
  const n = packet.length;
  if (n < HEADER_LENGTH) return dropped(sa, 'malformed');
  if (readU32(packet, 0) !== sa.spi) return { ok: false, reason: 'unknown-spi', spi: readU32(packet, 0) };
  const low = readU32(packet, 4);
  if (!sa.usable) return dropped(sa, 'sa-expired', low);
  const sequence = sa.replay.inferSequence(low, sa.esn);
  if (sequence < 0 || !sa.replay.check(sequence)) return dropped(sa, 'replay', low);
  const cipherStart = HEADER_LENGTH + sa.ivLength;
  const cipherLength = n - cipherStart - sa.icvLength;
  if (cipherLength < TRAILER_LENGTH || cipherLength % sa.cipherBlock !== 0) return dropped(sa, 'malformed', sequence);
  const high = Math.floor(sequence / TWO_32);
  const icvAt = cipherStart + cipherLength;
  const ciphertext = packet.subarray(cipherStart, icvAt);

  let plain: Uint8Array;
  if (sa.aead) {
    const d = createDecipheriv(
      sa.cipherName as CipherGCMTypes,
      sa.cipherKey,
      gcmNonce(sa, packet, HEADER_LENGTH),
      GCM_OPTIONS,
    );
    for (let i = 0; i < GCM_TAG_LENGTH; i++) tagScratch[i] = packet[icvAt + i]!;
    d.setAuthTag(tagScratch);
    d.setAAD(gcmAad(sa, packet, high, low));
    plain = d.update(ciphertext);
    try {
      d.final();
    } catch {
      return dropped(sa, 'auth-failed', sequence);
    }
  } else {
    const want = hmacIcv(sa, packet.subarray(0, icvAt), high);
    if (!timingSafeEqual(want, packet.subarray(icvAt))) return dropped(sa, 'auth-failed', sequence);
    const d = createDecipheriv(sa.cipherName, sa.cipherKey, packet.subarray(HEADER_LENGTH, cipherStart));
    plain = d.setAutoPadding(false).update(ciphertext);
    d.final(); // whole blocks, no padding removal: emits nothing, cannot fail
  }
  // Authentic from here on: the window moves even if the contents turn out to be unusable.
  sa.replay.accept(sequence);
  const padLength = plain[cipherLength - 2]!;
  const nextHeader = plain[cipherLength - 1]!;
  const dataEnd = cipherLength - TRAILER_LENGTH - padLength;
  if (dataEnd < 0) return dropped(sa, 'malformed', sequence);
  for (let i = 0; i < padLength; i++) {
    if (plain[dataEnd + i] !== i + 1) return dropped(sa, 'bad-padding', sequence);
  }
  sa.record(dataEnd);
  if (nextHeader === EspNextHeader.NO_NEXT_HEADER) return dropped(sa, 'dummy-packet', sequence);
  if (sa.mode === 'tunnel' && !isTunnelPayload(nextHeader)) return dropped(sa, 'bad-next-header', sequence);
  // A plain Uint8Array view (not node's Buffer) over the decrypted bytes, padding left out.
  const data = new Uint8Array(plain.buffer, plain.byteOffset, dataEnd);
  return { ok: true, sa, nextHeader, data, sequence };
}
