/**
 * The algorithm names of Wireshark 4.0's ESP SA table (packet-ipsec.c) and IKEv2 decryption table
 * (packet-isakmp.c), mapped to what decryption needs. A name Wireshark knows but this decoder cannot run maps to
 * `undefined` (shown as "algorithm X not supported"); a name Wireshark does not know makes the key file invalid.
 */

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface CipherSpec {
  readonly mode: 'null' | 'cbc' | 'gcm';
  /** Key bytes an entry may carry, the 4-byte salt included for GCM (RFC 4106 §8.1, RFC 5282 §7.1); [] = any. */
  readonly keyLengths: readonly number[];
  /** Per-packet IV: 16 for CBC (RFC 3602 §3), 8 for GCM (RFC 4106 §3.1, RFC 5282 §3.1), none for NULL. */
  readonly ivLength: number;
  /** Ciphertext must be whole blocks of this size (RFC 3602 §2.4); 1 for GCM and NULL. */
  readonly blockSize: number;
  /** GCM's own ICV (RFC 4106 §6, RFC 5282 §3); 0 when an integrity algorithm supplies it. */
  readonly tagLength: number;
}

export interface IntegSpec {
  /** Absent: the ICV is skipped without checking (Wireshark's "ANY n bit" entries, NULL). */
  readonly hash?: HashName;
  /** Truncated HMAC output carried in the packet (RFC 2404 §2, RFC 4868 §2.3). */
  readonly icvLength: number;
  /** IKE: the SK_a length the transform takes (RFC 7296 §2.14, the HMAC output size); absent = any. */
  readonly keyLength?: number;
}

/** One named algorithm of a key file line; `spec` undefined for a name Wireshark knows that this decoder does not decrypt (reported as unsupported). */
export interface Named<T> {
  readonly name: string;
  readonly spec: T | undefined;
}

const NULL_CIPHER: CipherSpec = { mode: 'null', keyLengths: [], ivLength: 0, blockSize: 1, tagLength: 0 };
const AES_BYTES = [16, 24, 32] as const;
const GCM_ICVS = [8, 12, 16] as const;
const GCM_SALT = 4;

function cbc(keyLengths: readonly number[]): CipherSpec {
  return { mode: 'cbc', keyLengths, ivLength: 16, blockSize: 16, tagLength: 0 };
}

function gcm(keyLengths: readonly number[], tagLength: number): CipherSpec {
  return { mode: 'gcm', keyLengths, ivLength: 8, blockSize: 1, tagLength };
}

function hmac(hash: HashName, icvLength: number, keyLength?: number): IntegSpec {
  return keyLength === undefined ? { hash, icvLength } : { hash, icvLength, keyLength };
}

function table<T>(entries: readonly (readonly [string, T | undefined])[]): ReadonlyMap<string, T | undefined> {
  return new Map(entries);
}

/** ESP encryption (packet-ipsec.c esp_encryption_type_vals). */
export const ESP_ENCRYPTION = table<CipherSpec>([
  ['NULL', NULL_CIPHER],
  ['TripleDES-CBC [RFC2451]', undefined],
  ['AES-CBC [RFC3602]', cbc(AES_BYTES)],
  ['AES-CTR [RFC3686]', undefined],
  ['DES-CBC [RFC2405]', undefined],
  ['CAST5-CBC [RFC2144]', undefined],
  ['BLOWFISH-CBC [RFC2451]', undefined],
  ['TWOFISH-CBC', undefined],
  // Wireshark's deprecated entry with no ICV length: which tag length it means is not written down.
  ['AES-GCM [RFC4106]', undefined],
  ...GCM_ICVS.map(
    (icv) =>
      [
        `AES-GCM with ${icv} octet ICV [RFC4106]`,
        gcm(
          AES_BYTES.map((n) => n + GCM_SALT),
          icv,
        ),
      ] as const,
  ),
]);

/** ESP authentication (packet-ipsec.c esp_authentication_type_vals); HMAC keys of any length, as Wireshark. */
export const ESP_INTEGRITY = table<IntegSpec>([
  ['NULL', { icvLength: 0 }],
  ['HMAC-SHA-1-96 [RFC2404]', hmac('sha1', 12)],
  ['HMAC-SHA-256-96 [draft-ietf-ipsec-ciph-sha-256-00]', hmac('sha256', 12)],
  ['HMAC-SHA-256-128 [RFC4868]', hmac('sha256', 16)],
  ['HMAC-SHA-384-192 [RFC4868]', hmac('sha384', 24)],
  ['HMAC-SHA-512-256 [RFC4868]', hmac('sha512', 32)],
  ['HMAC-MD5-96 [RFC2403]', hmac('md5', 12)],
  ['MAC-RIPEMD-160-96 [RFC2857]', undefined],
  ...[64, 96, 128, 192, 256].map(
    (bits) => [`ANY ${bits} bit authentication [no checking]`, { icvLength: bits / 8 }] as const,
  ),
]);

/** IKEv2 encryption (packet-isakmp.c vs_ikev2_encr_algs): the key length is part of the name. */
export const IKE_ENCRYPTION = table<CipherSpec>([
  ['3DES [RFC2451]', undefined],
  ['NULL [RFC2410]', NULL_CIPHER],
  ...AES_BYTES.flatMap((n) => [
    [`AES-CBC-${n * 8} [RFC3602]`, cbc([n])] as const,
    [`AES-CTR-${n * 8} [RFC5930]`, undefined] as const,
    ...GCM_ICVS.flatMap((icv) => [
      [`AES-GCM-${n * 8} with ${icv} octet ICV [RFC5282]`, gcm([n + GCM_SALT], icv)] as const,
      [`AES-CCM-${n * 8} with ${icv} octet ICV [RFC5282]`, undefined] as const,
    ]),
  ]),
]);

/** IKEv2 integrity (packet-isakmp.c vs_ikev2_auth_algs). */
export const IKE_INTEGRITY = table<IntegSpec>([
  ['NONE [RFC4306]', { icvLength: 0 }],
  ['HMAC_MD5_96 [RFC2403]', hmac('md5', 12, 16)],
  ['HMAC_SHA1_96 [RFC2404]', hmac('sha1', 12, 20)],
  ['HMAC_MD5_128 [RFC4595]', hmac('md5', 16, 16)],
  ['HMAC_SHA1_160 [RFC4595]', hmac('sha1', 20, 20)],
  ['HMAC_SHA2_256_96 [draft-ietf-ipsec-ciph-sha-256-00]', hmac('sha256', 12, 32)],
  ['HMAC_SHA2_256_128 [RFC4868]', hmac('sha256', 16, 32)],
  ['HMAC_SHA2_384_192 [RFC4868]', hmac('sha384', 24, 48)],
  ['HMAC_SHA2_512_256 [RFC4868]', hmac('sha512', 32, 64)],
  ...[64, 96, 128, 160, 192, 256].map(
    (bits) => [`ANY ${bits}-bits of Authentication [No Checking]`, { icvLength: bits / 8 }] as const,
  ),
]);

/** The entry for `name`, or undefined when the table does not know it. */
export function lookupAlgorithm<T>(names: ReadonlyMap<string, T | undefined>, name: string): Named<T> | undefined {
  return names.has(name) ? { name, spec: names.get(name) } : undefined;
}
