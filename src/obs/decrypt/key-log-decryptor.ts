/**
 * The dissector's Decryptor (src/wire/dissect/decryptor.ts) backed by a Wireshark key log: `esp_sa` and
 * `ikev2_decryption_table` in a directory, as `dsmip demo --keylog DIR` (src/obs/keylog.ts) writes them.
 * Finds the SA, splits the protected data with the algorithm's IV and ICV lengths, checks the ICV and decrypts;
 * every outcome is a value, never an exception.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WireError } from '../../util/errors.ts';
import { toHex } from '../../util/hex.ts';
import type { Decryptor, EspOuterAddresses, Opened } from '../../wire/dissect/decryptor.ts';
import { ESP_HEADER_LENGTH } from '../../wire/esp/constants.ts';
import { splitEspPayload } from '../../wire/esp/esp.ts';
import { encryptedDataOffsets, splitEncryptedData } from '../../wire/ike/encrypted.ts';
import type { IkeHeader } from '../../wire/ike/header.ts';
import type { EncryptedFragmentPayload, EncryptedPayload } from '../../wire/ike/payload.ts';
import { ESP_SA_FILE, IKEV2_DECRYPTION_TABLE_FILE } from '../keylog.ts';
import type { CipherSpec, IntegSpec, Named } from './algorithms.ts';
import { type EspSaEntry, findEspSa, parseEspSaFile } from './esp-sa-table.ts';
import { type IkeSaEntry, ikeSaKey, indexIkeSas, parseIkev2DecryptionTable } from './ikev2-table.ts';
import { KeyFileError } from './key-file.ts';
import { unprotect } from './open-protected.ts';

export class KeyLogDecryptor implements Decryptor {
  private readonly ikeIndex: ReadonlyMap<string, IkeSaEntry>;

  constructor(
    readonly espSas: readonly EspSaEntry[],
    readonly ikeSas: readonly IkeSaEntry[],
  ) {
    this.ikeIndex = indexIkeSas(ikeSas);
  }

  openIke(message: Uint8Array, header: IkeHeader, encrypted: EncryptedPayload | EncryptedFragmentPayload): Opened {
    const sa = this.ikeIndex.get(ikeSaKey(header.initiatorSpi, header.responderSpi));
    if (!sa) {
      const spis = `${toHex(header.initiatorSpi)}/${toHex(header.responderSpi)}`;
      return { kind: 'no-key', detail: `no ${IKEV2_DECRYPTION_TABLE_FILE} line for SPIs ${spis}` };
    }
    return openIkeWithSa(sa, message, header, encrypted);
  }

  openEsp(packet: Uint8Array, outer: EspOuterAddresses | undefined): Opened {
    if (packet.length < ESP_HEADER_LENGTH) {
      return { kind: 'malformed', error: new WireError('TRUNCATED', 'esp', 0, `ESP packet of ${packet.length} bytes`) };
    }
    const spi = ((packet[0]! << 24) | (packet[1]! << 16) | (packet[2]! << 8) | packet[3]!) >>> 0;
    const sa = findEspSa(this.espSas, spi, outer);
    if (!sa) {
      const where = outer ? ` from ${outer.source} to ${outer.destination} (IPv${outer.version})` : '';
      return {
        kind: 'no-key',
        detail: `no ${ESP_SA_FILE} line for SPI 0x${spi.toString(16).padStart(8, '0')}${where}`,
      };
    }
    return openEspWithSa(sa, packet);
  }
}

type Suite =
  | { readonly ok: true; readonly cipher: CipherSpec; readonly integrity: IntegSpec; readonly icvLength: number }
  | { readonly ok: false; readonly opened: Opened };

/** The cipher and, unless the cipher is AEAD (RFC 4303 §3.2, RFC 5282 §8), the integrity algorithm of an SA. */
function suiteOf(encryption: Named<CipherSpec>, integrity: Named<IntegSpec>): Suite {
  const cipher = encryption.spec;
  if (!cipher) return { ok: false, opened: { kind: 'unsupported', algorithm: encryption.name } };
  if (cipher.mode === 'gcm') return { ok: true, cipher, integrity: { icvLength: 0 }, icvLength: cipher.tagLength };
  const integ = integrity.spec;
  if (!integ) return { ok: false, opened: { kind: 'unsupported', algorithm: integrity.name } };
  return { ok: true, cipher, integrity: integ, icvLength: integ.icvLength };
}

function names(encryption: Named<CipherSpec>, integrity: Named<IntegSpec>) {
  const cipher = encryption.spec;
  // With GCM the cipher's own tag is the ICV (RFC 4106 §6, RFC 5282 §3) and the integrity column is unused.
  const icv = cipher?.mode === 'gcm' ? `GCM tag (${cipher.tagLength} octets)` : integrity.name;
  return { encryption: encryption.name, integrity: icv };
}

