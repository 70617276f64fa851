import { WireError } from '../../util/errors.ts';
import { PAYLOAD_HEADER_LENGTH } from './constants.ts';
import type { EncryptedFragmentPayload, EncryptedPayload } from './payload.ts';

/**
 * Framing of the Encrypted payload (RFC 7296 §3.14; AEAD RFC 5282 §3): IV ‖ ciphertext ‖ ICV, with the
 * plaintext being payloads ‖ padding ‖ Pad Length. No cryptography here: the crypto layer passes the
 * IV/ICV lengths of the negotiated transforms.
 */
export interface EncryptedParts {
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly icv: Uint8Array;
}

export interface EncryptedLayout {
  /** CBC: the cipher block size; AES-GCM: 8 (RFC 5282 §3.1). */
  readonly ivLength: number;
  /** INTEG output length, or the AEAD tag length (8/12/16 for ENCR_AES_GCM_8/12/16). */
  readonly icvLength: number;
  /** When given, the ciphertext must be a whole number of blocks (RFC 7296 §3.14). */
  readonly blockSize?: number;
}

/**
 * Splits SK/SKF data into views. BAD_LENGTH when the data cannot hold IV, the mandatory Pad Length byte
 * and ICV, or when the ciphertext is not block-aligned.
 */
export function splitEncryptedData(data: Uint8Array, layout: EncryptedLayout): EncryptedParts {
  const { ivLength, icvLength, blockSize } = layout;
  const ciphertextLength = data.length - ivLength - icvLength;
  if (ciphertextLength < 1) {
    throw new WireError(
      'BAD_LENGTH',
      'ike',
      0,
      `encrypted data of ${data.length} bytes < IV ${ivLength} + 1 + ICV ${icvLength}`,
    );
  }
  if (blockSize !== undefined && blockSize > 1 && ciphertextLength % blockSize !== 0) {
    throw new WireError(
      'BAD_LENGTH',
      'ike',
      ivLength,
      `ciphertext of ${ciphertextLength} bytes is not a multiple of ${blockSize}`,
    );
  }
  return {
    iv: data.subarray(0, ivLength),
    ciphertext: data.subarray(ivLength, ivLength + ciphertextLength),
    icv: data.subarray(ivLength + ciphertextLength),
  };
}

export function joinEncryptedData(parts: EncryptedParts): Uint8Array {
  const out = new Uint8Array(parts.iv.length + parts.ciphertext.length + parts.icv.length);
  out.set(parts.iv, 0);
  out.set(parts.ciphertext, parts.iv.length);
  out.set(parts.icv, parts.iv.length + parts.ciphertext.length);
  return out;
}

/**
 * payloads ‖ padding ‖ Pad Length, with the minimum padding that makes the whole a multiple of
 * `blockSize` (RFC 7296 §3.14 SHOULD). Padding "MAY contain any value": zeros here.
 */
export function padIkePlaintext(payloads: Uint8Array, blockSize: number): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 256) throw new RangeError(`block size ${blockSize}`);
  const padLength = (blockSize - ((payloads.length + 1) % blockSize)) % blockSize;
  const out = new Uint8Array(payloads.length + padLength + 1);
  out.set(payloads, 0);
  out[out.length - 1] = padLength;
  return out;
}

/**
 * The payload bytes of a decrypted plaintext. The receiver accepts any Pad Length that fits (RFC 7296
 * §3.14 "MUST accept any length that results in proper alignment"); one that does not fit is BAD_LENGTH.
 */
export function stripIkePadding(plaintext: Uint8Array): Uint8Array {
  if (plaintext.length === 0) throw new WireError('TRUNCATED', 'ike', 0, 'decrypted SK plaintext is empty');
  const padLength = plaintext[plaintext.length - 1]!;
  if (padLength + 1 > plaintext.length) {
    throw new WireError('BAD_LENGTH', 'ike', plaintext.length - 1, `pad length ${padLength} exceeds the plaintext`);
  }
  return plaintext.subarray(0, plaintext.length - 1 - padLength);
}

/**
 * Where the SK/SKF payload and its data start in the encoded message. The Encrypted payload is last
 * (RFC 7296 §3.14), so its data ends the message. AEAD's associated data is bytes [0, dataStart)
 * (RFC 5282 §5.1); the integrity checksum covers [0, end − ICV length) (RFC 7296 §3.14).
 */
export function encryptedDataOffsets(
  messageLength: number,
  sk: EncryptedPayload | EncryptedFragmentPayload,
): { readonly payloadStart: number; readonly dataStart: number } {
  const dataStart = messageLength - sk.data.length;
  const headerLength = PAYLOAD_HEADER_LENGTH + (sk.kind === 'skf' ? 4 : 0);
  return { payloadStart: dataStart - headerLength, dataStart };
}
