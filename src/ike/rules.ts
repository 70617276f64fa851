/**
 * Which payloads each exchange may carry (RFC 7296 §1.2–§1.5, RFC 4739 §2, RFC 5026 §5), as declarative tables in
 * the manner of strongSwan's message rules: the task code then reads payloads without re-checking counts.
 * Presence rules that depend on the step (the first IKE_AUTH request versus an EAP round) stay in the tasks.
 */
import { ExchangeType, NotifyType } from '../wire/ike/constants.ts';
import { type IkePayload, payloadType } from '../wire/ike/payload.ts';

type Kind = Exclude<IkePayload['kind'], 'unknown'>;

export interface MessageRules {
  /** Whether the payloads travel in an SK payload (everything after IKE_SA_INIT, RFC 7296 §1.2). */
  readonly encrypted: boolean;
  /** Kinds allowed, with their maximum count. A kind not listed is a syntax error. */
  readonly max: Readonly<Partial<Record<Kind, number>>>;
  /** Kinds a successful message must carry (error responses carry only Notify payloads). */
  readonly required: readonly Kind[];
}

const MANY = 64;
const COMMON = { notify: MANY, 'vendor-id': MANY } as const;

const IKE_SA_INIT_REQUEST: MessageRules = {
  encrypted: false,
  max: { ...COMMON, sa: 1, ke: 1, nonce: 1 },
  required: ['sa', 'ke', 'nonce'],
};
const IKE_SA_INIT_RESPONSE: MessageRules = {
  encrypted: false,
  max: { ...COMMON, sa: 1, ke: 1, nonce: 1, certreq: MANY },
  required: ['sa', 'ke', 'nonce'],
};
/** IKE_AUTH requests: the first (IDi, [CERT], [CERTREQ], [IDr], [AUTH], [CP], SA, TSi, TSr) or an EAP round. */
const IKE_AUTH_REQUEST: MessageRules = {
  encrypted: true,
  max: { ...COMMON, idi: 1, idr: 1, cert: MANY, certreq: MANY, auth: 1, cp: 1, sa: 1, tsi: 1, tsr: 1, eap: 1 },
  required: [],
};
const IKE_AUTH_RESPONSE: MessageRules = {
  encrypted: true,
  max: { ...COMMON, idr: 1, cert: MANY, auth: 1, cp: 1, sa: 1, tsi: 1, tsr: 1, eap: 1 },
  required: [],
};
/** CREATE_CHILD_SA (RFC 7296 §1.3): [N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr]. */
const CREATE_CHILD_SA_REQUEST: MessageRules = {
  encrypted: true,
  max: { ...COMMON, sa: 1, nonce: 1, ke: 1, tsi: 1, tsr: 1 },
  required: ['sa', 'nonce'],
};
const CREATE_CHILD_SA_RESPONSE: MessageRules = { ...CREATE_CHILD_SA_REQUEST, required: ['sa', 'nonce'] };
/** INFORMATIONAL (RFC 7296 §1.4): [N], [D], [CP]. */
const INFORMATIONAL: MessageRules = {
  encrypted: true,
  max: { ...COMMON, delete: MANY, cp: 1 },
  required: [],
};

const TABLE: ReadonlyMap<number, readonly [MessageRules, MessageRules]> = new Map([
  [ExchangeType.IKE_SA_INIT, [IKE_SA_INIT_REQUEST, IKE_SA_INIT_RESPONSE]],
  [ExchangeType.IKE_AUTH, [IKE_AUTH_REQUEST, IKE_AUTH_RESPONSE]],
  [ExchangeType.CREATE_CHILD_SA, [CREATE_CHILD_SA_REQUEST, CREATE_CHILD_SA_RESPONSE]],
  [ExchangeType.INFORMATIONAL, [INFORMATIONAL, INFORMATIONAL]],
]);

/** The rules of a message, or undefined for an exchange type this engine does not run. */
export function messageRules(exchangeType: number, response: boolean): MessageRules | undefined {
  return TABLE.get(exchangeType)?.[response ? 1 : 0];
}

export type RuleViolation = {
  readonly notifyType: typeof NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD | typeof NotifyType.INVALID_SYNTAX;
  readonly data: Uint8Array;
  readonly detail: string;
};

/**
 * Checks payloads against the table. An unknown payload with the critical bit is UNSUPPORTED_CRITICAL_PAYLOAD with
 * its type as data; without it, it is skipped (RFC 7296 §2.5). Disallowed kinds, excess counts and missing
 * required kinds are INVALID_SYNTAX (RFC 7296 §2.21.2: a malformed message is rejected as a whole).
 */
export function checkPayloads(
  payloads: readonly IkePayload[],
  rules: MessageRules,
  options: { readonly requireAll: boolean },
): RuleViolation | undefined {
  const counts = new Map<string, number>();
  for (const p of payloads) {
    if (p.kind === 'unknown') {
      if (p.critical) {
        return {
          notifyType: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD,
          data: Uint8Array.of(p.type),
          detail: `unknown critical payload ${p.type}`,
        };
      }
      continue;
    }
    const max = rules.max[p.kind];
    const n = (counts.get(p.kind) ?? 0) + 1;
    counts.set(p.kind, n);
    if (max === undefined || n > max) return syntax(`payload ${payloadType(p)} not allowed here (${n})`);
  }
  if (options.requireAll) {
    for (const kind of rules.required) if (!counts.has(kind)) return syntax(`missing ${kind} payload`);
  }
  return undefined;
}

/** The payloads outside SK in a protected message: only the SK payload (and unknown non-critical ones). */
export function checkOuterPayloads(payloads: readonly IkePayload[]): RuleViolation | undefined {
  for (const p of payloads) {
    if (p.kind === 'sk') continue;
    if (p.kind === 'unknown' && !p.critical) continue;
    if (p.kind === 'unknown') {
      return { notifyType: NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, data: Uint8Array.of(p.type), detail: 'critical' };
    }
    return syntax(`payload ${payloadType(p)} outside the Encrypted payload`);
  }
  return undefined;
}

function syntax(detail: string): RuleViolation {
  return { notifyType: NotifyType.INVALID_SYNTAX, data: new Uint8Array(0), detail };
}

/** True for Notify Message Types that report errors (RFC 7296 §3.10.1: types below 16384). */
export function isErrorNotify(type: number): boolean {
  return type < NotifyType.INITIAL_CONTACT;
}
