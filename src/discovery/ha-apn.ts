/**
 * The HA-APN, the QNAME of DNS Home Agent discovery (TS 24.303 §5.1.2.1.2) and the target of a DHCPv6 id-type 1
 * request (§5.1.2.1.5): `<HA-APN NI>.<HA-APN OI>` with the default OI `ha-apn.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org`
 * (TS 23.003 §21.2, SPEC-NOTES §5 and §15 item 14), e.g. `internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org`.
 *
 * Rules checked (TS 23.003 §9.1, §9.1.1, §21.2 as digested in SPEC-NOTES §5): labels of letters, digits and
 * hyphens, 1..63 octets; the NI at most 63 octets encoded, not starting with "rac", "lac", "sgsn" or "rnc", not
 * ending in ".gprs", not "*", not containing "ha-apn." or "w-apn.", not ending in ".3gppnetwork.org"; MCC 3 digits,
 * MNC 2 or 3 digits written with 3 (zero-padded on the left); the whole name at most 100 octets in the APN label
 * encoding (length-prefixed labels, no root label). Letter case is not significant (TS 23.003 §9.1).
 */
import { ConfigError } from '../util/errors.ts';
import {
  APN_NI_MAX_ENCODED_LENGTH,
  DNS_LABEL_MAX_LENGTH,
  HA_APN_MAX_ENCODED_LENGTH,
  HA_APN_OI_DOMAIN,
  HA_APN_OI_FIRST_LABEL,
} from './constants.ts';

/** A PLMN identity as digit strings: MCC 3 digits, MNC 2 or 3. */
export interface Plmn {
  readonly mcc: string;
  readonly mnc: string;
}

export type HaApnProblem =
  | 'empty-label'
  | 'label-too-long'
  | 'bad-character'
  | 'ni-too-long'
  | 'ni-reserved-start' // "rac", "lac", "sgsn", "rnc"
  | 'ni-ends-in-gprs'
  | 'ni-wildcard'
  | 'ni-contains-ha-apn'
  | 'ni-contains-w-apn'
  | 'ni-ends-in-3gppnetwork-org'
  | 'too-long'
  | 'bad-mcc'
  | 'bad-mnc'
  | 'not-ha-apn'; // no default HA-APN Operator Identifier at the end

const LABEL = /^[A-Za-z0-9-]+$/;

/** Octets of the APN label encoding of a dotted name: one length octet per label, no root label. */
export function apnEncodedLength(name: string): number {
  return name.length + 1;
}

function labelProblem(name: string): HaApnProblem | undefined {
  for (const label of name.split('.')) {
    if (label.length === 0) return 'empty-label';
    if (label.length > DNS_LABEL_MAX_LENGTH) return 'label-too-long';
    if (!LABEL.test(label)) return 'bad-character';
  }
  return undefined;
}

/** Why `ni` cannot be an HA-APN Network Identifier, or undefined when it can. */
export function haApnNetworkIdentifierProblem(ni: string): HaApnProblem | undefined {
  if (ni === '*') return 'ni-wildcard';
  const labels = labelProblem(ni);
  if (labels) return labels;
  if (apnEncodedLength(ni) > APN_NI_MAX_ENCODED_LENGTH) return 'ni-too-long';
  const lower = ni.toLowerCase();
  if (/^(rac|lac|sgsn|rnc)/.test(lower)) return 'ni-reserved-start';
  if (lower === 'gprs' || lower.endsWith('.gprs')) return 'ni-ends-in-gprs';
  if (lower.includes('ha-apn.')) return 'ni-contains-ha-apn';
  if (lower.includes('w-apn.')) return 'ni-contains-w-apn';
  if (lower.endsWith('.3gppnetwork.org')) return 'ni-ends-in-3gppnetwork-org';
  return undefined;
}

/** MCC and MNC as the three digits each the OI uses, or the problem. */
export function normalisePlmn(plmn: Plmn): { mcc: string; mnc: string } | HaApnProblem {
  if (!/^[0-9]{3}$/.test(plmn.mcc)) return 'bad-mcc';
  if (!/^[0-9]{2,3}$/.test(plmn.mnc)) return 'bad-mnc';
  return { mcc: plmn.mcc, mnc: plmn.mnc.padStart(3, '0') };
}

/** `ha-apn.mnc<MNC>.mcc<MCC>.pub.3gppnetwork.org` (TS 23.003 §21.2). */
export function haApnOperatorIdentifier(plmn: Plmn): string {
  const p = normalisePlmn(plmn);
  if (typeof p === 'string') throw new RangeError(`PLMN ${plmn.mcc}/${plmn.mnc}: ${p}`);
  return `${HA_APN_OI_FIRST_LABEL}.mnc${p.mnc}.mcc${p.mcc}.${HA_APN_OI_DOMAIN}`;
}

export type HaApnBuild =
  | { readonly ok: true; readonly haApn: string }
  | { readonly ok: false; readonly problem: HaApnProblem };

/** The HA-APN for a Network Identifier and the PLMN whose OI to use (HPLMN, or the VPLMN's, TS 23.003 §21.2). */
export function tryBuildHaApn(networkIdentifier: string, plmn: Plmn): HaApnBuild {
  const niProblem = haApnNetworkIdentifierProblem(networkIdentifier);
  if (niProblem) return { ok: false, problem: niProblem };
  const p = normalisePlmn(plmn);
  if (typeof p === 'string') return { ok: false, problem: p };
  const haApn = `${networkIdentifier}.${haApnOperatorIdentifier(p)}`;
  if (apnEncodedLength(haApn) > HA_APN_MAX_ENCODED_LENGTH) return { ok: false, problem: 'too-long' };
  return { ok: true, haApn };
}

/** As `tryBuildHaApn`, for configuration: a ConfigError naming `path` when the inputs break a rule. */
export function buildHaApn(networkIdentifier: string, plmn: Plmn, path = 'ue.discovery.haApn'): string {
  const r = tryBuildHaApn(networkIdentifier, plmn);
  if (!r.ok) throw new ConfigError('INVALID', path, `cannot build an HA-APN: ${r.problem} (TS 23.003 §21.2)`);
  return r.haApn;
}

export type HaApnParse =
  | { readonly ok: true; readonly networkIdentifier: string; readonly mcc: string; readonly mnc: string }
  | { readonly ok: false; readonly problem: HaApnProblem };

const DEFAULT_OI = /^(.+)\.ha-apn\.mnc([0-9]{3})\.mcc([0-9]{3})\.pub\.3gppnetwork\.org\.?$/i;

/** Splits and checks an HA-APN with the default Operator Identifier (a trailing root dot is accepted). */
export function parseHaApn(name: string): HaApnParse {
  const m = DEFAULT_OI.exec(name);
  if (!m) return { ok: false, problem: 'not-ha-apn' };
  const [, ni, mnc, mcc] = m as unknown as [string, string, string, string];
  const niProblem = haApnNetworkIdentifierProblem(ni);
  if (niProblem) return { ok: false, problem: niProblem };
  if (apnEncodedLength(name.replace(/\.$/, '')) > HA_APN_MAX_ENCODED_LENGTH) return { ok: false, problem: 'too-long' };
  return { ok: true, networkIdentifier: ni, mcc, mnc };
}
