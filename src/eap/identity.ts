/**
 * EAP-AKA identities from the IMSI: the home network realm (TS 23.003 §19.2), the root NAI (§19.3.2) and the
 * permanent username of RFC 4187 §4.1.1.6 ("0" followed by the IMSI digits).
 */
import { ConfigError } from '../util/errors.ts';

/** The parts of a root NAI; `mnc` is always the 3-digit form used in the realm. */
export interface RootNai {
  readonly imsi: string;
  readonly mcc: string;
  readonly mnc: string;
}

/** IMSI = MCC (3) ‖ MNC (2–3) ‖ MSIN, at most 15 digits (TS 23.003 §2.2); 6 is the shortest MCC+MNC+1. */
const IMSI_PATTERN = /^[0-9]{6,15}$/;
const MCC_PATTERN = /^[0-9]{3}$/;
const MNC_PATTERN = /^[0-9]{2,3}$/;
/** RFC 4187 §4.1.1.6: the permanent username of EAP-AKA is "0" then the IMSI. ("6" would be EAP-AKA'.) */
const AKA_PERMANENT_PREFIX = '0';
const ROOT_NAI_PATTERN = /^0([0-9]{6,15})@nai\.epc\.mnc([0-9]{3})\.mcc([0-9]{3})\.3gppnetwork\.org$/;
const PERMANENT_PATTERN = /^0([0-9]{6,15})(?:@([^@]+))?$/;
/** RFC 5448 §3: EAP-AKA′ permanent usernames start with "6". */
const AKA_PRIME_PERMANENT_PATTERN = /^6([0-9]{6,15})(?:@([^@]+))?$/;

const decoder = new TextDecoder('utf-8', { fatal: true });

export function isImsi(text: string): boolean {
  return IMSI_PATTERN.test(text);
}

/** MNC in its 3-digit realm form: a 2-digit MNC gets a leading zero (TS 23.003 §19.2). */
export function realmMnc(mnc: string): string {
  if (!MNC_PATTERN.test(mnc)) throw new ConfigError('INVALID', 'mnc', `MNC must be 2 or 3 digits, got "${mnc}"`);
  return mnc.padStart(3, '0');
}

function checkMcc(mcc: string): string {
  if (!MCC_PATTERN.test(mcc)) throw new ConfigError('INVALID', 'mcc', `MCC must be 3 digits, got "${mcc}"`);
  return mcc;
}

/** Home network realm `epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org` (TS 23.003 §19.2). */
export function homeNetworkRealm(mcc: string, mnc: string): string {
  return `epc.mnc${realmMnc(mnc)}.mcc${checkMcc(mcc)}.3gppnetwork.org`;
}

/** Realm of the root NAI: the home network realm prefixed with "nai." (TS 23.003 §19.3.2). */
export function rootNaiRealm(mcc: string, mnc: string): string {
  return `nai.${homeNetworkRealm(mcc, mnc)}`;
}

/**
 * Whether the IMSI starts with MCC ‖ MNC. A 3-digit MNC with a leading zero also matches its 2-digit form,
 * because the realm does not tell them apart (both pad to the same 3 digits).
 */
export function imsiMatchesPlmn(imsi: string, mcc: string, mnc: string): boolean {
  if (!imsi.startsWith(mcc)) return false;
  const rest = imsi.slice(mcc.length);
  if (rest.startsWith(mnc)) return true;
  return mnc.length === 3 && mnc[0] === '0' && rest.startsWith(mnc.slice(1));
}

/** `0<IMSI>@nai.epc.mnc<MNC>.mcc<MCC>.3gppnetwork.org` (TS 23.003 §19.3.2; "0" marks EAP-AKA, RFC 4187 §4.1.1.6). */
export function buildRootNai(id: { readonly imsi: string; readonly mcc: string; readonly mnc: string }): string {
  if (!isImsi(id.imsi)) throw new ConfigError('INVALID', 'imsi', `IMSI must be 6 to 15 digits, got "${id.imsi}"`);
  const realm = rootNaiRealm(id.mcc, id.mnc);
  if (!imsiMatchesPlmn(id.imsi, id.mcc, id.mnc)) {
    throw new ConfigError('INVALID', 'imsi', `IMSI ${id.imsi} does not start with MCC ${id.mcc} and MNC ${id.mnc}`);
  }
  return `${AKA_PERMANENT_PREFIX}${id.imsi}@${realm}`;
}

function asText(identity: Uint8Array | string): string | undefined {
  if (typeof identity === 'string') return identity;
  try {
    return decoder.decode(identity);
  } catch {
    return undefined; // not UTF-8, so not an NAI (RFC 4282 §2.1)
  }
}

/**
 * Parses a root NAI strictly (TS 23.003 §19.3.2). The realm compares case-insensitively (RFC 4282 §2.1),
 * the username exactly. Undefined for anything else, including an IMSI that contradicts the realm's PLMN.
 */
export function parseRootNai(identity: Uint8Array | string): RootNai | undefined {
  const text = asText(identity);
  if (text === undefined) return undefined;
  const at = text.indexOf('@');
  const normalised = at < 0 ? text : text.slice(0, at) + text.slice(at).toLowerCase();
  const m = ROOT_NAI_PATTERN.exec(normalised);
  if (!m) return undefined;
  const [, imsi, mnc, mcc] = m as unknown as [string, string, string, string];
  if (!imsiMatchesPlmn(imsi, mcc, mnc)) return undefined;
  return { imsi, mcc, mnc };
}

/**
 * An EAP-AKA permanent identity: the username "0" ‖ IMSI (RFC 4187 §4.1.1.6) with any realm or none
 * (the realm only routes the request, §4.1.1.5). This is what the server accepts in AT_IDENTITY; undefined
 * for pseudonyms, fast re-authentication identities, EAP-AKA' identities and anything malformed.
 */
export function parsePermanentIdentity(
  identity: Uint8Array | string,
  method: 'aka' | 'aka-prime' = 'aka',
): { readonly imsi: string; readonly realm?: string } | undefined {
  const text = asText(identity);
  if (text === undefined) return undefined;
  const m = (method === 'aka-prime' ? AKA_PRIME_PERMANENT_PATTERN : PERMANENT_PATTERN).exec(text);
  if (!m) return undefined;
  const imsi = m[1]!;
  return m[2] === undefined ? { imsi } : { imsi, realm: m[2] };
}
