import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { ESP_ALIGNMENT, ESP_HEADER_LENGTH, ESP_MAX_PAD_LENGTH, ESP_TRAILER_LENGTH } from './constants.ts';

/**
 * ESP framing (RFC 4303 §2): the clear header and the protected remainder, plus the trailer of a decrypted
 * payload. No cryptography here: the IPsec layer passes IV/ICV lengths and does the cipher work.
 */
export interface EspPacket {
  /** Non-zero (RFC 4303 §2.1: 0 is reserved for local use and never sent). */
  readonly spi: number;
  /** Low 32 bits of the sequence number (RFC 4303 §2.2). */
  readonly sequence: number;
  /** IV ‖ ciphertext ‖ ICV, as one view; see `splitEspPayload`. */
  readonly payload: Uint8Array;
}

export function parseEspPacket(r: Reader): EspPacket {
  const at = r.absoluteOffset;
  const spi = r.u32('SPI');
  if (spi === 0) throw new WireError('BAD_VALUE', r.layer, at, 'ESP SPI 0 is reserved for local use');
  const sequence = r.u32('sequence number');
  return { spi, sequence, payload: r.rest() };
}

export function espPacketLength(p: EspPacket): number {
  return ESP_HEADER_LENGTH + p.payload.length;
}

export function emitEspPacket(p: EspPacket, w: Writer): void {
  if (p.spi === 0 || p.spi >>> 0 !== p.spi) throw new RangeError(`ESP SPI ${p.spi} is not a non-zero u32`);
  w.u32(p.spi).u32(p.sequence).bytes(p.payload);
}

export function decodeEspPacket(bytes: Uint8Array): EspPacket {
  return parseEspPacket(Reader.of(bytes, 'esp'));
}

export function encodeEspPacket(p: EspPacket): Uint8Array {
  return encodeWith(p, espPacketLength, emitEspPacket);
}

export interface EspProtectedParts {
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly icv: Uint8Array;
}

export interface EspLayout {
  /** Explicit IV: cipher block size for CBC, 8 for AES-GCM (RFC 4106 §3.1), 0 for NULL. */
  readonly ivLength: number;
  /** ICV length: 12 for HMAC-SHA1-96, 16 for HMAC-SHA-256-128 / GCM-16, 0 without integrity. */
  readonly icvLength: number;
  /** When given (> 1), the ciphertext must be whole blocks (RFC 4303 §2.4). */
  readonly blockSize?: number;
}

/** Splits an ESP payload into views; BAD_LENGTH when it cannot hold IV, the 2-byte trailer and ICV. */
export function splitEspPayload(payload: Uint8Array, layout: EspLayout): EspProtectedParts {
  const { ivLength, icvLength, blockSize } = layout;
  const ciphertextLength = payload.length - ivLength - icvLength;
  if (ciphertextLength < ESP_TRAILER_LENGTH) {
    throw new WireError('BAD_LENGTH', 'esp', ESP_HEADER_LENGTH, `ESP payload of ${payload.length} bytes too short`);
  }
  if (blockSize !== undefined && blockSize > 1 && ciphertextLength % blockSize !== 0) {
    throw new WireError('BAD_LENGTH', 'esp', ESP_HEADER_LENGTH + ivLength, `ciphertext not a multiple of ${blockSize}`);
  }
  return {
    iv: payload.subarray(0, ivLength),
    ciphertext: payload.subarray(ivLength, ivLength + ciphertextLength),
    icv: payload.subarray(ivLength + ciphertextLength),
  };
}

/** A decrypted ESP payload: Payload Data ‖ Padding ‖ Pad Length ‖ Next Header (RFC 4303 §2). */
export interface EspPlaintext {
  readonly data: Uint8Array;
  readonly padding: Uint8Array;
  readonly nextHeader: number;
  /**
   * Whether the padding is the default 1, 2, 3, … (RFC 4303 §2.4; true when empty). Reported, not enforced:
   * receivers SHOULD check it, but a cipher's RFC may define other contents, so the IPsec layer decides.
   */
  readonly paddingMonotonic: boolean;
}

/** Reads the trailer of a decrypted payload; a Pad Length that does not fit is BAD_LENGTH. */
export function parseEspPlaintext(plaintext: Uint8Array): EspPlaintext {
  const n = plaintext.length;
  if (n < ESP_TRAILER_LENGTH) throw new WireError('TRUNCATED', 'esp', 0, `ESP plaintext of ${n} bytes has no trailer`);
  const padLength = plaintext[n - 2]!;
  const nextHeader = plaintext[n - 1]!;
  const dataEnd = n - ESP_TRAILER_LENGTH - padLength;
  if (dataEnd < 0) throw new WireError('BAD_LENGTH', 'esp', n - 2, `pad length ${padLength} exceeds the plaintext`);
  const padding = plaintext.subarray(dataEnd, n - ESP_TRAILER_LENGTH);
  let paddingMonotonic = true;
  for (let i = 0; i < padding.length; i++) {
    if (padding[i] !== i + 1) {
      paddingMonotonic = false;
      break;
    }
  }
  return { data: plaintext.subarray(0, dataEnd), padding, nextHeader, paddingMonotonic };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Payload Data ‖ default padding (1, 2, 3, …) ‖ Pad Length ‖ Next Header, right-aligned to both the cipher
 * block size and 4 bytes (RFC 4303 §2.4). The IV is not part of the plaintext; with IV lengths that are
 * multiples of 4 (all ESP ciphers used here) the ICV then starts 4-aligned too.
 */
export function buildEspPlaintext(data: Uint8Array, nextHeader: number, blockSize = 1): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 256) throw new RangeError(`block size ${blockSize}`);
  const alignment = (blockSize * ESP_ALIGNMENT) / gcd(blockSize, ESP_ALIGNMENT);
  const padLength = (alignment - ((data.length + ESP_TRAILER_LENGTH) % alignment)) % alignment;
  if (padLength > ESP_MAX_PAD_LENGTH) throw new RangeError(`padding of ${padLength} bytes exceeds 255`);
  const out = new Uint8Array(data.length + padLength + ESP_TRAILER_LENGTH);
  out.set(data, 0);
  for (let i = 0; i < padLength; i++) out[data.length + i] = i + 1;
  out[out.length - 2] = padLength;
  out[out.length - 1] = nextHeader;
  return out;
}
