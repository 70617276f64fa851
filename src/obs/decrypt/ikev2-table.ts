/**
 * Wireshark's `ikev2_decryption_table` file (UAT "IKEv2 Decryption Table", packet-isakmp.c), one IKE SA per line:
 *   <SPIi>,<SPIr>,<SK_ei>,<SK_er>,"<encryption>",<SK_ai>,<SK_ar>,"<integrity>"
 * SPIs and keys are unquoted hex. An IKE SA is found by both SPIs (RFC 7296 §2.6: together they name it).
 * Key lengths are checked against the algorithms as Wireshark does; AES-GCM keys carry their salt (RFC 5282 §7.1).
 */
import { toHex } from '../../util/hex.ts';
import { type CipherSpec, IKE_ENCRYPTION, IKE_INTEGRITY, type IntegSpec, type Named } from './algorithms.ts';
import { bytesField, LineError, namedAlgorithm, parseRecords, textField } from './key-file.ts';
import type { UatField } from './uat.ts';

export interface IkeSaEntry {
  readonly line: number;
  readonly initiatorSpi: Uint8Array;
  readonly responderSpi: Uint8Array;
  readonly encryption: Named<CipherSpec>;
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  readonly integrity: Named<IntegSpec>;
  readonly skAi: Uint8Array;
  readonly skAr: Uint8Array;
}

export const IKEV2_TABLE_FIELDS = 8;
const SPI_LENGTH = 8; // RFC 7296 §3.1

/** All IKE SAs of an ikev2_decryption_table file; a line Wireshark would refuse is a KeyFileError naming it. */
export function parseIkev2DecryptionTable(text: string, file: string): IkeSaEntry[] {
  return parseRecords(text, file, IKEV2_TABLE_FIELDS, parseIkev2Record);
}

function parseIkev2Record(f: UatField[], line: number): IkeSaEntry {
  const initiatorSpi = spi(f[0]!, "initiator's SPI");
  const responderSpi = spi(f[1]!, "responder's SPI");
  const encryption = namedAlgorithm(IKE_ENCRYPTION, textField(f[4]!, 'encryption algorithm'), 'encryption');
  const integrity = namedAlgorithm(IKE_INTEGRITY, textField(f[7]!, 'integrity algorithm'), 'integrity');
  const skEi = bytesField(f[2]!);
  const skEr = bytesField(f[3]!);
  const skAi = bytesField(f[5]!);
  const skAr = bytesField(f[6]!);
  const cipher = encryption.spec;
  if (cipher && cipher.keyLengths.length > 0) {
    for (const [name, key] of [
      ['SK_ei', skEi],
      ['SK_er', skEr],
    ] as const) {
      if (!cipher.keyLengths.includes(key.length)) {
        throw new LineError(
          'BAD_KEY_LENGTH',
          `${name} is ${key.length} bytes, ${encryption.name} takes ${cipher.keyLengths[0]}`,
        );
      }
    }
  }
  // With an AEAD cipher the integrity column is not used (RFC 5282 §8), so its keys are not checked either.
  const keyLength = cipher?.mode === 'gcm' ? undefined : integrity.spec?.keyLength;
  if (keyLength !== undefined) {
    for (const [name, key] of [
      ['SK_ai', skAi],
      ['SK_ar', skAr],
    ] as const) {
      if (key.length !== keyLength) {
        throw new LineError('BAD_KEY_LENGTH', `${name} is ${key.length} bytes, ${integrity.name} takes ${keyLength}`);
      }
    }
  }
  return { line, initiatorSpi, responderSpi, encryption, skEi, skEr, integrity, skAi, skAr };
}

function spi(f: UatField, what: string): Uint8Array {
  const b = bytesField(f);
  if (b.length !== SPI_LENGTH) {
    throw new LineError(
      'BAD_VALUE',
      `${what} is ${b.length} bytes, need ${SPI_LENGTH} (write SPIs and keys as unquoted hex)`,
    );
  }
  return b;
}

/** Index by SPIi ‖ SPIr; the first line for a pair wins. */
export function indexIkeSas(entries: readonly IkeSaEntry[]): ReadonlyMap<string, IkeSaEntry> {
  const map = new Map<string, IkeSaEntry>();
  for (const e of entries) {
    const key = ikeSaKey(e.initiatorSpi, e.responderSpi);
    if (!map.has(key)) map.set(key, e);
  }
  return map;
}

export function ikeSaKey(initiatorSpi: Uint8Array, responderSpi: Uint8Array): string {
  return toHex(initiatorSpi) + toHex(responderSpi);
}