/** RFC 7296 §3.14 (CBC + HMAC), RFC 5282 §3–§5 (GCM), RFC 7383 §2.5 (SKF: the same, its header in the AAD). */
export function openIkeWithSa(
  sa: IkeSaEntry,
  message: Uint8Array,
  header: IkeHeader,
  encrypted: EncryptedPayload | EncryptedFragmentPayload,
): Opened {
  const suite = suiteOf(sa.encryption, sa.integrity);
  if (!suite.ok) return suite.opened;
  const { cipher, icvLength } = suite;
  const { dataStart } = encryptedDataOffsets(message.length, encrypted);
  let parts: ReturnType<typeof splitEncryptedData>;
  try {
    parts = splitEncryptedData(encrypted.data, { ivLength: cipher.ivLength, icvLength, blockSize: cipher.blockSize });
  } catch (e) {
    if (e instanceof WireError) return { kind: 'malformed', error: e.rebased(dataStart) };
    throw e;
  }
  // RFC 7296 §2.14: SK_ei/SK_ai protect the original initiator's messages, which carry the I flag (§3.1).
  const fromInitiator = header.initiator;
  const result = unprotect({
    cipher,
    integrity: suite.integrity,
    encryptionKey: fromInitiator ? sa.skEi : sa.skEr,
    integrityKey: fromInitiator ? sa.skAi : sa.skAr,
    ...parts,
    // The checksum covers the message from the IKE header through Pad Length (RFC 7296 §3.14); GCM's associated
    // data is the IKE header through the Encrypted payload's header, IV excluded (RFC 5282 §5.1).
    authenticated: message.subarray(0, message.length - icvLength),
    aad: message.subarray(0, dataStart),
  });
  const n = names(sa.encryption, sa.integrity);
  if (!result.ok) return { kind: 'integrity-failed', ...n };
  return { kind: 'decrypted', ...n, integrityChecked: result.checked, plaintext: result.plaintext };
}

/** RFC 4303 §3.4 (CBC + HMAC: ICV over SPI through the ciphertext) and RFC 4106 §5 (GCM: AAD = SPI ‖ Sequence). */
export function openEspWithSa(sa: EspSaEntry, packet: Uint8Array): Opened {
  const suite = suiteOf(sa.encryption, sa.integrity);
  if (!suite.ok) return suite.opened;
  const { cipher, icvLength } = suite;
  let parts: ReturnType<typeof splitEspPayload>;
  try {
    parts = splitEspPayload(packet.subarray(ESP_HEADER_LENGTH), {
      ivLength: cipher.ivLength,
      icvLength,
      blockSize: cipher.blockSize,
    });
  } catch (e) {
    if (e instanceof WireError) return { kind: 'malformed', error: e };
    throw e;
  }
  const result = unprotect({
    cipher,
    integrity: suite.integrity,
    encryptionKey: sa.encryptionKey,
    integrityKey: sa.integrityKey,
    ...parts,
    authenticated: packet.subarray(0, packet.length - icvLength),
    // 32-bit sequence numbers: a key log line does not say whether ESN was negotiated (Wireshark assumes not).
    aad: packet.subarray(0, ESP_HEADER_LENGTH),
  });
  const n = names(sa.encryption, sa.integrity);
  if (!result.ok) return { kind: 'integrity-failed', ...n };
  return { kind: 'decrypted', ...n, integrityChecked: result.checked, plaintext: result.plaintext };
}

/**
 * Reads `dir`'s esp_sa and ikev2_decryption_table. One of them may be missing; a missing directory, a directory
 * with neither file, or a line Wireshark would refuse is a KeyFileError naming the file (and line).
 */
export function loadKeyLog(dir: string): KeyLogDecryptor {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new KeyFileError('MISSING', dir, 0, 'no such key log directory');
  const espPath = join(dir, ESP_SA_FILE);
  const ikePath = join(dir, IKEV2_DECRYPTION_TABLE_FILE);
  if (!existsSync(espPath) && !existsSync(ikePath)) {
    throw new KeyFileError('MISSING', dir, 0, `neither ${ESP_SA_FILE} nor ${IKEV2_DECRYPTION_TABLE_FILE} is there`);
  }
  // latin1: a UAT string's characters are its bytes.
  const read = (p: string) => {
    if (!existsSync(p)) return '';
    try {
      return readFileSync(p, 'latin1');
    } catch (e) {
      throw new KeyFileError('UNREADABLE', p, 0, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  };
  return new KeyLogDecryptor(parseEspSaFile(read(espPath), espPath), parseIkev2DecryptionTable(read(ikePath), ikePath));
}
