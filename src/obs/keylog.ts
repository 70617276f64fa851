/**
 * A key log in Wireshark's own formats, so a capture of our traffic can be decrypted by anyone holding it:
 *   esp_sa                  (UAT "ESP SAs", packet-ipsec.c): quoted CSV, one SA per line
 *     "IPv6","<src>","<dst>","0x<spi>","<encryption>","0x<key>","<authentication>","0x<key>"
 *   ikev2_decryption_table  (UAT "IKEv2 Decryption Table", packet-isakmp.c): SPIs and keys as unquoted hex
 *     <SPIi>,<SPIr>,<SK_ei>,<SK_er>,"<encryption>",<SK_ai>,<SK_ar>,"<integrity>"
 *   preferences             esp.enable_encryption_decode: TRUE (and the ICV check)
 * Algorithm names are Wireshark's value strings (Wireshark 4.0). AES-GCM keys carry their 4-byte salt at the end,
 * as negotiated (RFC 4106 §8.1, RFC 5282 §7.1), and that is what Wireshark expects.
 * Formatting is pure; `KeyLogWriter` appends the lines to files in a directory (WIRESHARK_CONFIG_DIR).
 * The files hold session keys: created 0600, the directory 0700 when we create it. A write error (a full disk) never
 * reaches the IKE event path: the key log stops, is tried again later (output-guard.ts), lost lines are counted.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENCR_ID, INTEG_ID } from '../crypto/transforms.ts';
import type { EspSaParams } from '../ipsec/sa-params.ts';
import { toHex } from '../util/hex.ts';
import type { IpAddress } from '../util/ip-address.ts';
import { type OpenFileSink, OutputGuard, type OutputGuardOptions, openFileSink } from './output-guard.ts';

export const ESP_SA_FILE = 'esp_sa';
export const IKEV2_DECRYPTION_TABLE_FILE = 'ikev2_decryption_table';
export const PREFERENCES_FILE = 'preferences';

/** Preference lines that make Wireshark decrypt ESP with the esp_sa table and check its ICVs. */
export const WIRESHARK_ESP_PREFERENCES: readonly string[] = [
  'esp.enable_encryption_decode: TRUE',
  'esp.enable_authentication_check: TRUE',
];

interface EncrChoice {
  readonly id: number;
  readonly keyLengthBits: number;
}

function unsupported(what: string): never {
  throw new RangeError(`Wireshark key log: no name for ${what}`);
}

/** ESP encryption names in packet-ipsec.c's table: AES-CBC for every key length, GCM by ICV length. */
export function espEncryptionName(encr: EncrChoice): string {
  if (encr.id === ENCR_ID.AES_CBC) return 'AES-CBC [RFC3602]';
  if (encr.id === ENCR_ID.AES_GCM_16) return 'AES-GCM with 16 octet ICV [RFC4106]';
  return unsupported(`ESP encryption ${encr.id}`);
}

/** ESP authentication names in packet-ipsec.c's table; AEAD ciphers take "NULL". */
export function espAuthenticationName(integ: number | undefined): string {
  if (integ === undefined || integ === INTEG_ID.NONE) return 'NULL';
  if (integ === INTEG_ID.HMAC_SHA1_96) return 'HMAC-SHA-1-96 [RFC2404]';
  if (integ === INTEG_ID.HMAC_SHA2_256_128) return 'HMAC-SHA-256-128 [RFC4868]';
  return unsupported(`ESP integrity ${integ}`);
}

/** IKEv2 encryption names in packet-isakmp.c's table: key length in the name. */
export function ikeEncryptionName(encr: EncrChoice): string {
  const bits = encr.keyLengthBits;
  if (bits !== 128 && bits !== 192 && bits !== 256) return unsupported(`AES key length ${bits}`);
  if (encr.id === ENCR_ID.AES_CBC) return `AES-CBC-${bits} [RFC3602]`;
  if (encr.id === ENCR_ID.AES_GCM_16) return `AES-GCM-${bits} with 16 octet ICV [RFC5282]`;
  return unsupported(`IKE encryption ${encr.id}`);
}

/** IKEv2 integrity names in packet-isakmp.c's table; AEAD ciphers take "NONE [RFC4306]". */
export function ikeIntegrityName(integ: number | undefined): string {
  if (integ === undefined || integ === INTEG_ID.NONE) return 'NONE [RFC4306]';
  if (integ === INTEG_ID.HMAC_SHA1_96) return 'HMAC_SHA1_96 [RFC2404]';
  if (integ === INTEG_ID.HMAC_SHA2_256_128) return 'HMAC_SHA2_256_128 [RFC4868]';
  return unsupported(`IKE integrity ${integ}`);
}

export interface EspSaLineOptions {
  /** Outer IP version, needed when the SA has no addresses (Wireshark 4.0 accepts only "IPv4" and "IPv6"). */
  readonly family?: 4 | 6;
  /**
   * Write the SA's outer addresses instead of the wildcard "*". Off by default: the SPI already picks the SA,
   * and a mobile node's care-of address changes under a live SA (RFC 4877 §4.3).
   */
  readonly addresses?: boolean;
}

function familyOf(a: IpAddress | undefined): 4 | 6 | undefined {
  if (!a) return undefined;
  return a.bytes.length === 4 ? 4 : 6;
}

