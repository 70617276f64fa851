/**
 * Turns a charon log written with `ike = 4` into Wireshark's `ikev2_decryption_table`, so a capture of an
 * exchange with strongSwan can be decrypted (format: src/obs/keylog.ts, PEERS.md).
 *
 * What charon logs at that level, per IKE_SA (RFC 7296 §2.14 names):
 *   `Sk_ei secret => 16 bytes @ 0x...` followed by hex dump lines `   0: 14 BF 7B ...  ..{,`
 *   `natd_chunk => 22 bytes @ ...`: SPIi ‖ SPIr ‖ address ‖ port, the input of the NAT_DETECTION hashes
 *     (RFC 7296 §2.23), the only place the log shows the SPIs;
 *   `selected proposal: IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519` (cfg level 1).
 * Lines are `[time] <thread>[<GROUP>] [<name|id>] text`; a dump is one message, so its lines follow their
 * header in the same thread. With `ike_name = yes` (as scripts/peers/strongswan-conf.ts writes) every line
 * names its IKE_SA's unique id and SAs are told apart exactly; without it, SPIs and proposal are taken from
 * the latest lines before the keys, which is right while IKE_SA_INITs do not overlap.
 * A rekeyed IKE_SA's keys are logged in the old SA's context and its SPIs are not logged: such key sets come
 * out without SPIs (give them from VICI's ike-rekey event).
 *
 * Usage: npx tsx test/peers/strongswan/keys-from-log.ts charon.log > ikev2_decryption_table
 */
import { readFileSync } from 'node:fs';
import { toHex } from '../../../src/util/hex.ts';

export interface IkeSaKeys {
  /** charon's unique IKE_SA id, when the log carries `ike_name`. */
  readonly ikeSaId: string | undefined;
  readonly initiatorSpi: Uint8Array | undefined;
  readonly responderSpi: Uint8Array | undefined;
  /** The IKE proposal charon selected, e.g. `IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256`. */
  readonly proposal: string | undefined;
  /** SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr as logged (GCM keys include their 4-byte salt). */
  readonly keys: Readonly<Record<SkName, Uint8Array>>;
}

export type SkName = 'Sk_d' | 'Sk_ai' | 'Sk_ar' | 'Sk_ei' | 'Sk_er' | 'Sk_pi' | 'Sk_pr';
const SK_NAMES: readonly SkName[] = ['Sk_d', 'Sk_ai', 'Sk_ar', 'Sk_ei', 'Sk_er', 'Sk_pi', 'Sk_pr'];
const REQUIRED: readonly SkName[] = ['Sk_d', 'Sk_ei', 'Sk_er', 'Sk_pi', 'Sk_pr'];

/** The context of every line when the log does not name IKE_SAs: then it must hold one IKE_SA_INIT at a time. */
const ANY_SA = '*';
const LINE = /(\d+)\[([A-Z]{3})\] (?:<(?:[^|>]*\|)?(\d+)> )?(.*)$/;
const DUMP_HEADER = /^(.+?) => (\d+) bytes @ /;
/** strongSwan's chunk dump: `%4d: ` then 16 × `%02X ` (padded), a space, the ASCII column. */
const DUMP_LINE = /^\s*(\d+): (.{1,48})/;

interface Dump {
  readonly context: string;
  readonly label: string;
  readonly length: number;
  readonly bytes: number[];
}

interface Building {
  ikeSaId: string | undefined;
  spis: Uint8Array | undefined;
  proposal: string | undefined;
  keys: Partial<Record<SkName, Uint8Array>>;
}

/** Every complete key set in the log, in the order charon derived them. */
export function parseIkeKeysFromLog(text: string): IkeSaKeys[] {
  const done: IkeSaKeys[] = [];
  const building = new Map<string, Building>();
  const dumps = new Map<string, Dump>(); // by thread

  const sa = (context: string, ikeSaId: string | undefined): Building => {
    let b = building.get(context);
    if (b === undefined) {
      b = { ikeSaId, spis: undefined, proposal: undefined, keys: {} };
      building.set(context, b);
    }
    return b;
  };

  const finish = (d: Dump): void => {
    const b = sa(d.context, d.context === ANY_SA ? undefined : d.context);
    const bytes = Uint8Array.from(d.bytes);
    if (d.label === 'natd_chunk') {
      // SPIi ‖ SPIr; the first IKE_SA_INIT request's chunk has SPIr = 0 and is not the SA's pair yet.
      if (bytes.length >= 16 && bytes.subarray(8, 16).some((x) => x !== 0)) b.spis = bytes.slice(0, 16);
      return;
    }
    const name = d.label.replace(/ secret$/, '') as SkName;
    if (!SK_NAMES.includes(name) || d.label === name) return;
    if (name === 'Sk_d' && Object.keys(b.keys).length > 0) b.keys = {}; // a new derivation (IKE rekey) starts over
    b.keys[name] = bytes;
    // Sk_pr comes last; with an AEAD cipher there is no Sk_ai / Sk_ar line at all (RFC 5282 §7.1).
    if (name === 'Sk_pr' && REQUIRED.every((n) => b.keys[n] !== undefined)) {
      const none = new Uint8Array(0);
      done.push({
        ikeSaId: b.ikeSaId,
        initiatorSpi: b.spis?.slice(0, 8),
        responderSpi: b.spis?.slice(8, 16),
        proposal: b.proposal,
        keys: { ...b.keys, Sk_ai: b.keys.Sk_ai ?? none, Sk_ar: b.keys.Sk_ar ?? none } as Record<SkName, Uint8Array>,
      });
      b.keys = {};
      b.spis = undefined; // the SPIs belonged to this derivation
    }
  };

  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    const [, thread, , saId, message] = m as unknown as [string, string, string, string | undefined, string];
    const context = saId ?? ANY_SA;
    const open = dumps.get(thread);
    if (open !== undefined) {
      const row = DUMP_LINE.exec(message);
      if (row !== null && Number(row[1]) === open.bytes.length) {
        for (const pair of row[2]!.trim().split(/ +/))
          if (/^[0-9A-F]{2}$/.test(pair)) open.bytes.push(Number.parseInt(pair, 16));
        if (open.bytes.length >= open.length) {
          dumps.delete(thread);
          if (open.bytes.length === open.length) finish(open);
        }
        continue;
      }
      dumps.delete(thread); // cut short: the dump is incomplete, ignore it
    }
    const header = DUMP_HEADER.exec(message);
    if (header !== null) {
      const dump: Dump = { context, label: header[1]!, length: Number(header[2]), bytes: [] };
      if (dump.length === 0) finish(dump);
      else dumps.set(thread, dump);
      continue;
    }
    const proposal = /^selected proposal: (IKE:\S+)/.exec(message);
    if (proposal !== null) sa(context, saId).proposal = proposal[1];
  }
  return done;
}

