/**
 * Which attributes each EAP-AKA message may and must carry (RFC 4187 §9), as tables, and the one check both
 * sides apply before acting on a message (RFC 4187 §6.3.1 for the peer, §6.3.2 for the server).
 */
import { type AkaAttribute, akaAttributeType, unknownNonSkippableAkaAttributes } from '../wire/eap/index.ts';

export type AkaAttributeKind = Exclude<AkaAttribute['kind'], 'unknown'>;

export interface AkaMessageRule {
  readonly required: readonly AkaAttributeKind[];
  /** Known attributes that may appear; any other known attribute is a "wrong attribute type". */
  readonly optional: readonly AkaAttributeKind[];
}

/**
 * Requests as the peer receives them. AT_IV/AT_ENCR_DATA (pseudonyms, re-auth ids) and AT_BIDDING are allowed
 * and ignored: this peer keeps no pseudonyms and speaks only EAP-AKA (RFC 4187 §9.3, RFC 9048 §4).
 */
export const PEER_RECEIVES = {
  // §9.1: exactly one identity-requesting attribute (checked by the peer); no AT_MAC, AT_IV, AT_ENCR_DATA.
  identity: { required: [], optional: ['permanent-id-req', 'fullauth-id-req', 'any-id-req'] },
  // §9.3: AT_RAND and AT_MAC MUST be included; AT_AUTN is needed by AKA itself (§3).
  challenge: {
    required: ['rand', 'autn', 'mac'],
    optional: ['result-ind', 'checkcode', 'iv', 'encr-data', 'bidding'],
  },
  // RFC 5448 §3.1, §3.2: EAP-AKA′ adds AT_KDF_INPUT (required) and AT_KDF (checked apart: it may repeat).
  challengePrime: {
    required: ['rand', 'autn', 'mac', 'kdf-input'],
    optional: ['result-ind', 'checkcode', 'iv', 'encr-data'],
  },
  // §9.10: AT_NOTIFICATION MUST be included; AT_MAC depends on the P bit (checked by the peer).
  notification: { required: ['notification'], optional: ['mac', 'iv', 'encr-data'] },
} as const satisfies Record<string, AkaMessageRule>;

/** Responses as the server receives them (RFC 4187 §9.2, §9.4, §9.5, §9.6, §9.9, §9.11). */
export const SERVER_RECEIVES = {
  identity: { required: ['identity'], optional: [] }, // §9.2: no AT_MAC, AT_IV or AT_ENCR_DATA
  // §9.4: AT_RES and AT_MAC MUST be included; encrypted attributes MUST be accepted even when this peer does not use them.
  challenge: { required: ['res', 'mac'], optional: ['checkcode', 'result-ind', 'iv', 'encr-data'] },
  authenticationReject: { required: [], optional: [] }, // §9.5
  synchronizationFailure: { required: ['auts'], optional: [] }, // §9.6
  clientError: { required: ['client-error-code'], optional: [] }, // §9.9
  notification: { required: [], optional: ['mac', 'iv', 'encr-data'] }, // §9.11
} as const satisfies Record<string, AkaMessageRule>;

export type AkaAttributeProblem =
  | 'UNKNOWN_NON_SKIPPABLE' // §8.1
  | 'DUPLICATE_ATTRIBUTE'
  | 'UNEXPECTED_ATTRIBUTE'
  | 'MISSING_ATTRIBUTE';

/**
 * The first problem with a message's attributes, or undefined. Unknown skippable attributes are ignored
 * (RFC 4187 §8.1); every other listed error case of §6.3.1 / §6.3.2 is reported.
 */
export function checkAkaAttributes(
  attributes: readonly AkaAttribute[],
  rule: AkaMessageRule,
): AkaAttributeProblem | undefined {
  if (unknownNonSkippableAkaAttributes(attributes).length > 0) return 'UNKNOWN_NON_SKIPPABLE';
  const seen = new Set<number>();
  for (const a of attributes) {
    const type = akaAttributeType(a);
    if (seen.has(type)) return 'DUPLICATE_ATTRIBUTE';
    seen.add(type);
    if (a.kind === 'unknown') continue; // skippable by the check above
    if (!rule.required.includes(a.kind) && !rule.optional.includes(a.kind)) return 'UNEXPECTED_ATTRIBUTE';
  }
  for (const kind of rule.required) {
    if (!attributes.some((a) => a.kind === kind)) return 'MISSING_ATTRIBUTE';
  }
  return undefined;
}

export type AkaIdRequestKind = 'permanent-id-req' | 'fullauth-id-req' | 'any-id-req';
const ID_REQUESTS: readonly string[] = ['permanent-id-req', 'fullauth-id-req', 'any-id-req'];
/** RFC 4187 §4.1.5: "the peer MUST NOT respond to more than three EAP-Request/AKA-Identity messages". */
export const MAX_IDENTITY_ROUNDS = 3;

/**
 * The peer's decision on an EAP-Request/AKA-Identity, given the identity requests answered before in this
 * exchange: the kind of identity asked for, or why the request breaks RFC 4187 §9.1 / §4.1.5.
 */
export function decideIdentityRequest(
  attributes: readonly AkaAttribute[],
  previous: readonly AkaIdRequestKind[],
): AkaIdRequestKind | AkaAttributeProblem | 'IDENTITY_REQUEST_RULES' | 'TOO_MANY_IDENTITY_ROUNDS' {
  if (previous.length >= MAX_IDENTITY_ROUNDS) return 'TOO_MANY_IDENTITY_ROUNDS';
  const problem = checkAkaAttributes(attributes, PEER_RECEIVES.identity);
  if (problem) return problem;
  const requests = attributes.filter((a) => ID_REQUESTS.includes(a.kind));
  // §9.1: one of the three MUST be included and they are mutually exclusive.
  if (requests.length !== 1) return 'IDENTITY_REQUEST_RULES';
  const kind = requests[0]!.kind as AkaIdRequestKind;
  // §4.1.5: AT_ANY_ID_REQ only in the first round; AT_FULLAUTH_ID_REQ never after AT_PERMANENT_ID_REQ.
  if (kind === 'any-id-req' && previous.length > 0) return 'IDENTITY_REQUEST_RULES';
  if (kind === 'fullauth-id-req' && previous.at(-1) === 'permanent-id-req') return 'IDENTITY_REQUEST_RULES';
  return kind;
}