/** One esp_sa line (no newline). Source/destination follow the packets' direction: ours for outbound SAs. */
export function formatEspSaLine(sa: EspSaParams, options: EspSaLineOptions = {}): string {
  const family = options.family ?? familyOf(sa.localAddress) ?? familyOf(sa.remoteAddress);
  if (family === undefined) throw new RangeError(`ESP SA 0x${sa.spi.toString(16)}: give the key log an IP family`);
  const outbound = sa.direction === 'outbound';
  const from = outbound ? sa.localAddress : sa.remoteAddress;
  const to = outbound ? sa.remoteAddress : sa.localAddress;
  const addr = (a: IpAddress | undefined) => (options.addresses && a ? a.toString() : '*');
  const fields = [
    family === 4 ? 'IPv4' : 'IPv6',
    addr(from),
    addr(to),
    `0x${sa.spi.toString(16).padStart(8, '0')}`,
    espEncryptionName(sa.encr),
    `0x${toHex(sa.encrKey)}`,
    espAuthenticationName(sa.integ),
    sa.integKey && sa.integKey.length > 0 ? `0x${toHex(sa.integKey)}` : '',
  ];
  return fields.map((f) => `"${f}"`).join(',');
}

/** The keys of one IKE SA (RFC 7296 §2.14), as the IKE engine derived them. */
export interface IkeSaKeyLog {
  /** SPIi and SPIr, 8 bytes each. */
  readonly initiatorSpi: Uint8Array;
  readonly responderSpi: Uint8Array;
  readonly encr: EncrChoice;
  readonly integ?: number;
  /** SK_ei / SK_er, salt included for GCM. */
  readonly skEi: Uint8Array;
  readonly skEr: Uint8Array;
  /** SK_ai / SK_ar; absent with an AEAD cipher. */
  readonly skAi?: Uint8Array;
  readonly skAr?: Uint8Array;
}

/** One ikev2_decryption_table line (no newline). */
export function formatIkev2DecryptionLine(k: IkeSaKeyLog): string {
  if (k.initiatorSpi.length !== 8 || k.responderSpi.length !== 8) throw new RangeError('IKE SPIs are 8 bytes');
  const hex = (b: Uint8Array | undefined) => (b ? toHex(b) : '');
  return [
    toHex(k.initiatorSpi),
    toHex(k.responderSpi),
    toHex(k.skEi),
    toHex(k.skEr),
    `"${ikeEncryptionName(k.encr)}"`,
    hex(k.skAi),
    hex(k.skAr),
    `"${ikeIntegrityName(k.integ)}"`,
  ].join(',');
}

export interface KeyLogWriterOptions {
  /** What happens on a write error (report, back-off); logging keys never throws after the constructor. */
  readonly guard?: OutputGuardOptions;
  /** Opens a key file for appending; tests inject a failing one. */
  readonly openSink?: OpenFileSink;
}

/**
 * Appends key log lines to `dir`'s esp_sa and ikev2_decryption_table, creating the directory and adding the
 * ESP preference lines to `preferences` if they are missing (other preferences are left alone). The constructor
 * throws when the directory cannot be made or written (a config problem at start).
 */
export class KeyLogWriter {
  /** Write failures and key lines lost to them: read by the metrics (`dsmip_output_*`). */
  readonly health: OutputGuard;
  private readonly openSink: OpenFileSink;

  constructor(
    readonly dir: string,
    private readonly espOptions: EspSaLineOptions = {},
    o: KeyLogWriterOptions = {},
  ) {
    this.health = new OutputGuard(o.guard);
    this.openSink = o.openSink ?? openFileSink;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const prefs = join(dir, PREFERENCES_FILE);
    const existing = existsSync(prefs) ? readFileSync(prefs, 'utf8') : '';
    const have = new Set(existing.split('\n').map((l) => l.trim()));
    const missing = WIRESHARK_ESP_PREFERENCES.filter((l) => !have.has(l));
    if (missing.length > 0) {
      const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
      appendFileSync(prefs, `${sep}${missing.join('\n')}\n`, { mode: 0o600 });
    }
  }

  logEspSa(sa: EspSaParams, options: EspSaLineOptions = this.espOptions): void {
    this.append(ESP_SA_FILE, formatEspSaLine(sa, options));
  }

  logIkeSa(keys: IkeSaKeyLog): void {
    this.append(IKEV2_DECRYPTION_TABLE_FILE, formatIkev2DecryptionLine(keys));
  }

  /** One whole line or nothing: a failed write is cut back so the table stays parseable. */
  private append(file: string, line: string): void {
    if (!this.health.mayWrite()) {
      this.health.drop();
      return;
    }
    const bytes = new TextEncoder().encode(`${line}\n`);
    let sink: ReturnType<OpenFileSink> | undefined;
    let start = 0;
    const ok = this.health.attempt(() => {
      sink = this.openSink(join(this.dir, file), { flags: 'a', mode: 0o600 });
      start = sink.size();
      sink.append(bytes);
    });
    if (!ok) {
      this.health.drop();
      try {
        sink?.truncate(start);
      } catch {
        // Nothing more to do: Wireshark skips a malformed line.
      }
    }
    try {
      (sink as ReturnType<OpenFileSink> | undefined)?.close();
    } catch {
      // A deferred write error at close: the line is in the page cache or lost; either way nothing to do here.
    }
  }
}