/** Wireshark 4.0's IKEv2 UAT names (packet-isakmp.c) for charon's proposal tokens. */
const ENCRYPTION: Record<string, string> = {
  '3DES_CBC': '3DES [RFC2451]',
  NULL: 'NULL [RFC2410]',
};
for (const bits of [128, 192, 256]) {
  ENCRYPTION[`AES_CBC_${bits}`] = `AES-CBC-${bits} [RFC3602]`;
  ENCRYPTION[`AES_CTR_${bits}`] = `AES-CTR-${bits} [RFC5930]`;
  for (const icv of [8, 12, 16]) {
    ENCRYPTION[`AES_GCM_${icv}_${bits}`] = `AES-GCM-${bits} with ${icv} octet ICV [RFC5282]`;
    ENCRYPTION[`AES_CCM_${icv}_${bits}`] = `AES-CCM-${bits} with ${icv} octet ICV [RFC5282]`;
  }
}
const INTEGRITY: Record<string, string> = {
  HMAC_MD5_96: 'HMAC_MD5_96 [RFC2403]',
  HMAC_SHA1_96: 'HMAC_SHA1_96 [RFC2404]',
  HMAC_SHA2_256_128: 'HMAC_SHA2_256_128 [RFC4868]',
  HMAC_SHA2_384_192: 'HMAC_SHA2_384_192 [RFC4868]',
  HMAC_SHA2_512_256: 'HMAC_SHA2_512_256 [RFC4868]',
};
const NO_INTEGRITY = 'NONE [RFC4306]';

/** Wireshark's encryption and integrity names for a charon IKE proposal; RangeError for others. */
export function wiresharkIkeAlgorithms(proposal: string): { encryption: string; integrity: string } {
  const tokens = proposal.replace(/^IKE:/, '').split('/');
  const encryption = tokens.map((t) => ENCRYPTION[t]).find((n) => n !== undefined);
  if (encryption === undefined) throw new RangeError(`no Wireshark name for the encryption in ${proposal}`);
  const aead = /AES-(GCM|CCM)/.test(encryption);
  const integrity = aead ? NO_INTEGRITY : tokens.map((t) => INTEGRITY[t]).find((n) => n !== undefined);
  if (integrity === undefined) throw new RangeError(`no Wireshark name for the integrity in ${proposal}`);
  return { encryption, integrity };
}

/**
 * One ikev2_decryption_table line: SPIs and keys as unquoted hex, algorithm names quoted.
 * `spis` overrides (or supplies) the SPIs, `proposal` the algorithms.
 */
export function ikev2DecryptionTableLine(
  k: IkeSaKeys,
  over: { initiatorSpi?: Uint8Array; responderSpi?: Uint8Array; proposal?: string } = {},
): string {
  const spiI = over.initiatorSpi ?? k.initiatorSpi;
  const spiR = over.responderSpi ?? k.responderSpi;
  const proposal = over.proposal ?? k.proposal;
  if (spiI?.length !== 8 || spiR?.length !== 8) throw new RangeError(`IKE_SA ${k.ikeSaId ?? '?'}: SPIs unknown`);
  if (proposal === undefined) throw new RangeError(`IKE_SA ${k.ikeSaId ?? '?'}: proposal unknown`);
  const { encryption, integrity } = wiresharkIkeAlgorithms(proposal);
  const { Sk_ei, Sk_er, Sk_ai, Sk_ar } = k.keys;
  return [
    toHex(spiI),
    toHex(spiR),
    toHex(Sk_ei),
    toHex(Sk_er),
    `"${encryption}"`,
    toHex(Sk_ai),
    toHex(Sk_ar),
    `"${integrity}"`,
  ].join(',');
}

/** The table for every key set of the log whose SPIs and proposal the log shows. */
export function ikev2DecryptionTableFromLog(text: string): string {
  return parseIkeKeysFromLog(text)
    .filter((k) => k.initiatorSpi !== undefined && k.proposal !== undefined)
    .map((k) => `${ikev2DecryptionTableLine(k)}\n`)
    .join('');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: keys-from-log.ts <charon.log>  (a log written with ike = 4)\n');
    process.exit(2);
  }
  process.stdout.write(ikev2DecryptionTableFromLog(readFileSync(file, 'utf8')));
}
